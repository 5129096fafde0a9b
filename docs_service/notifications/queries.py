"""Reads: a person's notifications and unread count; the outbox."""
from sqlalchemy import func, select

from ..core.db import db
from .models import Notification


def unread_count(user) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.usuario_id == user.id, Notification.leida.is_(None))) or 0


def own_stmt(user, *, only_unread: bool = False):
    stmt = select(Notification).where(Notification.usuario_id == user.id)
    if only_unread:
        stmt = stmt.where(Notification.leida.is_(None))
    return stmt.order_by(Notification.id.desc())
