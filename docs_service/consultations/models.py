"""Consultas: a question registered with a folio and a due date in días hábiles, routed to whoever
answers it, answered with text and citations pinned to exact versions and numerales."""
from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Base, utcnow

TIPOS = {"general": "Consulta general (unidad, OOAD o Subdelegación)",
         "patron": "Situación real y concreta de un patrón"}
ESTADOS = {"recibida": "Recibida", "turnada": "Turnada", "en_analisis": "En análisis", "respondida": "Respondida"}


class Consulta(Base):
    """A consulta. `general` ones are answered by the División (central unit); a patrón's real and
    concrete situation goes to the competent Subdelegación."""
    __tablename__ = "consultas"
    __table_args__ = (CheckConstraint("tipo IN ('general', 'patron')", name="tipo"),
                      CheckConstraint("estado IN ('recibida', 'turnada', 'en_analisis', 'respondida')", name="estado"))

    id: Mapped[int] = mapped_column(primary_key=True)
    folio: Mapped[str] = mapped_column(String(20), unique=True)  # CON-2026-000001, per year
    tipo: Mapped[str] = mapped_column(String(10))
    asunto: Mapped[str] = mapped_column(String(300))
    descripcion: Mapped[str] = mapped_column(Text)
    nrp: Mapped[str | None] = mapped_column(String(11))  # registro patronal, for a patrón's consulta
    solicitante_id: Mapped[int] = mapped_column(ForeignKey("unidades.id"))  # unit that asks
    competente_id: Mapped[int] = mapped_column(ForeignKey("unidades.id"), index=True)  # unit that answers
    estado: Mapped[str] = mapped_column(String(12), default="recibida", index=True)
    autor_id: Mapped[int] = mapped_column(ForeignKey("usuarios.id"))  # who registered it
    asignado_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))  # who answers it
    fecha_recepcion: Mapped[date] = mapped_column(Date)
    fecha_hechos: Mapped[date | None] = mapped_column(Date)  # date of the facts: search "vigente al" it
    fecha_limite: Mapped[date] = mapped_column(Date)  # recepción + N días hábiles
    respuesta: Mapped[str | None] = mapped_column(Text)
    respondida: Mapped[datetime | None] = mapped_column(DateTime)
    respondida_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    criterio_documento_id: Mapped[int | None] = mapped_column(ForeignKey("documentos.id"))  # draft it started
    citas_desactualizadas: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    confirmada: Mapped[datetime | None] = mapped_column(DateTime)  # answer confirmed after a flag
    confirmada_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    lock: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock / ETag

    solicitante = relationship("Unit", foreign_keys=[solicitante_id], lazy="joined")
    competente = relationship("Unit", foreign_keys=[competente_id], lazy="joined")
    autor = relationship("User", foreign_keys=[autor_id], lazy="joined")
    asignado = relationship("User", foreign_keys=[asignado_id], lazy="joined")
    respondida_por = relationship("User", foreign_keys=[respondida_por_id], lazy="joined")
    confirmada_por = relationship("User", foreign_keys=[confirmada_por_id], lazy="joined")
    citas: Mapped[list["Cita"]] = relationship(order_by="Cita.id", lazy="selectin", cascade="all, delete-orphan")
    __mapper_args__ = {"version_id_col": lock}

    @property
    def vencida(self) -> bool:
        from ..core.fechas import hoy
        return self.estado != "respondida" and hoy() > self.fecha_limite


class Cita(Base):
    """A citation in an answer: a numeral of one exact version. Flagged when that version stops
    being the one in force (superseded or abrogated)."""
    __tablename__ = "consulta_citas"
    __table_args__ = (UniqueConstraint("consulta_id", "version_id", "numeral"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consulta_id: Mapped[int] = mapped_column(ForeignKey("consultas.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versiones.id"), index=True)
    numeral: Mapped[str] = mapped_column(String(64))  # "" cites the whole version
    desactualizada: Mapped[bool] = mapped_column(Boolean, default=False)
    motivo: Mapped[str | None] = mapped_column(String(300))  # why it is out of date

    version = relationship("Version", lazy="joined")

    @property
    def seccion(self) -> int | None:
        """Position (1-based) of the cited numeral in its version: the version page's anchor `n-<pos>`."""
        if not self.numeral:
            return None
        return next((i for i, s in enumerate(self.version.sections, 1) if s.numeral == self.numeral), None)
