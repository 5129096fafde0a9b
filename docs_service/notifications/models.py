"""Notifications for a person, their e-mail preference, and the e-mail outbox."""
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base, utcnow

# What a notification is about (labels shown to people).
TIPOS = {
    "por_atender": "Versión por atender",
    "devuelta": "Versión devuelta",
    "aprobada": "Versión aprobada",
    "publicada": "Versión publicada",
    "acuse_pendiente": "Acuse de recibo pendiente",
    "acuse_vencido": "Acuse de recibo vencido",
    "recordatorio": "Recordatorio de acuse",
    "cita_desactualizada": "Cita desactualizada",
}
# Outbox states: pendiente (due at proximo_intento), enviando (claimed by one sender), enviado,
# fallido (gave up, or the server refused for good).
ESTADOS_CORREO = ("pendiente", "enviando", "enviado", "fallido")


class Notification(Base):
    """One notice for one person; `clave` makes a notice that must happen once (an overdue acuse) idempotent."""
    __tablename__ = "notificaciones"
    __table_args__ = (UniqueConstraint("usuario_id", "clave"),
                      CheckConstraint("tipo IN (" + ", ".join(f"'{t}'" for t in TIPOS) + ")", name="tipo"),
                      Index("ix_notificaciones_usuario_id_leida", "usuario_id", "leida"))

    id: Mapped[int] = mapped_column(primary_key=True)
    usuario_id: Mapped[int] = mapped_column(ForeignKey("usuarios.id", ondelete="CASCADE"))
    tipo: Mapped[str] = mapped_column(String(20))
    titulo: Mapped[str] = mapped_column(String(300))  # one line, Spanish
    detalle: Mapped[str] = mapped_column(Text, default="")  # e.g. the reviewer's comment
    enlace: Mapped[str] = mapped_column(String(300), default="")  # path of the page it is about
    clave: Mapped[str | None] = mapped_column(String(120))  # dedupe key, or None
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    leida: Mapped[datetime | None] = mapped_column(DateTime)  # when it was marked read

    @property
    def tipo_nombre(self) -> str:
        return TIPOS.get(self.tipo, self.tipo)


class Preference(Base):
    """Whether (and where) a person also receives notifications by e-mail."""
    __tablename__ = "preferencias_notificacion"

    usuario_id: Mapped[int] = mapped_column(ForeignKey("usuarios.id", ondelete="CASCADE"), primary_key=True)
    correo: Mapped[str] = mapped_column(String(254), default="")
    por_correo: Mapped[bool] = mapped_column(Boolean, default=False)


class OutboxMail(Base):
    """An e-mail written in the same transaction as its notification and sent after commit. A row is
    claimed (pendiente → enviando) by one sender before the SMTP conversation, so it is never sent twice."""
    __tablename__ = "correo_salida"
    __table_args__ = (CheckConstraint("estado IN ('pendiente', 'enviando', 'enviado', 'fallido')", name="estado"),
                      Index("ix_correo_salida_estado_proximo_intento", "estado", "proximo_intento"))

    id: Mapped[int] = mapped_column(primary_key=True)
    notificacion_id: Mapped[int | None] = mapped_column(ForeignKey("notificaciones.id", ondelete="SET NULL"))
    destinatario: Mapped[str] = mapped_column(String(254))
    asunto: Mapped[str] = mapped_column(String(300))
    cuerpo: Mapped[str] = mapped_column(Text)
    estado: Mapped[str] = mapped_column(String(10), default="pendiente")
    intentos: Mapped[int] = mapped_column(Integer, default=0)
    proximo_intento: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    enviado: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str] = mapped_column(String(500), default="")  # last failure, for the operator
