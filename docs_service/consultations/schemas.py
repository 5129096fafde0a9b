"""Input and output schemas of the consultas API."""
from marshmallow import Schema, fields, validate

from ..core.api_helpers import PageQuery, StrictSchema
from ..core.fields import DateTime
from .models import ESTADOS, TIPOS


class ConsultaCreate(StrictSchema):
    tipo = fields.String(required=True, validate=validate.OneOf(list(TIPOS)))
    asunto = fields.String(required=True, validate=validate.Length(min=1, max=300))
    descripcion = fields.String(required=True, validate=validate.Length(min=1, max=20000))
    solicitante = fields.String(required=True, validate=validate.Length(min=2, max=4),
                                metadata={"description": "Clave de la unidad que consulta (OOAD DD o Subdelegación DDSS)."})
    competente = fields.String(validate=validate.Length(min=4, max=4),
                               metadata={"description": "Subdelegación competente (solo tipo patron; con general, 422)."})
    nrp = fields.String(validate=validate.Length(max=14), metadata={"description": "Registro patronal (solo tipo patron; con general, 422)."})
    fecha_hechos = fields.Date(metadata={"description": "Fecha de los hechos (no posterior a hoy): la búsqueda para "
                                                        "citar lee la normatividad vigente ese día."})


class ConsultaTransition(StrictSchema):
    accion = fields.String(required=True, validate=validate.OneOf(["turnar", "analizar"]))
    asignado = fields.String(validate=validate.Length(max=64),
                             metadata={"description": "Usuario consultor de la unidad que responde (turnar); "
                                                      "ver GET /consultas/{folio}/consultores."})


class ConsultaReview(StrictSchema):
    accion = fields.String(required=True, validate=validate.OneOf(["actualizar_citas", "confirmar"]),
                           metadata={"description": "actualizar_citas: cada cita desactualizada pasa a la versión "
                                                    "vigente de su documento (mismo numeral); confirmar: la "
                                                    "respuesta sigue aplicando. Ambas quitan la marca."})


class CitaIn(StrictSchema):
    documento_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    version = fields.Integer(required=True, validate=validate.Range(min=1, max=100000))
    numeral = fields.String(load_default="", validate=validate.Length(max=64),
                            metadata={"description": "Numeral citado; vacío cita la versión completa."})


class CriterioIn(StrictSchema):
    clave = fields.String(required=True, validate=validate.Length(min=1, max=32))
    titulo = fields.String(validate=validate.Length(max=300))


class AnswerIn(StrictSchema):
    respuesta = fields.String(required=True, validate=validate.Length(min=1, max=50000))
    citas = fields.List(fields.Nested(CitaIn), load_default=list, validate=validate.Length(max=30))
    criterio = fields.Nested(CriterioIn, metadata={"description": "Inicia un borrador de criterio normativo."})


class ConsultaQuery(PageQuery):
    estado = fields.String(validate=validate.OneOf(list(ESTADOS)))
    tipo = fields.String(validate=validate.OneOf(list(TIPOS)))
    desactualizadas = fields.Boolean(metadata={"description": "Solo las que citan versiones ya no vigentes."})
    mias = fields.Boolean(metadata={"description": "Solo las turnadas a quien consulta."})


class ConsultaUnitOut(Schema):
    clave = fields.String()
    nombre = fields.String()


class PersonOut(Schema):
    usuario = fields.String(attribute="nombre")
    nombre = fields.Function(lambda u: u.nombre_completo or u.nombre)
    unidad = fields.Nested(ConsultaUnitOut, allow_none=True)


class CitaOut(Schema):
    documento_id = fields.Function(lambda c: c.version.documento_id)
    clave = fields.Function(lambda c: c.version.document.clave)
    titulo = fields.Function(lambda c: c.version.document.titulo)
    version = fields.Function(lambda c: c.version.numero)
    numeral = fields.String()
    seccion = fields.Integer(allow_none=True, metadata={"description": "Posición del numeral en la versión "
                                                                       "(ancla n-<seccion> de su página)."})
    estado_version = fields.Function(lambda c: c.version.estado)
    vigente_desde = fields.Function(lambda c: c.version.vigente_desde.isoformat() if c.version.vigente_desde else None)
    vigente_hasta = fields.Function(lambda c: c.version.vigente_hasta.isoformat() if c.version.vigente_hasta else None)
    desactualizada = fields.Boolean()
    motivo = fields.String(allow_none=True)


class ConsultaOut(Schema):
    folio = fields.String()
    tipo = fields.String()
    asunto = fields.String()
    descripcion = fields.String()
    nrp = fields.String(allow_none=True)
    solicitante = fields.Nested(ConsultaUnitOut)
    competente = fields.Nested(ConsultaUnitOut)
    estado = fields.String()
    autor = fields.Function(lambda c: c.autor.nombre)
    asignado = fields.Function(lambda c: c.asignado.nombre if c.asignado else None)
    autor_persona = fields.Nested(PersonOut, attribute="autor")
    asignado_persona = fields.Nested(PersonOut, attribute="asignado", allow_none=True)
    respondida_por = fields.Nested(PersonOut, allow_none=True)
    fecha_recepcion = fields.Date()
    fecha_hechos = fields.Date(allow_none=True)
    fecha_limite = fields.Date()
    vencida = fields.Boolean()
    respuesta = fields.String(allow_none=True)
    respondida = DateTime(allow_none=True)
    citas = fields.List(fields.Nested(CitaOut))
    citas_desactualizadas = fields.Boolean()
    confirmada = DateTime(allow_none=True, metadata={"description": "Cuándo se confirmó que la respuesta sigue "
                                                                    "aplicando tras quedar desactualizada."})
    confirmada_por = fields.Nested(PersonOut, allow_none=True)
    criterio_documento_id = fields.Integer(allow_none=True)


class CitedByOut(Schema):
    folio = fields.String()
    asunto = fields.String()
    estado = fields.String()
    numeral = fields.String()
    desactualizada = fields.Boolean()
