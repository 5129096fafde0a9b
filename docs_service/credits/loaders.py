"""Load → check, shared by the API and the pages: anything outside the caller's scope is the same
404 as what does not exist."""
import csv
import io

from flask import Response, g, stream_with_context

from ..core.access import require
from ..core.api_helpers import etag_of
from ..core.errors import NotFound
from ..core.exports import safe_cell
from . import operations as ops
from . import queries
from .labels import ESTADOS_PAGO, INCIDENCIAS
from .phases import PHASES


def credit_etag(credit) -> str:
    return etag_of("credito", credit.id, credit.lock)


def visible_credit(numero: str):
    if not (isinstance(numero, str) and numero.isdigit() and len(numero) == 9):
        raise NotFound()
    credit = ops.get_credit(numero)
    require(ops.can_view_credit(g.user, credit), hide=True)
    return credit


def visible_patron(nrp: str):
    if not isinstance(nrp, str) or len(nrp) > 14:
        raise NotFound()
    patron = ops.get_patron(nrp)
    require(queries.can_view_patron(g.user, patron), hide=True)
    return patron


def csv_response(stmt, columns, filename: str) -> Response:
    """Stream a CSV (UTF-8 with BOM, so spreadsheet programs read the accents) in keyset pages."""
    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow([name for name, _get in columns])
        for count, row in enumerate(queries.stream_rows(stmt), 1):
            writer.writerow([get(row) for _name, get in columns])
            if count % 500 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    response = Response(stream_with_context(generate()), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


CREDIT_COLUMNS = [
    ("numero", lambda c: c.numero), ("nrp", lambda c: c.patron.nrp), ("rfc", lambda c: c.patron.rfc),
    ("razon_social", lambda c: safe_cell(c.patron.razon_social)), ("subdelegacion", lambda c: c.unidad.clave),
    ("concepto", lambda c: c.concepto), ("td", lambda c: c.td), ("origen", lambda c: c.origen),
    ("periodo", lambda c: c.periodo), ("importe_historico", lambda c: c.importe_historico),
    ("actualizacion", lambda c: c.actualizacion), ("recargos", lambda c: c.recargos), ("multa", lambda c: c.multa),
    ("gastos_ejecucion", lambda c: c.gastos_ejecucion), ("importe_total", lambda c: c.importe_total),
    ("saldo", lambda c: c.saldo), ("fecha_emision", lambda c: c.fecha_emision),
    ("fecha_notificacion", lambda c: c.fecha_notificacion or ""), ("fase", lambda c: c.fase),
    ("fase_descripcion", lambda c: PHASES.get(c.fase, c.fase)), ("inc", lambda c: c.inc or ""),
    ("incidencia", lambda c: INCIDENCIAS.get(c.inc or "", "")), ("subdelegacion_nombre", lambda c: c.unidad.nombre),
]
PATRON_COLUMNS = [
    ("nrp", lambda p: p.nrp), ("rfc", lambda p: p.rfc), ("razon_social", lambda p: safe_cell(p.razon_social)),
    ("tipo_persona", lambda p: p.tipo_persona), ("modalidad", lambda p: p.modalidad),
    ("municipio", lambda p: p.municipio), ("subdelegacion", lambda p: p.unidad.clave),
]
PAYMENT_COLUMNS = [
    ("id", lambda p: p.id), ("origen", lambda p: p.origen), ("referencia", lambda p: safe_cell(p.referencia)),
    ("nrp", lambda p: p.nrp), ("periodo", lambda p: p.periodo), ("credito", lambda p: p.credito_numero or ""),
    ("fecha_pago", lambda p: p.fecha_pago), ("importe_cop", lambda p: p.importe_cop),
    ("importe_rcv", lambda p: p.importe_rcv), ("importe_total", lambda p: p.importe_total),
    ("importe_aplicado", lambda p: p.importe_aplicado), ("estado", lambda p: p.estado),
    ("estado_descripcion", lambda p: ESTADOS_PAGO.get(p.estado, p.estado)),
]
