"""Pages: the consultas inbox, a new consulta, and a consulta's detail with its answer form and the
search beside it (results can be ticked as citations); the "citado por" panel of a version page."""
from flask import Blueprint, g, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from ..accounts.models import Unit, User, UserRole
from ..core.access import policy, roles
from ..core.areas import HomeEntry
from ..core.db import db
from ..core.errors import DomainError, InvalidInput, StaleVersion
from ..core.pages import refuse, reject
from ..search.queries import SearchArgs, search
from . import operations as ops
from . import queries
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
                                    competente=form.get("competente") or None, nrp=form.get("nrp") or None)
        except DomainError as err:
            status = reject(err)
        else:
            return redirect(url_for(".detail", folio=consulta.folio), 303)
    units = db.session.scalars(select(Unit).order_by(Unit.clave)).all()
    return render_template("consultations/new.html", tipos=TIPOS, units=units, form=request.form), status


def _check_lock(consulta: Consulta):
    if request.form.get("lock") != str(consulta.lock):
        raise StaleVersion()


@bp.route("/consultas/<string:folio>")
@policy(READ)
def detail(folio):
    consulta = ops.get(folio)
    q = (request.args.get("q") or "").strip()
    results, error = None, None
    mine = consulta.asignado_id == g.user.id and consulta.estado in ("turnada", "en_analisis")
    if q and mine:
        try:
            results = search(g.user, SearchArgs(q=q, por_pagina=10))
        except DomainError as err:
            error = err.message
    consultores = db.session.scalars(select(User).join(UserRole, UserRole.usuario_id == User.id)
                                     .where(UserRole.rol == "consultor", User.activo.is_(True))
                                     .order_by(User.nombre)).all()
    return render_template("consultations/detail.html", c=consulta, estados=ESTADOS, tipos=TIPOS, q=q,
                           results=results, error=error, mine=mine, consultores=consultores,
                           puede=g.user.has_role("consultor"))


@bp.route("/consultas/<string:folio>/accion", methods=["POST"])
@policy(WRITE)
def act(folio):
    consulta = ops.get(folio)
    back = url_for(".detail", folio=folio)
    try:
        _check_lock(consulta)
        ops.transition(g.user, consulta, request.form.get("accion", ""), asignado=request.form.get("asignado"))
    except DomainError as err:
        return refuse(err, back)
    return redirect(back, 303)


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
    consulta = ops.get(folio)
    form = request.form
    back = url_for(".detail", folio=folio, q=form.get("q") or None)
    try:
        _check_lock(consulta)
        criterio = {"clave": form["criterio_clave"], "titulo": form.get("criterio_titulo", "")} \
            if form.get("criterio_clave") else None
        ops.answer(g.user, consulta, respuesta=form.get("respuesta", ""), citas=_citas_from(form.getlist("citas")),
                   criterio=criterio)
    except DomainError as err:
        return refuse(err, back)
    return redirect(url_for(".detail", folio=folio), 303)


def version_panel(version):
    """"Citado por" on a version page, for those who read consultas."""
    if g.user is None or not g.user.has_role(*queries.READERS):
        return None
    rows = queries.cited_by(version.id)
    return Markup(render_template("consultations/cited_by.html", rows=rows, estados=ESTADOS))


def home_entries(user):
    if not user.has_role(*queries.READERS):
        return []
    from sqlalchemy import func
    mine = db.session.scalar(select(func.count(Consulta.id)).where(Consulta.asignado_id == user.id,
                                                                   Consulta.estado != "respondida"))
    outdated = db.session.scalar(select(func.count(Consulta.id)).where(Consulta.citas_desactualizadas.is_(True)))
    return [HomeEntry("Consultas turnadas a mí", "consultations_pages.inbox", count=mine, params={"ver": "mias"}),
            HomeEntry("Consultas con citas desactualizadas", "consultations_pages.inbox", count=outdated,
                      alert=outdated > 0, params={"ver": "desactualizadas"})]
