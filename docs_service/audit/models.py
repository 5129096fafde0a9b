"""The audit trail: each row carries the hash of the previous one."""
from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base

GENESIS = "0" * 64


class AuditEntry(Base):
    """One audited action. Never updated or deleted (database triggers refuse both)."""
    __tablename__ = "auditoria"

    id: Mapped[int] = mapped_column(primary_key=True)
    fecha: Mapped[datetime] = mapped_column(DateTime, index=True)  # UTC
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: the trail outlives users
    actor: Mapped[str] = mapped_column(String(64), default="")  # login name at the time
    roles: Mapped[str] = mapped_column(String(200), default="")
    accion: Mapped[str] = mapped_column(String(64), index=True)
    objeto_tipo: Mapped[str | None] = mapped_column(String(40))
    objeto_id: Mapped[str | None] = mapped_column(String(80))
    resultado: Mapped[str] = mapped_column(String(16), default="ok")  # ok | denegado | rechazado
    detalle: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON
    request_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """Single row holding the chain's last hash; locked while appending so the chain never forks."""
    __tablename__ = "auditoria_cabeza"

    id: Mapped[int] = mapped_column(primary_key=True)
    ultimo_hash: Mapped[str] = mapped_column(String(64))
