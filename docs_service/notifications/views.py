"""Pages: my notifications (open one = mark it read and go to its page), mark all read, e-mail preference."""
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from ..core.access import AUTHENTICATED, policy, safe_next
from ..core.api_helpers import paginate
from ..core.db import db
from ..core.errors import DomainError
from ..core.pages import reject
from . import operations as ops
from . import queries
from .models import Preference

bp = Blueprint("notifications_pages", __name__, template_folder="templates")
PER_PAGE = 20


@bp.route("/notificaciones")
@policy(AUTHENTICATED)
def inbox():
    only_unread = request.args.get("no_leidas") == "1"
    stmt = queries.own_stmt(g.user, only_unread=only_unread)
    total, _ = paginate(stmt, 1, 1)
    last = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    pagina = min(max(request.args.get("pagina", 1, type=int) or 1, 1), last)
    total, items = paginate(stmt, pagina, PER_PAGE)
    return render_template("notifications/inbox.html", items=items, total=total, pagina=pagina, ultima=last,
                           no_leidas=only_unread)


@bp.route("/notificaciones/<int:notification_id>/abrir", methods=["POST"])
@policy(AUTHENTICATED)
def open_one(notification_id):
    notice = ops.mark_read(g.user, ops.get_own(g.user, notification_id))
    return redirect(safe_next(notice.enlace) if notice.enlace else url_for(".inbox"), 303)


@bp.route("/notificaciones/leidas", methods=["POST"])
@policy(AUTHENTICATED)
def read_all():
    marked = ops.mark_all_read(g.user)
    flash(f"{marked} notificaciones marcadas como leídas." if marked != 1 else "1 notificación marcada como leída.",
          "info")
    return redirect(url_for(".inbox"), 303)


@bp.route("/notificaciones/preferencias", methods=["GET", "POST"])
@policy(AUTHENTICATED)
def preferences():
    smtp = bool(current_app.config.get("DOCS_SMTP_URL"))
    if request.method == "POST":
        form = request.form
        try:
            ops.set_preference(g.user, correo=form.get("correo", "")[:300], por_correo=form.get("por_correo") == "1")
        except DomainError as err:
            status = reject(err)
            return render_template("notifications/preferences.html", correo=form.get("correo", "")[:300],
                                   por_correo=form.get("por_correo") == "1", smtp=smtp), status
        flash("Preferencias guardadas.", "info")
        return redirect(url_for(".preferences"), 303)
    preference = db.session.get(Preference, g.user.id)
    return render_template("notifications/preferences.html", correo=preference.correo if preference else "",
                           por_correo=bool(preference and preference.por_correo), smtp=smtp)
