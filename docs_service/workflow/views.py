"""Pages: the inbox of each role, a unit's acuses, the coverage dashboard, and the workflow panel
of a version page (actions this person may take, acuse, coverage, log) with its transition POST."""
import csv
import io

from flask import Blueprint, Response, flash, g, redirect, render_template, request, session, url_for
from markupsafe import Markup
from sqlalchemy import select

from ..accounts.labels import unit_name
from ..accounts.models import STAFF_ROLES as STAFF, Unit
from ..core.access import policy, require, roles
from ..core.areas import HomeEntry
from ..core import fechas
from ..core.db import db
from ..core.errors import DomainError, NotFound, StaleVersion
from ..core.fechas import hoy
from ..core.pages import refuse
from ..core.exports import safe_cell
from ..documents.loaders import visible_version
from ..documents.models import Version
from ..documents.queries import sees_drafts
from ..documents.views import date_arg
from . import operations as ops
from . import queries
from .labels import ACUSES, BANDEJA
from .models import Acuse, TransitionLog
from .states import PUBLISHED_STATES, STATES, TRANSITIONS, actions_for

bp = Blueprint("workflow_pages", __name__, template_folder="templates")
ACTORS = ("normativo", "revisor", "titular", "validador")


@bp.route("/bandeja")
@policy(roles(*ACTORS))
def inbox():
    ver = request.args.get("ver")
    ver = ver if ver in queries.TRAYS else None
    return render_template("workflow/inbox.html", trays=queries.inbox(g.user, only=ver), ver=ver,
                           titles=BANDEJA)


@bp.route("/acuses")
@policy(roles("operativo"))
def acuses():
    estado = request.args.get("estado")
    estado = estado if estado in ACUSES else None
    return render_template("workflow/acuses.html", acuses=queries.unit_acuses(g.user, estado), estado=estado,
                           estados=ACUSES)


@bp.route("/acuses/<int:version_id>", methods=["POST"])
@policy(roles("operativo"))
def acknowledge(version_id):
    version = db.session.get(Version, version_id)
    if version is None:
        raise NotFound()
    require(version.estado in PUBLISHED_STATES, hide=True)
    try:
        _acuse, created = ops.acknowledge(g.user, version)
    except DomainError as err:
        return refuse(err, url_for(".acuses"))
    flash(f"Acuse registrado: {version.document.clave} versión {version.numero}." if created
          else "El acuse ya constaba.", "info")
    if request.form.get("volver") == "version":
        return redirect(url_for("documents_pages.version", document_id=version.documento_id, numero=version.numero))
    return redirect(url_for(".acuses"))


@bp.route("/difusion")
@policy(roles(*STAFF))
def coverage():
    mias, incompletas = request.args.get("mias") == "1", request.args.get("incompletas") == "1"
    rows = queries.publications(g.user, mine=mias, incomplete=incompletas)
    return render_template("workflow/coverage.html", rows=rows, mias=mias, incompletas=incompletas)


def _published(version_id: int) -> Version:
    version = db.session.get(Version, version_id)
    require(version is not None and version.estado in PUBLISHED_STATES, hide=True)
    return version


def _coverage_filters(acuses):
    ooad = (request.args.get("ooad") or "")[:2] or None
    estado = request.args.get("estado") if request.args.get("estado") in ACUSES else None
    return ooad, estado, queries.filter_acuses(acuses, ooad=ooad, estado=estado)


@bp.route("/difusion/<int:version_id>")
@policy(roles(*STAFF))
def coverage_detail(version_id):
    """Who received a publication and who still owes its acuse, by OOAD and estado."""
    version = _published(version_id)
    summary, acuses = queries.coverage(version)
    ooad, estado, rows = _coverage_filters(acuses)
    keys = sorted({queries.ooad_of(a.unidad) for a in acuses})
    ooads = db.session.scalars(select(Unit).where(Unit.clave.in_(keys)).order_by(Unit.clave)).all()
    return render_template("workflow/coverage_detail.html", v=version, doc=version.document, resumen=summary,
                           rows=rows, ooads=ooads, ooad=ooad, estado=estado, estados=ACUSES,
                           may_remind=g.user.has_role("normativo"))


@bp.route("/difusion/<int:version_id>/acuses.csv")
@policy(roles(*STAFF))
def coverage_csv(version_id):
    """The same list (same filters) as CSV, for a spreadsheet."""
    version = _published(version_id)
    _ooad, _estado, rows = _coverage_filters(queries.coverage(version)[1])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["clave_unidad", "unidad", "ooad", "estado", "fecha_limite", "recibido"])
    for a in rows:
        writer.writerow([a.unidad.clave, safe_cell(unit_name(a.unidad)), queries.ooad_of(a.unidad),
                         ACUSES["vencido" if a.vencido else a.estado], fechas.fecha(a.fecha_limite),
                         fechas.fecha_hora(a.recibido) if a.recibido else ""])
    name = f"acuses_{version.document.clave}_v{version.numero}.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/difusion/<int:version_id>/recordatorio", methods=["POST"])
@policy(roles("normativo"))
def remind(version_id):
    """Remind the units whose acuse is pending (they receive a notification)."""
    version = _published(version_id)
    back = url_for(".coverage_detail", version_id=version.id)
    try:
        pending = ops.remind_pending(g.user, version)
    except DomainError as err:
        return refuse(err, back)
    n = len(pending)
    flash(f"Recordatorio enviado a {'1 unidad' if n == 1 else f'{n} unidades'} con acuse pendiente.", "info")
    return redirect(back, 303)


@bp.route("/documentos/<int:document_id>/versiones/<int:numero>/accion", methods=["POST"])
@policy(roles(*ACTORS))
def transition(document_id, numero):
    version = visible_version(document_id, numero)
    form = request.form
    back = url_for("documents_pages.version", document_id=document_id, numero=numero)
    try:
        if form.get("lock") != str(version.lock):
            raise StaleVersion("La versión cambió mientras la consultaba; revise su estado actual.")
        destinatarios = _recipients_from_form(form) if form.get("accion") == "publicar" else None
        ops.transition(g.user, version, form.get("accion", ""), comentario=form.get("comentario", ""),
                       vigente_desde=date_arg(form.get("vigente_desde"), "vigente_desde"),
                       vigente_hasta=date_arg(form.get("vigente_hasta"), "vigente_hasta"),
                       destinatarios=destinatarios, fecha=date_arg(form.get("fecha"), "fecha"))
    except DomainError as err:
        # Show the form again with what was chosen (after the redirect, so a reload re-posts nothing).
        session[FORM_KEY] = {"accion": form.get("accion", "")[:32], "version_id": version.id,
                             **{k: form.get(k, "")[:2000] for k in KEPT_FIELDS}}
        return refuse(err, back)
    flash(f"Versión {version.numero}: {STATES[version.estado]}.", "info")
    return redirect(back)


def _recipients_from_form(form) -> dict:
    kind = form.get("destino")
    keys = [k.strip() for k in (form.get("claves") or "").replace(";", ",").split(",") if k.strip()]
    if kind == "todas":
        return {"todas": True}
    if kind in ("ooad", "unidades"):
        return {kind: keys}
    return {}


FORM_KEY = "formulario_flujo"
KEPT_FIELDS = ("vigente_desde", "vigente_hasta", "destino", "claves", "fecha", "comentario")


def version_panel(version):
    """The workflow part of a version page: only the actions `can_apply` allows this person."""
    user = g.user
    kept = session.pop(FORM_KEY, None)
    if not kept or kept.get("version_id") != version.id:
        kept = {}
    actions = [(a, TRANSITIONS[(version.estado, a)]) for a in actions_for(user, version)]
    log = db.session.scalars(select(TransitionLog).where(TransitionLog.version_id == version.id)
                             .order_by(TransitionLog.id)).all()
    coverage = queries.coverage(version) if sees_drafts(user) else None
    my_acuse = None
    if user.unidad_id and user.has_role("operativo"):
        my_acuse = db.session.scalar(select(Acuse).where(Acuse.version_id == version.id,
                                                         Acuse.unidad_id == user.unidad_id))
    return Markup(render_template("workflow/panel.html", v=version, doc=version.document, actions=actions,
                                  log=log, coverage=coverage, my_acuse=my_acuse, estados=STATES,
                                  today=hoy(), first_start=ops.first_valid_start(version), kept=kept))


def home_entries(user):
    """The home page's counters: what waits for this person, each linking to its list."""
    entries = []
    for tray, count in queries.tray_counts(user).items():
        entries.append(HomeEntry(BANDEJA[tray][1], "workflow_pages.inbox", count=count,
                                 alert=tray == "devueltas" and count > 0, params={"ver": tray}))
    if user.has_role("operativo"):
        pending, overdue = queries.unit_acuse_counts(user)
        entries.append(HomeEntry("Acuses pendientes de mi unidad", "workflow_pages.acuses", count=pending,
                                 params={"estado": "pendiente"}))
        entries.append(HomeEntry("Acuses vencidos de mi unidad", "workflow_pages.acuses", count=overdue,
                                 alert=overdue > 0, params={"estado": "vencido"}))
    if user.has_role("normativo"):
        entries.append(HomeEntry("Mis publicaciones con acuses pendientes", "workflow_pages.coverage",
                                 count=queries.incomplete_publications_count(user),
                                 params={"mias": "1", "incompletas": "1"}))
    elif user.has_role(*STAFF):
        entries.append(HomeEntry("Publicaciones con acuses pendientes", "workflow_pages.coverage",
                                 count=queries.incomplete_publications_count(), params={"incompletas": "1"}))
    return entries
