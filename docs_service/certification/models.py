"""Constancias (the registry of what was issued), their folio counters, idempotency keys and batch jobs."""
from datetime import date, datetime

from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Base, utcnow

ESTADOS = ("VIGENTE", "REVOCADA", "SUSTITUIDA")
ITEM_ESTADOS = ("pendiente", "asignado", "emitido", "error")
LOTE_ESTADOS = ("pendiente", "en_proceso", "terminado")


class Constancia(Base):
    """One issued constancia: immutable PDF (blob by SHA-256), its data snapshot and what it signs."""
    __tablename__ = "constancias"
    __table_args__ = (UniqueConstraint("tipo", "anio", "consecutivo"),
                      CheckConstraint("estado IN ('VIGENTE', 'REVOCADA', 'SUSTITUIDA')", name="estado"),
                      Index("ix_constancias_unidad_emitida", "unidad_id", "emitida"))

    id: Mapped[int] = mapped_column(primary_key=True)
    tipo: Mapped[str] = mapped_column(String(32))
    anio: Mapped[int] = mapped_column(Integer)
    consecutivo: Mapped[int] = mapped_column(Integer)
    folio: Mapped[str] = mapped_column(String(32), unique=True)
    codigo: Mapped[str] = mapped_column(String(64), unique=True)  # random verification code
    estado: Mapped[str] = mapped_column(String(12), default="VIGENTE")
    unidad_id: Mapped[int] = mapped_column(ForeignKey("unidades.id"))
    nrp: Mapped[str | None] = mapped_column(String(11), index=True)
    rfc: Mapped[str | None] = mapped_column(String(13))
    referencia: Mapped[str] = mapped_column(String(120), default="")  # what it certifies (pago id, versión…)
    fecha_corte: Mapped[date | None] = mapped_column(Date)
    emitida: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    datos: Mapped[str] = mapped_column(Text)  # canonical JSON snapshot
    plantilla: Mapped[str] = mapped_column(String(64))  # tipo@version
    # the legal basis printed in its PDF, as the kind read it at issue time (a later fundamento.txt
    # does not change it); None for constancias issued before migration 0012
    fundamento: Mapped[str | None] = mapped_column(Text)
    # the kind's title and the unit's name its PDF printed (a later definicion.json or a renamed unit
    # do not change them); None for constancias issued before migration 0013
    titulo: Mapped[str | None] = mapped_column(String(200))
    unidad_nombre: Mapped[str | None] = mapped_column(String(120))
    cadena: Mapped[str] = mapped_column(Text)
    sello: Mapped[str] = mapped_column(Text)
    serie_certificado: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), index=True)  # blob key of the signed PDF
    tamano: Mapped[int] = mapped_column(Integer)
    solicitante_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    lote_id: Mapped[int | None] = mapped_column(ForeignKey("constancia_lotes.id"))
    revocada: Mapped[datetime | None] = mapped_column(DateTime)
    motivo_revocacion: Mapped[str | None] = mapped_column(Text)
    revocada_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    sustituida_por_id: Mapped[int | None] = mapped_column(ForeignKey("constancias.id"))

    unidad = relationship("Unit", lazy="joined")
    sustituida_por: Mapped["Constancia | None"] = relationship(remote_side=[id])


class FolioCounter(Base):
    """Last folio number used per kind and year; incremented in the emitting transaction (gapless)."""
    __tablename__ = "constancia_folios"

    tipo: Mapped[str] = mapped_column(String(32), primary_key=True)
    anio: Mapped[int] = mapped_column(Integer, primary_key=True)
    ultimo: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyKey(Base):
    """`Idempotency-Key` of an emission request: a retry answers the same constancia."""
    __tablename__ = "constancia_idempotencia"
    __table_args__ = (UniqueConstraint("usuario_id", "clave"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    usuario_id: Mapped[int] = mapped_column(ForeignKey("usuarios.id"))
    clave: Mapped[str] = mapped_column(String(128))
    huella: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical request
    constancia_id: Mapped[int] = mapped_column(ForeignKey("constancias.id"))
    creada: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    constancia: Mapped[Constancia] = relationship()


class Lote(Base):
    """A batch emission job: one constancia per registro, resumable after a kill."""
    __tablename__ = "constancia_lotes"
    __table_args__ = (CheckConstraint("estado IN ('pendiente', 'en_proceso', 'terminado')", name="estado"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tipo: Mapped[str] = mapped_column(String(32))
    unidad_id: Mapped[int] = mapped_column(ForeignKey("unidades.id"))
    fecha_corte: Mapped[date | None] = mapped_column(Date)
    estado: Mapped[str] = mapped_column(String(12), default="pendiente")
    total: Mapped[int] = mapped_column(Integer, default=0)
    emitidas: Mapped[int] = mapped_column(Integer, default=0)
    errores: Mapped[int] = mapped_column(Integer, default=0)
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    terminado: Mapped[datetime | None] = mapped_column(DateTime)
    solicitante_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))

    unidad = relationship("Unit", lazy="joined")


class LoteItem(Base):
    """One registro of a batch: pendiente → asignado (folio and code reserved) → emitido."""
    __tablename__ = "constancia_lote_items"
    __table_args__ = (UniqueConstraint("lote_id", "registro"),
                      CheckConstraint("estado IN ('pendiente', 'asignado', 'emitido', 'error')", name="estado"),
                      Index("ix_constancia_lote_items_lote_estado", "lote_id", "estado"))

    id: Mapped[int] = mapped_column(primary_key=True)
    lote_id: Mapped[int] = mapped_column(ForeignKey("constancia_lotes.id", ondelete="CASCADE"))
    registro: Mapped[str] = mapped_column(String(64))  # NRP (situación) or pago id
    estado: Mapped[str] = mapped_column(String(12), default="pendiente")
    consecutivo: Mapped[int | None] = mapped_column(Integer)
    codigo: Mapped[str | None] = mapped_column(String(64))
    emitida: Mapped[datetime | None] = mapped_column(DateTime)
    constancia_id: Mapped[int | None] = mapped_column(ForeignKey("constancias.id"))
    error: Mapped[str | None] = mapped_column(Text)
