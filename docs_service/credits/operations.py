"""Business rules of credits: who may act, phase transitions with their guards and event, supporting
documents. Plain functions: they validate, mutate, flush and send a signal; never commit."""
import json
from datetime import date

from sqlalchemy import select

from ..core.db import db
from ..core.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound, TooLarge, UnsupportedType
from ..core.storage import storage
from . import rules
from .models import Credit, CreditDocument, CreditEvent, Patron
from .phases import ACTIONS, EMBARGOS, MOTIVOS, PHASES, Step, action_label, actions_from, step_for
from .signals import credit_document_added, credit_transitioned

# Who sees everything (read only) and who acts (an operativo, on its unit's credits only). The
# titular certifies situación de créditos and pagos for the whole Coordinación (certification's
# collectors.national), so it reads every patrón, credit and payment it may certify; it acts on none.
READERS = ("auditor", "admin", "titular")
VIEWERS = ("operativo",) + READERS  # the read routes' policy
DOCUMENT_TYPES = {"cedula": "Cédula de liquidación", "citatorio": "Citatorio", "acta_notificacion": "Acta de notificación",
                  "mandamiento": "Mandamiento de ejecución", "acta_embargo": "Acta de embargo",
                  "resolucion": "Resolución", "oficio": "Oficio", "escrito": "Escrito del patrón",
                  "comprobante_pago": "Comprobante de pago", "estado_cuenta": "Estado de cuenta bancario",
                  "garantia": "Garantía del interés fiscal", "otro": "Otro"}
DOCUMENT_MIME = {b"%PDF-": "application/pdf", b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def reads_all(user) -> bool:
    return user is not None and user.has_role(*READERS)


def can_view_credit(user, credit: Credit) -> bool:
    """Readers (auditor, admin, titular) see every credit; an operativo its unit's, plus those offered to it
    in a pending traslado."""
    if reads_all(user):
        return True
    if user is None or not user.has_role("operativo") or user.unidad_id is None:
        return False
    if credit.unidad_id == user.unidad_id:
        return True
    from .models import Transfer
    return db.session.scalar(select(Transfer.id).where(Transfer.credito_id == credit.id,
                                                       Transfer.estado == "pendiente",
                                                       Transfer.unidad_destino_id == user.unidad_id)) is not None


def can_act(user, credit: Credit) -> bool:
    return user is not None and user.has_role("operativo") and credit.unidad_id == user.unidad_id


def require_actor(user, credit: Credit) -> None:
    if not can_act(user, credit):
        raise NotAllowed("Solo un operativo de la unidad responsable puede actuar sobre este crédito.",
                         code="unidad_no_responsable")


def get_credit(numero: str) -> Credit:
    if not (str(numero).isascii() and str(numero).isdigit() and len(str(numero)) == 9):
        raise NotFound()
    credit = db.session.scalar(select(Credit).where(Credit.numero == str(numero)))
    if credit is None:
        raise NotFound()
    return credit


def get_patron(nrp: str) -> Patron:
    key = str(nrp).replace("-", "").upper()
    if not (key.isascii() and key.isalnum() and len(key) <= 11):
        raise NotFound()
    patron = db.session.scalar(select(Patron).where(Patron.nrp == key))
    if patron is None:
        raise NotFound()
    return patron


def available_actions(user, credit: Credit, day: date | None = None) -> list[tuple[str, Step]]:
    """Actions this user may take now: allowed from the phase, for its role, with their guards met."""
    if not can_act(user, credit):
        return []
    day = day or rules.today()
    return [(a, step_for(credit.fase, a)) for a in actions_from(credit.fase, user)
            if rules.failed_guard(step_for(credit.fase, a), credit, {}, day) is None]


def record_event(actor, credit: Credit, accion: str, *, de: str | None, a: str, fecha: date, inc: str | None = None,
                 fundamento: str = "", comentario: str = "", detalle: dict | None = None,
                 documentos=()) -> CreditEvent:
    """Append one event (and link the given documents to it)."""
    event = CreditEvent(credito_id=credit.id, accion=accion, fase_de=de, fase_a=a, inc=inc, fecha=fecha,
                        actor_id=getattr(actor, "id", None), unidad_id=getattr(actor, "unidad_id", None),
                        fundamento=(fundamento or "")[:2000], comentario=(comentario or "")[:5000],
                        detalle=json.dumps(detalle or {}, ensure_ascii=False, default=str))
    db.session.add(event)
    if documentos:
        db.session.flush()  # the documents need the event's id
    for document in documentos:
        db.session.add(CreditDocument(patron_id=credit.patron_id, credito_id=credit.id, evento_id=event.id,
                                      tipo=document["tipo"], nombre=document["nombre"], blob_key=document["blob_key"],
                                      tamano=document["tamano"], tipo_mime=document["tipo_mime"],
                                      subido_por_id=getattr(actor, "id", None)))
    if inc:
        credit.inc, credit.fecha_inc = inc, fecha
    return event


def _not_allowed_message(accion: str, fase: str, permitidas: list[str]) -> str:
    """«No se puede «Iniciar remate (avalúo y convocatoria)» un crédito en fase «Exigible». Acciones
    permitidas ahora: …» — the labels people see on the credit's page, never the codes."""
    allowed = ", ".join(f"«{action_label(a)}»" for a in permitidas) or "ninguna"
    if accion in ACTIONS:
        return (f"No se puede «{action_label(accion)}» un crédito en fase «{PHASES[fase]}». "
                f"Acciones permitidas ahora: {allowed}.")
    return f"La acción «{accion[:40]}» no existe. Acciones permitidas ahora: {allowed}."


def transition(actor, credit: Credit, accion: str, *, fecha: date | None = None, fundamento: str = "",
               comentario: str = "", motivo: str | None = None, tipo_embargo: str | None = None,
               documentos=(), system: bool = False) -> Credit:
    """Apply one action of the phase table. Invalid now → 409 naming the allowed actions; a guard
    that does not hold → 409 with its reason. `system` is for payment application only."""
    step = step_for(credit.fase, accion)
    permitidas = actions_from(credit.fase, actor if not system else None)
    if step is None or (not system and not step.roles):
        raise InvalidTransition(_not_allowed_message(accion, credit.fase, permitidas),
                                permitidas=permitidas, fase=credit.fase)
    if not system:
        require_actor(actor, credit)
    day = rules.today()
    data = {"fecha": fecha or day}
    reason = rules.failed_guard(step, credit, data, day)
    if reason:
        raise InvalidTransition(reason, code="condicion_no_cumplida", permitidas=permitidas, fase=credit.fase)
    if step.motivos:
        motivo = motivo or (step.motivos[0] if len(step.motivos) == 1 else None)
        if motivo not in step.motivos:
            raise InvalidInput("Indique el motivo.", code="motivo_requerido",
                               errors={"motivo": ["Debe ser uno de: " + ", ".join(step.motivos)]})
    inc = step.inc
    if accion == "embargar":
        if tipo_embargo not in EMBARGOS:
            raise InvalidInput("Indique el tipo de embargo.", code="tipo_embargo_requerido",
                               errors={"tipo_embargo": ["Debe ser uno de: " + ", ".join(EMBARGOS)]})
        inc = EMBARGOS[tipo_embargo]
    fecha = data["fecha"]
    previous = credit.fase
    if accion in ("notificar", "reponer_notificacion"):
        credit.fecha_notificacion = fecha
        credit.fecha_exigibilidad = rules.exigibilidad(fecha)
    if step.to == "EXIGIBLE" and credit.fecha_exigibilidad is None:
        credit.fecha_exigibilidad = fecha
    if step.interrumpe:
        credit.fecha_interrupcion = fecha
    credit.fase, credit.fase_desde = step.to, fecha
    credit.motivo = motivo if step.motivos else None
    detalle = {k: v for k, v in (("motivo", motivo), ("tipo_embargo", tipo_embargo)) if v}
    record_event(actor, credit, accion, de=previous, a=step.to, fecha=fecha, inc=inc,
                 fundamento=fundamento or step.fundamento, comentario=comentario, detalle=detalle,
                 documentos=documentos)
    if actor is not None:  # a person acted; payments of a file are audited once for the whole file
        db.session.flush()
        credit_transitioned.send(credit, actor=actor, numero=credit.numero, accion=accion, de=previous,
                                 a=step.to, motivo=motivo)
    return credit


def motivo_label(motivo: str | None) -> str:
    return MOTIVOS.get(motivo or "", motivo or "")


def store_document(tipo: str, nombre: str, data: bytes) -> dict:
    """Check and store an uploaded supporting document (PDF, PNG or JPEG up to 10 MB); returns what
    a CreditDocument row needs. The blob is written before any row refers to it."""
    if tipo not in DOCUMENT_TYPES:
        raise InvalidInput("Tipo de documento no válido.", errors={"tipo": ["Debe ser uno de: " + ", ".join(DOCUMENT_TYPES)]})
    if len(data) > MAX_DOCUMENT_BYTES:
        raise TooLarge("El documento excede 10 MB.")
    if not data:
        raise InvalidInput("El archivo está vacío.", code="archivo_vacio", errors={"archivo": ["El archivo está vacío."]})
    mime = next((m for magic, m in DOCUMENT_MIME.items() if data.startswith(magic)), None)
    if mime is None:
        raise UnsupportedType("Solo se aceptan documentos PDF, PNG o JPEG.", code="tipo_no_coincide")
    name = "".join(c for c in (nombre or "documento") if c.isprintable() and c not in "/\\")[:200] or "documento"
    return {"tipo": tipo, "nombre": name, "blob_key": storage().put(data), "tamano": len(data), "tipo_mime": mime}


def attach_document(actor, credit: Credit, tipo: str, nombre: str, data: bytes) -> CreditDocument:
    require_actor(actor, credit)
    stored = store_document(tipo, nombre, data)
    document = CreditDocument(patron_id=credit.patron_id, credito_id=credit.id, subido_por_id=actor.id, **stored)
    db.session.add(document)
    db.session.flush()
    credit_document_added.send(document, actor=actor, numero=credit.numero, tipo=tipo, sha256=stored["blob_key"])
    return document
