"""Reads: the consultas inbox and the consultas citing a version ("citado por"), each limited to
what the reader may see (routing.py)."""
from sqlalchemy import func, select

from ..core.db import db
from .models import Cita, Consulta
from .routing import visible_clause

READERS = ("consultor", "auditor")


def inbox_stmt(user, *, estado=None, tipo=None, desactualizadas=None, mias=None):
    stmt = (select(Consulta).where(visible_clause(user))
            .order_by(Consulta.citas_desactualizadas.desc(), Consulta.fecha_limite, Consulta.id))
    if estado:
        stmt = stmt.where(Consulta.estado == estado)
    if tipo:
        stmt = stmt.where(Consulta.tipo == tipo)
    if desactualizadas is not None:
        stmt = stmt.where(Consulta.citas_desactualizadas.is_(bool(desactualizadas)))
    if mias:
        stmt = stmt.where(Consulta.asignado_id == user.id)
    return stmt


def count(user, *conditions) -> int:
    return db.session.scalar(select(func.count(Consulta.id)).where(visible_clause(user), *conditions))


def cited_by(user, version_id: int) -> list[tuple[Consulta, Cita]]:
    return db.session.execute(select(Consulta, Cita).join(Cita, Cita.consulta_id == Consulta.id)
                              .where(Cita.version_id == version_id, visible_clause(user))
                              .order_by(Consulta.folio)).all()
