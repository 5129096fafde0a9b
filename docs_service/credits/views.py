"""Pages: credit search (with CSV export), patrón with its credits and balances, credit with its
phase timeline, documents, and forms offering only the actions allowed now (transitions, traslado,
trámites)."""
from datetime import date
from decimal import Decimal, InvalidOperation

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from ..accounts.labels import unit_label
from ..core.access import policy, roles
from ..core.api_helpers import paginate
from ..core.areas import HomeEntry
from ..core.db import db
from ..core.errors import DomainError, InvalidInput, StaleVersion
from ..core.pages import refuse
from . import operations as ops
from . import queries, rules
from . import tramites as tr
from . import transfers
from .api_tramites import visible_tramite
from .loaders import CREDIT_COLUMNS, csv_response, visible_credit, visible_patron
from .models import CONCEPTOS, ORIGENES, Tramite
from .operations import DOCUMENT_TYPES
from .phases import EMBARGO_LABELS, MOTIVOS, PHASES, action_label

bp = Blueprint("credits_pages", __name__, template_folder="templates")
READ = roles(*ops.VIEWERS)
OPERATIVO = roles("operativo")
PATRON_CREDITS = 500  # credits listed on a patrón's page; the search by NRP pages through all
FILTERS = ("nrp", "numero", "rfc", "razon_social", "fase", "unidad", "concepto", "periodo", "lote")


def home_entries(user):
    if not user.has_role(*ops.VIEWERS):
        return []
    entries = [HomeEntry("Buscar créditos fiscales de su unidad" if user.has_role("operativo")
                         else "Consultar créditos fiscales", "credits_pages.search")]
    if user.has_role("operativo") and user.unidad_id:
        pending = len(transfers.pending_for(user))
        entries.append(HomeEntry("Traslados por aceptar", "credits_ops_pages.transfers", count=pending or None,
                                 alert=pending > 0))
        entries.append(HomeEntry("Importar créditos (CSV)", "credits_ops_pages.import_page"))
    entries.append(HomeEntry("Pagos y conciliación", "credits_ops_pages.payments"))
    return entries


def search_filters(args) -> dict:
    """Page filters, ignoring what is malformed (the API validates strictly; a page just filters)."""
    out = {}
    for key in FILTERS:
        value = "".join(c for c in (args.get(key) or "") if c.isprintable()).strip()[:100]  # no NUL for PostgreSQL
        if not value:
            continue
        if key == "fase" and value not in PHASES or key == "concepto" and value not in CONCEPTOS \
                or key == "lote" and not (value.isascii() and value.isdigit() and len(value) < 10):
            continue
        out[key] = value
    return out


@bp.route("/creditos")
@policy(READ)
def search():
    filters = search_filters(request.args)
    pagina = max(request.args.get("pagina", 1, type=int) or 1, 1)
    total, items = paginate(queries.credits_stmt(g.user, **filters), pagina, 50)
    unidades = [] if g.user.has_role("operativo") else queries.credit_units()
    return render_template("credits/search.html", items=items, total=total, pagina=pagina, filtros=filters,
                           fases=PHASES, conceptos=CONCEPTOS, conteo=queries.phase_counts(g.user), unidades=unidades)


@bp.route("/creditos/exportacion.csv")
@policy(READ)
def export():
    return csv_response(queries.credits_stmt(g.user, **search_filters(request.args)), CREDIT_COLUMNS, "creditos.csv")


@bp.route("/patrones/<nrp>")
@policy(READ)
def patron(nrp):
    p = visible_patron(nrp)
    credits = db.session.scalars(queries.credits_stmt(g.user, nrp=p.nrp).limit(PATRON_CREDITS)).all()
    return render_template("credits/patron.html", p=p, credits=credits, saldos=queries.balances(g.user, p),
                           fases=PHASES, conceptos=CONCEPTOS, origenes=ORIGENES)


@bp.route("/creditos/<numero>")
@policy(READ)
def credit(numero):
    c = visible_credit(numero)
    offered = [t for t in queries.transfers_of(c) if t.estado == "pendiente"
               and g.user.unidad_id == t.unidad_destino_id and g.user.has_role("operativo")]
    tramites = db.session.query(Tramite).filter_by(credito_id=c.id).order_by(Tramite.id).all()
    return render_template("credits/credit.html", c=c, events=queries.timeline(c), documents=queries.documents(c),
                           transfers=queries.transfers_of(c), offered=offered, tramites=tramites,
                           actions=ops.available_actions(g.user, c), can_act=ops.can_act(g.user, c),
                           fases=PHASES, motivos=MOTIVOS, embargos=EMBARGO_LABELS, label=action_label,
                           tipos_documento=DOCUMENT_TYPES, tipos_tramite=tr.TIPOS, resultados=tr.RESULTADOS,
                           tipos_traslado=transfers.TIPOS, destinos=transfers.destinations(c),
                           origenes=ORIGENES, today=rules.today(),
                           vence=rules.vencimiento_pago(c.fecha_notificacion) if c.fecha_notificacion else None,
                           prescribe=rules.prescribe_el(c))


def _check_version(c):
    sent = request.form.get("version", "")
    if sent != str(c.lock):
        raise StaleVersion("Otra persona modificó el crédito mientras usted lo veía; revise su estado y repita.")


def _date(value, field):
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("Fecha no válida (AAAA-MM-DD).", errors={field: ["Fecha no válida."]}) from None


def _uploaded_documents():
    archivo = request.files.get("archivo")
    if archivo is None or not archivo.filename:
        return []
    return [ops.store_document(request.form.get("tipo_documento", "otro"), archivo.filename, archivo.read())]


@bp.route("/creditos/<numero>/transiciones", methods=["POST"])
@policy(OPERATIVO)
def transition(numero):
    c = visible_credit(numero)
    back = url_for(".credit", numero=c.numero)
    form = request.form
    try:
        _check_version(c)
        ops.transition(g.user, c, form.get("accion", ""), fecha=_date(form.get("fecha"), "fecha"),
                       fundamento=form.get("fundamento", "")[:2000], comentario=form.get("comentario", "")[:5000],
                       motivo=form.get("motivo") or None, tipo_embargo=form.get("tipo_embargo") or None,
                       documentos=_uploaded_documents())
    except DomainError as err:
        return refuse(err, back)
    flash(f"Crédito {c.numero}: {action_label(form.get('accion', ''))} → {PHASES[c.fase]}.", "info")
    return redirect(back, 303)


@bp.route("/creditos/<numero>/traslados", methods=["POST"])
@policy(OPERATIVO)
def send_transfer(numero):
    c = visible_credit(numero)
    back = url_for(".credit", numero=c.numero)
    try:
        _check_version(c)
        transfer = transfers.request_transfer(g.user, c, tipo=request.form.get("tipo", ""),
                                              unidad_destino=request.form.get("unidad_destino", "").strip(),
                                              motivo=request.form.get("motivo", ""), documentos=_uploaded_documents())
    except DomainError as err:
        return refuse(err, back)
    flash(f"Traslado enviado a {unit_label(transfer.unidad_destino)}; "
          "queda pendiente de su aceptación.", "info")
    return redirect(back, 303)


@bp.route("/creditos/<numero>/tramites", methods=["POST"])
@policy(OPERATIVO)
def file_tramite(numero):
    c = visible_credit(numero)
    back = url_for(".credit", numero=c.numero)
    form = request.form
    datos = {k: form[k] for k in ("motivo", "modalidad") if form.get(k)}
    try:
        if form.get("parcialidades"):
            datos["parcialidades"] = int(form["parcialidades"]) if form["parcialidades"].isdigit() else -1
        for key in ("pago_inicial", "importe_solicitado"):
            if form.get(key):
                datos[key] = str(_money(form[key], key))
        tramite = tr.file_tramite(g.user, tipo=form.get("tipo", ""), patron=c.patron, credit=c,
                                  fecha_presentacion=_date(form.get("fecha_presentacion"), "fecha_presentacion"),
                                  datos=datos, formato=form.get("formato") or None, documentos=_uploaded_documents())
    except DomainError as err:
        return refuse(err, back)
    flash(f"Trámite {tramite.id} registrado: {tr.TIPOS[tramite.tipo]}.", "info")
    return redirect(back, 303)


def _money(value, field) -> Decimal:
    try:
        amount = Decimal(value.replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        raise InvalidInput("Importe no válido.", errors={field: ["Importe no válido."]}) from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e11"):
        raise InvalidInput("Importe no válido.", errors={field: ["Importe no válido."]})
    return amount.quantize(Decimal("0.01"))


@bp.route("/tramites/<int:tramite_id>/resolucion", methods=["POST"])
@policy(OPERATIVO)
def resolve_tramite(tramite_id):
    tramite = visible_tramite(tramite_id)
    back = url_for(".credit", numero=tramite.credito.numero) if tramite.credito else url_for(".search")
    form = request.form
    try:
        if form.get("version", "") != str(tramite.lock):
            raise StaleVersion()
        importe = _money(form["importe"], "importe") if form.get("importe") else None
        tr.resolve_tramite(g.user, tramite, resultado=form.get("resultado", ""), resolucion=form.get("resolucion", ""),
                           importe=importe, documentos=_uploaded_documents())
    except DomainError as err:
        return refuse(err, back)
    flash(f"Trámite {tramite.id} resuelto: {tr.RESULTADOS[tramite.estado]}.", "info")
    return redirect(back, 303)
