"""Payments: PROCESAR-like and SIPARE-like files (columns in docs/creditos.md), their conciliation
against credits (NRP + periodo + concepto, or the crédito when the row names it), and the
certificación de pagos no captados. A file's SHA-256 is unique and a payment's (origen, referencia,
NRP, periodo) applies once, so nothing is applied twice."""
import hashlib
import json
from collections import Counter
from functools import lru_cache
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from ..core.db import db, utcnow
from ..core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from . import ids, rules
from .csvio import RowError, money, open_rows, parse_date
from .importer import REPORT_CAP
from .matching import OpenCredits
from .payment_writes import applied_before, insert_payments, insert_rows, update_credits
from .models import Credit, CreditEvent, Patron, Payment, PaymentApplication, PaymentCertification, PaymentFile
from .operations import record_event, transition
from .phases import NON_TERMINAL, step_for
from .signals import (certification_requested, certification_reviewed, payment_applied, payment_certified,
                      payments_imported)

LAYOUTS = {
    "procesar": {"required": ("registro_patronal", "folio", "periodo", "fecha_pago", "importe_cop", "importe_rcv"),
                 "optional": ("plaza", "credito", "delegacion", "subdelegacion")},
    "sipare": {"required": ("entidad_receptora", "linea_captura", "registro_patronal", "periodo_pago", "fecha_pago",
                            "importe_imss", "importe_rcv", "importe_total"),
               "optional": ("sucursal", "razon_social", "delegacion", "subdelegacion", "origen", "fecha_limite_pago",
                            "fecha_envio", "importe_vivienda", "importe_acv", "medio_pago", "numero_pagos", "credito")},
}
ALIASES = {"nrp": "registro_patronal", "reg_pat": "registro_patronal", "folio_sua": "folio", "lc": "linea_captura",
           "fecha_de_pago": "fecha_pago", "fecha_movimiento": "fecha_pago"}
CHUNK = 1000


@lru_cache(maxsize=4096)
def _fecha(text: str, day: date) -> date:
    """A payment date (a file repeats a few dates many times); a bad one raises, and is not kept."""
    return parse_date(text, "fecha_pago", today=day)


def parse_payment(formato: str, row: dict, day: date) -> dict:
    try:
        nrp = ids.nrp(row["registro_patronal"])
    except ids.IdError as err:
        raise RowError("registro_patronal", str(err)) from None
    periodo_col = "periodo" if formato == "procesar" else "periodo_pago"
    try:
        periodo = ids.periodo(row[periodo_col], None, day)
    except ids.IdError as err:
        raise RowError(periodo_col, str(err)) from None
    credito = row.get("credito") or None
    if credito:
        try:
            credito = ids.numero_credito(credito)
        except ids.IdError as err:
            raise RowError("credito", str(err)) from None
    fecha = _fecha(row["fecha_pago"], day)
    if formato == "procesar":
        referencia = row["folio"]
        cop = money(row["importe_cop"], "importe_cop", centavos=True)
        rcv = money(row["importe_rcv"], "importe_rcv", centavos=True)
        vivienda, total, entidad = Decimal("0.00"), cop + rcv, row.get("plaza", "")
    else:
        referencia = row["linea_captura"]
        cop = money(row["importe_imss"], "importe_imss")
        rcv = money(row["importe_rcv"], "importe_rcv")
        vivienda = money(row.get("importe_vivienda", ""), "importe_vivienda", required=False)
        acv = money(row.get("importe_acv", ""), "importe_acv", required=False)
        total = money(row["importe_total"], "importe_total")
        if total != cop + rcv + vivienda + acv:
            raise RowError("importe_total", "El total no es la suma de IMSS, RCV, vivienda y ACV.")
        entidad = row.get("entidad_receptora", "")
    referencia = referencia.strip()
    if not referencia or len(referencia) > 40:
        raise RowError("folio" if formato == "procesar" else "linea_captura", "Referencia obligatoria (hasta 40 caracteres).")
    if cop + rcv == 0:
        raise RowError("importe_cop" if formato == "procesar" else "importe_imss", "El pago no tiene importe IMSS ni RCV.")
    return {"origen": formato.upper(), "referencia": referencia, "nrp": nrp, "periodo": periodo,
            "credito_numero": credito, "fecha_pago": fecha, "importe_cop": cop, "importe_rcv": rcv,
            "importe_vivienda": vivienda, "importe_total": total, "entidad_receptora": entidad[:60]}


def import_payments(actor, stream, nombre: str, formato: str, progress=None) -> PaymentFile:
    """Load and conciliate one payment file in the caller's transaction."""
    if formato not in LAYOUTS:
        raise InvalidInput("Formato no válido.", errors={"formato": ["procesar o sipare."]})
    sha = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        sha.update(block)
    stream.seek(0)
    digest = sha.hexdigest()
    previous = db.session.scalar(select(PaymentFile).where(PaymentFile.sha256 == digest))
    if previous is not None:
        raise Conflict(f"Este archivo ya se importó (archivo {previous.id}); no se aplica dos veces.",
                       code="archivo_ya_importado", archivo_id=previous.id)
    layout = LAYOUTS[formato]
    _enc, _delim, rows = open_rows(stream, layout["required"], layout["optional"], ALIASES, progress)
    record = PaymentFile(formato=formato, nombre=(nombre or "pagos.csv")[:200], sha256=digest,
                         importado_por_id=getattr(actor, "id", None))
    db.session.add(record)
    db.session.flush()
    report, day, chunk, floors = [], rules.today(), [], {}
    for line, row, ragged in rows:
        record.filas += 1
        try:
            if ragged:
                raise RowError(None, "La fila no tiene el mismo número de columnas que el encabezado.")
            chunk.append((line, parse_payment(formato, row, day)))
        except RowError as err:
            record.rechazados += 1
            if len(report) < REPORT_CAP:
                report.append({"fila": line, "campo": err.campo, "mensaje": err.mensaje, "nivel": "error"})
        if len(chunk) >= CHUNK:
            _conciliate(chunk, record, floors)
            chunk = []
    if chunk:
        _conciliate(chunk, record, floors)
    record.reporte = json.dumps(report, ensure_ascii=False)
    db.session.flush()
    payments_imported.send(record, actor=actor, formato=formato, filas=record.filas, aplicados=record.aplicados,
                           sin_credito=record.sin_credito, duplicados=record.duplicados, rechazados=record.rechazados)
    return record


def _conciliate(chunk, record: PaymentFile, floors: dict):
    """Conciliate one chunk with set-based statements: one read of the chunk's payments already
    applied, one read of the open credits its keys need (matching.OpenCredits: by NRP + periodo +
    concepto on an index, never all of a patrón's credits), then inserts of payments, applications
    and events and one executemany UPDATE of the credits touched (guarded by their lock, so a
    concurrent change makes the whole file fail rather than be lost)."""
    session = db.session
    session.flush()
    conn = session.connection()
    refs = {p["referencia"] for _l, p in chunk}
    origen = chunk[0][1]["origen"]
    seen = applied_before(conn, origen, refs)
    wanted, numeros = Counter(), set()
    for _line, data in chunk:
        if data["credito_numero"]:
            numeros.add(data["credito_numero"])
        else:
            wanted[(data["nrp"], data["periodo"])] += 1
    credits = OpenCredits(conn, floors)
    credits.load({p["nrp"] for _l, p in chunk}, wanted, numeros)
    rows, plans, touched = [], [], {}
    for line, data in chunk:
        key = (data["origen"], data["referencia"], data["nrp"], data["periodo"])
        if key in seen:
            rows.append({**data, "archivo_id": record.id, "fila": line, "estado": "duplicado",
                         "importe_aplicado": Decimal("0.00")})
            plans.append([])
            record.duplicados += 1
            continue
        seen.add(key)
        parts, applied, left_open = plan_payment(data, credits.candidates(data))
        for credit, _part, _before in parts:
            touched[credit.id] = credit
        estado = _outcome(applied, data["importe_cop"] + data["importe_rcv"], left_open)
        rows.append({**data, "archivo_id": record.id, "fila": line, "estado": estado, "importe_aplicado": applied})
        plans.append(parts)
        if estado == "sin_credito":
            record.sin_credito += 1
        else:
            record.aplicados += 1
    credits.close()
    ids = insert_payments(conn, rows)
    applications, events, today = [], [], rules.today()
    for pago_id, data, parts in zip(ids, rows, plans):
        for credit, part, before in parts:
            after = before - part
            applications.append({"pago_id": pago_id, "credito_id": credit.id, "importe": part, "saldo_anterior": before,
                                 "saldo_nuevo": after})
            fundamento = f"Pago {data['origen']} {data['referencia']}"
            events.append(_event(credit.id, "aplicar_pago", credit.fase, credit.fase, data["fecha_pago"], fundamento,
                                 {"pago_id": pago_id, "importe": str(part), "saldo": str(after)}))
            if after == 0:
                step = step_for(credit.fase, "pagar")
                fecha = min(data["fecha_pago"], today)
                events.append(_event(credit.id, "pagar", credit.fase, step.to, fecha, fundamento, {"motivo": "pago"}))
                credit.fase, credit.fase_desde, credit.motivo = step.to, fecha, "pago"
    if applications:
        insert_rows(conn, PaymentApplication.__table__, applications)
        insert_rows(conn, CreditEvent.__table__, events)
        if update_credits(conn, touched.values()) != len(touched):
            raise Conflict("Otros cambios tocaron los créditos durante la conciliación; importe de nuevo el archivo.",
                           code="conflicto_de_version")


def _event(credit_id, accion, de, a, fecha, fundamento, detalle) -> dict:
    return {"credito_id": credit_id, "accion": accion, "fase_de": de, "fase_a": a, "inc": None, "fecha": fecha,
            "registrado": utcnow(), "actor_id": None, "unidad_id": None, "fundamento": fundamento, "comentario": "",
            "detalle": json.dumps(detalle)}


def _outcome(applied: Decimal, paid: Decimal, left_open: bool) -> str:
    if applied == 0:
        return "sin_credito"
    if applied < paid:
        return "excedente"
    return "parcial" if left_open else "aplicado"


def plan_payment(data, open_credits) -> tuple[list, Decimal, bool]:
    """Split a payment over its candidate credits: the COP amount to COP credits and the RCV amount to
    RCV credits, in número order (only the credit the payment names, if it names one).
    `open_credits(concepto)` yields the candidates of a concepto in número order (see `listed`).
    Lowers each candidate's `saldo`; returns ([(credit, part, saldo before)], total applied, a credit
    keeps a saldo)."""
    parts, applied, left_open = [], Decimal("0.00"), False
    for concepto, amount in (("COP", data["importe_cop"]), ("RCV", data["importe_rcv"])):
        for credit in open_credits(concepto):
            if credit.saldo <= 0 or credit.fase not in NON_TERMINAL:
                continue
            if amount <= 0:
                left_open = True
                break
            part = min(amount, credit.saldo)
            before = credit.saldo
            credit.saldo = before - part
            amount -= part
            applied += part
            parts.append((credit, part, before))
            if credit.saldo > 0:
                left_open = True
    return parts, applied, left_open


def listed(data, candidates):
    """`open_credits` for plan_payment over a list of credits already read (in número order)."""
    if data.get("credito_numero"):
        candidates = [c for c in candidates if c.numero == data["credito_numero"]]
    return lambda concepto: (c for c in candidates if c.concepto == concepto)


def apply_payment(payment: Payment, candidates: list[Credit], actor=None) -> Payment:
    """Apply one payment through the ORM (a certified payment): same split as a file's payments."""
    data = {"credito_numero": payment.credito_numero, "importe_cop": payment.importe_cop,
            "importe_rcv": payment.importe_rcv}
    parts, applied, left_open = plan_payment(data, listed(data, candidates))
    for credit, part, before in parts:
        db.session.add(PaymentApplication(pago_id=payment.id, credito_id=credit.id, importe=part,
                                          saldo_anterior=before, saldo_nuevo=credit.saldo))
        record_event(actor, credit, "aplicar_pago", de=credit.fase, a=credit.fase, fecha=payment.fecha_pago,
                     fundamento=f"Pago {payment.origen} {payment.referencia}",
                     detalle={"pago_id": payment.id, "importe": str(part), "saldo": str(credit.saldo)})
        if credit.saldo == 0:
            transition(actor, credit, "pagar", fecha=min(payment.fecha_pago, rules.today()), motivo="pago",
                       fundamento=f"Pago {payment.origen} {payment.referencia}", system=True)
        if payment_applied.receivers:
            payment_applied.send(payment, actor=actor, numero=credit.numero, importe=str(part))
    payment.importe_aplicado = applied
    payment.estado = _outcome(applied, payment.importe_cop + payment.importe_rcv, left_open)
    return payment


# --- Certificación de pagos no captados --------------------------------------------------------

def request_certification(actor, patron: Patron, *, periodo: str, concepto: str, fecha_pago: date, importe: Decimal,
                          entidad_receptora: str, referencia: str, credit: Credit | None = None,
                          observaciones: str = "", documentos=()) -> PaymentCertification:
    from .models import CreditDocument
    if not actor.has_role("operativo") or actor.unidad_id is None or \
            actor.unidad_id not in (patron.unidad_id, getattr(credit, "unidad_id", None)):
        raise NotAllowed("Solo un operativo de la unidad del patrón puede registrar la solicitud.",
                         code="unidad_no_responsable")
    try:
        periodo = ids.periodo(periodo, concepto, rules.today())
    except ids.IdError as err:
        raise InvalidInput(str(err), errors={"periodo": [str(err)]}) from None
    if fecha_pago > rules.today():
        raise InvalidInput("La fecha de pago no puede ser futura.", errors={"fecha_pago": ["Fecha futura."]})
    if importe <= 0:
        raise InvalidInput("El importe debe ser mayor que cero.", errors={"importe": ["Mayor que cero."]})
    if credit is not None and (credit.patron_id != patron.id or credit.concepto != concepto):
        raise InvalidInput("El crédito no corresponde al patrón o al concepto.", errors={"credito": ["No corresponde."]})
    request = PaymentCertification(patron_id=patron.id, credito_id=credit.id if credit else None,
                                   unidad_id=actor.unidad_id, periodo=periodo, concepto=concepto,
                                   fecha_pago=fecha_pago, importe=importe, entidad_receptora=entidad_receptora[:60],
                                   referencia=referencia[:40], observaciones=(observaciones or "")[:2000],
                                   solicitado_por_id=actor.id)
    db.session.add(request)
    db.session.flush()
    for document in documentos:
        db.session.add(CreditDocument(patron_id=patron.id, credito_id=request.credito_id,
                                      certificacion_id=request.id, subido_por_id=actor.id, **document))
    certification_requested.send(request, actor=actor, nrp=patron.nrp, periodo=periodo, importe=str(importe))
    return request


def _same_unit(actor, request):
    if not actor.has_role("operativo") or actor.unidad_id != request.unidad_id:
        raise NotAllowed("Solo un operativo de la unidad de la solicitud puede atenderla.", code="unidad_no_responsable")


def evidence_count(request) -> int:
    from sqlalchemy import func

    from .models import CreditDocument
    return db.session.scalar(select(func.count(CreditDocument.id)).where(CreditDocument.certificacion_id == request.id))


def review_certification(actor, request: PaymentCertification, *, procedente: bool, observaciones: str = ""):
    """Check the evidence: procedente → revisada (ready to certify); otherwise rechazada."""
    _same_unit(actor, request)
    if request.estado != "solicitada":
        raise Conflict(f"La solicitud ya está {request.estado}.", code="certificacion_estado", estado=request.estado)
    if procedente and evidence_count(request) == 0:
        raise Conflict("No se puede dar por revisada sin evidencia (comprobante o estado de cuenta).",
                       code="evidencia_requerida")
    request.estado = "revisada" if procedente else "rechazada"
    request.revisado, request.revisado_por_id = utcnow(), actor.id
    if observaciones:
        request.observaciones = (request.observaciones + "\n" + observaciones).strip()[:4000]
    db.session.flush()
    certification_reviewed.send(request, actor=actor, estado=request.estado)
    return request


def certify(actor, request: PaymentCertification) -> PaymentCertification:
    """Certify a reviewed request (by someone other than who requested it): the payment is recorded
    (origen CERTIFICADO) and applied to the credit, which may become PAGADO."""
    _same_unit(actor, request)
    if request.estado != "revisada":
        raise Conflict("Solo una solicitud revisada puede certificarse.", code="certificacion_estado",
                       estado=request.estado)
    if actor.id == request.solicitado_por_id:
        raise NotAllowed("Quien registró la solicitud no puede certificarla.", code="autor_no_puede_certificar")
    cop = request.importe if request.concepto == "COP" else Decimal("0.00")
    rcv = request.importe if request.concepto == "RCV" else Decimal("0.00")
    payment = Payment(origen="CERTIFICADO", referencia=request.referencia, nrp=request.patron.nrp,
                      periodo=request.periodo, credito_numero=request.credito.numero if request.credito else None,
                      fecha_pago=request.fecha_pago, importe_cop=cop, importe_rcv=rcv,
                      importe_total=request.importe, entidad_receptora=request.entidad_receptora, estado="sin_credito")
    db.session.add(payment)
    db.session.flush()
    candidates = db.session.scalars(select(Credit).where(Credit.patron_id == request.patron_id,
                                                         Credit.periodo == request.periodo,
                                                         Credit.fase.in_(NON_TERMINAL))
                                    .order_by(Credit.numero)).all()
    apply_payment(payment, list(candidates), actor=actor)
    request.estado, request.pago_id = "certificada", payment.id
    request.certificado, request.certificado_por_id = utcnow(), actor.id
    db.session.flush()
    payment_certified.send(request, actor=actor, nrp=request.patron.nrp, periodo=request.periodo,
                           importe=str(request.importe), pago_id=payment.id)
    return request


def get_certification(cert_id: int) -> PaymentCertification:
    if not 0 < cert_id < 2**63:  # beyond what the database stores
        raise NotFound()
    request = db.session.get(PaymentCertification, cert_id)
    if request is None:
        raise NotFound()
    return request
