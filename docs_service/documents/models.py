"""Documents, their relations, immutable versions and extracted sections."""
from datetime import date, datetime

from sqlalchemy import (CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Base, utcnow
from ..workflow.states import PUBLISHED_STATES
from .labels import RELACIONES, TIPOS  # noqa: F401  (re-exported: codes are the labels' keys)

FILE_KINDS = ("docx", "pdf", "md")
# States in which a version was published at some point (its vigencia dates are meaningful).


class Document(Base):
    """A normative document, identified by its clave; its content lives in versions."""
    __tablename__ = "documentos"
    __table_args__ = (CheckConstraint("tipo IN (" + ", ".join(f"'{t}'" for t in TIPOS) + ")", name="tipo"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    clave: Mapped[str] = mapped_column(String(32), unique=True)  # e.g. 9312-003-012
    titulo: Mapped[str] = mapped_column(String(300))
    tipo: Mapped[str] = mapped_column(String(32), index=True)
    area: Mapped[str] = mapped_column(String(200), index=True)  # área responsable
    fundamento: Mapped[str] = mapped_column(Text, default="")  # legal basis
    palabras_clave: Mapped[str] = mapped_column(String(500), default="")  # comma separated
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    creado_por_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    abrogado_desde: Mapped[date | None] = mapped_column(Date)  # first day no longer in force
    abrogado_por_id: Mapped[int | None] = mapped_column(ForeignKey("documentos.id"))  # abrogating document
    motivo_abrogacion: Mapped[str | None] = mapped_column(Text)
    lock: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock / ETag

    versions: Mapped[list["Version"]] = relationship(back_populates="document", order_by="Version.numero",
                                                     lazy="selectin")
    abrogado_por: Mapped["Document | None"] = relationship(remote_side=[id])
    relations: Mapped[list["Relation"]] = relationship(primaryjoin="Document.id == Relation.origen_id",
                                                       viewonly=True, lazy="selectin")
    __mapper_args__ = {"version_id_col": lock}

    @property
    def abrogado_por_clave(self) -> str | None:
        return self.abrogado_por.clave if self.abrogado_por else None

    @property
    def tipo_nombre(self) -> str:
        return TIPOS.get(self.tipo, self.tipo)


class Relation(Base):
    """`origen` abroga / deroga / modifica `destino` (numerales: which parts, for deroga/modifica)."""
    __tablename__ = "documento_relaciones"
    __table_args__ = (UniqueConstraint("origen_id", "destino_id", "tipo"),
                      CheckConstraint("tipo IN ('abroga', 'deroga', 'modifica')", name="tipo"),
                      CheckConstraint("origen_id <> destino_id", name="distintos"))

    id: Mapped[int] = mapped_column(primary_key=True)
    origen_id: Mapped[int] = mapped_column(ForeignKey("documentos.id"), index=True)
    destino_id: Mapped[int] = mapped_column(ForeignKey("documentos.id"), index=True)
    tipo: Mapped[str] = mapped_column(String(16))
    numerales: Mapped[str] = mapped_column(String(500), default="")
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    origen: Mapped[Document] = relationship(foreign_keys=[origen_id])
    destino: Mapped[Document] = relationship(foreign_keys=[destino_id])


class Version(Base):
    """An immutable version: its file (by SHA-256), sections, workflow state and vigencia."""
    __tablename__ = "versiones"
    __table_args__ = (UniqueConstraint("documento_id", "numero"),
                      CheckConstraint("vigente_hasta IS NULL OR vigente_desde IS NULL OR vigente_hasta >= vigente_desde",
                                      name="vigencia"),
                      CheckConstraint("tipo_archivo IN ('docx', 'pdf', 'md')", name="tipo_archivo"),
                      Index("ix_versiones_vigencia", "documento_id", "vigente_desde", "vigente_hasta"),
                      Index("ix_versiones_documento_estado", "documento_id", "estado"))

    id: Mapped[int] = mapped_column(primary_key=True)
    documento_id: Mapped[int] = mapped_column(ForeignKey("documentos.id"))
    numero: Mapped[int] = mapped_column(Integer)  # 1, 2, … per document
    estado: Mapped[str] = mapped_column(String(20), default="borrador")  # see ix_versiones_documento_estado
    sha256: Mapped[str] = mapped_column(String(64))  # blob key of the original file
    nombre_archivo: Mapped[str] = mapped_column(String(255))
    tipo_archivo: Mapped[str] = mapped_column(String(8))
    tamano: Mapped[int] = mapped_column(Integer)  # bytes
    resumen: Mapped[str] = mapped_column(Text, default="")  # resumen de cambios
    autor_id: Mapped[int] = mapped_column(ForeignKey("usuarios.id"))
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    vigente_desde: Mapped[date | None] = mapped_column(Date)
    vigente_hasta: Mapped[date | None] = mapped_column(Date)
    publicado: Mapped[datetime | None] = mapped_column(DateTime)
    lock: Mapped[int] = mapped_column(Integer, default=1)  # optimistic lock / ETag

    document: Mapped[Document] = relationship(back_populates="versions")
    sections: Mapped[list["Section"]] = relationship(order_by="Section.orden", lazy="select",
                                                     cascade="all, delete-orphan")
    __mapper_args__ = {"version_id_col": lock}

    def in_force_on(self, day: date) -> bool:
        abrogated = self.document.abrogado_desde
        return (self.estado in PUBLISHED_STATES and self.vigente_desde is not None
                and self.vigente_desde <= day and (self.vigente_hasta is None or self.vigente_hasta >= day)
                and (abrogated is None or day < abrogated))


class Section(Base):
    """One section of a version, by numeral (e.g. `7.3.1`, `10 e)`), in document order."""
    __tablename__ = "secciones"
    __table_args__ = (UniqueConstraint("version_id", "orden"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versiones.id", ondelete="CASCADE"), index=True)
    orden: Mapped[int] = mapped_column(Integer)
    numeral: Mapped[str] = mapped_column(String(64), default="")  # as printed; "" for unnumbered text
    titulo: Mapped[str] = mapped_column(String(500), default="")
    texto: Mapped[str] = mapped_column(Text, default="")
    nivel: Mapped[int] = mapped_column(Integer, default=1)  # depth of the numeral
