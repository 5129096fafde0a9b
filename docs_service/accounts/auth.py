"""How core's access layer finds the caller: the two indexed lookups (by token hash or by user id)
and the user's roles, built once per process. Registered by `setup` as app.extensions["docs_auth"]."""
import functools

from sqlalchemy import bindparam, select

from ..core.db import db
from .models import ApiToken, Unit, User, UserRole


@functools.cache
def _statements():
    """Built once: statement construction costs more than running these indexed lookups."""
    cols = [User.id, User.nombre, User.activo, User.unidad_id, Unit.clave]
    by_token = select(*cols, ApiToken.revocado, ApiToken.expira) \
        .join(ApiToken, ApiToken.usuario_id == User.id).outerjoin(Unit, User.unidad_id == Unit.id) \
        .where(ApiToken.token_hash == bindparam("h"))
    by_id = select(*cols).outerjoin(Unit, User.unidad_id == Unit.id).where(User.id == bindparam("uid"))
    roles = select(UserRole.rol).where(UserRole.usuario_id == bindparam("uid"))
    return by_token, by_id, roles


class AccountsAuth:
    """The lookups core.access needs, without core knowing the accounts models."""

    @staticmethod
    def lookup(user_id: int | None = None, token_hash: str | None = None):
        by_token, by_id, roles_of = _statements()
        conn = db.session.connection()
        if token_hash is not None:
            row = conn.execute(by_token, {"h": token_hash}).first()
        else:
            row = conn.execute(by_id, {"uid": user_id}).first()
        if row is None:
            return None, []
        return row, conn.execute(roles_of, {"uid": row.id}).scalars().all()

    @staticmethod
    def user_model(user_id: int):
        return db.session.get(User, user_id)
