"""Reads for accounts."""
import functools

from sqlalchemy import bindparam, select

from ..core.db import db, driver_rows
from .models import ApiToken, Unit, User, UserRole


def units_stmt(tipo: str | None = None, ooad: str | None = None):
    stmt = select(Unit).order_by(Unit.clave)
    if tipo:
        stmt = stmt.where(Unit.tipo == tipo)
    if ooad:
        stmt = stmt.where((Unit.ooad_clave == ooad) | (Unit.clave == ooad))
    return stmt


def users_stmt(rol: str | None = None, unidad: str | None = None, activo: bool | None = None):
    stmt = select(User).order_by(User.nombre)
    if rol:
        stmt = stmt.where(User.id.in_(select(UserRole.usuario_id).where(UserRole.rol == rol)))
    if unidad:
        stmt = stmt.join(Unit, User.unidad_id == Unit.id).where(Unit.clave == unidad)
    if activo is not None:
        stmt = stmt.where(User.activo == activo)
    return stmt


def tokens_of(user: User) -> list[ApiToken]:
    return db.session.scalars(select(ApiToken).where(ApiToken.usuario_id == user.id)
                              .order_by(ApiToken.creado.desc())).all()


@functools.cache
def _unit_row():
    return select(*Unit.__table__.c).where(Unit.__table__.c.clave == bindparam("clave"))


def unit_row(clave: str):
    """A unit as a plain row (clave, nombre, tipo, …), for reading: no ORM identity or tracking."""
    rows = driver_rows(_unit_row(), {"clave": clave})
    return rows[0] if rows else None
