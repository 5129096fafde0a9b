"""Pages: the inbox of each role, a unit's acuses, and the coverage dashboard."""
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from ..core.access import policy, require, roles
from ..core.db import db
from ..core.errors import DomainError, NotFound
from ..documents.models import PUBLISHED_STATES, Version
from ..documents.queries import STAFF
from . import operations as ops
from . import queries
from .models import Acuse

bp = Blueprint("workflow_pages", __name__, template_folder="templates")


@bp.route("/bandeja")
@policy(roles("normativo", "revisor", "titular", "validador"))
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
        flash(err.message, "error")
        return redirect(url_for(".acuses")), 303
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
