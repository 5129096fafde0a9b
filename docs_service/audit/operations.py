"""Appending to and verifying the audit chain."""
import hashlib
import json

from flask import g, has_request_context, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..core import signals
from ..core.db import after_rollback, db, utcnow
from ..core.errors import Unavailable
from .models import GENESIS, AuditEntry, AuditHead

HASHED = ("fecha", "actor_id", "actor", "roles", "accion", "objeto_tipo", "objeto_id", "resultado",
          "detalle", "request_id", "ip", "prev_hash")


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def entry_hash(entry: AuditEntry) -> str:
    payload = {k: getattr(entry, k) for k in HASHED}
    payload["fecha"] = entry.fecha.isoformat(timespec="microseconds")
    return hashlib.sha256(canonical(payload).encode()).hexdigest()


def record(accion: str, *, actor=None, objeto=None, objeto_tipo=None, objeto_id=None,
           resultado: str = "ok", detalle: dict | None = None) -> AuditEntry:
    """Append one row in the current transaction; any failure here fails the whole change."""
    session = db.session
    if actor is None and has_request_context():
        actor = g.get("user")
    if objeto is not None:
        objeto_tipo = objeto_tipo or getattr(objeto, "__tablename__", type(objeto).__name__)
        objeto_id = objeto_id or str(getattr(objeto, "id", ""))
    head = session.execute(select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one()
    entry = AuditEntry(
        fecha=utcnow(), actor_id=getattr(actor, "id", None), actor=getattr(actor, "nombre", "") or "",
        roles=",".join(getattr(actor, "roles", []) or []), accion=accion, objeto_tipo=objeto_tipo,
        objeto_id=None if objeto_id is None else str(objeto_id), resultado=resultado,
        detalle=canonical(detalle or {}),
        request_id=g.get("request_id") if has_request_context() else None,
        ip=request.remote_addr if has_request_context() else None,
        prev_hash=head.ultimo_hash,
    )
    entry.hash = entry_hash(entry)
    try:
        session.add(entry)
        head.ultimo_hash = entry.hash
        session.flush()
    except SQLAlchemyError as err:  # fail closed: no audited change without its audit row
        raise Unavailable("No se pudo registrar la auditoría; el cambio no se aplicó.",
                          code="auditoria_no_disponible") from err
    return entry


class ActorRef:
    """A detached snapshot of who acted, usable after the request's session rolled back."""

    def __init__(self, user):
        self.id, self.nombre, self.roles = user.id, user.nombre, list(user.roles)


def record_refusal(accion: str, **kwargs) -> None:
    """Audit a refused request: the request's transaction rolls back, this row is written after."""
    user = g.get("user") if has_request_context() else None
    actor = ActorRef(user) if user is not None else None
    after_rollback(lambda: record(accion, actor=actor, resultado=kwargs.pop("resultado", "denegado"), **kwargs))


def verify(session, batch: int = 5000):
    """Walk the chain in id order. Returns (rows checked, first broken row id or None, reason)."""
    previous = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = session.execute(select(AuditEntry).where(AuditEntry.id > last_id)
                               .order_by(AuditEntry.id).limit(batch)).scalars().all()
        if not rows:
            break
        for entry in rows:
            if entry.prev_hash != previous:
                return checked, entry.id, "el hash anterior no coincide con la fila previa"
            if entry_hash(entry) != entry.hash:
                return checked, entry.id, "el contenido no coincide con su hash"
            previous = entry.hash
            checked += 1
            last_id = entry.id
        session.expunge_all()
    head = session.get(AuditHead, 1)
    if head is not None and head.ultimo_hash != previous:
        return checked, None, "faltan filas al final de la cadena"
    return checked, None, None


def _listener(signal):
    def receive(sender, actor=None, **detail):
        record(signal.name, actor=actor, objeto=sender if hasattr(sender, "__tablename__") else None,
               detalle=detail or None)
    receive.__name__ = f"audit_{signal.name}"
    return receive


_RECEIVERS = []


def _refused(_sender, accion, resultado="denegado", detalle=None, **_):
    """A refused request: written after its transaction rolled back (nothing of it is kept)."""
    record_refusal(accion, resultado=resultado, detalle=detalle)


def connect_signals(_app=None):
    """Audit listens to every audited signal, whichever area declared it, and to refusals (weak
    refs: keep the receivers alive). Runs after every area is imported."""
    connected = {r.__name__ for r in _RECEIVERS}
    for signal in signals.audited():
        receiver = _listener(signal)
        if receiver.__name__ in connected:
            continue
        _RECEIVERS.append(receiver)
        signal.connect(receiver)
    if _refused not in _RECEIVERS:
        _RECEIVERS.append(_refused)
        signals.request_refused.connect(_refused)
