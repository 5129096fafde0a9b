"""Reads: visibility, the catalog (optionally as in force on a date), versions."""
from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from ..core.db import db
from .models import PUBLISHED_STATES, Document, Version

# Roles that see drafts and the whole workflow; everyone else sees published versions only.
STAFF = ("normativo", "revisor", "titular", "validador", "auditor", "admin")


def sees_drafts(user) -> bool:
    return user is not None and user.has_role(*STAFF)


def can_view_version(user, version: Version) -> bool:
    return version.estado in PUBLISHED_STATES or sees_drafts(user)


def can_view_document(user, document: Document) -> bool:
    return sees_drafts(user) or any(v.estado in PUBLISHED_STATES for v in document.versions)


def in_force_condition(version, day: date):
    """SQL: `version` (an alias of Version) is in force on `day` (vigencia dates and abrogation)."""
    return and_(version.estado.in_(PUBLISHED_STATES), version.vigente_desde <= day,
                or_(version.vigente_hasta.is_(None), version.vigente_hasta >= day),
                or_(Document.abrogado_desde.is_(None), Document.abrogado_desde > day))


def catalog_stmt(user, *, day: date, only_in_force: bool, tipo=None, estado=None, area=None, texto=None):
    """Documents with the version in force on `day` (outer join unless only_in_force)."""
    version = aliased(Version)
    condition = and_(version.documento_id == Document.id, in_force_condition(version, day))
    stmt = select(Document, version)
    stmt = stmt.join(version, condition) if only_in_force else stmt.outerjoin(version, condition)
    if tipo:
        stmt = stmt.where(Document.tipo == tipo)
    if area:
        stmt = stmt.where(Document.area.ilike(f"%{area}%"))
    if texto:
        like = f"%{texto}%"
        stmt = stmt.where(or_(Document.titulo.ilike(like), Document.clave.ilike(like), Document.palabras_clave.ilike(like)))
    if estado:
        stmt = stmt.where(exists().where(Version.documento_id == Document.id, Version.estado == estado))
    if not sees_drafts(user):
        stmt = stmt.where(exists().where(Version.documento_id == Document.id, Version.estado.in_(PUBLISHED_STATES)))
    return stmt.order_by(Document.clave)


def page_catalog(stmt, pagina: int, por_pagina: int):
    from sqlalchemy import func
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(por_pagina).offset((pagina - 1) * por_pagina)).all()
    return total, rows


def version_in_force(document: Document, day: date) -> Version | None:
    return next((v for v in document.versions if v.in_force_on(day)), None)
