"""Notification schemas (API)."""
from marshmallow import Schema, fields

from ..core.api_helpers import PageQuery
from ..core.fields import DateTime
from .models import TIPOS


class NotificationQuery(PageQuery):
    no_leidas = fields.Boolean(load_default=False, metadata={"description": "Solo las no leídas."})


class NotificationOut(Schema):
    id = fields.Integer()
    tipo = fields.String(metadata={"description": "Clase de aviso: " + ", ".join(TIPOS) + ".", "enum": list(TIPOS)})
    tipo_nombre = fields.String()
    titulo = fields.String()
    detalle = fields.String()
    enlace = fields.String(metadata={"description": "Ruta de la página a la que se refiere."})
    creado = DateTime()
    leida = DateTime(allow_none=True)


class MarkedOut(Schema):
    marcadas = fields.Integer(metadata={"description": "Cuántas notificaciones se marcaron como leídas."})
