"""Reads for the workflow: coverage of acuses, the inbox of each role (in trays), a unit's acuses,
and the counters of the home page."""
from sqlalchemy import and_, case, exists, func, not_, or_, select

from ..core.db import db
from ..core.fechas import hoy
from ..documents.models import Document, Version
from .models import Acuse, TransitionLog
from .operations import version_acuses
from .states import actions_for


def coverage(version: Version) -> tuple[dict, list[Acuse]]:
    acuses = version_acuses(version)
    today = hoy()
    received = sum(1 for a in acuses if a.estado == "recibido")
    pending = [a for a in acuses if a.estado == "pendiente"]
    overdue = sum(1 for a in pending if today > a.fecha_limite)
    total = len(acuses)
    return {"total": total, "recibidos": received, "pendientes": len(pending), "vencidos": overdue,
            "porcentaje": round(100 * received / total, 1) if total else 0.0,
            "unidades_pendientes": [a.unidad.clave for a in pending]}, acuses


# The trays of the Bandeja, in the order shown: key -> roles that see it (labels in labels.BANDEJA).
TRAYS = {
    "devueltas": ("normativo",),      # my versions returned with comments (back in borrador)
    "borradores": ("normativo",),     # my drafts never returned
    "revision": ("revisor",),         # awaiting review (not mine)
    "aprobacion": ("titular",),       # awaiting approval (not mine)
    "validacion": ("validador",),     # approved formats awaiting validation (not mine)
    "publicar": ("normativo",),       # approved (or validated formats), ready to publish
}
_RETURNED = exists().where(TransitionLog.version_id == Version.id, TransitionLog.a_estado == "borrador",
                           TransitionLog.accion.in_(("devolver", "rechazar")))


def _tray_condition(user, tray: str):
    is_format = Document.tipo == "formato"
    not_mine = Version.autor_id != user.id
    return {
        "devueltas": and_(Version.estado == "borrador", Version.autor_id == user.id, _RETURNED),
        "borradores": and_(Version.estado == "borrador", Version.autor_id == user.id, not_(_RETURNED)),
        "revision": and_(Version.estado == "en_revision", not_mine),
        "aprobacion": and_(Version.estado == "en_aprobacion", not_mine),
        "validacion": and_(Version.estado == "aprobado", is_format, not_mine),
        "publicar": or_(and_(Version.estado == "aprobado", not_(is_format)),
                        and_(Version.estado == "validado", is_format)),
    }[tray]


def trays_for(user) -> list[str]:
    return [tray for tray, tray_roles in TRAYS.items() if user.has_role(*tray_roles)]


def tray_counts(user) -> dict[str, int]:
    """How many versions wait in each of this user's trays (one COUNT per tray)."""
    return {tray: db.session.scalar(select(func.count(Version.id)).join(Document)
                                    .where(_tray_condition(user, tray)))
            for tray in trays_for(user)}


def inbox(user, only: str | None = None) -> list[tuple[str, list[tuple[Version, list[str]]]]]:
    """The user's trays (or just `only`), each with its versions and the actions this user may take."""
    result = []
    for tray in trays_for(user):
        if only and tray != only:
            continue
        versions = db.session.scalars(select(Version).join(Document).where(_tray_condition(user, tray))
                                      .order_by(Version.creado)).all()
        result.append((tray, [(v, actions_for(user, v)) for v in versions]))
    return result


def publisher_of(version_ids) -> dict[int, int]:
    """version id -> id of who published it (the `publicar` step of the log)."""
    rows = db.session.execute(select(TransitionLog.version_id, TransitionLog.actor_id)
                              .where(TransitionLog.accion == "publicar", TransitionLog.version_id.in_(version_ids)))
    return {version_id: actor_id for version_id, actor_id in rows}


def incomplete_publications_count(user=None) -> int:
    """Publications with some acuse still pending (only those `user` published, when given)."""
    stmt = select(func.count(func.distinct(Acuse.version_id))).where(Acuse.estado == "pendiente")
    if user is not None:
        stmt = stmt.where(exists().where(TransitionLog.version_id == Acuse.version_id,
                                         TransitionLog.accion == "publicar", TransitionLog.actor_id == user.id))
    return db.session.scalar(stmt)


def unit_acuse_counts(user) -> tuple[int, int]:
    """(pending, overdue) acuses of the user's unit."""
    if not user.unidad_id:
        return 0, 0
    base = select(func.count(Acuse.id)).where(Acuse.unidad_id == user.unidad_id, Acuse.estado == "pendiente")
    return db.session.scalar(base), db.session.scalar(base.where(Acuse.fecha_limite < hoy()))


def unit_acuses(user, estado: str | None = None) -> list[Acuse]:
    """The acuses of the user's unit, pending first; `estado`: pendiente, vencido or recibido."""
    if not user.unidad_id:
        return []
    stmt = select(Acuse).where(Acuse.unidad_id == user.unidad_id)
    if estado in ("pendiente", "recibido"):
        stmt = stmt.where(Acuse.estado == estado)
    elif estado == "vencido":
        stmt = stmt.where(Acuse.estado == "pendiente", Acuse.fecha_limite < hoy())
    pending_first = case((Acuse.estado == "pendiente", 0), else_=1)
    return db.session.scalars(stmt.order_by(pending_first, Acuse.fecha_limite, Acuse.id)).all()


def publications(user, *, mine: bool = False, incomplete: bool = False) -> list[tuple[Version, dict]]:
    """Published versions with recipients, newest first, each with its counts (one grouped query)."""
    today = hoy()
    pending = func.sum(case((Acuse.estado == "pendiente", 1), else_=0))
    overdue = func.sum(case((and_(Acuse.estado == "pendiente", Acuse.fecha_limite < today), 1), else_=0))
    stmt = (select(Version, func.count(Acuse.id), pending, overdue).join(Acuse, Acuse.version_id == Version.id)
            .group_by(Version.id).order_by(Version.publicado.desc(), Version.id.desc()))
    if mine:
        stmt = stmt.where(exists().where(TransitionLog.version_id == Version.id, TransitionLog.accion == "publicar",
                                         TransitionLog.actor_id == user.id))
    if incomplete:
        stmt = stmt.having(pending > 0)
    rows = []
    for version, total, pend, late in db.session.execute(stmt):
        received = total - (pend or 0)
        rows.append((version, {"total": total, "recibidos": received, "pendientes": pend or 0, "vencidos": late or 0,
                               "porcentaje": round(100 * received / total, 1) if total else 0.0}))
    return rows


def ooad_of(unit) -> str:
    """The OOAD key a unit belongs to (its own key for an OOAD)."""
    return unit.ooad_clave or unit.clave


def filter_acuses(acuses: list[Acuse], *, ooad: str | None = None, estado: str | None = None) -> list[Acuse]:
    """Recipients of one publication filtered by OOAD and by estado (pendiente, vencido, recibido)."""
    rows = acuses
    if ooad:
        rows = [a for a in rows if ooad_of(a.unidad) == ooad]
    if estado == "vencido":
        rows = [a for a in rows if a.vencido]
    elif estado in ("pendiente", "recibido"):
        rows = [a for a in rows if a.estado == estado]
    return rows
