"""Audit trail API (auditor, admin)."""
import json

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..core.access import policy, roles
from ..core.api_helpers import PageQuery, list_schema, paginate
from ..core.blueprint import Blueprint
from ..core.fields import DateTime
from .queries import trail_stmt

blp = Blueprint("auditoria", __name__, url_prefix="/api/v1", description="Bitácora de auditoría.")


class AuditQuery(PageQuery):
    accion = fields.String(validate=validate.Length(max=64))
    actor = fields.String(validate=validate.Length(max=64))
    objeto_tipo = fields.String(validate=validate.Length(max=40))
    objeto_id = fields.String(validate=validate.Length(max=80))
    resultado = fields.String(validate=validate.OneOf(["ok", "denegado", "rechazado"]))
    desde = fields.Date(metadata={"description": "Desde esta fecha (UTC), inclusive."})
    hasta = fields.Date(metadata={"description": "Hasta esta fecha (UTC), inclusive."})


class AuditOut(Schema):
    id = fields.Integer()
    fecha = DateTime()
    actor = fields.String()
    roles = fields.String()
    accion = fields.String()
    objeto_tipo = fields.String(allow_none=True)
    objeto_id = fields.String(allow_none=True)
    resultado = fields.String()
    detalle = fields.Function(lambda e: json.loads(e.detalle or "{}"))
    request_id = fields.String(allow_none=True)
    ip = fields.String(allow_none=True)
    hash = fields.String()


@blp.route("/auditoria")
class AuditList(MethodView):
    @policy(roles("auditor", "admin"))
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, list_schema(AuditOut, "AuditList"))
    def get(self, args):
        """Bitácora de auditoría, la más reciente primero"""
        stmt = trail_stmt(args)
        total, items = paginate(stmt, args["pagina"], args["por_pagina"])
        return {"total": total, "items": items}
