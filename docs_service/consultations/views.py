"""Pages: the consultas inbox, a new consulta, and a consulta's detail with its answer form and the
search beside it (results can be ticked as citations); the "citado por" panel of a version page."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from ..accounts.labels import unit_label as unidad
from ..accounts.models import Unit
from ..core.access import policy, roles
from ..core.areas import HomeEntry
from ..core.db import db, writes_apart
from ..core.errors import DomainError, InvalidInput, NotAllowed, StaleVersion, fail
from ..core.fechas import fecha, hoy
from ..core.pages import refuse, reject
from ..documents.models import PUBLISHED_STATES, Version
from ..documents.views import date_arg
from ..search.queries import SearchArgs, search
from . import operations as ops
from . import queries, routing
from .models import ESTADOS, TIPOS, Consulta

bp = Blueprint("consultations_pages", __name__, template_folder="templates")
READ = roles(*queries.READERS)
WRITE = roles("consultor")


@bp.route("/consultas")
@policy(READ)
def inbox():
    ver = request.args.get("ver")
    filters = {"desactualizadas": True} if ver == "desactualizadas" else {"mias": True} if ver == "mias" else {}
    if request.args.get("estado") in ESTADOS:
        filters["estado"] = request.args["estado"]
    consultas = db.session.scalars(queries.inbox_stmt(g.user, **filters).limit(200)).all()
    return render_template("consultations/inbox.html", consultas=consultas, ver=ver, estados=ESTADOS, tipos=TIPOS)


@bp.route("/consultas/nueva", methods=["GET", "POST"])
@policy(WRITE)
def new():
    status = 200
    if request.method == "POST":
        form = request.form
        try:
            consulta = ops.register(g.user, tipo=form.get("tipo", ""), asunto=form.get("asunto", ""),
                                    descripcion=form.get("descripcion", ""), solicitante=form.get("solicitante", ""),
                                    competente=form.get("competente") or None, nrp=form.get("nrp") or None,
                                    fecha_hechos=form.get("fecha_hechos") or None)
        except DomainError as err:
            status = reject(err)
        else:
            flash(f"Consulta registrada con folio {consulta.folio}: la responde {unidad(consulta.competente)}; "
                  f"fecha límite {fecha(consulta.fecha_limite)}.", "info")
            return redirect(url_for(".detail", folio=consulta.folio), 303)
    units = db.session.scalars(select(Unit).order_by(Unit.clave)).all()
    return render_template("consultations/new.html", tipos=TIPOS, units=units, form=request.form,
                           hoy=hoy()), status


def _check_lock(consulta: Consulta):
    if request.form.get("lock") != str(consulta.lock):
        raise StaleVersion()


def _answering(consulta: Consulta) -> str | None:
    """"responder" when the user answers it now, "de_nuevo" when they may answer a flagged one again."""
    if consulta.estado in ("turnada", "en_analisis") and consulta.asignado_id == g.user.id:
        return "responder"
    if ops.may_review(g.user, consulta):
        return "de_nuevo"
    return None


def _chosen(values) -> list[dict]:
    """The citations ticked so far (kept across a search), with what the page shows of them."""
    chosen, seen = [], set()
    for value in values[:ops.MAX_CITAS]:
        parts = value.split(":", 2)
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or value in seen:
            continue
        version = db.session.scalar(select(Version).where(Version.documento_id == int(parts[0]),
                                                          Version.numero == int(parts[1])))
        if version is None or version.estado not in PUBLISHED_STATES:
            continue
        seen.add(value)
        chosen.append({"value": value, "clave": version.document.clave, "version": version.numero,
                       "numeral": parts[2], "titulo": version.document.titulo})
    return chosen


def _results(answer: dict, chosen: list[dict]) -> list[dict]:
    """Search items as citation choices: one per document, version and numeral, not already chosen."""
    seen, items = {c["value"] for c in chosen}, []
    for item in answer["items"]:
        value = f"{item['documento_id']}:{item['version']}:{item['numeral'] or ''}"
        if value not in seen:
            seen.add(value)
            items.append({**item, "value": value})
    return items


CITE_PAGE = 10  # results asked for beside the answer (citar.js asks for the same)


def results_line(total: int, shown: int, q: str, day: str) -> str:
    """What the citation search says of its list: the results listed (one per document, version and
    numeral, those already ticked left out), and whether there are more than one page."""
    if total == 0:
        return f"Ningún resultado de «{q}» vigente al {day}."
    if shown == 0:
        return f"Los resultados de «{q}» vigentes al {day} ya están entre las citas marcadas."
    if total > CITE_PAGE:
        return f"Los primeros {shown} de {total} resultados de «{q}», vigentes al {day}; precise la búsqueda para ver otros."
    return f"{shown} resultado de «{q}», vigente al {day}." if shown == 1 else \
        f"{shown} resultados de «{q}», vigentes al {day}."


def _detail_page(consulta: Consulta, *, posted=False, search_now=False, status=200):
    """The consulta page. `posted`: draw the answer form again with what was typed and ticked;
    `search_now`: also search for citations, as in force on the chosen day."""
    form = request.form if posted else {}
    answering = _answering(consulta)
    if answering == "de_nuevo" and not posted and request.args.get("responder") != "de-nuevo":
        answering = None  # a flagged answer shows its review actions; answering again is one of them
    q = (form.get("q") or "").strip()
    vigente_al = consulta.fecha_hechos or hoy()
    chosen, results, error = _chosen(form.getlist("citas")) if posted else [], None, None
    if answering == "de_nuevo" and not posted:  # answering again starts from the answer given, citations too
        chosen = _chosen([f"{c.version.documento_id}:{c.version.numero}:{c.numeral or ''}" for c in consulta.citas])
    draft = form.get("respuesta", "")[:50000] if posted else (consulta.respuesta or "" if answering == "de_nuevo" else "")
    criterio = {"clave": form.get("criterio_clave", "")[:32], "titulo": form.get("criterio_titulo", "")[:300]} \
        if posted else {}
    if search_now:
        try:
            vigente_al = date_arg(form.get("vigente_al"), "vigente_al") or vigente_al
            if not q:
                raise InvalidInput("Escriba qué buscar.", errors={"q": ["Este dato es obligatorio."]})
            answer = search(g.user, SearchArgs(q=q, vigente_al=vigente_al, por_pagina=CITE_PAGE))
            items = _results(answer, chosen)
            results = {"items": items, "sugerencia": answer["sugerencia"],
                       "linea": results_line(answer["total"], len(items), q, fecha(vigente_al))}
        except DomainError as err:
            error, status = err.message, err.status
            fail(err)
    elif posted:
        try:
            vigente_al = date_arg(form.get("vigente_al"), "vigente_al") or vigente_al
        except DomainError:
            pass
    may_turn = consulta.estado != "respondida" and routing.may_turn(g.user, consulta)
    return render_template("consultations/detail.html", c=consulta, estados=ESTADOS, tipos=TIPOS, q=q,
                           vigente_al=vigente_al, results=results, chosen=chosen, error=error, draft=draft,
                           criterio=criterio,
                           answering=answering, consultores=routing.consultores_for(consulta) if may_turn else [],
                           puede_turnar=may_turn, revisa=ops.may_review(g.user, consulta)), status


@bp.route("/consultas/<string:folio>")
@policy(READ)
def detail(folio):
    return _detail_page(ops.get(folio, g.user))


@bp.route("/consultas/<string:folio>/accion", methods=["POST"])
@policy(WRITE)
def act(folio):
    consulta = ops.get(folio, g.user)
    back = url_for(".detail", folio=folio)
    try:
        _check_lock(consulta)
        accion = request.form.get("accion", "")
        if accion in ops.REVIEW_ACTIONS:
            ops.review(g.user, consulta, accion)
        else:
            ops.transition(g.user, consulta, accion, asignado=request.form.get("asignado"))
    except DomainError as err:
        return refuse(err, back)
    flash(_done(consulta, accion), "info")
    return redirect(back, 303)


def _done(consulta: Consulta, accion: str) -> str:
    """What a page action did, said after it."""
    if accion == "actualizar_citas":
        return "Citas actualizadas a la versión vigente de cada documento."
    if accion == "confirmar":
        return "Respuesta confirmada: sigue aplicando con las citas que tiene."
    if consulta.estado == "turnada" and consulta.asignado is not None:
        return f"Consulta turnada a {consulta.asignado.nombre_completo or consulta.asignado.nombre}."
    return f"Consulta {consulta.folio}: {ESTADOS[consulta.estado]}."


def _citas_from(values) -> list[dict]:
    citas = []
    for value in values[:ops.MAX_CITAS + 1]:
        parts = value.split(":", 2)
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            raise InvalidInput("Cita no válida.", code="cita_invalida", errors={"citas": ["Formato no válido."]})
        citas.append({"documento_id": int(parts[0]), "version": int(parts[1]), "numeral": parts[2][:64]})
    return citas


@bp.route("/consultas/<string:folio>/respuesta", methods=["POST"])
@policy(WRITE)
def respond(folio):
    """Answer; a refused answer draws the form again with what was typed and ticked."""
    consulta = ops.get(folio, g.user)
    form = request.form
    back = url_for(".detail", folio=folio, responder="de-nuevo" if consulta.estado == "respondida" else None)
    try:
        _check_lock(consulta)
        criterio = {"clave": form["criterio_clave"], "titulo": form.get("criterio_titulo", "")} \
            if form.get("criterio_clave") else None
        ops.answer(g.user, consulta, respuesta=form.get("respuesta", ""), citas=_citas_from(form.getlist("citas")),
                   criterio=criterio)
    except DomainError as err:
        if isinstance(err, StaleVersion):
            return refuse(err, back)
        status = reject(err)  # the form comes back with what was typed and ticked
        return _detail_page(ops.get(folio, g.user), posted=True, status=status)
    n = len(consulta.citas)
    flash(f"Respuesta registrada con {n} cita{'' if n == 1 else 's'}." if n else
          "Respuesta registrada; se inició el proyecto de criterio normativo.", "info")
    return redirect(url_for(".detail", folio=folio), 303)


@bp.route("/consultas/<string:folio>/citar", methods=["POST"])
@policy(WRITE)
@writes_apart
def cite(folio):
    """The answer form's "Buscar" without JavaScript: search for citations and draw the form again
    with what was typed and ticked. Nothing is saved (the search applies its own pending index work)."""
    consulta = ops.get(folio, g.user)
    if _answering(consulta) is None:
        return refuse(NotAllowed("Esta consulta no admite una respuesta de su parte."), url_for(".detail", folio=folio))
    return _detail_page(consulta, posted=True, search_now=True)


def version_panel(version):
    """"Citado por" on a version page, for those who read consultas."""
    if g.user is None or not g.user.has_role(*queries.READERS):
        return None
    rows = queries.cited_by(g.user, version.id)
    return Markup(render_template("consultations/cited_by.html", rows=rows, estados=ESTADOS))


def home_entries(user):
    if not user.has_role(*queries.READERS):
        return []
    mine = queries.count(user, Consulta.asignado_id == user.id, Consulta.estado != "respondida")
    outdated = queries.count(user, Consulta.citas_desactualizadas.is_(True))
    return [HomeEntry("Consultas turnadas a mí", "consultations_pages.inbox", count=mine, params={"ver": "mias"}),
            HomeEntry("Consultas con citas desactualizadas", "consultations_pages.inbox", count=outdated,
                      alert=outdated > 0, params={"ver": "desactualizadas"})]
