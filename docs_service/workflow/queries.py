"""Reads for the workflow: coverage of acuses, the inbox of each role, a unit's acuses."""
from sqlalchemy import select

from ..core.db import db
from ..core.fechas import hoy
from ..documents.models import Document, Version
from .models import Acuse
from .operations import version_acuses
from .states import IN_PROGRESS, TRANSITIONS, actions_for


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


def inbox(user) -> list[tuple[Version, list[str]]]:
    """Versions waiting for an action this user's roles may take (segregation of duties applied)."""
    states = {state for (state, _a), step in TRANSITIONS.items()
              if user.has_role(*step.roles) and state in IN_PROGRESS}
    if not states:
        return []
    versions = db.session.scalars(select(Version).join(Document).where(Version.estado.in_(states))
                                  .order_by(Version.creado)).all()
    return [(version, actions) for version in versions if (actions := actions_for(user, version))]


def unit_acuses(user) -> list[Acuse]:
    if not user.unidad_id:
        return []
    rows = db.session.scalars(select(Acuse).where(Acuse.unidad_id == user.unidad_id)
                              .order_by(Acuse.estado.desc(), Acuse.fecha_limite)).all()
    return rows
