"""How core's access layer finds the caller: one indexed lookup (by token hash or by user id) that
brings the user's roles along, built once per process. Registered by `setup` as
app.extensions["docs_auth"]."""
import functools
from datetime import datetime

from sqlalchemy import bindparam, select

from ..core.db import db, driver_rows
from .models import ApiToken, Unit, User, UserRole


@functools.cache
def _statements():
    """Built once: statement construction costs more than running these indexed lookups. Each returns
    one row per role of the user (the user's columns repeated), so one round trip does it all."""
    cols = [User.id, User.nombre, User.activo, User.unidad_id, Unit.clave, UserRole.rol]
    by_token = select(*cols, ApiToken.revocado, ApiToken.expira) \
        .join(ApiToken, ApiToken.usuario_id == User.id).outerjoin(Unit, User.unidad_id == Unit.id) \
        .outerjoin(UserRole, UserRole.usuario_id == User.id).where(ApiToken.token_hash == bindparam("h"))
    by_id = select(*cols).outerjoin(Unit, User.unidad_id == Unit.id) \
        .outerjoin(UserRole, UserRole.usuario_id == User.id).where(User.id == bindparam("uid"))
    return by_token, by_id


def _as_datetime(value):
    return datetime.fromisoformat(value) if isinstance(value, str) else value  # SQLite keeps text


class AccountsAuth:
    """The lookups core.access needs, without core knowing the accounts models."""

    @staticmethod
    def lookup(user_id: int | None = None, token_hash: str | None = None):
        by_token, by_id = _statements()
        if token_hash is not None:
            rows = driver_rows(by_token, {"h": token_hash})
        else:
            rows = driver_rows(by_id, {"uid": user_id})
        if not rows:
            return None, []
        first = rows[0]
        if token_hash is not None:
            first = first._replace(revocado=_as_datetime(first.revocado), expira=_as_datetime(first.expira))
        return first, [r.rol for r in rows if r.rol is not None]

    @staticmethod
    def user_model(user_id: int):
        return db.session.get(User, user_id)
