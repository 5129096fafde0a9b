"""What the index must hold, computed from the database: one entry per section of every version of
every document (drafts included; who may see them is decided at query time) and one entry for the
whole version. The same function feeds indexing, rebuilds and `reindex --verify`.

Rows are read with plain SELECTs (no ORM objects) a batch of documents at a time, and each text is
analysed once: the whole-version entry reuses the words of its sections."""
import hashlib
import json
from datetime import date, timedelta

from sqlalchemy import select

from ..documents.models import PUBLISHED_STATES, Document, Section, Version
from ..documents.readable import readable
from . import analysis
from .engine import FAR_FUTURE, Entry

WHOLE = "doc"
# Between the parts of a whole version's body (keywords, each numeral, each section's heading, each
# section's text) and, on PostgreSQL, between a section's heading and its text: a stop word, so no
# query ever asks for it; it only keeps a phrase from running on from one part into the next, so a
# section matches a phrase in its heading or its text, and a whole version where its title, its
# keywords, one of its numerals or one of its sections does (the PostgreSQL engine checks exactly
# that without reading the whole text).
SECTION_GAP = "y"
# Changes when what the engines build from an entry's terms changes (PostgreSQL's gap between heading
# and text, its `cabeza`): part of the fingerprint, so `reindex --verify` points at an older index.
LAYOUT = 2
DOCUMENT_COLUMNS = (Document.id, Document.clave, Document.tipo, Document.area, Document.titulo,
                    Document.palabras_clave, Document.abrogado_desde)
VERSION_COLUMNS = (Version.id, Version.documento_id, Version.numero, Version.estado, Version.vigente_desde,
                   Version.vigente_hasta)
SECTION_COLUMNS = (Section.version_id, Section.orden, Section.numeral, Section.titulo, Section.texto, Section.nivel)


def _vigencia(version, document) -> tuple[date, date]:
    """(first day, last day) in force; drafts get an empty range in the far future."""
    if version.estado not in PUBLISHED_STATES or version.vigente_desde is None:
        return FAR_FUTURE, FAR_FUTURE - timedelta(days=1)
    hasta = version.vigente_hasta or FAR_FUTURE
    if document.abrogado_desde is not None:
        hasta = min(hasta, document.abrogado_desde - timedelta(days=1))
    return version.vigente_desde, hasta


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def payload(entry: Entry) -> str:
    """What a result shows, stored with the entry so a search reads nothing else (JSON)."""
    return json.dumps({
        "documento_id": entry.documento_id, "version_id": entry.version_id, "clave": entry.clave,
        "titulo": entry.titulo, "tipo": entry.tipo, "area": entry.area, "version": entry.version,
        "estado": entry.estado, "numeral": entry.numeral, "encabezado": entry.heading, "orden": entry.orden,
        "texto": entry.text, "vigente_desde": _iso(entry.vigente_desde), "vigente_hasta": _iso(entry.vigente_hasta),
        "desde": entry.desde.isoformat(), "hasta": entry.hasta.isoformat()}, ensure_ascii=False)


def _terms(words: list) -> str:
    stop, stem = analysis.STOP_WORDS, analysis.stem
    return " ".join(stem(w) for w in words if w not in stop)


def _finish(entry: Entry, title_words: list, body_words: list) -> Entry:
    """Fill the analysed forms from surface words already computed."""
    stop = analysis.STOP_WORDS
    entry.title_terms = _terms(title_words)
    entry.body_terms = _terms(body_words)
    entry.body_words = " ".join(w for words in (title_words, body_words) for w in words if w not in stop)
    entry.numeral_key = analysis.normalize_numeral(entry.numeral)
    return entry


def _seal(entry: Entry) -> Entry:
    """The fingerprint `reindex --verify` compares: what is shown and what is indexed (the analysed
    terms, and LAYOUT for what an engine builds from them), so an index built by an older release
    shows up as different entries until `search reindex`."""
    raw = "\x1f".join(str(v) for v in (LAYOUT, entry.id, entry.documento_id, entry.version_id, entry.clave,
                                        entry.tipo, entry.area, entry.titulo, entry.version, entry.numeral,
                                        entry.heading, entry.text, entry.estado, entry.desde, entry.hasta,
                                        entry.orden, entry.vigente_desde, entry.vigente_hasta, entry.title_terms,
                                        entry.body_terms, entry.body_words, entry.head_terms))
    entry.digest = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return entry


def version_entries(document, version, sections) -> list[Entry]:
    """Entries of one version: `document`, `version` and `sections` (in order) are rows or ORM
    objects with the columns above."""
    desde, hasta = _vigencia(version, document)
    common = dict(documento_id=document.id, version_id=version.id, clave=document.clave, tipo=document.tipo,
                  area=document.area, titulo=document.titulo, version=version.numero, estado=version.estado,
                  desde=desde, hasta=hasta, vigente_desde=version.vigente_desde,
                  vigente_hasta=version.vigente_hasta)
    entries = []
    keywords = document.palabras_clave or ""
    whole_text, whole_words = [keywords], analysis.words(keywords)
    parts = [whole_words[:]]  # of the whole version's body, kept apart by SECTION_GAP
    head = [whole_words[:]]  # keywords and numerals: where a phrase is checked besides the sections
    parents = []  # (nivel, heading words) of the sections that enclose the current one
    for position, section in enumerate(sections, 1):
        numeral, heading = section.numeral or "", section.titulo or ""
        text = readable(document.tipo, section.texto or "")
        heading_words, text_words = analysis.words(heading), analysis.words(text)
        level = getattr(section, "nivel", None) or 1
        while parents and parents[-1][0] >= level:
            parents.pop()
        # a sub-item without a heading of its own ("c) Bienes inmuebles." under "5. Tipos de
        # embargo") is found by its parent's heading too: indexed as its title, never shown
        inherited = bool(not heading_words and parents and parents[-1][1])
        title_words = parents[-1][1] if inherited else heading_words
        parents.append((level, heading_words))
        entries.append(_seal(_finish(Entry(id=f"{version.id}:{position}:{section.orden}", numeral=numeral,
                                           heading=heading, text=text, orden=position, **common),
                                     title_words, text_words)))
        whole_text.append(" ".join(p for p in (numeral, heading, text) if p))
        numeral_words = analysis.words(numeral)
        whole_words += numeral_words + heading_words + text_words
        parts += [numeral_words, heading_words, text_words]
        head.append(numeral_words)
    whole = _finish(Entry(id=f"{version.id}:{WHOLE}", numeral="", heading="", text="\n".join(whole_text),
                          orden=-1, **common), analysis.words(document.titulo), whole_words)
    whole.body_terms = f" {SECTION_GAP} ".join(filter(None, map(_terms, parts)))
    whole.head_terms = f" {SECTION_GAP} ".join(filter(None, map(_terms, head)))
    entries.append(_seal(whole))
    return entries


def document_entries(document: Document) -> list[Entry]:
    """Entries of an ORM document (its versions and sections loaded)."""
    return [e for version in document.versions for e in version_entries(document, version, version.sections)]


def entries_of(session, document_ids) -> list[Entry]:
    """Entries of some documents (a few: the outbox's), read with three plain SELECTs."""
    ids = sorted(set(document_ids))
    if not ids:
        return []
    return _entries(session, Document.id.in_(ids), Version.documento_id.in_(ids))


def _entries(session, document_filter, version_filter) -> list[Entry]:
    documents = session.execute(select(*DOCUMENT_COLUMNS).where(document_filter).order_by(Document.id)).all()
    versions = session.execute(select(*VERSION_COLUMNS).where(version_filter)
                               .order_by(Version.documento_id, Version.numero)).all()
    by_version = {}
    for row in session.execute(select(*SECTION_COLUMNS).join(Version, Section.version_id == Version.id)
                               .where(version_filter).order_by(Section.version_id, Section.orden)):
        by_version.setdefault(row.version_id, []).append(row)
    by_document = {}
    for version in versions:
        by_document.setdefault(version.documento_id, []).append(version)
    return [entry for document in documents for version in by_document.get(document.id, ())
            for entry in version_entries(document, version, by_version.get(version.id, ()))]


def all_entries(session, batch: int = 200):
    """Every entry of the database, streamed a batch of documents at a time (by id range: no long
    IN lists)."""
    ids = session.scalars(select(Document.id).order_by(Document.id)).all()
    for start in range(0, len(ids), batch):
        low, high = ids[start], ids[min(start + batch, len(ids)) - 1]
        yield from _entries(session, Document.id.between(low, high), Version.documento_id.between(low, high))
