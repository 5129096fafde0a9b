"""Notifications API: my notifications, mark one or all as read."""
from flask import g
from flask.views import MethodView

from ..core.access import AUTHENTICATED, policy
from ..core.api_helpers import list_schema, paginate
from ..core.blueprint import Blueprint
from . import operations as ops
from . import queries
from .schemas import MarkedOut, NotificationOut, NotificationQuery

blp = Blueprint("notificaciones", __name__, url_prefix="/api/v1", description="Notificaciones de quien llama.")


@blp.route("/notificaciones")
class Notifications(MethodView):
    @policy(AUTHENTICATED)
    @blp.arguments(NotificationQuery, location="query")
    @blp.response(200, list_schema(NotificationOut, "NotificationList"))
    def get(self, args):
        """Mis notificaciones, la más reciente primero"""
        stmt = queries.own_stmt(g.user, only_unread=args["no_leidas"])
        total, items = paginate(stmt, args["pagina"], args["por_pagina"])
        return {"total": total, "items": items}


@blp.route("/notificaciones/<int:notification_id>/leida")
class NotificationRead(MethodView):
    @policy(AUTHENTICATED)
    @blp.response(200, NotificationOut)
    def post(self, notification_id):
        """Marcar como leída una notificación propia (404 si no es de quien llama)"""
        return ops.mark_read(g.user, ops.get_own(g.user, notification_id))


@blp.route("/notificaciones/leidas")
class NotificationsRead(MethodView):
    @policy(AUTHENTICATED)
    @blp.response(200, MarkedOut)
    def post(self):
        """Marcar como leídas todas mis notificaciones"""
        return {"marcadas": ops.mark_all_read(g.user)}
