"""API schemas of formats."""
from marshmallow import Schema, fields, validate
from flask_smorest.fields import Upload

from ..core.api_helpers import PageQuery, StrictSchema


class CatalogQuery(PageQuery):
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Palabra del nombre, clave o tema."})
    tema = fields.String(validate=validate.Length(max=100))
    vigente_al = fields.Date(metadata={"description": "Solo los formatos vigentes ese día (por omisión, hoy)."})


class VersionQuery(StrictSchema):
    version = fields.Integer(validate=validate.Range(min=1, max=100000),
                             metadata={"description": "Número de versión (historial); por omisión, la vigente hoy."})


class FillIn(StrictSchema):
    datos = fields.Dict(keys=fields.String(), required=True,
                        metadata={"description": "Valores por nombre de campo; las filas como lista de objetos."})


class ReadForm(StrictSchema):
    archivo = Upload(required=True, metadata={"description": "El PDF del formato, llenado fuera de línea."})


class DefinitionIn(StrictSchema):
    esquema = fields.Dict(required=True, metadata={"description": "{\"campos\": [...]} (ver README)."})
    plantilla_html = fields.String(required=True, validate=validate.Length(min=1, max=200_000))
    instructivo = fields.String(load_default="", validate=validate.Length(max=20_000))
    norma = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32),
                          metadata={"description": "Clave del documento normativo que autoriza el formato."})
    tema = fields.String(load_default="", validate=validate.Length(max=100))


class NormaOut(Schema):
    id = fields.Integer()
    clave = fields.String()
    titulo = fields.String()
    version = fields.Integer(allow_none=True)
    vigente_desde = fields.Date(allow_none=True)
    vigente_hasta = fields.Date(allow_none=True)


class FormatSummary(Schema):
    id = fields.Integer(metadata={"description": "Id del documento del formato."})
    clave = fields.String()
    titulo = fields.String()
    tema = fields.String()
    palabras_clave = fields.String()
    version = fields.Integer()
    vigente_desde = fields.Date(allow_none=True)
    vigente_hasta = fields.Date(allow_none=True)


class VersionItem(Schema):
    numero = fields.Integer()
    estado = fields.String()
    vigente_desde = fields.Date(allow_none=True)
    vigente_hasta = fields.Date(allow_none=True)
    vigente = fields.Boolean()
    con_definicion = fields.Boolean()


class FormatDetail(FormatSummary):
    vigente = fields.Boolean(metadata={"description": "Falso para una versión del historial que ya no está en vigor."})
    estado = fields.String()
    norma = fields.Nested(NormaOut, allow_none=True)
    esquema = fields.Dict()
    instructivo = fields.String()
    versiones = fields.List(fields.Nested(VersionItem))


class DefinitionOut(Schema):
    version = fields.Integer()
    esquema = fields.Dict()
    plantilla_html = fields.String()
    instructivo = fields.String()
    norma = fields.String(allow_none=True)
    tema = fields.String()


class ReadOut(Schema):
    version = fields.Integer()
    datos = fields.Dict()
    advertencias = fields.Dict()


class StatsQuery(StrictSchema):
    formato = fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


class StatItem(Schema):
    formato_id = fields.Integer()
    clave = fields.String()
    titulo = fields.String()
    version = fields.Integer()
    unidad = fields.String()
    unidad_clave = fields.String()
    tipo = fields.String()
    modo = fields.String()
    descargas = fields.Integer()


class StatsOut(Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(StatItem))
