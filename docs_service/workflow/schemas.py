"""Input and output schemas of the workflow API: transitions, their log, acuses and coverage."""
from marshmallow import Schema, fields, validate

from ..core.api_helpers import StrictSchema
from ..core.fields import DateTime, Pattern, text
from .states import ACTIONS


class Destinatarios(StrictSchema):
    todas = fields.Boolean()
    ooad = fields.List(fields.String(validate=Pattern(r"^[0-9]{2}$")), validate=validate.Length(max=40))
    unidades = fields.List(fields.String(validate=Pattern(r"^[0-9]{2}([0-9]{2})?$")), validate=validate.Length(max=200))


class TransitionIn(StrictSchema):
    accion = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    comentario = text(5000, load_default="")
    vigente_desde = fields.Date(load_default=None, allow_none=True)
    vigente_hasta = fields.Date(load_default=None, allow_none=True)
    destinatarios = fields.Nested(Destinatarios, load_default=None, allow_none=True)
    fecha = fields.Date(load_default=None, allow_none=True, metadata={"description": "Abrogación: fecha en que surte efectos."})


class TransitionLogOut(Schema):
    accion = fields.String()
    de_estado = fields.String()
    a_estado = fields.String()
    actor = fields.Function(lambda t: t.actor.nombre if t.actor else None)
    comentario = fields.String()
    fecha = DateTime()


class AcuseOut(Schema):
    unidad = fields.Function(lambda a: a.unidad.clave)
    nombre_unidad = fields.Function(lambda a: a.unidad.nombre)
    estado = fields.String()
    fecha = DateTime(attribute="recibido", allow_none=True)
    fecha_limite = fields.Date()
    vencido = fields.Boolean()


class CoverageOut(Schema):
    total = fields.Integer()
    recibidos = fields.Integer()
    pendientes = fields.Integer()
    vencidos = fields.Integer()
    porcentaje = fields.Float()
    unidades_pendientes = fields.List(fields.String())


class AcusesOut(Schema):
    documento = fields.String()
    version = fields.Integer()
    cobertura = fields.Nested(CoverageOut)
    items = fields.List(fields.Nested(AcuseOut))


class MyAcuseOut(AcuseOut):
    documento_id = fields.Function(lambda a: a.version_ref.documento_id)
    clave = fields.Function(lambda a: a.version_ref.document.clave)
    titulo = fields.Function(lambda a: a.version_ref.document.titulo)
    version = fields.Function(lambda a: a.version_ref.numero)
