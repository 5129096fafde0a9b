"""Who sees and who answers a consulta. A consultor belongs to a unit: the central level's (NC)
consultores see every consulta; a consultor of an OOAD or Subdelegación sees those routed to its
unit (the unit that answers) and those it registered; to anyone else a consulta does not exist.
The auditor reads them all. A consulta is turned to a consultor of the unit that answers it."""
from sqlalchemy import false, or_, select, true

from ..accounts.models import User, UserRole
from ..core.db import db
from .models import Consulta


def is_central(user) -> bool:
    return user.unidad is not None and user.unidad.tipo == "central"


def sees_all(user) -> bool:
    return user.has_role("auditor") or (user.has_role("consultor") and is_central(user))


def visible_clause(user):
    """SQL condition on Consulta: what `user` may see."""
    if sees_all(user):
        return true()
    if not user.has_role("consultor"):
        return false()
    mine = or_(Consulta.autor_id == user.id, Consulta.asignado_id == user.id)
    if user.unidad_id is None:
        return mine
    return or_(Consulta.competente_id == user.unidad_id, mine)


def can_see(user, consulta: Consulta) -> bool:
    if sees_all(user):
        return True
    if not user.has_role("consultor"):
        return False
    return (consulta.autor_id == user.id or consulta.asignado_id == user.id
            or (user.unidad_id is not None and consulta.competente_id == user.unidad_id))


def may_turn(user, consulta: Consulta) -> bool:
    """The central level and the unit that answers turn a consulta."""
    return user.has_role("consultor") and (is_central(user) or user.unidad_id == consulta.competente_id)


def consultores_for(consulta: Consulta) -> list[User]:
    """Active consultores of the unit that answers the consulta: whom it can be turned to."""
    return db.session.scalars(select(User).join(UserRole, UserRole.usuario_id == User.id)
                              .where(UserRole.rol == "consultor", User.activo.is_(True),
                                     User.unidad_id == consulta.competente_id)
                              .order_by(User.nombre_completo, User.nombre)).all()
