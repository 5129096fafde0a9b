"""Formats API: catalog in force, detail with schema, DOCX/PDF blank (GET) and pre-filled (POST),
read-back of a filled PDF, download statistics, and the definition of a draft version."""
from flask import g
from flask.views import MethodView

from ..core.access import AUTHENTICATED, accepts_multipart, policy, roles
from ..core.api_helpers import list_schema, require_if_match
from ..core.blueprint import Blueprint
from ..core.db import writes_apart
from ..core.fechas import hoy
from ..core.errors import NotFound
from ..documents import operations as documents
from ..documents.api import version_etag
from ..documents import queries as doc_queries
from . import operations as ops
from . import queries
from .loaders import downloadable, produce
from .schemas import (CatalogQuery, DefinitionIn, DefinitionOut, FillIn, FormatDetail, FormatSummary, ReadForm,
                      ReadOut, StatsOut, StatsQuery, VersionQuery)

blp = Blueprint("formatos", __name__, url_prefix="/api/v1", description="Formatos oficiales: catálogo, descarga y lectura.")
STATS_ROLES = roles("normativo", "titular", "validador", "auditor", "admin")


def summary(document, version, spec) -> dict:
    return {"id": document.id, "clave": document.clave, "titulo": document.titulo, "tema": spec.tema,
            "palabras_clave": document.palabras_clave, "version": version.numero,
            "vigente_desde": version.vigente_desde, "vigente_hasta": version.vigente_hasta}


def detail(document, version, spec, today) -> dict:
    out = summary(document, version, spec)
    norma = None
    if spec.norma is not None:
        in_force = doc_queries.version_in_force(spec.norma, today)
        norma = {"id": spec.norma.id, "clave": spec.norma.clave, "titulo": spec.norma.titulo,
                 "version": in_force.numero if in_force else None,
                 "vigente_desde": in_force.vigente_desde if in_force else None,
                 "vigente_hasta": in_force.vigente_hasta if in_force else None}
    sees_drafts = doc_queries.sees_drafts(g.user)
    out.update(vigente=version.in_force_on(today), estado=version.estado, norma=norma,
               esquema=spec.schema.as_dict(), instructivo=spec.instructivo,
               versiones=[{"numero": v.numero, "estado": v.estado, "vigente_desde": v.vigente_desde,
                           "vigente_hasta": v.vigente_hasta, "vigente": v.in_force_on(today),
                           "con_definicion": ops.spec_of(v) is not None}
                          for v in document.versions if sees_drafts or v.estado in ("publicado", "sustituido", "abrogado")])
    return out


@blp.route("/formatos")
class Formats(MethodView):
    @policy(AUTHENTICATED)
    @blp.arguments(CatalogQuery, location="query")
    @blp.response(200, list_schema(FormatSummary, "FormatList"))
    def get(self, args):
        """Formatos vigentes (hoy, o el día `vigente_al`); búsqueda por nombre, clave o tema"""
        day = args.get("vigente_al") or hoy()
        total, rows = queries.catalog(day, texto=args.get("q"), tema=args.get("tema"), pagina=args["pagina"],
                                      por_pagina=args["por_pagina"])
        return {"total": total, "items": [summary(*row) for row in rows]}


@blp.route("/formatos/estadisticas")
class Stats(MethodView):
    @policy(STATS_ROLES)
    @blp.arguments(StatsQuery, location="query")
    @blp.response(200, StatsOut)
    def get(self, args):
        """Descargas por formato, versión, unidad, tipo y modo"""
        items = queries.stats(args.get("formato"))
        return {"total": sum(i["descargas"] for i in items), "items": items}


@blp.route("/formatos/<int:format_id>")
class FormatItem(MethodView):
    @policy(AUTHENTICATED)
    @blp.arguments(VersionQuery, location="query")
    @blp.response(200, FormatDetail)
    def get(self, args, format_id):
        """Un formato con su esquema de campos e instructivo (la versión vigente, o `version`)"""
        document, version, spec, today = downloadable(format_id, args.get("version"))
        return detail(document, version, spec, today)


@blp.route("/formatos/<int:format_id>/docx")
class FormatDocx(MethodView):
    @policy(AUTHENTICATED)
    @writes_apart
    @blp.arguments(VersionQuery, location="query")
    @blp.response(200, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    def get(self, args, format_id):
        """El formato en blanco, en DOCX"""
        return produce(format_id, args.get("version"), "docx", None)

    @policy(AUTHENTICATED)
    @writes_apart
    @blp.arguments(VersionQuery, location="query")
    @blp.arguments(FillIn)
    @blp.response(200, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    def post(self, args, body, format_id):
        """El formato prellenado con `datos` validados por su esquema (422 nombra cada campo)"""
        return produce(format_id, args.get("version"), "docx", body["datos"])


@blp.route("/formatos/<int:format_id>/pdf")
class FormatPdf(MethodView):
    @policy(AUTHENTICATED)
    @writes_apart
    @blp.arguments(VersionQuery, location="query")
    @blp.response(200, content_type="application/pdf")
    def get(self, args, format_id):
        """El formato en blanco, en PDF con campos de formulario para llenarlo fuera de línea"""
        return produce(format_id, args.get("version"), "pdf", None)

    @policy(AUTHENTICATED)
    @writes_apart
    @blp.arguments(VersionQuery, location="query")
    @blp.arguments(FillIn)
    @blp.response(200, content_type="application/pdf")
    def post(self, args, body, format_id):
        """El formato prellenado en PDF (importes también con letra)"""
        return produce(format_id, args.get("version"), "pdf", body["datos"])


@blp.route("/formatos/<int:format_id>/lectura")
class FormatRead(MethodView):
    @policy(AUTHENTICATED)
    @accepts_multipart
    @blp.arguments(VersionQuery, location="query")
    @blp.arguments(ReadForm, location="files")
    @blp.response(200, ReadOut)
    def post(self, args, files, format_id):
        """Lee un PDF del formato llenado fuera de línea y devuelve sus datos validados

        Responde 422 con `error`: `tipo_no_coincide` (no es un PDF), `archivo_demasiado_grande` (más de
        10 MB), `pdf_contenido_activo` (JavaScript, acciones o archivos incrustados), `pdf_corrupto` (no se
        puede leer), `pdf_sin_campos` (sin campos de formulario, p. ej. un PDF ya prellenado), `pdf_sin_datos`
        (el formato en blanco tal como se descargó, sin ningún dato capturado) o `datos_formato_invalidos`
        (`errors` nombra cada campo)."""
        _document, version, spec, _today = downloadable(format_id, args.get("version"))
        datos, advertencias, _keyword = ops.read_back(spec, files["archivo"].read())
        return {"version": version.numero, "datos": datos, "advertencias": advertencias}


@blp.route("/formatos/<int:format_id>/versiones/<int:numero>/definicion")
class Definition(MethodView):
    @policy(roles("normativo", "revisor", "titular", "validador", "auditor"))
    @blp.response(200, DefinitionOut)
    def get(self, format_id, numero):
        """Esquema, plantilla HTML, instructivo, norma y tema de una versión (con la ETag de la versión)"""
        version = documents.get_version(ops.get_format(format_id), numero)
        spec = ops.spec_of(version)
        if spec is None:
            raise NotFound("La versión aún no tiene definición.")
        return _definition_out(version, spec), 200, {"ETag": version_etag(version)}

    @policy(roles("normativo"))
    @blp.if_match
    @blp.arguments(DefinitionIn)
    @blp.response(200, DefinitionOut)
    def put(self, data, format_id, numero):
        """Fijar la definición de una versión en borrador (If-Match: la ETag de la versión, que cambia con ella)"""
        version = documents.get_version(ops.get_format(format_id), numero)
        require_if_match(version_etag(version))
        spec = ops.set_definition(g.user, version, **data)
        return _definition_out(version, spec), 200, {"ETag": version_etag(version)}


def _definition_out(version, spec) -> dict:
    return {"version": version.numero, "esquema": spec.schema.as_dict(), "plantilla_html": spec.plantilla_html,
            "instructivo": spec.instructivo, "norma": spec.norma.clave if spec.norma else None, "tema": spec.tema}
