"""Reads of the audit trail, shared by the API, the page and the CSV export."""
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from ..core.db import db
from ..core.fechas import ZONA, inicio_del_dia
from .models import AuditEntry

FILTERS = ("accion", "actor", "objeto_tipo", "objeto_id", "resultado")


def _utc(day: date, zone) -> datetime:
    """Midnight starting `day` in `zone` (UTC when none), as the naive UTC the trail stores."""
    return inicio_del_dia(day, zone or timezone.utc)


def trail_stmt(filters: dict, *, zone=None):
    """The trail, newest first, filtered by exact fields and by days `desde`/`hasta` (inclusive).
    Days are UTC days unless `zone` is given (the pages use Mexico City days)."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    for key in FILTERS:
        if filters.get(key):
            stmt = stmt.where(getattr(AuditEntry, key) == filters[key])
    if filters.get("desde"):
        stmt = stmt.where(AuditEntry.fecha >= _utc(filters["desde"], zone))
    if filters.get("hasta"):
        stmt = stmt.where(AuditEntry.fecha < _utc(filters["hasta"] + timedelta(days=1), zone))
    return stmt


def local_trail_stmt(filters: dict):
    return trail_stmt(filters, zone=ZONA)


def known_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.accion).distinct().order_by(AuditEntry.accion)))


def iter_rows(stmt, batch: int = 500):
    """Every row of `stmt` (ordered by id desc), fetched in batches by keyset so memory stays flat."""
    last_id = None
    while True:
        page = stmt if last_id is None else stmt.where(AuditEntry.id < last_id)
        rows = db.session.scalars(page.limit(batch)).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        db.session.expunge_all()
