"""Transition log and acuses (acknowledgements of receipt per recipient unit)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Unit
from ..core.db import Base, utcnow
from ..core.fechas import hoy


class TransitionLog(Base):
    """Every workflow step, written in the same transaction as the change (append-only)."""
    __tablename__ = "transiciones"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versiones.id"), index=True)
    accion: Mapped[str] = mapped_column(String(32))
    de_estado: Mapped[str] = mapped_column(String(20))
    a_estado: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    comentario: Mapped[str] = mapped_column(Text, default="")
    fecha: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    actor = relationship("User", lazy="joined")


class Acuse(Base):
    """A recipient unit's acknowledgement of a published version: pendiente until an operativo of
    that unit acknowledges it."""
    __tablename__ = "acuses"
    __table_args__ = (UniqueConstraint("version_id", "unidad_id"),
                      CheckConstraint("estado IN ('pendiente', 'recibido')", name="estado"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versiones.id"), index=True)
    unidad_id: Mapped[int] = mapped_column(ForeignKey("unidades.id"), index=True)
    estado: Mapped[str] = mapped_column(String(12), default="pendiente")
    fecha_envio: Mapped[date] = mapped_column(Date)  # publication day
    fecha_limite: Mapped[date] = mapped_column(Date)  # after N días hábiles it is overdue
    recibido: Mapped[datetime | None] = mapped_column(DateTime)
    recibido_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    nota: Mapped[str] = mapped_column(Text, default="")

    unidad: Mapped[Unit] = relationship(lazy="joined")
    version_ref = relationship("Version", lazy="joined")

    @property
    def vencido(self) -> bool:
        return self.estado == "pendiente" and hoy() > self.fecha_limite
