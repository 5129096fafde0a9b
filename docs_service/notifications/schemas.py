"""Notification schemas (API)."""
from marshmallow import Schema, fields

from ..core.api_helpers import PageQuery
from ..core.fields import DateTime


class NotificationQuery(PageQuery):
    no_leidas = fields.Boolean(load_default=False, metadata={"description": "Solo las no leídas."})


class NotificationOut(Schema):
    id = fields.Integer()
    tipo = fields.String(metadata={"description": "por_atender, devuelta, aprobada, publicada, acuse_pendiente o acuse_vencido."})
    tipo_nombre = fields.String()
    titulo = fields.String()
    detalle = fields.String()
    enlace = fields.String(metadata={"description": "Ruta de la página a la que se refiere."})
    creado = DateTime()
    leida = DateTime(allow_none=True)


class MarkedOut(Schema):
    marcadas = fields.Integer(metadata={"description": "Cuántas notificaciones se marcaron como leídas."})
