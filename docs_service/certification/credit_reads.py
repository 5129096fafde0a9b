"""Reads of the créditos area that the constancias need, as plain rows: a patrón's credits as they
stood at a cut-off date, and a certified payment. Imported only when a credit kind is emitted."""
from datetime import date

from sqlalchemy import func, select

from ..core.db import db

EXCLUDED_AT_CUTOFF = ("PAGADO", "CANCELADO", "CANCELADO_EN_CUENTAS")


def _held(stmt, unit):
    """Only the credits the issuing unit answers for now (the credits area's rule: an accepted
    traslado moves a credit to the receiving unit), so the constancia matches the patrón page."""
    from ..credits.queries import held_by
    condition = held_by(unit) if unit is not None else None
    return stmt if condition is None else stmt.where(condition)


def credits_at(patron, fecha_corte: date, unit=None) -> list[dict]:
    """Credits of `unit` (the issuing unit) determined on or before the cut-off, with their phase
    and balance on that day: the phase from the last event dated on or before it, the balance
    adding back the payments received after it."""
    from ..credits.models import Credit
    stmt = select(Credit).where(Credit.patron_id == patron.id, Credit.fecha_emision <= fecha_corte)
    credits = db.session.scalars(_held(stmt, unit).order_by(Credit.periodo, Credit.numero)).all()
    return rows_at([c.id for c in credits], credits, fecha_corte)


def credits_at_many(patrones, fecha_corte: date, unit=None) -> dict[int, list[dict]]:
    """`credits_at` for several patrones in three queries (batch emission reads a chunk at a time):
    patrón id → its rows."""
    from ..credits.models import Credit
    ids = [p.id for p in patrones]
    stmt = select(Credit).where(Credit.patron_id.in_(ids), Credit.fecha_emision <= fecha_corte)
    credits = db.session.scalars(_held(stmt, unit).order_by(Credit.periodo, Credit.numero)).all()
    rows = rows_at([c.id for c in credits], credits, fecha_corte, keyed=True)
    by_patron = {i: [] for i in ids}
    for credit, row in zip(credits, rows):
        if row is not None:
            by_patron[credit.patron_id].append(row)
    return by_patron


def rows_at(ids, credits, fecha_corte: date, keyed: bool = False) -> list[dict]:
    from ..credits.models import CreditEvent, Payment, PaymentApplication
    from ..credits.phases import PHASES
    if not credits:
        return []
    last_event = (select(CreditEvent.credito_id, func.max(CreditEvent.id).label("ultimo"))
                  .where(CreditEvent.credito_id.in_(ids), CreditEvent.fecha <= fecha_corte)
                  .group_by(CreditEvent.credito_id).subquery())
    phase_at = dict(db.session.execute(select(CreditEvent.credito_id, CreditEvent.fase_a)
                                       .join(last_event, CreditEvent.id == last_event.c.ultimo)).all())
    paid_after = dict(db.session.execute(
        select(PaymentApplication.credito_id, func.sum(PaymentApplication.importe))
        .join(Payment, Payment.id == PaymentApplication.pago_id)
        .where(PaymentApplication.credito_id.in_(ids), Payment.fecha_pago > fecha_corte)
        .group_by(PaymentApplication.credito_id)).all())
    rows = []
    for credit in credits:
        fase = phase_at.get(credit.id) or ("EMITIDO" if credit.fase_desde > fecha_corte else credit.fase)
        if fase in EXCLUDED_AT_CUTOFF:
            if keyed:  # one entry per credit, in order (None: not shown at the cut-off)
                rows.append(None)
            continue
        rows.append({"numero": credit.numero, "concepto": credit.concepto, "periodo": credit.periodo,
                     "fase": PHASES.get(fase, fase), "importe_total": credit.importe_total,
                     "saldo": credit.saldo + (paid_after.get(credit.id) or 0)})
    return rows


def patron_page_visible(user, nrp: str | None) -> bool:
    """Whether `user` may open the patrón page of `nrp` (the credits area's scope: readers every
    patrón, an operativo its unit's), so a constancia links its patrón only for them."""
    if not nrp:
        return False
    from ..credits.models import Patron
    from ..credits.queries import can_view_patron
    patron = db.session.scalar(select(Patron).where(Patron.nrp == nrp))
    return patron is not None and can_view_patron(user, patron)


def certified_payment(cert_id: int) -> dict | None:
    """A payment certification in state `certificada`, as the data of a certificación de pago."""
    from ..credits.models import PaymentCertification
    cert = db.session.get(PaymentCertification, cert_id)
    if cert is None or cert.estado != "certificada":
        return None
    patron = cert.patron
    renglones = [["Periodo", f"{cert.periodo[:4]}-{cert.periodo[4:]}"], ["Concepto", cert.concepto],
                 ["Fecha de pago", cert.fecha_pago.isoformat()], ["Entidad receptora", cert.entidad_receptora],
                 ["Referencia", cert.referencia]]
    if cert.credito is not None:
        renglones.append(["Crédito", cert.credito.numero])
    return {"unidad_id": cert.unidad_id, "importe": cert.importe,
            "patron": {"nrp": patron.nrp, "rfc": patron.rfc, "razon_social": patron.razon_social},
            "renglones": renglones}
