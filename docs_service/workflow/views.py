"""Pages: the inbox of each role, a unit's acuses, the coverage dashboard, and the workflow panel
of a version page (actions this person may take, acuse, coverage, log) with its transition POST."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy import select

from ..accounts.models import STAFF_ROLES as STAFF
from ..core.access import policy, require, roles
from ..core.areas import HomeEntry
from ..core.db import db
from ..core.errors import DomainError, NotFound, StaleVersion
from ..core.fechas import hoy
from ..core.pages import refuse
from ..documents.loaders import visible_version
from ..documents.models import Version
from ..documents.queries import sees_drafts
from ..documents.views import date_arg
from . import operations as ops
from . import queries
from .models import Acuse, TransitionLog
from .states import PUBLISHED_STATES, STATES, TRANSITIONS, actions_for

bp = Blueprint("workflow_pages", __name__, template_folder="templates")
ACTORS = ("normativo", "revisor", "titular", "validador")


@bp.route("/bandeja")
@policy(roles(*ACTORS))
def inbox():
    return render_template("workflow/inbox.html", items=queries.inbox(g.user))


@bp.route("/acuses")
@policy(roles("operativo"))
def acuses():
    return render_template("workflow/acuses.html", acuses=queries.unit_acuses(g.user))


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
    versions = db.session.scalars(select(Version).where(Version.id.in_(select(Acuse.version_id)))
                                  .order_by(Version.publicado.desc())).all()
    rows = [(v, queries.coverage(v)[0]) for v in versions]
    return render_template("workflow/coverage.html", rows=rows)


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


def version_panel(version):
    """The workflow part of a version page: only the actions `can_apply` allows this person."""
    user = g.user
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
                                  today=hoy()))


def home_entries(user):
    entries = []
    if user.has_role(*ACTORS):
        entries.append(HomeEntry("Versiones que esperan su acción", "workflow_pages.inbox"))
    if user.has_role("normativo", "auditor"):
        entries.append(HomeEntry("Seguir la difusión y los acuses de cada publicación", "workflow_pages.coverage"))
    if user.has_role("operativo"):
        entries.append(HomeEntry("Acusar recibo de las publicaciones dirigidas a su unidad", "workflow_pages.acuses"))
    return entries
