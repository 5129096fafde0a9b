"""The search interface every engine implements, and the engine chosen by configuration.

An engine stores *entries* (one per section of a version, plus one whole-version entry) with their
analysed terms already computed (see analysis.py) and answers a `Request` — a parsed query plus
filters — with entry ids, scores, a total and facets. Snippets, suggestions and access rules live
above the engines (queries.py), so every backend behaves the same."""
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from ..core.errors import Unavailable

FAR_FUTURE = date(2200, 12, 31)  # tantivy dates end in 2262


def midnight(day: date) -> datetime:
    """A day as the datetime the embedded engines store (their date fields take datetimes)."""
    return datetime(day.year, day.month, day.day)
FAR_PAST = date(1900, 1, 1)
PUBLISHED = ("publicado", "sustituido", "abrogado")


class IndexUnavailable(Unavailable):
    code = "busqueda_no_disponible"
    message = ("La búsqueda no está disponible: el índice falta o está dañado. "
               "Reconstrúyalo con «docs-service search reindex».")


@dataclass
class Entry:
    """What is indexed for one section (numeral) of one version, or for the whole version."""
    id: str                 # "<version_id>:<position>:<orden>" (position from 1, for the page anchor) or "<version_id>:doc"
    documento_id: int
    version_id: int
    clave: str
    tipo: str
    area: str
    titulo: str             # document title
    version: int            # version number
    numeral: str            # as printed ("" for the whole-version entry)
    heading: str            # section title
    text: str               # section text (or the whole version's text)
    estado: str
    desde: date             # vigente desde (FAR_FUTURE for drafts: never in force)
    hasta: date             # last day in force (abrogation included; FAR_FUTURE if open)
    orden: int              # position in the version (-1 for the whole-version entry)
    vigente_desde: date | None = None   # the version's own dates, as shown (None for drafts)
    vigente_hasta: date | None = None
    digest: str = ""        # fingerprint of all the above, for `reindex --verify`
    # analysed forms, filled by projection
    title_terms: str = ""
    body_terms: str = ""
    body_words: str = ""
    numeral_key: str = ""
    head_terms: str | None = None  # the whole version's keywords and numerals (None for a section)


@dataclass
class Request:
    """A search: parsed query, filters, page. `states` is decided by the caller's rights."""
    query: object                      # query.ParsedQuery
    states: tuple                      # estados the caller may see (drafts only for workflow roles)
    day: date | None = None            # only entries in force that day (None: any date)
    tipo: str | None = None
    area: str | None = None
    clave: str | None = None
    offset: int = 0
    limit: int = 10


@dataclass
class Hit:
    id: str
    score: float
    payload: dict           # what the result shows (projection.payload), stored with the entry


@dataclass
class Result:
    total: int
    hits: list
    facets: dict = field(default_factory=dict)   # {"tipo": {value: n}, "area": {value: n}}


class Engine(Protocol):
    name: str

    def add(self, entries: list[Entry], remove_versions: set[int] | None = None,
            remove_documents: set[int] | None = None) -> None:
        """Remove every entry of those versions/documents, add `entries`, commit (one writer)."""

    def search(self, request: Request) -> Result: ...

    def fingerprints(self) -> dict[str, str]:
        """{entry id: digest} of everything indexed (for verify)."""

    def rebuild(self, entries) -> None:
        """Build a fresh index from `entries` (an iterable) and swap it in atomically."""

    def available(self) -> bool: ...


def get_engine(app=None) -> "Engine":
    """The configured engine, one instance per app (cached in app.extensions)."""
    from flask import current_app
    app = app or current_app._get_current_object()
    engine = app.extensions.get("docs_search_engine")
    if engine is None:
        name = app.config["DOCS_SEARCH_BACKEND"]
        if name == "tantivy":
            from .tantivy_engine import TantivyEngine
            engine = TantivyEngine(app.config["DOCS_SEARCH_INDEX_DIR"])
        elif name == "whoosh":
            from .whoosh_engine import WhooshEngine
            engine = WhooshEngine(app.config["DOCS_SEARCH_INDEX_DIR"])
        elif name == "postgres":
            from .postgres_engine import PostgresEngine
            engine = PostgresEngine(app.extensions["docs_engine"])
        else:
            raise IndexUnavailable(f"Motor de búsqueda desconocido: «{name}» (tantivy, whoosh o postgres).")
        app.extensions["docs_search_engine"] = engine
    return engine
