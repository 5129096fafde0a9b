"""The search page: box, filters, date picker, facets, highlighted fragments, links that open the
version at the numeral; and the header's search box (a template global the base page reads)."""
from flask import Blueprint, g, render_template, request
from markupsafe import Markup

from ..core.access import AUTHENTICATED, policy
from ..core.areas import HomeEntry
from ..core.errors import DomainError
from ..core.fechas import hoy
from ..documents.models import TIPOS
from ..documents.queries import sees_drafts
from ..documents.views import date_arg
from . import analysis
from .queries import SearchArgs, document_by_clave, published_areas, search as run_search

bp = Blueprint("search_pages", __name__, template_folder="templates")
POR_PAGINA = 10


def _flag(name: str) -> bool:
    return request.args.get(name) in ("1", "true", "on", "si")


@bp.route("/busqueda")
@policy(AUTHENTICATED)
def search():
    args = request.args
    q = (args.get("q") or "").strip()
    answer, error, status = None, None, 200
    filters = {"tipo": args.get("tipo") if args.get("tipo") in TIPOS else None,
               "area": (args.get("area") or "")[:200] or None, "clave": (args.get("clave") or "")[:32] or None}
    pagina = max(min(args.get("pagina", 1, type=int) or 1, 500), 1)
    try:
        vigente_al = date_arg(args.get("vigente_al"), "vigente_al")
        if q:
            answer = run_search(g.user, SearchArgs(
                q=q, vigente_al=vigente_al, historico=_flag("historico"),
                borradores=_flag("borradores") and sees_drafts(g.user),
                pagina=pagina, por_pagina=POR_PAGINA, **filters))
    except DomainError as err:
        error, status = err.message, err.status
        vigente_al = None
    return render_template("search/search.html", q=q, answer=answer, error=error, filtros=args,
                           vigente_al=vigente_al or hoy(), tipos=TIPOS, por_pagina=POR_PAGINA, pagina=pagina,
                           puede_borradores=sees_drafts(g.user), areas=published_areas(),
                           documento_clave=document_by_clave(g.user, q) if q else None), status


def highlighted(item: dict) -> Markup:
    return Markup(analysis.mark(item["fragmento"], item["resaltado"]))


def home_entries(user):
    return [HomeEntry("Buscar en la normatividad vigente a una fecha", "search_pages.search")]
