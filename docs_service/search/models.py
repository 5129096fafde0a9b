"""The search outbox: one row per change to index, written in the same transaction as the change."""
from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Base, utcnow


class SearchOutbox(Base):
    """A document whose entries must be re-projected into the search index. Rows are deleted once
    applied; a crash between the commit and the indexing leaves them here for the next writer."""
    __tablename__ = "busqueda_pendientes"

    id: Mapped[int] = mapped_column(primary_key=True)
    documento_id: Mapped[int] = mapped_column(Integer, index=True)  # no FK: the row outlives nothing it needs
    motivo: Mapped[str] = mapped_column(String(40))  # signal that queued it
    creado: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
