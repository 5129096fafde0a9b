"""Shared API pieces: pagination, list envelopes, ETags."""
from flask import request
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from .db import db
from .errors import PreconditionRequired, StaleVersion


class StrictSchema(Schema):
    """Input schemas refuse unknown fields (no mass assignment)."""

    class Meta:
        unknown = "raise"


class PageQuery(StrictSchema):
    pagina = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000),
                            metadata={"description": "Página (desde 1)."})
    por_pagina = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100),
                                metadata={"description": "Elementos por página (1 a 100)."})


def paginate(stmt, pagina: int, por_pagina: int):
    """Returns (total, items) for a select statement of ORM entities."""
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = db.session.scalars(stmt.limit(por_pagina).offset((pagina - 1) * por_pagina)).unique().all()
    return total, items


def last_page(total: int, por_pagina: int) -> int:
    """The last page number of a list (1 for an empty list): pages past the end show this one."""
    return max(1, -(-total // por_pagina))


def list_schema(item_schema, name: str):
    """A `{total, items}` envelope schema for a list endpoint."""
    return type(name, (Schema,), {"total": fields.Integer(), "items": fields.List(fields.Nested(item_schema))})


def etag_of(kind: str, obj_id, version) -> str:
    return f'"{kind}-{obj_id}-v{version}"'


def require_if_match(current: str) -> None:
    """A write that replaces state must name the version it read: no header, or `*` (which would
    match any version), is 428; another version is 409. Document it with `@blp.if_match`."""
    sent = (request.headers.get("If-Match") or "").strip()
    tags = [t.strip() for t in sent.split(",") if t.strip()]
    if not tags or "*" in tags:
        raise PreconditionRequired("Envíe el encabezado If-Match con la ETag que leyó (no se acepta «*»).")
    if current not in tags:
        raise StaleVersion(etag_actual=current)
