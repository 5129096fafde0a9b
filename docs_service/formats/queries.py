"""Reads: the catalog of formats in force on a day, a format's versions with definitions,
download statistics."""
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from ..accounts.models import Unit
from ..core.db import db
from ..core.textmatch import contains_folded
from ..documents.models import Document, Version
from .models import Download, FormatVersion


def _in_force(version, day: date):
    return and_(version.estado.in_(("publicado", "sustituido", "abrogado")), version.vigente_desde <= day,
                or_(version.vigente_hasta.is_(None), version.vigente_hasta >= day),
                or_(Document.abrogado_desde.is_(None), Document.abrogado_desde > day))


def catalog(day: date, texto: str | None = None, tema: str | None = None, pagina: int = 1, por_pagina: int = 20):
    """(total, [(Document, Version, FormatVersion)]) of formats with a version (with definition) in force."""
    version = aliased(Version)
    stmt = (select(Document, version, FormatVersion)
            .join(version, and_(version.documento_id == Document.id, _in_force(version, day)))
            .join(FormatVersion, FormatVersion.version_id == version.id)
            .where(Document.tipo == "formato"))
    if texto and texto.strip():
        texto = texto.strip()  # ignoring case and accents: «prescripcion» finds «prescripción»
        stmt = stmt.where(or_(*(contains_folded(column, texto) for column in (
            Document.titulo, Document.clave, Document.palabras_clave, FormatVersion.tema))))
    if tema:
        stmt = stmt.where(FormatVersion.tema == tema)
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.order_by(Document.clave).limit(por_pagina).offset((pagina - 1) * por_pagina)).all()
    return total, rows


def topics() -> list[str]:
    return [t for t in db.session.scalars(select(FormatVersion.tema).distinct().order_by(FormatVersion.tema)) if t]


def in_force(document: Document, day: date) -> Version | None:
    return next((v for v in document.versions if v.in_force_on(day)), None)


def stats(format_id: int | None = None):
    """Downloads grouped by format, version, unit, type and mode."""
    stmt = (select(Document.id, Document.clave, Document.titulo, Version.numero, Unit.clave, Unit.nombre,
                   Download.tipo, Download.modo, func.count(Download.id))
            .join(Version, Download.version_id == Version.id)
            .join(Document, Version.documento_id == Document.id)
            .outerjoin(Unit, Download.unidad_id == Unit.id)
            .group_by(Document.id, Document.clave, Document.titulo, Version.numero, Unit.clave, Unit.nombre,
                      Download.tipo, Download.modo)
            .order_by(Document.clave, Version.numero, Unit.clave, Download.tipo, Download.modo))
    if format_id is not None:
        stmt = stmt.where(Document.id == format_id)
    return [{"formato_id": r[0], "clave": r[1], "titulo": r[2], "version": r[3],
             "unidad": f"{r[4]} {r[5]}" if r[4] else "Oficinas sin unidad", "unidad_clave": r[4] or "",
             "tipo": r[6], "modo": r[7], "descargas": r[8]} for r in db.session.execute(stmt)]
