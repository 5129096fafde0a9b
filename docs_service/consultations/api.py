"""Consultas API: register, turn, analyse, answer with citations; "citado por" of a version."""
from flask import g
from flask.views import MethodView

from ..core.blueprint import Blueprint
from ..core.access import policy, roles
from ..core.api_helpers import etag_of, list_schema, paginate, require_if_match
from ..documents.loaders import visible_version
from . import operations as ops
from . import queries
from .schemas import (AnswerIn, CitedByOut, ConsultaCreate, ConsultaOut, ConsultaQuery, ConsultaTransition)

blp = Blueprint("consultas", __name__, url_prefix="/api/v1",
                description="Consultas: registro, turno, respuesta con citas a versiones exactas.")
READ = roles(*queries.READERS)
WRITE = roles("consultor")


def consulta_etag(consulta):
    return etag_of("consulta", consulta.id, consulta.lock)


@blp.route("/consultas")
class Consultas(MethodView):
    @policy(READ)
    @blp.arguments(ConsultaQuery, location="query")
    @blp.response(200, list_schema(ConsultaOut, "ConsultaList"))
    def get(self, args):
        """Bandeja de consultas (filtros: estado, tipo, desactualizadas, mias)"""
        stmt = queries.inbox_stmt(g.user, estado=args.get("estado"), tipo=args.get("tipo"),
                                  desactualizadas=args.get("desactualizadas"), mias=args.get("mias"))
        total, items = paginate(stmt, args["pagina"], args["por_pagina"])
        return {"total": total, "items": items}

    @policy(WRITE)
    @blp.arguments(ConsultaCreate)
    @blp.response(201, ConsultaOut)
    def post(self, data):
        """Registrar una consulta (folio y fecha límite en días hábiles)"""
        consulta = ops.register(g.user, **data)
        return consulta, 201, {"ETag": consulta_etag(consulta)}


@blp.route("/consultas/<string:folio>")
class ConsultaItem(MethodView):
    @policy(READ)
    @blp.response(200, ConsultaOut)
    def get(self, folio):
        """Una consulta con su respuesta y citas (ETag para turnar y responder)"""
        consulta = ops.get(folio)
        return consulta, 200, {"ETag": consulta_etag(consulta)}


@blp.route("/consultas/<string:folio>/transiciones")
class ConsultaTransitions(MethodView):
    @policy(WRITE)
    @blp.if_match
    @blp.arguments(ConsultaTransition)
    @blp.response(200, ConsultaOut)
    @blp.alt_response(409, description="Transición no permitida en el estado actual, o ETag vencida.")
    @blp.alt_response(428, description="Falta If-Match.")
    def post(self, data, folio):
        """Turnar (a un consultor) o pasar a análisis (requiere If-Match)"""
        consulta = ops.get(folio)
        require_if_match(consulta_etag(consulta))
        ops.transition(g.user, consulta, data["accion"], asignado=data.get("asignado"))
        return consulta, 200, {"ETag": consulta_etag(consulta)}


@blp.route("/consultas/<string:folio>/respuesta")
class ConsultaAnswer(MethodView):
    @policy(WRITE)
    @blp.if_match
    @blp.arguments(AnswerIn)
    @blp.response(200, ConsultaOut)
    @blp.alt_response(409, description="La consulta no admite respuesta en su estado, o ETag vencida.")
    @blp.alt_response(428, description="Falta If-Match.")
    def post(self, data, folio):
        """Responder con texto y citas (documento, versión, numeral); opcionalmente iniciar un criterio"""
        consulta = ops.get(folio)
        require_if_match(consulta_etag(consulta))
        ops.answer(g.user, consulta, respuesta=data["respuesta"], citas=data["citas"], criterio=data.get("criterio"))
        return consulta, 200, {"ETag": consulta_etag(consulta)}


@blp.route("/documentos/<int:document_id>/versiones/<int:numero>/citas")
class VersionCitedBy(MethodView):
    @policy(READ)
    @blp.response(200, CitedByOut(many=True))
    def get(self, document_id, numero):
        """Consultas que citan esta versión («citado por»)"""
        version = visible_version(document_id, numero)
        return [{"folio": c.folio, "asunto": c.asunto, "estado": c.estado, "numeral": cita.numeral,
                 "desactualizada": cita.desactualizada} for c, cita in queries.cited_by(version.id)]
