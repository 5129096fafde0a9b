"""Input and output schemas of the documents API."""
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from ..core.api_helpers import PageQuery, StrictSchema
from ..core.fields import ConfiguredPattern, DateTime, text
from ..workflow.states import STATES
from .models import RELACIONES, TIPOS


def clave_field(**kwargs):
    """The institutional clave, by the pattern configured in DOCS_SERVICE_CLAVE_PATTERN."""
    return fields.String(validate=[validate.Length(max=32), ConfiguredPattern("DOCS_CLAVE_PATTERN")], **kwargs)


class RelationIn(StrictSchema):
    tipo = fields.String(required=True, validate=validate.OneOf(list(RELACIONES)))
    clave = clave_field(required=True)
    numerales = text(500, load_default="")


class DocumentCreate(StrictSchema):
    clave = clave_field(required=True, metadata={"description": "Clave institucional, p. ej. `9312-003-012`."})
    titulo = text(300, blank=False, required=True)
    tipo = fields.String(required=True, validate=validate.OneOf(list(TIPOS)))
    area = text(200, blank=False, required=True)
    fundamento = text(5000, load_default="")
    palabras_clave = text(500, load_default="")
    relaciones = fields.List(fields.Nested(RelationIn), load_default=list, validate=validate.Length(max=50))


class DocumentUpdate(StrictSchema):
    titulo = text(300, blank=False)
    area = text(200, blank=False)
    fundamento = text(5000)
    palabras_clave = text(500)


class VigenciaOut(Schema):
    numero = fields.Integer()
    estado = fields.String()
    vigente_desde = fields.Date(allow_none=True)
    vigente_hasta = fields.Date(allow_none=True)


class RelationOut(Schema):
    tipo = fields.String()
    clave = fields.Function(lambda r: r.destino.clave)
    documento_id = fields.Integer(attribute="destino_id")
    numerales = fields.String()


class DocumentOut(Schema):
    id = fields.Integer()
    clave = fields.String()
    titulo = fields.String()
    tipo = fields.String()
    area = fields.String()
    fundamento = fields.String()
    palabras_clave = fields.String()
    abrogado_desde = fields.Date(allow_none=True)
    version_vigente = fields.Nested(VigenciaOut, allow_none=True)
    versiones = fields.Integer()


class DocumentDetail(DocumentOut):
    relaciones = fields.List(fields.Nested(RelationOut), attribute="relations")
    abrogado_por = fields.Function(lambda d: d.abrogado_por_clave)
    motivo_abrogacion = fields.String(allow_none=True)


class CatalogQuery(PageQuery):
    tipo = fields.String(validate=validate.OneOf(list(TIPOS)))
    estado = fields.String(validate=validate.OneOf(list(STATES)))
    area = text(200)
    q = text(200, metadata={"description": "Texto en clave, título o palabras clave."})
    vigente_al = fields.Date(metadata={"description": "Solo documentos en vigor ese día, con la versión vigente entonces."})


class SectionOut(Schema):
    numeral = fields.String()
    titulo = fields.String()
    texto = fields.String()
    nivel = fields.Integer()


class VersionSummary(Schema):
    numero = fields.Integer()
    estado = fields.String()
    sha256 = fields.String()
    nombre_archivo = fields.String()
    tipo_archivo = fields.String()
    tamano = fields.Integer()
    resumen = fields.String()
    autor_id = fields.Integer()
    creado = DateTime()
    vigente_desde = fields.Date(allow_none=True)
    vigente_hasta = fields.Date(allow_none=True)
    publicado = DateTime(allow_none=True)
    secciones = fields.Function(lambda v: len(v.sections))


class VersionOut(VersionSummary):
    documento_id = fields.Integer()
    secciones = fields.List(fields.Nested(SectionOut), attribute="sections")


class UploadForm(StrictSchema):
    archivo = Upload(required=True, metadata={"description": "DOCX, PDF o Markdown."})
    resumen = text(5000, blank=False, required=True, metadata={"description": "Resumen de cambios de esta versión."})


class DiffQuery(StrictSchema):
    de = fields.Integer(required=True, validate=validate.Range(min=1))
    a = fields.Integer(required=True, validate=validate.Range(min=1))
