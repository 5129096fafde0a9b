"""Search API: full text over the normative corpus, by numeral, by type, as in force on a date."""
import orjson
from flask import Response, g
from flask.views import MethodView

from ..core.blueprint import Blueprint
from ..core.access import AUTHENTICATED, policy
from .queries import SearchArgs, search
from .schemas import SearchOut, SearchQuery, dump_answer

SEARCH_QUERY = SearchQuery()  # one instance: webargs would build (deep-copy) a schema per request from the class

blp = Blueprint("busqueda", __name__, url_prefix="/api/v1",
                description="Búsqueda de texto completo en la normatividad, vigente a una fecha.")


@blp.route("/busqueda")
class Search(MethodView):
    @policy(AUTHENTICATED)
    @blp.arguments(SEARCH_QUERY, location="query")
    @blp.response(200, SearchOut)
    @blp.alt_response(400, description="Consulta inválida (vacía, demasiado larga, comillas o paréntesis sin cerrar…).")
    @blp.alt_response(403, description="Búsqueda en borradores sin un rol del flujo normativo.")
    @blp.alt_response(503, description="Índice de búsqueda no disponible (falta o está dañado).")
    def get(self, args):
        """Buscar en la normatividad (vigente al día indicado; facetas por tipo y área)"""
        # SearchOut documents the answer; the hot path dumps it without marshmallow, to JSON with
        # orjson (the same JSON, UTF-8 text unescaped; ~8x the standard module on this answer)
        return Response(orjson.dumps(dump_answer(search(g.user, SearchArgs(**args)))), mimetype="application/json")
