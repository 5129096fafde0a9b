"""Pages of the batch side: CSV import with its report, traslados waiting for the unit, payment files
and their conciliation, certificaciones de pagos no captados."""
import csv
import io
import json

from flask import Blueprint, Response, flash, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select

from ..core.access import policy, require, roles
from ..core.api_helpers import paginate
from ..core.db import db
from ..core.errors import DomainError, InvalidUpload, NotAllowed, NotFound
from ..core.exports import safe_cell
from ..accounts.labels import unit_label
from ..core.pages import reject, refuse
from . import operations as ops
from . import payments as pay
from . import progress, queries, transfers
from .importer import REPORT_CAP, import_credits
from .labels import ESTADOS_PAGO, cifra, cuantos
from .loaders import PAYMENT_COLUMNS, csv_response
from .models import PAYMENT_STATES, ImportBatch, PaymentCertification, PaymentFile

bp = Blueprint("credits_ops_pages", __name__, template_folder="templates")
READ = roles(*ops.VIEWERS)
OPERATIVO = roles("operativo")


def _file(field="archivo"):
    archivo = request.files.get(field)
    if archivo is None or not archivo.filename:
        raise InvalidUpload("Seleccione un archivo CSV.", code="archivo_requerido")
    return archivo


@bp.route("/creditos/importar", methods=["GET", "POST"])
@policy(OPERATIVO)
def import_page():
    if request.method == "POST":
        tracker = None
        try:
            archivo = _file()
            tracker = progress.Tracker(request.form.get("avance"), g.user.id, _size(archivo.stream))
            batch = import_credits(g.user, archivo.stream, archivo.filename, progress=tracker.progress,
                                   avance=tracker.avance)
        except DomainError as err:
            if tracker is not None:
                tracker.finish(error=err.message)
            status = reject(err)
            return _import_form(), status
        except BaseException:
            if tracker is not None:
                tracker.finish(error="La importación no se completó por un error del servidor.")
            raise
        tracker.finish(batch)
        flash(f"Importación terminada: {cuantos(batch.cargadas, 'fila cargada', 'filas cargadas')}, "
              f"{cuantos(batch.rechazadas, 'rechazada', 'rechazadas')}.", "info")
        return redirect(url_for(".batch", batch_id=batch.id), 303)
    return _import_form()


def _import_form():
    token = progress.new_token()
    return render_template("credits/import.html", batches=_batches(), avance=token,
                           avance_url=url_for(".import_progress", token=token))


def _size(stream) -> int:
    start = stream.tell()
    stream.seek(0, 2)
    size = stream.tell() - start
    stream.seek(start)
    return size


@bp.route("/creditos/importar/avance/<token>")
@policy(OPERATIVO)
def import_progress(token):
    """The progress of an import this user started from the page (JSON, polled while it runs)."""
    data = progress.read(token, g.user.id)
    if data is None:
        raise NotFound()
    if data.get("lote"):
        data["url"] = url_for(".batch", batch_id=data["lote"])
    response = jsonify(data)
    response.headers["Cache-Control"] = "no-store"
    return response


def _batches():
    stmt = select(ImportBatch).order_by(ImportBatch.id.desc()).limit(20)
    if not ops.reads_all(g.user):
        stmt = stmt.where(ImportBatch.unidad_id == g.user.unidad_id)
    return db.session.scalars(stmt).all()


def _visible_batch(batch_id) -> ImportBatch:
    b = db.session.get(ImportBatch, batch_id) if 0 < batch_id < 2**63 else None
    if b is None:
        raise NotFound()
    require(ops.reads_all(g.user) or b.unidad_id == g.user.unidad_id, hide=True)
    return b


@bp.route("/creditos/importaciones/<int:batch_id>")
@policy(READ)
def batch(batch_id):
    b = _visible_batch(batch_id)
    return render_template("credits/batch.html", b=b, reporte=json.loads(b.reporte or "[]"), tope=REPORT_CAP)


@bp.route("/creditos/importaciones/<int:batch_id>/reporte.csv")
@policy(READ)
def batch_report(batch_id):
    """The import's per-row report as CSV (UTF-8 with BOM), to fix the rows in a spreadsheet."""
    b = _visible_batch(batch_id)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(["fila", "credito", "campo", "tipo", "mensaje"])
    for r in json.loads(b.reporte or "[]"):
        writer.writerow([r.get("fila", ""), safe_cell(r.get("numero") or ""), r.get("campo") or "",
                         "Error" if r.get("nivel") == "error" else "Advertencia", safe_cell(r.get("mensaje", ""))])
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="importacion-{b.id}-reporte.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/traslados", endpoint="transfers")
@policy(READ)
def transfers_list():
    if ops.reads_all(g.user) and not g.user.has_role("operativo"):  # every unit's, to consult
        return render_template("credits/transfers.html", todas=True, pending=transfers.pending_everywhere(),
                               sent=transfers.latest_everywhere(), tipos=transfers.TIPOS)
    return render_template("credits/transfers.html", pending=transfers.pending_for(g.user) if g.user.unidad_id else [],
                           sent=transfers.sent_by(g.user) if g.user.unidad_id else [], tipos=transfers.TIPOS)


@bp.route("/traslados/<int:transfer_id>/<any(aceptacion, rechazo):decision>", methods=["POST"])
@policy(OPERATIVO)
def resolve_transfer(transfer_id, decision):
    transfer = transfers.get_transfer(transfer_id)
    require(transfers.can_view_transfer(g.user, transfer), hide=True)
    back = url_for(".transfers")
    try:
        transfers.resolve_transfer(g.user, transfer, aceptar=decision == "aceptacion",
                                   comentario=request.form.get("comentario", "")[:2000])
    except DomainError as err:
        return refuse(err, back)
    if transfer.estado == "aceptado":
        flash(f"Traslado aceptado: el crédito {transfer.credito.numero} es ahora responsabilidad de su unidad.", "info")
        return redirect(url_for("credits_pages.credit", numero=transfer.credito.numero), 303)
    flash(f"Traslado rechazado: el crédito {transfer.credito.numero} vuelve a {unit_label(transfer.unidad_origen)}.", "info")
    return redirect(back, 303)


@bp.route("/pagos", methods=["GET", "POST"])
@policy(READ)
def payments():
    status = 200
    if request.method == "POST":
        if not g.user.has_role("operativo"):
            return refuse(NotAllowed("Solo un operativo importa archivos de pagos."), url_for(".payments"))
        try:
            archivo = _file()
            record = pay.import_payments(g.user, archivo.stream, archivo.filename, request.form.get("formato", ""))
        except DomainError as err:
            status = reject(err)
        else:
            flash(f"Archivo conciliado: {cuantos(record.aplicados, 'pago aplicado', 'pagos aplicados')}, "
                  f"{cifra(record.sin_credito)} sin crédito, {cuantos(record.duplicados, 'duplicado', 'duplicados')}, "
                  f"{cuantos(record.rechazados, 'fila rechazada', 'filas rechazadas')}.", "info")
            return redirect(url_for(".payments", archivo=record.id), 303)
    estado = request.args.get("estado") if request.args.get("estado") in PAYMENT_STATES else None
    archivo_id = request.args.get("archivo", type=int)
    archivo_id = archivo_id if archivo_id and 0 < archivo_id < 2**63 else None
    pagina = max(request.args.get("pagina", 1, type=int) or 1, 1)
    total, items = paginate(queries.payments_stmt(g.user, estado=estado, archivo=archivo_id), pagina, 50)
    files = db.session.scalars(select(PaymentFile).order_by(PaymentFile.id.desc()).limit(10)).all()
    current = db.session.get(PaymentFile, archivo_id) if archivo_id else None
    certs_stmt = select(PaymentCertification).order_by(PaymentCertification.id.desc()).limit(20)
    if not ops.reads_all(g.user):
        certs_stmt = certs_stmt.where(PaymentCertification.unidad_id == g.user.unidad_id)
    return render_template("credits/payments.html", items=items, total=total, pagina=pagina, files=files,
                           current=current, reporte=json.loads(current.reporte or "[]") if current else [],
                           estado=estado, estados=ESTADOS_PAGO, certs=db.session.scalars(certs_stmt).all(),
                           layouts=pay.LAYOUTS), status


@bp.route("/pagos/exportacion.csv")
@policy(READ)
def payments_export():
    estado = request.args.get("estado") if request.args.get("estado") in PAYMENT_STATES else None
    archivo = request.args.get("archivo", type=int)
    archivo = archivo if archivo and 0 < archivo < 2**63 else None
    return csv_response(queries.payments_stmt(g.user, estado=estado, archivo=archivo),
                        PAYMENT_COLUMNS, "pagos.csv")


@bp.route("/pagos/certificaciones", methods=["POST"])
@policy(OPERATIVO)
def request_certification():
    """Register a certificación de pagos no captados with its evidence (one form)."""
    from datetime import date
    from decimal import Decimal, InvalidOperation

    from ..core.errors import InvalidInput
    from .models import CreditDocument
    form, back = request.form, url_for(".payments")
    try:
        try:
            fecha = date.fromisoformat(form.get("fecha_pago", ""))
            importe = Decimal(form.get("importe", "").replace(",", "").strip())
        except (ValueError, InvalidOperation):
            raise InvalidInput("Revise la fecha de pago (AAAA-MM-DD) y el importe.") from None
        if not importe.is_finite() or importe >= Decimal("1e11"):
            raise InvalidInput("Importe no válido.")
        patron = ops.get_patron(form.get("nrp", "").strip())
        require(queries.can_view_patron(g.user, patron), hide=True)
        credit = None
        if form.get("credito"):
            credit = ops.get_credit(form["credito"].strip())
            require(ops.can_view_credit(g.user, credit), hide=True)
        archivo = request.files.get("archivo")
        evidence = [ops.store_document(form.get("tipo_documento", "comprobante_pago"), archivo.filename, archivo.read())] \
            if archivo is not None and archivo.filename else []
        cert = pay.request_certification(g.user, patron, periodo=form.get("periodo", ""), concepto=form.get("concepto", ""),
                                         fecha_pago=fecha, importe=importe.quantize(Decimal("0.01")),
                                         entidad_receptora=form.get("entidad_receptora", "").strip()[:60],
                                         referencia=form.get("referencia", "").strip()[:40], credit=credit,
                                         observaciones=form.get("observaciones", ""))
        for stored in evidence:
            db.session.add(CreditDocument(patron_id=patron.id, credito_id=cert.credito_id, certificacion_id=cert.id,
                                          subido_por_id=g.user.id, **stored))
    except DomainError as err:
        return refuse(err, back)
    flash(f"Solicitud de certificación {cert.id} registrada.", "info")
    return redirect(back, 303)


@bp.route("/pagos/certificaciones/<int:cert_id>/<any(revision, rechazo, certificacion):paso>", methods=["POST"])
@policy(OPERATIVO)
def certification_step(cert_id, paso):
    cert = pay.get_certification(cert_id)
    require(ops.reads_all(g.user) or g.user.unidad_id == cert.unidad_id, hide=True)
    back = url_for(".payments")
    try:
        if request.form.get("version", "") != str(cert.lock):
            from ..core.errors import StaleVersion
            raise StaleVersion()
        if paso == "certificacion":
            pay.certify(g.user, cert)
        else:
            pay.review_certification(g.user, cert, procedente=paso == "revision",
                                     observaciones=request.form.get("observaciones", "")[:2000])
    except DomainError as err:
        return refuse(err, back)
    from .labels import ESTADOS_CERTIFICACION
    flash(f"Solicitud {cert.id}: {ESTADOS_CERTIFICACION[cert.estado]}.", "info")
    return redirect(back, 303)
