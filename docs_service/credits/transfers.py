"""Traslados: a credit sent to another unit (procuración de cobro, cambio de Subdelegación) stays
EN_TRASLADO until the receiving unit accepts it (the credit changes unit and returns to its phase) or
rejects it (it returns where it was)."""
from sqlalchemy import select

from ..accounts.models import Unit
from ..core.db import db, utcnow
from ..core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed, NotFound
from . import rules
from .models import Credit, CreditEvent, Transfer
from .operations import record_event, require_actor
from .phases import PHASES, TERMINAL, actions_from
from .signals import transfer_requested, transfer_resolved

TIPOS = {"procuracion": "Procuración de cobro", "cambio_subdelegacion": "Cambio de Subdelegación"}
INC_TRASLADO = "13"


def request_transfer(actor, credit: Credit, *, tipo: str, unidad_destino: str, motivo: str = "",
                     documentos=()) -> Transfer:
    require_actor(actor, credit)
    if tipo not in TIPOS:
        raise InvalidInput("Tipo de traslado no válido.", errors={"tipo": ["Debe ser uno de: " + ", ".join(TIPOS)]})
    if credit.fase in TERMINAL or credit.fase == "EN_TRASLADO":
        raise InvalidTransition(f"Un crédito en fase «{PHASES[credit.fase]}» no puede trasladarse.",
                                permitidas=actions_from(credit.fase, actor), fase=credit.fase)
    destino = db.session.scalar(select(Unit).where(Unit.clave == str(unidad_destino)[:4]))
    if destino is None or destino.tipo == "central":
        raise InvalidInput("La unidad destino no existe.", code="unidad_invalida",
                           errors={"unidad_destino": ["Clave de OOAD o Subdelegación no válida."]})
    if destino.id == credit.unidad_id:
        raise Conflict("No se puede trasladar un crédito a la unidad que ya es responsable.",
                       code="traslado_misma_unidad")
    if tipo == "cambio_subdelegacion" and destino.tipo != "subdelegacion":
        raise InvalidInput("Un cambio de Subdelegación debe dirigirse a una Subdelegación.", code="unidad_invalida",
                           errors={"unidad_destino": ["Debe ser una Subdelegación (DDSS)."]})
    transfer = Transfer(credito_id=credit.id, tipo=tipo, unidad_origen_id=credit.unidad_id,
                        unidad_destino_id=destino.id, fase_previa=credit.fase, motivo=(motivo or "")[:2000],
                        solicitado_por_id=actor.id)
    db.session.add(transfer)
    previous = credit.fase
    credit.fase, credit.fase_desde = "EN_TRASLADO", rules.today()
    db.session.flush()
    record_event(actor, credit, "enviar_traslado", de=previous, a="EN_TRASLADO", fecha=rules.today(),
                 inc=INC_TRASLADO, comentario=motivo,
                 detalle={"traslado_id": transfer.id, "tipo": tipo, "destino": destino.clave}, documentos=documentos)
    db.session.flush()
    transfer_requested.send(transfer, actor=actor, numero=credit.numero, tipo=tipo, destino=destino.clave)
    return transfer


def resolve_transfer(actor, transfer: Transfer, *, aceptar: bool, comentario: str = "") -> Transfer:
    """The receiving unit's operativo accepts or rejects; a resolved traslado cannot be resolved again."""
    if not actor.has_role("operativo") or actor.unidad_id != transfer.unidad_destino_id:
        raise NotAllowed("Solo un operativo de la unidad destino puede aceptar o rechazar el traslado.",
                         code="unidad_no_destinataria")
    if transfer.estado != "pendiente":
        raise Conflict(f"El traslado ya fue {transfer.estado}.", code="traslado_ya_resuelto", estado=transfer.estado)
    if not aceptar and not (comentario or "").strip():
        raise InvalidInput("Explique el motivo del rechazo.", code="comentario_requerido",
                           errors={"comentario": ["Este dato es obligatorio."]})
    credit = transfer.credito
    transfer.estado = "aceptado" if aceptar else "rechazado"
    transfer.resuelto, transfer.resuelto_por_id = utcnow(), actor.id
    transfer.comentario_resolucion = (comentario or "")[:2000]
    back_to = transfer.fase_previa if credit.fase == "EN_TRASLADO" else credit.fase  # paid meanwhile: stays paid
    credit.fase, credit.fase_desde = back_to, rules.today()
    if credit.inc == INC_TRASLADO:  # the incidencia of the traslado ends with it: back to the one before
        credit.inc, credit.fecha_inc = _incidencia_before(credit)
    if aceptar:
        credit.unidad_origen_id, credit.unidad_id = transfer.unidad_origen_id, transfer.unidad_destino_id
    record_event(actor, credit, "aceptar_traslado" if aceptar else "rechazar_traslado", de="EN_TRASLADO",
                 a=back_to, fecha=rules.today(), comentario=comentario,
                 detalle={"traslado_id": transfer.id, "origen": transfer.unidad_origen.clave,
                          "destino": transfer.unidad_destino.clave})
    db.session.flush()
    transfer_resolved.send(transfer, actor=actor, numero=credit.numero, estado=transfer.estado)
    return transfer


def destinations(credit: Credit) -> list[Unit]:
    """Where a traslado may go: every OOAD and Subdelegación but the one now responsible."""
    return db.session.scalars(select(Unit).where(Unit.tipo != "central", Unit.id != credit.unidad_id)
                              .order_by(Unit.clave)).all()


def _incidencia_before(credit: Credit):
    """The credit's last incidencia (code, date) recorded by an event other than a traslado's."""
    row = db.session.execute(
        select(CreditEvent.inc, CreditEvent.fecha)
        .where(CreditEvent.credito_id == credit.id, CreditEvent.inc.is_not(None), CreditEvent.inc != INC_TRASLADO)
        .order_by(CreditEvent.id.desc()).limit(1)).first()
    return (row.inc, row.fecha) if row else (None, None)


def get_transfer(transfer_id: int) -> Transfer:
    if not 0 < transfer_id < 2**63:  # beyond what the database stores
        raise NotFound()
    transfer = db.session.get(Transfer, transfer_id)
    if transfer is None:
        raise NotFound()
    return transfer


def can_view_transfer(user, transfer: Transfer) -> bool:
    from .operations import reads_all
    return reads_all(user) or (user is not None and user.unidad_id in (transfer.unidad_origen_id,
                                                                        transfer.unidad_destino_id)
                               and user.has_role("operativo"))


def pending_for(user):
    """Traslados waiting for the user's unit to accept or reject them."""
    return db.session.scalars(select(Transfer).where(Transfer.unidad_destino_id == user.unidad_id,
                                                     Transfer.estado == "pendiente").order_by(Transfer.id)).all()


def sent_by(user, limit: int = 50):
    """The latest traslados the user's unit sent, whatever their state."""
    return db.session.scalars(select(Transfer).where(Transfer.unidad_origen_id == user.unidad_id)
                              .order_by(Transfer.id.desc()).limit(limit)).all()


def pending_everywhere(limit: int = 200):
    """Traslados waiting for any unit (for those who read every unit's credits), oldest first."""
    return db.session.scalars(select(Transfer).where(Transfer.estado == "pendiente")
                              .order_by(Transfer.id).limit(limit)).all()


def latest_everywhere(limit: int = 50):
    """The latest traslados between any units, whatever their state."""
    return db.session.scalars(select(Transfer).order_by(Transfer.id.desc()).limit(limit)).all()
