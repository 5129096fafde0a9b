"""The audit trail as a page for auditor and admin: filters, pagination, a streamed CSV export."""
import csv
import io
import json
import re
from datetime import date

from flask import Blueprint, Response, current_app, flash, render_template, request, stream_with_context

from ..core.access import policy, roles
from ..core.api_helpers import paginate
from ..core.fechas import fecha, iso_local
from ..core.exports import safe_cell
from ..core.pages import day_range
from . import labels, queries

bp = Blueprint("audit_pages", __name__, template_folder="templates")
AUDITORS = roles("auditor", "admin")
PER_PAGE = 50
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
LIMITS = {"accion": 64, "actor": 64, "objeto_tipo": 40, "objeto_id": 80, "resultado": 16}


def _filters(args) -> tuple[dict, list[str]]:
    """The filters of the query string (bounded), and the Spanish complaints about bad dates."""
    filters, problems = {}, []
    for key, limit in LIMITS.items():
        value = (args.get(key) or "").strip()[:limit]
        if value:
            filters[key] = value
    day_range(args, filters, problems, empty="no hay movimientos en ese intervalo")
    return filters, problems


@bp.route("/auditoria")
@policy(AUDITORS)
def trail():
    filters, problems = _filters(request.args)
    for problem in problems:
        flash(problem, "error")
    stmt = queries.local_trail_stmt(filters)
    total, _ = paginate(stmt, 1, 1)
    last = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    pagina = min(max(request.args.get("pagina", 1, type=int) or 1, 1), last)
    total, rows = paginate(stmt, pagina, PER_PAGE)
    query = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items()}
    return render_template("audit/trail.html", rows=rows, total=total, pagina=pagina, ultima=last, filtros=query,
                           acciones=queries.known_actions(), resultados=labels.RESULTADOS, detalle=_detail)


def _detail(entry) -> str:
    """The detail as an auditor reads it: keys in words, dates as 11/12/2026, «—» for nothing, and the
    codes of a step (states, phases, actions) by the label their area's page filter gives them. The
    CSV export keeps the stored JSON."""
    try:
        data = json.loads(entry.detalle or "{}")
    except ValueError:
        return entry.detalle or ""
    if not isinstance(data, dict):
        return str(data)
    coded = labels.CODED_VALUES.get(entry.accion, {})
    filters = current_app.jinja_env.filters
    parts = []
    for key, value in data.items():
        label = filters.get(coded.get(key, ""))
        shown = label(value) if label is not None and isinstance(value, str) else _value(value)
        parts.append(f"{labels.CLAVES.get(key, key.replace('_', ' '))}: {shown}")
    return "; ".join(parts)


def _value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "sí" if value else "no"
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "—"
    if isinstance(value, str) and ISO_DAY.fullmatch(value):
        try:
            return fecha(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


@bp.route("/auditoria.csv")
@policy(AUDITORS)
def trail_csv():
    filters, _problems = _filters(request.args)
    stmt = queries.local_trail_stmt(filters)

    def generate():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "fecha", "actor", "roles", "accion", "accion_etiqueta", "objeto_tipo", "objeto_id",
                         "resultado", "detalle", "request_id", "ip", "hash"])
        yield "\ufeff" + out.getvalue()
        for entry in queries.iter_rows(stmt):
            out.seek(0)
            out.truncate()
            writer.writerow([entry.id, iso_local(entry.fecha), safe_cell(entry.actor), entry.roles, entry.accion,
                             labels.accion(entry.accion), entry.objeto_tipo or "", safe_cell(entry.objeto_id or ""),
                             entry.resultado, safe_cell(entry.detalle), entry.request_id or "", entry.ip or "", entry.hash])
            yield out.getvalue()

    response = Response(stream_with_context(generate()), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="auditoria.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response

