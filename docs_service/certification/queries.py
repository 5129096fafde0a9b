"""Reads of the registry shared by the API list, the page and its CSV export: the constancias a user
may see (an operativo, its unit's; titular, admin and auditor, all), filtered, newest first."""
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import defer

from ..core.db import db
from ..core.fechas import inicio_del_dia
from .models import Constancia

FILTERS = ("folio", "nrp", "tipo", "estado", "desde", "hasta")


def sees_all(user) -> bool:
    return user.has_role("titular", "admin", "auditor")


def constancias_stmt(user, *, folio: str | None = None, nrp: str | None = None, tipo: str | None = None,
                     estado: str | None = None, desde: date | None = None, hasta: date | None = None):
    """`desde`/`hasta`: days of issue in Mexico City, both inclusive."""
    stmt = select(Constancia).order_by(Constancia.emitida.desc(), Constancia.id.desc())
    if not sees_all(user):
        stmt = stmt.where(Constancia.unidad_id == user.unidad_id)
    if folio:
        stmt = stmt.where(Constancia.folio == folio.strip().upper())
    if nrp:
        stmt = stmt.where(Constancia.nrp == nrp.strip().replace("-", "").upper())
    if tipo:
        stmt = stmt.where(Constancia.tipo == tipo)
    if estado:
        stmt = stmt.where(Constancia.estado == estado)
    if desde:
        stmt = stmt.where(Constancia.emitida >= inicio_del_dia(desde))
    if hasta:
        stmt = stmt.where(Constancia.emitida < inicio_del_dia(hasta + timedelta(days=1)))
    return stmt


def iter_rows(stmt, batch: int = 500):
    """Every row of `stmt` in batches (keyset on (emitida, id), newest first), so memory stays flat."""
    last = None
    while True:
        page = stmt
        if last is not None:
            emitida, ident = last
            page = stmt.where(or_(Constancia.emitida < emitida,
                                  and_(Constancia.emitida == emitida, Constancia.id < ident)))
        rows = db.session.scalars(page.options(defer(Constancia.datos), defer(Constancia.cadena),
                                               defer(Constancia.sello)).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = (rows[-1].emitida, rows[-1].id)
        for row in rows:
            db.session.expunge(row)
