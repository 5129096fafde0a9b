"""Input and output schemas of the créditos API (field names are a contract: docs/creditos.md)."""
import json
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate

from ..core.api_helpers import PageQuery, StrictSchema
from ..core.fields import DateTime, Pattern
from .models import CONCEPTOS, PAYMENT_STATES
from .phases import ACTIONS, EMBARGOS, MOTIVOS, PHASES
from .transfers import TIPOS as TRANSFER_TYPES
from .tramites import RESULTADOS, TIPOS as TRAMITE_TYPES

MONEY_DOC = {"type": "string", "format": "decimal", "pattern": "^[0-9]+[.][0-9]{2}$",
             "description": "Importe exacto en pesos, como texto con dos decimales."}
Money = fields.Decimal(as_string=True, places=2, metadata=MONEY_DOC)
MAX_AMOUNT = Decimal("99999999999.99")


def amount(minimum: str = "0", **kwargs) -> fields.Decimal:
    """An input amount in pesos: exact, two decimals, within [minimum, MAX_AMOUNT]. The bounds are
    written into the OpenAPI as numbers (a Range validator would publish them as strings)."""
    low = Decimal(minimum)

    def check(value):
        if not value.is_finite() or value < low or value > MAX_AMOUNT:
            raise ValidationError(f"Debe estar entre {low} y {MAX_AMOUNT}.")

    return fields.Decimal(places=2, as_string=True, validate=check,
                          metadata={"minimum": float(low), "maximum": float(MAX_AMOUNT), **kwargs.pop("metadata", {})},
                          **kwargs)


Utc = DateTime  # naive UTC in the database, +00:00 on the wire (core.fields)


NRP = Pattern(r"^[A-Za-z0-9][0-9]{2}-?[0-9]{5}-?[0-9]{2}-?[0-9]$", error="NRP de 11 caracteres.")
NUMERO = Pattern(r"^[0-9]{9}$", error="Número de crédito de 9 dígitos.")
PERIODO = Pattern(r"^[0-9]{6}$", error="Periodo AAAAMM.")
UNIDAD = Pattern(r"^[0-9]{2}([0-9]{2})?$", error="Clave DD o DDSS.")


class UnitRef(Schema):
    clave = fields.String()
    nombre = fields.String()


class PatronOut(Schema):
    id = fields.Integer()
    nrp = fields.String()
    rfc = fields.String()
    razon_social = fields.String()
    tipo_persona = fields.String()
    modalidad = fields.String()
    municipio = fields.String()
    subdelegacion = fields.Nested(UnitRef, attribute="unidad")
    sintetico = fields.Boolean()


class CreditOut(Schema):
    id = fields.Integer()
    numero = fields.String()
    nrp = fields.Function(lambda c: c.patron.nrp)
    rfc = fields.Function(lambda c: c.patron.rfc)
    razon_social = fields.Function(lambda c: c.patron.razon_social)
    subdelegacion = fields.Nested(UnitRef, attribute="unidad")
    concepto = fields.String()
    td = fields.String()
    origen = fields.String()
    periodo = fields.String()
    importe_historico = Money
    actualizacion = Money
    recargos = Money
    multa = Money
    gastos_ejecucion = Money
    importe_total = Money
    saldo = Money
    fecha_emision = fields.Date()
    fecha_notificacion = fields.Date(allow_none=True)
    fecha_exigibilidad = fields.Date(allow_none=True)
    fase = fields.String()
    fase_nombre = fields.Function(lambda c: PHASES[c.fase])
    fase_desde = fields.Date()
    motivo = fields.String(allow_none=True)
    inc = fields.String(allow_none=True)
    fecha_inc = fields.Date(allow_none=True)
    en_aclaracion = fields.Boolean()
    interes_fiscal_garantizado = fields.Boolean()
    pae_suspendido = fields.Boolean()
    en_condonacion = fields.Boolean()
    sintetico = fields.Boolean()


class CreditDetail(CreditOut):
    unidad_origen = fields.Nested(UnitRef, allow_none=True)
    acciones_permitidas = fields.List(fields.String())
    nss = fields.String(allow_none=True)
    cotizantes = fields.Integer(allow_none=True)


class EventOut(Schema):
    id = fields.Integer()
    accion = fields.String()
    fase_de = fields.String(allow_none=True)
    fase_a = fields.String()
    inc = fields.String(allow_none=True)
    fecha = fields.Date()
    registrado = Utc()
    actor = fields.Function(lambda e: e.actor.nombre if e.actor else None)
    unidad = fields.Function(lambda e: e.unidad.clave if e.unidad else None)
    fundamento = fields.String()
    comentario = fields.String()
    detalle = fields.Function(lambda e: json.loads(e.detalle or "{}"))


class CreditDocumentOut(Schema):
    id = fields.Integer()
    tipo = fields.String()
    nombre = fields.String()
    sha256 = fields.String(attribute="blob_key")
    tamano = fields.Integer()
    tipo_mime = fields.String()
    evento_id = fields.Integer(allow_none=True)
    tramite_id = fields.Integer(allow_none=True)
    certificacion_id = fields.Integer(allow_none=True)
    subido = Utc()


class CreditQuery(PageQuery):
    nrp = fields.String(validate=NRP)
    numero = fields.String(validate=NUMERO)
    rfc = fields.String(validate=validate.Length(min=12, max=13))
    razon_social = fields.String(validate=validate.Length(min=1, max=100))
    fase = fields.String(validate=validate.OneOf(list(PHASES)))
    unidad = fields.String(validate=UNIDAD)
    concepto = fields.String(validate=validate.OneOf(list(CONCEPTOS)))
    periodo = fields.String(validate=PERIODO)


class ExportCreditQuery(StrictSchema):
    nrp = fields.String(validate=NRP)
    numero = fields.String(validate=NUMERO)
    rfc = fields.String(validate=validate.Length(min=12, max=13))
    razon_social = fields.String(validate=validate.Length(min=1, max=100))
    fase = fields.String(validate=validate.OneOf(list(PHASES)))
    unidad = fields.String(validate=UNIDAD)
    concepto = fields.String(validate=validate.OneOf(list(CONCEPTOS)))
    periodo = fields.String(validate=PERIODO)


class PatronQuery(PageQuery):
    nrp = fields.String(validate=NRP)
    rfc = fields.String(validate=validate.Length(min=12, max=13))
    razon_social = fields.String(validate=validate.Length(min=1, max=100))
    unidad = fields.String(validate=UNIDAD)


class ConceptBalance(Schema):
    creditos = fields.Integer()
    importe_total = Money
    saldo = Money


class Balances(Schema):
    creditos = fields.Integer()
    importe_total = Money
    saldo = Money
    por_concepto = fields.Dict(keys=fields.String(), values=fields.Nested(ConceptBalance))


class PatronDetail(PatronOut):
    saldos = fields.Nested(Balances)
    creditos = fields.List(fields.Nested(CreditOut), metadata={
        "description": "Los primeros 500 créditos visibles del patrón, por número. Cuántos son en total lo da "
                       "`saldos.creditos`; la lista completa, paginada: `GET /api/v1/creditos?nrp=…`."})


class CreditTransitionIn(StrictSchema):
    accion = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    fecha = fields.Date(metadata={"description": "Fecha del acto (por omisión, hoy); nunca futura."})
    fundamento = fields.String(load_default="", validate=validate.Length(max=2000))
    comentario = fields.String(load_default="", validate=validate.Length(max=5000))
    motivo = fields.String(validate=validate.OneOf(list(MOTIVOS)))
    tipo_embargo = fields.String(validate=validate.OneOf(list(EMBARGOS)))


class TransferIn(StrictSchema):
    tipo = fields.String(required=True, validate=validate.OneOf(list(TRANSFER_TYPES)))
    unidad_destino = fields.String(required=True, validate=UNIDAD)
    motivo = fields.String(load_default="", validate=validate.Length(max=2000))


class TransferResolution(StrictSchema):
    comentario = fields.String(load_default="", validate=validate.Length(max=2000))


class TransferOut(Schema):
    id = fields.Integer()
    credito = fields.Function(lambda t: t.credito.numero)
    tipo = fields.String()
    unidad_origen = fields.Nested(UnitRef)
    unidad_destino = fields.Nested(UnitRef)
    fase_previa = fields.String()
    estado = fields.String()
    motivo = fields.String()
    solicitado = Utc()
    resuelto = Utc(allow_none=True)
    comentario_resolucion = fields.String()


class TransferQuery(PageQuery):
    estado = fields.String(validate=validate.OneOf(["pendiente", "aceptado", "rechazado"]))
    direccion = fields.String(load_default="recibidos", validate=validate.OneOf(["recibidos", "enviados"]))


class TramiteIn(StrictSchema):
    tipo = fields.String(required=True, validate=validate.OneOf(list(TRAMITE_TYPES)))
    fecha_presentacion = fields.Date()
    formato = fields.String(validate=validate.Length(max=64),
                            metadata={"description": "Clave del formato oficial llenado, si existe."})
    motivo = fields.String(validate=validate.OneOf(["insolvencia", "incosteabilidad", "no_localizacion", "huelga",
                                                    "concurso_mercantil"]))
    modalidad = fields.String(validate=validate.OneOf(["diferido", "parcialidades"]))
    parcialidades = fields.Integer(validate=validate.Range(min=1, max=48))
    pago_inicial = amount()
    importe_solicitado = amount("0.01")


class TramiteResolutionIn(StrictSchema):
    resultado = fields.String(required=True, validate=validate.OneOf(list(RESULTADOS)))
    resolucion = fields.String(required=True, validate=validate.Length(min=1, max=5000))
    importe = amount()


class TramiteOut(Schema):
    id = fields.Integer()
    tipo = fields.String()
    nrp = fields.Function(lambda t: t.patron.nrp)
    credito = fields.Function(lambda t: t.credito.numero if t.credito else None)
    estado = fields.String()
    fecha_presentacion = fields.Date()
    datos = fields.Function(lambda t: json.loads(t.datos or "{}"))
    formato = fields.String(allow_none=True)
    resolucion = fields.String()
    importe_resuelto = fields.Decimal(as_string=True, places=2, allow_none=True, metadata=MONEY_DOC)
    solicitado = Utc()
    resuelto = Utc(allow_none=True)


class ReportItem(Schema):
    fila = fields.Integer(allow_none=True)
    numero = fields.String(metadata={"description": "Número de crédito de la fila, como venía (si lo traía)."})
    campo = fields.String(allow_none=True)
    mensaje = fields.String()
    nivel = fields.String()


class ImportOut(Schema):
    id = fields.Integer()
    nombre = fields.String()
    sha256 = fields.String()
    codificacion = fields.String()
    delimitador = fields.String()
    filas = fields.Integer()
    cargadas = fields.Integer()
    sin_cambios = fields.Integer()
    rechazadas = fields.Integer()
    advertencias = fields.Integer()
    reporte = fields.Function(lambda b: json.loads(b.reporte or "[]"), metadata={"description": "Primeras 1000 observaciones."})
    creado = Utc()


class PaymentOut(Schema):
    id = fields.Integer()
    archivo_id = fields.Integer(allow_none=True)
    fila = fields.Integer(allow_none=True)
    origen = fields.String()
    referencia = fields.String()
    nrp = fields.String()
    periodo = fields.String()
    credito = fields.String(attribute="credito_numero", allow_none=True)
    fecha_pago = fields.Date()
    importe_cop = Money
    importe_rcv = Money
    importe_vivienda = Money
    importe_total = Money
    importe_aplicado = Money
    entidad_receptora = fields.String()
    estado = fields.String()


class PaymentQuery(PageQuery):
    nrp = fields.String(validate=NRP)
    periodo = fields.String(validate=PERIODO)
    estado = fields.String(validate=validate.OneOf(list(PAYMENT_STATES)))
    archivo = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))
    origen = fields.String(validate=validate.OneOf(["PROCESAR", "SIPARE", "CERTIFICADO"]))


class PaymentFileOut(Schema):
    id = fields.Integer()
    formato = fields.String()
    nombre = fields.String()
    sha256 = fields.String()
    filas = fields.Integer()
    aplicados = fields.Integer()
    sin_credito = fields.Integer()
    duplicados = fields.Integer()
    rechazados = fields.Integer()
    reporte = fields.Function(lambda f: json.loads(f.reporte or "[]"))
    importado = Utc()


class CertificationIn(StrictSchema):
    nrp = fields.String(required=True, validate=NRP)
    credito = fields.String(validate=NUMERO)
    periodo = fields.String(required=True, validate=PERIODO)
    concepto = fields.String(required=True, validate=validate.OneOf(list(CONCEPTOS)))
    fecha_pago = fields.Date(required=True)
    importe = amount("0.01", required=True)
    entidad_receptora = fields.String(required=True, validate=validate.Length(min=1, max=60))
    referencia = fields.String(required=True, validate=validate.Length(min=1, max=40))
    observaciones = fields.String(load_default="", validate=validate.Length(max=2000))


class ReviewIn(StrictSchema):
    procedente = fields.Boolean(required=True)
    observaciones = fields.String(load_default="", validate=validate.Length(max=2000))


class CertificationOut(Schema):
    id = fields.Integer()
    nrp = fields.Function(lambda c: c.patron.nrp)
    credito = fields.Function(lambda c: c.credito.numero if c.credito else None)
    subdelegacion = fields.Nested(UnitRef, attribute="unidad")
    periodo = fields.String()
    concepto = fields.String()
    fecha_pago = fields.Date()
    importe = Money
    entidad_receptora = fields.String()
    referencia = fields.String()
    estado = fields.String()
    observaciones = fields.String()
    solicitado = Utc()
    revisado = Utc(allow_none=True)
    certificado = Utc(allow_none=True)
    pago_id = fields.Integer(allow_none=True)


class CreditDocumentForm(StrictSchema):
    tipo = fields.String(required=True, validate=validate.OneOf(["cedula", "citatorio", "acta_notificacion",
                                                                "mandamiento", "acta_embargo", "resolucion", "oficio",
                                                                "escrito", "comprobante_pago", "estado_cuenta",
                                                                "garantia", "otro"]))


class PaymentUploadForm(StrictSchema):
    formato = fields.String(required=True, validate=validate.OneOf(["procesar", "sipare"]))
