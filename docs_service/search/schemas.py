"""Input and output schemas of the search API (GET /api/v1/busqueda)."""
from marshmallow import Schema, fields, validate

from ..core.api_helpers import StrictSchema
from ..documents.models import TIPOS


class SearchQuery(StrictSchema):
    q = fields.String(required=True, validate=validate.Length(max=10000),
                      metadata={"description": "Palabras, \"frases\", OR, NOT o -palabra, prefijo*, "
                                               "paréntesis; un numeral (`10 e)`, `7.3.1.1`) va primero. "
                                               "Máximo 256 caracteres y 20 términos."})
    tipo = fields.String(validate=validate.OneOf(list(TIPOS)))
    area = fields.String(validate=validate.Length(max=200))
    clave = fields.String(validate=validate.Length(max=32))
    vigente_al = fields.Date(metadata={"description": "Solo secciones de versiones en vigor ese día (por omisión, hoy)."})
    historico = fields.Boolean(load_default=False,
                               metadata={"description": "Incluir versiones que no están en vigor ese día (marcadas)."})
    borradores = fields.Boolean(load_default=False,
                                metadata={"description": "Incluir versiones en trámite (solo roles del flujo normativo)."})
    pagina = fields.Integer(load_default=1, validate=validate.Range(min=1, max=500))
    por_pagina = fields.Integer(load_default=10, validate=validate.Range(min=1, max=50))


class SearchItem(Schema):
    documento_id = fields.Integer()
    clave = fields.String()
    titulo = fields.String()
    tipo = fields.String()
    area = fields.String()
    version = fields.Integer()
    estado = fields.String()
    numeral = fields.String(allow_none=True, metadata={"description": "Null para el documento completo."})
    encabezado = fields.String(allow_none=True)
    seccion = fields.Integer(allow_none=True, metadata={"description": "Posición de la sección en la versión."})
    fragmento = fields.String()
    resaltado = fields.List(fields.List(fields.Integer()),
                            metadata={"description": "Coincidencias en `fragmento`: [inicio, fin) en caracteres."})
    vigente_desde = fields.Date(allow_none=True)
    vigente_hasta = fields.Date(allow_none=True)
    vigente = fields.Boolean(metadata={"description": "Si la versión estaba en vigor en `vigente_al`."})
    puntaje = fields.Float()


class Facets(Schema):
    tipo = fields.Dict(keys=fields.String(), values=fields.Integer())
    area = fields.Dict(keys=fields.String(), values=fields.Integer())


class SearchOut(Schema):
    total = fields.Integer()
    items = fields.List(fields.Nested(SearchItem))
    facetas = fields.Nested(Facets)
    vigente_al = fields.Date()
    sugerencia = fields.String(allow_none=True, metadata={"description": "«¿Quiso decir…?» cuando no hay resultados."})
