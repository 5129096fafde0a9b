"""Pages of batch emission: start (or resume) the lote of a Subdelegación and follow its progress.
Like the API, the page only records the lote and hands it to its runner after the commit
(`lotes.start`); the progress page reads the lote's rows and refreshes itself, and resumes a lote
whose runner died."""
import re
from datetime import date

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from sqlalchemy import select

from ..core.access import policy, require, roles
from ..core.db import after_commit, db
from ..core.errors import DomainError, InvalidInput
from ..core.fechas import hoy
from ..core.pages import reject
from . import batch, lotes
from . import operations as ops
from .models import Lote

bp = Blueprint("certification_lotes_pages", __name__, template_folder="templates")
EMISORES = ("operativo", "titular")


def _may_use(lote: Lote) -> bool:
    return g.user.has_role("titular") or lote.unidad_id == g.user.unidad_id


def _start_after_commit(lote_id: int) -> None:
    app = current_app._get_current_object()
    after_commit(lambda: lotes.start(app, lote_id))


def _create(form) -> Lote:
    unidad = form.get("unidad", "").strip()
    if not re.fullmatch(r"[0-9]{4}", unidad):  # ASCII digits only (str.isdigit takes other scripts')
        raise InvalidInput("Indique la clave de la Subdelegación (cuatro dígitos).", code="unidad_requerida")
    try:
        corte = date.fromisoformat(form.get("fecha_corte", ""))
    except ValueError:
        raise InvalidInput("La fecha de corte debe ser AAAA-MM-DD.", code="fecha_invalida") from None
    lote, _created = ops.open_lote(g.user, unidad, corte)
    db.session.flush()
    return lote


@bp.route("/constancias/lotes", methods=["GET", "POST"])
@policy(roles(*EMISORES))
def index():
    status = 200
    if request.method == "POST":
        try:
            lote = _create(request.form)
        except DomainError as err:
            status = reject(err)
        else:
            if lote.estado != "terminado":
                _start_after_commit(lote.id)
            return redirect(url_for(".detail", lote_id=lote.id), 303)
    stmt = select(Lote).order_by(Lote.id.desc()).limit(20)
    if not g.user.has_role("titular"):
        stmt = stmt.where(Lote.unidad_id == g.user.unidad_id)
    unidad = g.user.unidad.clave if getattr(g.user, "unidad", None) is not None else ""
    return render_template("certification/lotes.html", lotes=db.session.scalars(stmt).all(), form=request.form,
                           unidad=unidad, hoy=hoy()), status


@bp.route("/constancias/lotes/<int:lote_id>")
@policy(roles(*EMISORES))
def detail(lote_id):
    lote = db.session.get(Lote, lote_id)
    require(lote is not None and _may_use(lote), hide=True)
    state = batch.status(lote_id)
    if state["estado"] != "terminado":
        _start_after_commit(lote_id)
    hechas = sum(state["por_estado"].get(k, 0) for k in ("emitido", "error"))
    return render_template("certification/lote.html", lote=lote, state=state, hechas=hechas)
