"""Consultas API: register, turn, analyse, answer with citations; "citado por" of a version."""
from flask import g
from flask.views import MethodView

from ..core.blueprint import Blueprint
from ..core.access import policy, roles
from ..core.api_helpers import etag_of, list_schema, paginate, require_if_match
from ..documents.loaders import visible_version
from . import operations as ops
from . import queries, routing
from .schemas import (AnswerIn, CitedByOut, ConsultaCreate, ConsultaOut, ConsultaQuery, ConsultaReview,
                      ConsultaTransition, PersonOut)

blp = Blueprint("consultas", __name__, url_prefix="/api/v1",
                description="Consultas: registro, turno, respuesta con citas a versiones exactas. Quien es "
                            "consultor del nivel central (NC) ve todas; el de un OOAD o Subdelegación, las que "
                            "responde su unidad y las que registró (cualquier otra responde 404, igual que un "
                            "folio inexistente); auditoría las lee todas.")
HIDDEN = "La consulta no existe, o no es visible para quien consulta (otra unidad)."
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
        """Bandeja de consultas visibles para quien consulta (filtros: estado, tipo, desactualizadas, mias)"""
        stmt = queries.inbox_stmt(g.user, estado=args.get("estado"), tipo=args.get("tipo"),
                                  desactualizadas=args.get("desactualizadas"), mias=args.get("mias"))
        total, items = paginate(stmt, args["pagina"], args["por_pagina"])
        return {"total": total, "items": items}

    @policy(WRITE)
    @blp.arguments(ConsultaCreate)
    @blp.response(201, ConsultaOut)
    def post(self, data):
        """Registrar una consulta (folio y fecha límite en días hábiles; la de un patrón la responde su Subdelegación)"""
        consulta = ops.register(g.user, **data)
        return consulta, 201, {"ETag": consulta_etag(consulta)}


@blp.route("/consultas/<string:folio>")
class ConsultaItem(MethodView):
    @policy(READ)
    @blp.response(200, ConsultaOut)
    @blp.alt_response(404, description=HIDDEN)
    def get(self, folio):
        """Una consulta con su respuesta y citas (ETag para turnar y responder)"""
        consulta = ops.get(folio, g.user)
        return consulta, 200, {"ETag": consulta_etag(consulta)}


@blp.route("/consultas/<string:folio>/consultores")
class ConsultaConsultores(MethodView):
    @policy(READ)
    @blp.response(200, PersonOut(many=True))
    @blp.alt_response(404, description=HIDDEN)
    def get(self, folio):
        """A quién se puede turnar: las personas consultoras activas de la unidad que responde"""
        return routing.consultores_for(ops.get(folio, g.user))


@blp.route("/consultas/<string:folio>/transiciones")
class ConsultaTransitions(MethodView):
    @policy(WRITE)
    @blp.if_match
    @blp.arguments(ConsultaTransition)
    @blp.response(200, ConsultaOut)
    @blp.alt_response(403, description="Turnar: solo el nivel central o la unidad que responde; analizar: solo "
                                       "quien la tiene turnada.")
    @blp.alt_response(404, description=HIDDEN)
    @blp.alt_response(409, description="Transición no permitida en el estado actual, o ETag vencida.")
    @blp.alt_response(428, description="Falta If-Match.")
    def post(self, data, folio):
        """Turnar (a un consultor de la unidad que responde) o pasar a análisis (requiere If-Match)"""
        consulta = ops.get(folio, g.user)
        require_if_match(consulta_etag(consulta))
        ops.transition(g.user, consulta, data["accion"], asignado=data.get("asignado"))
        return consulta, 200, {"ETag": consulta_etag(consulta)}


@blp.route("/consultas/<string:folio>/respuesta")
class ConsultaAnswer(MethodView):
    @policy(WRITE)
    @blp.if_match
    @blp.arguments(AnswerIn)
    @blp.response(200, ConsultaOut)
    @blp.alt_response(403, description="Solo quien la tiene turnada responde; una respuesta con citas "
                                       "desactualizadas la vuelve a dar quien respondió o registró la consulta.")
    @blp.alt_response(404, description=HIDDEN)
    @blp.alt_response(409, description="La consulta no admite respuesta en su estado, o ETag vencida.")
    @blp.alt_response(428, description="Falta If-Match.")
    def post(self, data, folio):
        """Responder con texto y citas (documento, versión, numeral); opcionalmente iniciar un criterio. Una
        consulta respondida con citas desactualizadas se puede responder de nuevo (reemplaza respuesta y citas)."""
        consulta = ops.get(folio, g.user)
        require_if_match(consulta_etag(consulta))
        ops.answer(g.user, consulta, respuesta=data["respuesta"], citas=data["citas"], criterio=data.get("criterio"))
        return consulta, 200, {"ETag": consulta_etag(consulta)}


@blp.route("/consultas/<string:folio>/revision")
class ConsultaReviewItem(MethodView):
    @policy(WRITE)
    @blp.if_match
    @blp.arguments(ConsultaReview)
    @blp.response(200, ConsultaOut)
    @blp.alt_response(403, description="Solo quien respondió o registró la consulta.")
    @blp.alt_response(404, description=HIDDEN)
    @blp.alt_response(409, description="La consulta no tiene citas desactualizadas, o ETag vencida.")
    @blp.alt_response(428, description="Falta If-Match.")
    def post(self, data, folio):
        """Revisar una respuesta con citas desactualizadas: actualizar las citas a la versión vigente, o
        confirmar que la respuesta sigue aplicando (quita la marca; queda en la bitácora)"""
        consulta = ops.get(folio, g.user)
        require_if_match(consulta_etag(consulta))
        ops.review(g.user, consulta, data["accion"])
        return consulta, 200, {"ETag": consulta_etag(consulta)}


@blp.route("/documentos/<int:document_id>/versiones/<int:numero>/citas")
class VersionCitedBy(MethodView):
    @policy(READ)
    @blp.response(200, CitedByOut(many=True))
    def get(self, document_id, numero):
        """Consultas visibles para quien consulta que citan esta versión («citado por»)"""
        version = visible_version(document_id, numero)
        return [{"folio": c.folio, "asunto": c.asunto, "estado": c.estado, "numeral": cita.numeral,
                 "desactualizada": cita.desactualizada} for c, cita in queries.cited_by(g.user, version.id)]
