"""Request and response schemas of constancias and their verification."""
from marshmallow import Schema, fields, validate

from ..core.api_helpers import PageQuery, StrictSchema
from ..core.fields import DateTime
from .kinds import TIPOS

NRP = validate.Regexp(r"^[A-Za-z0-9]{10,11}$", error="Registro patronal de 10 u 11 caracteres.")
FOLIO = r"^[A-Z]{2,4}-[0-9]{4}-[0-9]{6}$"


class ConstanciaIn(StrictSchema):
    tipo = fields.String(required=True, validate=validate.OneOf(TIPOS),
                         metadata={"description": "situacion_creditos, certificacion_pago o copia_certificada."})
    nrp = fields.String(validate=NRP, metadata={"description": "Registro patronal (situación de créditos)."})
    fecha_corte = fields.Date(metadata={"description": "Fecha de corte AAAA-MM-DD (situación de créditos): hoy o "
                                        "antes, día de la Ciudad de México (posterior: 422 fecha_corte_futura)."})
    pago = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1),
                          metadata={"description": "Id de la certificación de pago (certificación de pago)."})
    clave = fields.String(validate=validate.Length(min=1, max=32),
                          metadata={"description": "Clave del documento normativo (copia certificada)."})
    version = fields.Integer(validate=validate.Range(min=1, max=100000),
                             metadata={"description": "Número de versión publicada (copia certificada)."})


class IdempotencyHeader(Schema):
    idempotency_key = fields.String(data_key="Idempotency-Key", validate=[
        validate.Length(min=8, max=128), validate.Regexp(r"^[\x21-\x7e]+$")],
        metadata={"description": "Clave única por solicitud: un reintento con la misma clave y los mismos datos "
                                 "responde la misma constancia; con otros datos, 422."})


class ConstanciaOut(Schema):
    folio = fields.String()
    codigo = fields.String(metadata={"description": "Código de verificación (aleatorio, 192 bits)."})
    sha256 = fields.String(metadata={"description": "SHA-256 del PDF firmado."})
    url_verificacion = fields.String()
    tipo = fields.String()
    estado = fields.String(metadata={"description": "VIGENTE, REVOCADA o SUSTITUIDA."})
    emitida = DateTime()
    fecha_corte = fields.Date(allow_none=True)
    unidad = fields.String(metadata={"description": "Unidad emisora, p. ej. «3301 Mérida Norte»."})
    nrp = fields.String(allow_none=True)
    referencia = fields.String()
    revocada = DateTime(allow_none=True)
    motivo_revocacion = fields.String(allow_none=True)
    sustituida_por = fields.String(allow_none=True, metadata={"description": "Folio de la constancia que la sustituye."})


class ConstanciaQuery(PageQuery):
    folio = fields.String(validate=validate.Regexp(FOLIO, error="Folio como CSC-2026-000001."),
                          metadata={"description": "Folio exacto, p. ej. CSC-2026-000001."})
    tipo = fields.String(validate=validate.OneOf(TIPOS))
    estado = fields.String(validate=validate.OneOf(("VIGENTE", "REVOCADA", "SUSTITUIDA")))
    nrp = fields.String(validate=NRP)
    desde = fields.Date(metadata={"description": "Emitidas desde este día (Ciudad de México), inclusive."})
    hasta = fields.Date(metadata={"description": "Emitidas hasta este día (Ciudad de México), inclusive."})


class RevocacionIn(StrictSchema):
    motivo = fields.String(required=True, validate=validate.Length(min=3, max=1000))
    reemitir = fields.Boolean(load_default=False,
                              metadata={"description": "Emitir una constancia nueva con datos actuales; la revocada "
                                                       "queda SUSTITUIDA con el folio nuevo."})


class VerificacionOut(Schema):
    estado = fields.String(metadata={"description": "VIGENTE, REVOCADA o SUSTITUIDA."})
    folio = fields.String()
    fecha_emision = DateTime()
    unidad_emisora = fields.String()
    sha256 = fields.String()
    rfc_enmascarado = fields.String(allow_none=True)
    fecha_revocacion = DateTime(metadata={"description": "Solo si fue revocada o sustituida."})
    motivo_revocacion = fields.String(metadata={"description": "Solo si fue revocada."})
    folio_sustituto = fields.String(metadata={"description": "Solo si fue sustituida."})


class VerificacionArchivoOut(Schema):
    resultado = fields.String(metadata={"description": "autentico, alterado o desconocido."})
    mensaje = fields.String()
    firma = fields.Dict(metadata={"description": "Validación fuera de línea de la firma PAdES del archivo."})
    constancia = fields.Nested(VerificacionOut, allow_none=True)


class PublicNotFound(Schema):
    """The one 404 of the public verification: identical bytes for unknown and malformed codes."""
    code = fields.Integer(required=True)
    status = fields.String(required=True)
    error = fields.String(required=True)
    message = fields.String(required=True)
