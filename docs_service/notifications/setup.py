"""Wiring: the signals this area listens to, and the unread count every page header shows."""
from flask import g
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from ..core import fechas, signals
from ..core.db import db
from ..workflow.models import Acuse, TransitionLog
from ..workflow.signals import acuse_reminder
from . import operations as ops
from . import queries

# Who must act next when a version reaches a state: (role, whether the author is excluded).
NEXT_ROLE = {"en_revision": "revisor", "en_aprobacion": "titular"}


def _version_link(version) -> str:
    return ops.page_path("documents_pages.version", document_id=version.document.id, numero=version.numero)


def _author(version):
    from ..accounts.models import User
    return db.session.get(User, version.autor_id)


def on_transition(version, actor=None, accion=None, de=None, a=None, **_detail):
    """A version moved: tell who must act now, and its author when it was returned or approved."""
    document = version.document
    name = f"{document.clave} versión {version.numero}"
    link = _version_link(version)
    author = _author(version)
    is_format = document.tipo == "formato"
    if a in NEXT_ROLE:
        action = "revisar" if a == "en_revision" else "aprobar"
        waiting = [u for u in ops.users_with_role(NEXT_ROLE[a]) if u.id != version.autor_id]
        ops.notify(waiting, "por_atender", f"Por {action}: {name} · {document.titulo}", enlace=link, skip=actor)
    elif a == "borrador" and accion in ("devolver", "rechazar"):
        comment = db.session.scalar(select(TransitionLog.comentario).where(TransitionLog.version_id == version.id)
                                    .order_by(TransitionLog.id.desc()).limit(1)) or ""
        verb = "devuelta" if accion == "devolver" else "rechazada"
        ops.notify([author], "devuelta", f"Su versión fue {verb}: {name}", enlace=link,
                   detalle=f"Comentario: {comment}" if comment else "", skip=actor)
    elif a == "aprobado":
        then = "pasa a validación" if is_format else "puede publicarla"
        ops.notify([author], "aprobada", f"Su versión fue aprobada: {name}; {then}", enlace=link, skip=actor)
        if is_format:
            waiting = [u for u in ops.users_with_role("validador") if u.id != version.autor_id]
            ops.notify(waiting, "por_atender", f"Por validar: {name} · {document.titulo}", enlace=link, skip=actor)
    elif a == "validado":
        ops.notify([author], "aprobada", f"Su formato fue validado: {name}; puede publicarlo", enlace=link,
                   skip=actor)


def on_published(version, actor=None, **_detail):
    """Published: the author learns it, and the operativos of every recipient unit owe an acuse."""
    document = version.document
    name = f"{document.clave} versión {version.numero}"
    link = _version_link(version)
    desde = fechas.fecha(version.vigente_desde)
    ops.notify([_author(version)], "publicada", f"Su versión fue publicada: {name}, vigente desde el {desde}",
               enlace=link, skip=actor)
    acuses = db.session.scalars(select(Acuse).where(Acuse.version_id == version.id, Acuse.estado == "pendiente")).all()
    if acuses:
        limit = fechas.fecha(min(a.fecha_limite for a in acuses))
        ops.notify(ops.users_with_role("operativo", unidad_ids={a.unidad_id for a in acuses}), "acuse_pendiente",
                   f"Acuse pendiente: {name} · {document.titulo} (a más tardar el {limit})", enlace=link,
                   clave=f"acuse_pendiente:{version.id}")


def on_reminder(version, actor=None, unidad_ids=(), **_detail):
    """A publisher reminded the units still owing an acuse: tell their operativos."""
    document = version.document
    limit = db.session.scalar(select(Acuse.fecha_limite).where(Acuse.version_id == version.id).limit(1))
    ops.notify(ops.users_with_role("operativo", unidad_ids=set(unidad_ids)), "recordatorio",
               f"Recordatorio: acuse pendiente de {document.clave} versión {version.numero} · {document.titulo}"
               + (f" (plazo al {fechas.fecha(limit)})" if limit else ""),
               enlace=_version_link(version), skip=actor)


def on_acuse(acuse, actor=None, **_detail):
    """The unit acknowledged: the «acuse pendiente» notices of its operativos are done."""
    ops.settle_acuse_notices(acuse.unidad_id, _version_link(acuse.version_ref))


def _header_context():
    user = g.get("user")
    if user is None:
        return {}
    try:
        return {"notificaciones_sin_leer": queries.unread_count(user)}
    except SQLAlchemyError:  # an error page after a failed flush: show it without the bell
        return {}


def connect(app):
    """Receivers are module functions (blinker keeps weak references; these live as long as the module)."""
    signals.version_transitioned.connect(on_transition)
    signals.version_published.connect(on_published)
    acuse_reminder.connect(on_reminder)
    signals.acuse_registered.connect(on_acuse)
    app.context_processor(_header_context)
