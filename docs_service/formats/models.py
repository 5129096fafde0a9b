"""A format is a normative document of tipo `formato`; its versions are the documents area's
versions (same workflow). This area adds, per version, the field schema, the HTML template of the
PDF, the instructivo, the authorising norm and the topic; and the download log."""
import json
from datetime import datetime
from functools import cached_property

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Base, utcnow
from ..documents.models import Document, Version
from .fields import FormSchema


class FormatVersion(Base):
    """What a format version adds to its document version: schema, HTML template, instructivo.
    The DOCX template is the version's file itself."""
    __tablename__ = "formato_versiones"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versiones.id"), unique=True)
    esquema: Mapped[str] = mapped_column(Text)  # JSON {"campos": [...]}
    plantilla_html: Mapped[str] = mapped_column(Text)
    instructivo: Mapped[str] = mapped_column(Text, default="")
    norma_id: Mapped[int | None] = mapped_column(ForeignKey("documentos.id"))  # the authorising document
    tema: Mapped[str] = mapped_column(String(100), default="", index=True)  # e.g. Aclaraciones
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    version: Mapped[Version] = relationship(lazy="joined")
    norma: Mapped[Document | None] = relationship()

    @cached_property
    def schema(self) -> FormSchema:
        return FormSchema.parse(json.loads(self.esquema))


class Download(Base):
    """One download of a format (append-only log; statistics group it by unit, format and version)."""
    __tablename__ = "formato_descargas"
    __table_args__ = (CheckConstraint("tipo IN ('docx', 'pdf')", name="tipo"),
                      CheckConstraint("modo IN ('blanco', 'prellenado')", name="modo"),
                      Index("ix_formato_descargas_version_unidad", "version_id", "unidad_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versiones.id"))
    unidad_id: Mapped[int | None] = mapped_column(ForeignKey("unidades.id"))
    usuario_id: Mapped[int | None] = mapped_column(ForeignKey("usuarios.id"))
    tipo: Mapped[str] = mapped_column(String(8))
    modo: Mapped[str] = mapped_column(String(12))
    fecha: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
