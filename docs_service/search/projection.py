"""What the index must hold, computed from the database: one entry per section of every version of
every document (drafts included; who may see them is decided at query time) and one entry for the
whole version. The same function feeds indexing, rebuilds and `reindex --verify`."""
import hashlib
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..documents.models import PUBLISHED_STATES, Document, Version
from . import analysis
from .engine import FAR_FUTURE, Entry

WHOLE = "doc"


def _vigencia(version: Version, document: Document) -> tuple[date, date]:
    """(first day, last day) in force; drafts get an empty range in the far future."""
    if version.estado not in PUBLISHED_STATES or version.vigente_desde is None:
        return FAR_FUTURE, FAR_FUTURE - timedelta(days=1)
    hasta = version.vigente_hasta or FAR_FUTURE
    if document.abrogado_desde is not None:
        hasta = min(hasta, document.abrogado_desde - timedelta(days=1))
    return version.vigente_desde, hasta


def analyse(entry: Entry) -> Entry:
    """Analysed fields. A section's title field is its heading; only the whole-version entry carries
    the document's title, so a title word does not make every section of that document match."""
    title = entry.titulo if entry.orden < 0 else entry.heading
    entry.title_terms = analysis.term_string(title)
    entry.body_terms = analysis.term_string(entry.text)
    entry.body_words = analysis.word_string(f"{title} {entry.text}")
    entry.numeral_key = analysis.normalize_numeral(entry.numeral)
    raw = "\x1f".join(str(v) for v in (entry.id, entry.documento_id, entry.version_id, entry.clave, entry.tipo,
                                        entry.area, entry.titulo, entry.version, entry.numeral, entry.heading,
                                        entry.text, entry.estado, entry.desde, entry.hasta, entry.orden))
    entry.digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return entry


def version_entries(document: Document, version: Version) -> list[Entry]:
    desde, hasta = _vigencia(version, document)
    common = dict(documento_id=document.id, version_id=version.id, clave=document.clave, tipo=document.tipo,
                  area=document.area, titulo=document.titulo, version=version.numero, estado=version.estado,
                  desde=desde, hasta=hasta)
    entries = []
    whole = [document.palabras_clave or ""]
    for position, section in enumerate(version.sections, 1):
        entries.append(analyse(Entry(id=f"{version.id}:{position}:{section.orden}", numeral=section.numeral or "",
                                     heading=section.titulo or "", text=section.texto or "", orden=position,
                                     **common)))
        whole.append(" ".join(p for p in (section.numeral, section.titulo, section.texto) if p))
    entries.append(analyse(Entry(id=f"{version.id}:{WHOLE}", numeral="", heading="", text="\n".join(whole),
                                 orden=-1, **common)))
    return entries


def document_entries(document: Document) -> list[Entry]:
    return [e for version in document.versions for e in version_entries(document, version)]


def all_entries(session, batch: int = 200):
    """Every entry of the database, streamed document by document."""
    ids = session.scalars(select(Document.id).order_by(Document.id)).all()
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        documents = session.scalars(select(Document).where(Document.id.in_(chunk)).order_by(Document.id)
                                       .options(selectinload(Document.versions).selectinload(Version.sections))).all()
        for document in documents:
            yield from document_entries(document)
        session.expunge_all()
