"""Reads: scoped searches of credits, patrones and payments (an operativo sees its unit only), the
rows of a CSV export, balances of a patrón, a credit's timeline."""
from decimal import Decimal

from sqlalchemy import and_, exists, func, or_, select

from ..accounts.models import Unit, User
from ..core.db import db
from ..core.textmatch import contains_folded
from .models import (Credit, CreditDocument, CreditEvent, Patron, Payment, PaymentApplication, PaymentFile,
                     Transfer)
from .operations import reads_all


def held_by(unit):
    """SQL condition: the credits `unit` answers for now. `Credit.unidad_id` is the responsible unit:
    an accepted traslado moves it to the receiving unit (a pending one leaves it where it was). The
    central level answers for every credit (None: no condition)."""
    if unit.tipo == "central":
        return None
    return Credit.unidad_id == unit.id


def credit_scope(user):
    """SQL condition: the credits this user may see (readers: all; operativo: its unit's, plus those
    offered to its unit in a pending traslado)."""
    if reads_all(user):
        return None
    if user is None or not user.has_role("operativo") or user.unidad_id is None:
        return Credit.id.is_(None)
    offered = exists().where(Transfer.credito_id == Credit.id, Transfer.estado == "pendiente",
                             Transfer.unidad_destino_id == user.unidad_id)
    return or_(Credit.unidad_id == user.unidad_id, offered)


def patron_scope(user):
    if reads_all(user):
        return None
    if user is None or not user.has_role("operativo") or user.unidad_id is None:
        return Patron.id.is_(None)
    return patrones_of(user.unidad_id)


def patrones_of(unidad_id: int):
    """SQL condition: a unit's patrones, those registered in it and those with a credit it answers for
    (one received in a traslado)."""
    return or_(Patron.unidad_id == unidad_id,
               exists().where(Credit.patron_id == Patron.id, Credit.unidad_id == unidad_id))


def can_view_patron(user, patron: Patron) -> bool:
    condition = patron_scope(user)
    if condition is None:
        return True
    return db.session.scalar(select(Patron.id).where(Patron.id == patron.id, condition)) is not None


def name_contains(column, text: str):
    """SQL condition: `column` contains `text` ignoring case and accents (core.textmatch)."""
    return contains_folded(column, text)


def credits_stmt(user, *, nrp=None, numero=None, rfc=None, razon_social=None, fase=None, unidad=None, concepto=None,
                 periodo=None, lote=None):
    stmt = select(Credit).join(Patron, Credit.patron_id == Patron.id)
    scope = credit_scope(user)
    if scope is not None:
        stmt = stmt.where(scope)
    if nrp:
        # By the patrón's id (found first), so the planner walks (patron_id, numero) in order and
        # stops at the page; a join condition on the NRP made it sort all of a big patrón's credits.
        patron_id = select(Patron.id).where(Patron.nrp == nrp.replace("-", "").upper()).scalar_subquery()
        stmt = stmt.where(Credit.patron_id == patron_id)
    if numero:
        stmt = stmt.where(Credit.numero == numero)
    if rfc:
        stmt = stmt.where(Patron.rfc == rfc.replace(" ", "").upper())
    if razon_social:
        stmt = stmt.where(name_contains(Patron.razon_social, razon_social))
    if fase:
        stmt = stmt.where(Credit.fase == fase)
    if unidad:
        stmt = stmt.where(Credit.unidad_id == select(Unit.id).where(Unit.clave == unidad).scalar_subquery())
    if concepto:
        stmt = stmt.where(Credit.concepto == concepto)
    if periodo:
        stmt = stmt.where(Credit.periodo == periodo)
    if lote:  # the credits an import loaded (pages only)
        stmt = stmt.where(Credit.lote_id == int(lote))
    return stmt.order_by(Credit.numero)


def credit_units() -> list[Unit]:
    """The units that may hold credits (every OOAD and Subdelegación), for a reader's unit filter."""
    return db.session.scalars(select(Unit).where(Unit.tipo != "central").order_by(Unit.clave)).all()


def patrones_stmt(user, *, nrp=None, rfc=None, razon_social=None, unidad=None):
    stmt = select(Patron)
    scope = patron_scope(user)
    if scope is not None:
        stmt = stmt.where(scope)
    if nrp:
        stmt = stmt.where(Patron.nrp == nrp.replace("-", "").upper())
    if rfc:
        stmt = stmt.where(Patron.rfc == rfc.replace(" ", "").upper())
    if razon_social:
        stmt = stmt.where(name_contains(Patron.razon_social, razon_social))
    if unidad:
        stmt = stmt.where(Patron.unidad_id == select(Unit.id).where(Unit.clave == unidad).scalar_subquery())
    return stmt.order_by(Patron.nrp)


def payments_stmt(user, *, nrp=None, periodo=None, estado=None, archivo=None, origen=None):
    stmt = select(Payment)
    if not reads_all(user):
        if user is None or user.unidad_id is None:
            stmt = stmt.where(Payment.id.is_(None))
        else:
            mine = select(Patron.nrp).where(Patron.unidad_id == user.unidad_id)
            applied = exists().where(PaymentApplication.pago_id == Payment.id,
                                     PaymentApplication.credito_id == Credit.id, Credit.unidad_id == user.unidad_id)
            # a payment of a file the unit imported that matched no credit (an NRP of no unit, say) is
            # the unit's to follow up: the file's counts include it, so its list shows it
            imported = select(PaymentFile.id).join(User, PaymentFile.importado_por_id == User.id) \
                .where(User.unidad_id == user.unidad_id)
            unmatched = and_(Payment.estado == "sin_credito", Payment.archivo_id.in_(imported))
            stmt = stmt.where(or_(Payment.nrp.in_(mine), applied, unmatched))
    if nrp:
        stmt = stmt.where(Payment.nrp == nrp.replace("-", "").upper())
    if periodo:
        stmt = stmt.where(Payment.periodo == periodo)
    if estado:
        stmt = stmt.where(Payment.estado == estado)
    if archivo:
        stmt = stmt.where(Payment.archivo_id == archivo)
    if origen:
        stmt = stmt.where(Payment.origen == origen)
    return stmt.order_by(Payment.id)


def balances(user, patron: Patron) -> dict:
    """Totals of a patrón's visible credits: count, total, saldo, per concepto and open/closed."""
    stmt = select(Credit.concepto, func.count(Credit.id), func.coalesce(func.sum(Credit.importe_total), 0),
                  func.coalesce(func.sum(Credit.saldo), 0)).where(Credit.patron_id == patron.id)
    scope = credit_scope(user)
    if scope is not None:
        stmt = stmt.where(scope)
    out = {"creditos": 0, "importe_total": Decimal("0.00"), "saldo": Decimal("0.00"), "por_concepto": {}}
    for concepto, count, total, saldo in db.session.execute(stmt.group_by(Credit.concepto)):
        total, saldo = Decimal(str(total)).quantize(Decimal("0.01")), Decimal(str(saldo)).quantize(Decimal("0.01"))
        out["por_concepto"][concepto] = {"creditos": count, "importe_total": total, "saldo": saldo}
        out["creditos"] += count
        out["importe_total"] += total
        out["saldo"] += saldo
    return out


def timeline(credit: Credit):
    return db.session.scalars(select(CreditEvent).where(CreditEvent.credito_id == credit.id)
                              .order_by(CreditEvent.id)).all()


def documents(credit: Credit):
    return db.session.scalars(select(CreditDocument).where(CreditDocument.credito_id == credit.id)
                              .order_by(CreditDocument.id)).all()


def transfers_of(credit: Credit):
    return db.session.scalars(select(Transfer).where(Transfer.credito_id == credit.id).order_by(Transfer.id)).all()


def phase_counts(user) -> dict:
    stmt = select(Credit.fase, func.count(Credit.id))
    scope = credit_scope(user)
    if scope is not None:
        stmt = stmt.where(scope)
    return dict(db.session.execute(stmt.group_by(Credit.fase)).all())


def stream_rows(stmt, batch: int = 1000):
    """Yield ORM rows in keyset pages (constant memory, for CSV exports)."""
    entity = stmt.column_descriptions[0]["entity"]
    last = None
    while True:
        page = stmt.order_by(None).order_by(entity.id)
        if last is not None:
            page = page.where(entity.id > last)
        rows = db.session.scalars(page.limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        db.session.expunge_all()

