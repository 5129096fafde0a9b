"""Input and output schemas of the search API (GET /api/v1/busqueda)."""
from marshmallow import Schema, fields, validate

from ..core.api_helpers import StrictSchema
from ..documents.models import TIPOS
from .query import MAX_LENGTH, MAX_TERMS


class SearchQuery(StrictSchema):
    # The length is checked by the query parser (query.py), not here, so that any too-long query —
    # 300 characters or 10,000 — answers the same 400 `consulta_invalida` (SECURITY.md E-27).
    q = fields.String(required=True,
                      metadata={"maxLength": MAX_LENGTH,
                                "description": "Palabras, \"frases\", OR, NOT o -palabra, prefijo*, "
                                               "paréntesis; un numeral (`10 e)`, `7.3.1.1`) va primero. "
                                               f"Máximo {MAX_LENGTH} caracteres y {MAX_TERMS} términos: una "
                                               "consulta más larga, vacía o mal formada responde 400 con "
                                               "`error` `consulta_invalida` (o una clave más precisa: "
                                               "`consulta_vacia`, `consulta_sin_terminos`, "
                                               "`comillas_sin_cerrar`, `parentesis_desbalanceados`, "
                                               "`comodin_no_permitido`) y un mensaje en español."})
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


ITEM_DATES = ("vigente_desde", "vigente_hasta")


def dump_answer(answer: dict) -> dict:
    """`SearchOut().dump(answer)` without marshmallow, for the hot search endpoint: the answer built
    by queries.search already holds JSON types except its dates (a test keeps both identical)."""
    items = []
    for item in answer["items"]:
        out = dict(item)
        for name in ITEM_DATES:
            value = out[name]
            out[name] = value.isoformat() if value is not None else None
        items.append(out)
    facets = answer["facetas"]
    return {"total": answer["total"], "items": items,
            "facetas": {name: facets[name] for name in ("tipo", "area") if name in facets},
            "vigente_al": answer["vigente_al"].isoformat(), "sugerencia": answer["sugerencia"]}
