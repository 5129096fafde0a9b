"""Reads: visibility, the catalog (optionally as in force on a date), versions."""
from datetime import date

from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.orm import aliased

from ..core.db import db
from ..core.textmatch import contains_folded
from ..accounts.models import STAFF_ROLES as STAFF
from ..workflow.states import PUBLISHED_STATES
from .models import Document, Version


def sees_drafts(user) -> bool:
    return user is not None and user.has_role(*STAFF)


def can_view_version(user, version: Version) -> bool:
    return version.estado in PUBLISHED_STATES or sees_drafts(user)


def visible_versions(user, document: Document) -> list[Version]:
    """The versions `user` may see: all for staff, the published ones for everyone else."""
    return [v for v in document.versions if can_view_version(user, v)]


def can_view_document(user, document: Document) -> bool:
    return sees_drafts(user) or any(v.estado in PUBLISHED_STATES for v in document.versions)


def in_force_condition(version, day: date):
    """SQL: `version` (an alias of Version) is in force on `day` (vigencia dates and abrogation)."""
    return and_(version.estado.in_(PUBLISHED_STATES), version.vigente_desde <= day,
                or_(version.vigente_hasta.is_(None), version.vigente_hasta >= day),
                or_(Document.abrogado_desde.is_(None), Document.abrogado_desde > day))


def catalog_stmt(user, *, day: date, only_in_force: bool, tipo=None, estado=None, area=None, texto=None):
    """(rows, count) statements: documents with the version in force on `day` (outer join unless
    only_in_force). Both are driven from documentos (clave order) probing the vigencia index."""
    version = aliased(Version)
    condition = and_(version.documento_id == Document.id, in_force_condition(version, day))
    filters = []
    if tipo:
        filters.append(Document.tipo == tipo)
    if area and area.strip():  # ignoring case and accents: «division de registro» finds «División de Registro»
        filters.append(contains_folded(Document.area, area.strip()))
    if texto and texto.strip():
        filters.append(or_(*(contains_folded(column, texto.strip())
                             for column in (Document.titulo, Document.clave, Document.palabras_clave))))
    if estado:  # who sees published versions only may filter by published states only
        visible = sees_drafts(user) or estado in PUBLISHED_STATES
        filters.append(exists().where(Version.documento_id == Document.id, Version.estado == estado)
                       if visible else false())
    if not sees_drafts(user) and not only_in_force:  # in force already implies published
        filters.append(exists().where(Version.documento_id == Document.id, Version.estado.in_(PUBLISHED_STATES)))
    rows = select(Document, version)
    rows = rows.join(version, condition) if only_in_force else rows.outerjoin(version, condition)
    count = select(func.count(Document.id)).where(*filters)
    if only_in_force:  # at most one version is in force on a day, so EXISTS counts the same rows
        count = count.where(exists().where(condition))
    return rows.where(*filters).order_by(Document.clave), count


def page_catalog(stmts, pagina: int, por_pagina: int):
    rows_stmt, count_stmt = stmts
    total = db.session.scalar(count_stmt)
    rows = db.session.execute(rows_stmt.limit(por_pagina).offset((pagina - 1) * por_pagina)).all()
    return total, rows


def version_in_force(document: Document, day: date) -> Version | None:
    return next((v for v in document.versions if v.in_force_on(day)), None)
