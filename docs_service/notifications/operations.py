"""Business rules of notifications: create them (with their e-mail in the outbox, same transaction),
mark them read, e-mail preferences, and the overdue-acuse sweep. No commits here."""
import re

from flask import current_app
from sqlalchemy import select, update

from ..accounts.models import User, UserRole
from ..core import fechas
from ..core.db import after_commit, db, utcnow
from ..core.errors import InvalidInput, NotFound
from ..workflow.models import Acuse
from .models import Notification, OutboxMail, Preference

EMAIL = re.compile(r"[^@\s<>\"',;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+")


def page_path(endpoint: str, **values) -> str:
    """The path of a page, built without a request (signals also fire from CLI commands)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def users_with_role(role: str, *, unidad_ids=None) -> list[User]:
    stmt = select(User).join(UserRole, UserRole.usuario_id == User.id).where(UserRole.rol == role,
                                                                              User.activo.is_(True))
    if unidad_ids is not None:
        stmt = stmt.where(User.unidad_id.in_(list(unidad_ids)))
    return list(db.session.scalars(stmt.order_by(User.id)).unique())


def notify(users, tipo: str, titulo: str, *, enlace: str = "", detalle: str = "", clave: str | None = None,
           skip=None) -> list[Notification]:
    """One notification per user (none for `skip`, the actor; none twice for the same `clave`), plus
    an outbox e-mail for who asked for them when e-mail is configured."""
    recipients = {u.id: u for u in users if u is not None and (skip is None or u.id != skip.id)}
    if not recipients:
        return []
    if clave is not None:
        already = set(db.session.scalars(select(Notification.usuario_id).where(
            Notification.clave == clave, Notification.usuario_id.in_(list(recipients)))))
        recipients = {uid: u for uid, u in recipients.items() if uid not in already}
    created = []
    for user in recipients.values():
        notice = Notification(usuario_id=user.id, tipo=tipo, titulo=titulo[:300], detalle=detalle[:5000],
                              enlace=enlace[:300], clave=clave, creado=utcnow())
        db.session.add(notice)
        created.append(notice)
    db.session.flush()
    if current_app.config.get("DOCS_SMTP_URL"):
        _queue_mail(created)
    return created


def _queue_mail(notices: list[Notification]) -> None:
    wanted = {p.usuario_id: p for p in db.session.scalars(select(Preference).where(
        Preference.usuario_id.in_([n.usuario_id for n in notices]), Preference.por_correo.is_(True)))}
    base = current_app.config["DOCS_PUBLIC_URL"].rstrip("/")
    queued = False
    for notice in notices:
        preference = wanted.get(notice.usuario_id)
        if preference is None or not preference.correo:
            continue
        body = [notice.titulo, ""]
        if notice.detalle:
            body += [notice.detalle, ""]
        if notice.enlace:
            body.append(f"Consulte: {base}{notice.enlace}")
        body += ["", "Normateca de Cobranza · IMSS. Este aviso se envía porque lo activó en sus preferencias."]
        db.session.add(OutboxMail(notificacion_id=notice.id, destinatario=preference.correo,
                                  asunto=f"[Normateca] {notice.titulo}"[:300], cuerpo="\n".join(body),
                                  estado="pendiente", proximo_intento=utcnow(), creado=utcnow()))
        queued = True
    if queued:
        db.session.flush()
        app = current_app._get_current_object()
        from .mail import deliver_due
        after_commit(lambda: deliver_due(app))


def get_own(user, notification_id: int) -> Notification:
    # Ids beyond the column's 32 bits are simply absent (PostgreSQL would refuse the comparison).
    notice = db.session.get(Notification, notification_id) if 0 < notification_id < 2**31 else None
    if notice is None or notice.usuario_id != user.id:
        raise NotFound("La notificación no existe.")
    return notice


def mark_read(user, notice: Notification) -> Notification:
    if notice.leida is None:
        notice.leida = utcnow()
        db.session.flush()
    return notice


# The notices that ask a unit for an acuse: done once the unit acknowledges.
ACUSE_NOTICES = ("acuse_pendiente", "recordatorio", "acuse_vencido")


def settle_acuse_notices(unidad_id: int, enlace: str) -> int:
    """A unit acknowledged a version: its people's unread notices asking for that acuse (pending,
    reminder, overdue; they link the version's page) are marked read. Returns how many."""
    members = select(User.id).where(User.unidad_id == unidad_id)
    result = db.session.execute(update(Notification).where(
        Notification.usuario_id.in_(members), Notification.tipo.in_(ACUSE_NOTICES), Notification.enlace == enlace,
        Notification.leida.is_(None)).values(leida=utcnow()))
    return result.rowcount or 0


def mark_all_read(user) -> int:
    result = db.session.execute(update(Notification).where(Notification.usuario_id == user.id,
                                                           Notification.leida.is_(None)).values(leida=utcnow()))
    return result.rowcount or 0


def set_preference(user, *, correo: str, por_correo: bool) -> Preference:
    correo = (correo or "").strip()
    if correo and (len(correo) > 254 or not EMAIL.fullmatch(correo)):
        raise InvalidInput("El correo electrónico no es válido.", code="correo_invalido",
                           errors={"correo": ["Escriba una dirección como nombre@imss.gob.mx."]})
    if por_correo and not correo:
        raise InvalidInput("Para recibir avisos por correo indique su dirección.", code="correo_requerido",
                           errors={"correo": ["Este dato es obligatorio."]})
    preference = db.session.get(Preference, user.id) or Preference(usuario_id=user.id)
    preference.correo, preference.por_correo = correo, bool(por_correo)
    db.session.add(preference)
    db.session.flush()
    return preference


def notify_overdue_acuses(today) -> int:
    """Notify the operativos of every unit whose acuse is past its deadline (once per acuse);
    returns how many notifications were created."""
    overdue = db.session.scalars(select(Acuse).where(Acuse.estado == "pendiente", Acuse.fecha_limite < today)
                                 .order_by(Acuse.id)).all()
    created = 0
    for acuse in overdue:
        version = acuse.version_ref
        document = version.document
        titulo = (f"Acuse vencido: {document.clave} versión {version.numero} "
                  f"(plazo al {fechas.fecha(acuse.fecha_limite)})")
        created += len(notify(users_with_role("operativo", unidad_ids=[acuse.unidad_id]), "acuse_vencido", titulo,
                              enlace=page_path("documents_pages.version", document_id=document.id,
                                               numero=version.numero),
                              detalle=f"{acuse.unidad.clave} {acuse.unidad.nombre} aún no acusa recibo de «{document.titulo}».",
                              clave=f"acuse_vencido:{acuse.id}"))
    return created
