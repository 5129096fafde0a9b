"""Reads: the consultas inbox and the consultas citing a version ("citado por")."""
from sqlalchemy import select

from ..core.db import db
from .models import Cita, Consulta

READERS = ("consultor", "auditor")


def inbox_stmt(user, *, estado=None, tipo=None, desactualizadas=None, mias=None):
    stmt = select(Consulta).order_by(Consulta.citas_desactualizadas.desc(), Consulta.fecha_limite, Consulta.id)
    if estado:
        stmt = stmt.where(Consulta.estado == estado)
    if tipo:
        stmt = stmt.where(Consulta.tipo == tipo)
    if desactualizadas is not None:
        stmt = stmt.where(Consulta.citas_desactualizadas.is_(bool(desactualizadas)))
    if mias:
        stmt = stmt.where(Consulta.asignado_id == user.id)
    return stmt


def cited_by(version_id: int) -> list[tuple[Consulta, Cita]]:
    return db.session.execute(select(Consulta, Cita).join(Cita, Cita.consulta_id == Consulta.id)
                              .where(Cita.version_id == version_id).order_by(Consulta.folio)).all()
