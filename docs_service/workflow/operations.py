"""Business rules of the workflow: transitions (with publication and abrogation), acuses."""
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from ..accounts.models import Unit
from ..core import fechas, signals
from ..core.db import db, utcnow
from ..core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed, NotFound
from ..documents.models import Document, Relation, Version
from .calendar import add_business_days
from .models import Acuse, TransitionLog
from .signals import acuse_reminder
from .states import PUBLISHED_STATES, allowed_actions, refusal, step_for


def today() -> date:
    """The calendar day in Mexico City: vigencias and plazos are Mexican dates."""
    return fechas.hoy()


def transition(actor, version: Version, accion: str, *, comentario: str = "", vigente_desde: date | None = None,
               vigente_hasta: date | None = None, destinatarios: dict | None = None,
               fecha: date | None = None, historico: bool = False) -> Version:
    """Apply one workflow action; raises InvalidTransition (409) naming what is allowed now.
    `historico` (loading an existing corpus, never exposed to the API) admits a past vigente_desde."""
    document = version.document
    is_format = document.tipo == "formato"
    step = step_for(version.estado, accion, is_format)
    if step is None:
        permitidas = allowed_actions(version.estado, is_format)
        raise InvalidTransition(refusal(actor, version, accion),
                                permitidas=permitidas, estado=version.estado)
    reason = refusal(actor, version, accion)
    if reason is not None:
        author = step.separate_from_author and version.autor_id == actor.id and actor.has_role(*step.roles)
        raise NotAllowed(reason, code="autor_no_puede_aprobar" if author else "rol_no_autorizado")
    comentario = (comentario or "").strip()
    if step.needs_comment and not comentario:
        raise InvalidInput("Esta acción requiere un comentario que explique el motivo.",
                           code="comentario_requerido", errors={"comentario": ["Este dato es obligatorio."]})
    previous = version.estado
    if accion == "publicar":
        _publish(actor, version, vigente_desde, vigente_hasta, destinatarios, historico)
    elif accion == "abrogar":
        fecha = fecha or today()
        if fecha < today():
            raise InvalidInput("La abrogación no puede surtir efectos en una fecha pasada.", code="fecha_invalida",
                               errors={"fecha": ["Debe ser hoy o una fecha futura."]})
        _abrogate(document, fecha, comentario, by=None)
    version.estado = step.to
    db.session.add(TransitionLog(version_id=version.id, accion=accion, de_estado=previous, a_estado=step.to,
                                 actor_id=actor.id, comentario=comentario[:5000]))
    db.session.flush()
    signals.version_transitioned.send(version, actor=actor, documento=document.clave, numero=version.numero,
                                      accion=accion, de=previous, a=step.to)
    if accion == "publicar":
        signals.version_published.send(version, actor=actor, documento=document.clave, numero=version.numero,
                                       vigente_desde=version.vigente_desde, vigente_hasta=version.vigente_hasta,
                                       destinatarios=len(version_acuses(version)))
    return version


def _publish(actor, version: Version, desde: date | None, hasta: date | None, destinatarios: dict | None,
             historico: bool = False):
    desde = desde or today()
    if desde < today() and not historico:
        raise InvalidInput("La vigencia no puede iniciar en una fecha pasada.", code="vigencia_invalida",
                           errors={"vigente_desde": ["Debe ser hoy o una fecha futura."]})
    if hasta is not None and hasta < desde:
        raise InvalidInput("La fecha «vigente hasta» es anterior a «vigente desde».", code="vigencia_invalida",
                           errors={"vigente_hasta": ["Debe ser igual o posterior a vigente_desde."]})
    units = resolve_recipients(destinatarios)
    document = version.document
    later = [v for v in document.versions if v.id != version.id and v.estado in PUBLISHED_STATES
             and v.vigente_desde is not None and v.vigente_desde >= desde]
    if later:
        raise Conflict(f"La versión {later[0].numero} ya entra en vigor el {fechas.fecha(later[0].vigente_desde)}; "
                       "la nueva vigencia debe iniciar después.", code="vigencia_traslapada")
    for older in document.versions:
        if older.id != version.id and older.estado == "publicado":
            older.estado = "sustituido"
            if older.vigente_hasta is None or older.vigente_hasta >= desde:
                older.vigente_hasta = desde - timedelta(days=1)
            db.session.add(TransitionLog(version_id=older.id, accion="sustituir", de_estado="publicado",
                                         a_estado="sustituido", actor_id=actor.id,
                                         comentario=f"Sustituida por la versión {version.numero} desde el {fechas.fecha(desde)}."))
    version.vigente_desde, version.vigente_hasta, version.publicado = desde, hasta, utcnow()
    deadline = add_business_days(today(), current_app.config["DOCS_ACUSE_PLAZO_DIAS_HABILES"])
    for unit in units:
        db.session.add(Acuse(version_id=version.id, unidad_id=unit.id, estado="pendiente", fecha_envio=today(),
                             fecha_limite=deadline))
    abrogated = db.session.scalars(select(Relation).where(Relation.origen_id == document.id,
                                                          Relation.tipo == "abroga")).all()
    for relation in abrogated:
        _abrogate(relation.destino, desde, f"Abrogado por {document.clave} ({document.titulo}).", by=document)


def _abrogate(document: Document, desde: date, motivo: str, by: Document | None):
    """End a document's vigencia from `desde` (its in-force version ends the day before)."""
    if document.abrogado_desde is not None and document.abrogado_desde <= desde:
        return
    document.abrogado_desde, document.motivo_abrogacion = desde, motivo[:5000]
    document.abrogado_por_id = by.id if by is not None else None
    for version in document.versions:
        if version.estado in ("publicado", "sustituido") and (version.vigente_hasta is None or version.vigente_hasta >= desde):
            if version.vigente_desde is not None and version.vigente_desde < desde:
                version.vigente_hasta = desde - timedelta(days=1)
            if by is not None:
                version.estado = "abrogado"
    signals.document_abrogated.send(document, actor=None, desde=desde, por=by.clave if by else None)


def first_valid_start(version: Version) -> date:
    """The earliest vigente_desde `publicar` accepts now: today, or the day after the latest start
    already published for the document when that one is today or later."""
    starts = [v.vigente_desde for v in version.document.versions
              if v.id != version.id and v.estado in PUBLISHED_STATES and v.vigente_desde is not None]
    latest = max(starts, default=None)
    return max(today(), latest + timedelta(days=1)) if latest is not None and latest >= today() else today()


def resolve_recipients(destinatarios: dict | None) -> list[Unit]:
    """{"todas": true} | {"ooad": ["33"]} (its Subdelegaciones) | {"unidades": ["3301", "16"]}."""
    destinatarios = destinatarios or {}
    query = select(Unit).order_by(Unit.clave)
    if destinatarios.get("todas"):
        units = db.session.scalars(query.where(Unit.tipo.in_(("ooad", "subdelegacion")))).all()
    elif destinatarios.get("ooad"):
        keys = sorted(set(destinatarios["ooad"]))
        units = db.session.scalars(query.where(Unit.tipo == "subdelegacion", Unit.ooad_clave.in_(keys))).all()
        found = {u.ooad_clave for u in units}
        missing = [k for k in keys if k not in found]
        if missing:
            raise InvalidInput("OOAD inexistente o sin Subdelegaciones: " + ", ".join(missing[:10]),
                               code="destinatarios_invalidos", errors={"destinatarios": ["Clave de OOAD no válida."]})
    elif destinatarios.get("unidades"):
        keys = sorted(set(destinatarios["unidades"]))
        units = db.session.scalars(query.where(Unit.clave.in_(keys), Unit.tipo != "central")).all()
        missing = sorted(set(keys) - {u.clave for u in units})
        if missing:
            raise InvalidInput("Unidades inexistentes: " + ", ".join(missing[:10]), code="destinatarios_invalidos",
                               errors={"destinatarios": ["Clave de unidad no válida."]})
    else:
        units = []
    if not units:
        raise InvalidInput("Indique a quién se difunde la publicación (todas, OOAD o lista de unidades).",
                           code="destinatarios_requeridos", errors={"destinatarios": ["Este dato es obligatorio."]})
    return units


def version_acuses(version: Version) -> list[Acuse]:
    return db.session.scalars(select(Acuse).where(Acuse.version_id == version.id)
                              .join(Unit, Acuse.unidad_id == Unit.id).order_by(Unit.clave)).all()


def acknowledge(actor, version: Version) -> tuple[Acuse, bool]:
    """The caller's unit acknowledges; returns (acuse, created now). 404 when not a recipient."""
    acuse = db.session.scalar(select(Acuse).where(Acuse.version_id == version.id,
                                                  Acuse.unidad_id == actor.unidad_id)) if actor.unidad_id else None
    if acuse is None:
        raise NotFound("Su unidad no es destinataria de esta publicación.")
    if acuse.estado == "recibido":
        return acuse, False
    acuse.estado, acuse.recibido, acuse.recibido_por_id = "recibido", utcnow(), actor.id
    db.session.flush()
    signals.acuse_registered.send(acuse, actor=actor, documento=version.document.clave, numero=version.numero,
                                  unidad=acuse.unidad.clave)
    return acuse, True


def remind_pending(actor, version: Version) -> list[Acuse]:
    """Remind the recipient units whose acuse is still pending (a notification for their operativos)."""
    pending = [a for a in version_acuses(version) if a.estado == "pendiente"]
    if not pending:
        raise Conflict("Todas las unidades destinatarias ya acusaron recibo; no hay a quién recordar.",
                       code="sin_pendientes")
    acuse_reminder.send(version, actor=actor, documento=version.document.clave, numero=version.numero,
                        unidades=[a.unidad.clave for a in pending], unidad_ids=[a.unidad_id for a in pending])
    return pending
