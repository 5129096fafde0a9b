"""Whoosh (whoosh-reloaded 2.7.5), the pure-Python engine. Same analysed terms as every engine (a
space tokenizer over analysis.py's output: Whoosh's own Spanish stemmer predates Snowball 3.0).
Workarounds: `searcher.search(q, limit=…)` returned a wrong top-k on multi-field AND queries, so
results come from a TopCollector with block-quality optimisations off (`usequality=False`,
`replace=0`) and the filters (states, tipo, dates…) go in as an allow-filter, never scored; an
exclusion (NOT) uses `_AndNot`, which fixes Whoosh's first match. One writer behind our lock; no
AsyncWriter (it keeps pending writes in memory): the outbox feeds it."""
import threading
from contextlib import nullcontext

import orjson
from whoosh import collectors, fields, index, matching, query, sorting
from whoosh.analysis import SpaceSeparatedTokenizer

from . import query as q
from .engine import Hit, IndexUnavailable, Request, Result
from .engine import midnight as _dt
from .index_dir import IndexDir
from .projection import payload

TITLE_BOOST = 2.0
NUMERAL_BOOST = 50.0


class _AndNotMatcher(matching.AndNotMatcher):
    """Whoosh 2.7's AndNotMatcher skips the excluded matcher to the first included document only
    when both start on the same one: when the excluded one starts earlier, the first included
    document is kept even if it is excluded (`cobro -cinco` found a section with «cinco»)."""

    def _find_first(self):
        if self.a.is_active() and self.b.is_active():
            self._find_next()


class _AndNot(query.AndNot):
    def matcher(self, searcher, context=None):
        return _AndNotMatcher(self.a.matcher(searcher, context), self.b.matcher(searcher, searcher.boolean_context()))


def _schema():
    space = SpaceSeparatedTokenizer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True), documento_id=fields.ID(stored=True),
        version_id=fields.ID(stored=True), clave=fields.ID, tipo=fields.ID(sortable=True),
        area=fields.ID(sortable=True), estado=fields.ID, numeral=fields.ID,
        title=fields.TEXT(analyzer=space, phrase=True), body=fields.TEXT(analyzer=space, phrase=True),
        words=fields.TEXT(analyzer=space, phrase=False), desde=fields.DATETIME, hasta=fields.DATETIME,
        digest=fields.STORED, payload=fields.STORED)


class WhooshEngine:
    name = "whoosh"

    def __init__(self, root: str):
        self.dir = IndexDir(root, "whoosh")
        self._open = None
        self._lock = threading.Lock()
        self._local = threading.local()

    def _index(self):
        path = self.dir.require()
        with self._lock:
            if self._open is None or self._open[0] != path:
                if not self.dir.current_format(path):  # built by an older release: needs a reindex
                    raise IndexUnavailable()
                try:
                    self._open = (path, index.open_dir(str(path)))
                except Exception as err:
                    raise IndexUnavailable() from err
            return self._open[1]

    def _searcher(self):
        """This thread's searcher, kept open between searches and opened again (never `refresh()`,
        whose reused segment readers kept deleted documents alive) when a commit made a new TOC
        generation (one directory listing) or a reindex a new folder."""
        ix = self._index()
        local = self._local
        generation = ix.latest_generation()
        searcher = getattr(local, "searcher", None)
        if searcher is None or local.ix is not ix or local.generation != generation:
            if searcher is not None:
                searcher.close()
            local.ix, local.generation, local.searcher = ix, generation, ix.searcher()
        return local.searcher

    def available(self) -> bool:
        try:
            with self._index().searcher() as searcher:
                searcher.doc_count()
            return True
        except Exception:
            return False

    def writer_lock(self):
        return self.dir.writer_lock()

    @staticmethod
    def _fields(e):
        return dict(id=e.id, documento_id=str(e.documento_id), version_id=str(e.version_id), clave=e.clave,
                    tipo=e.tipo, area=e.area, estado=e.estado, numeral=e.numeral_key or None,
                    title=e.title_terms, body=e.body_terms, words=e.body_words, desde=_dt(e.desde),
                    hasta=_dt(e.hasta), digest=e.digest, payload=payload(e))

    @staticmethod
    def _clean(values: dict) -> dict:
        return {k: v for k, v in values.items() if v not in (None, "")}

    def add(self, entries, remove_versions=None, remove_documents=None):
        try:
            writer = self._index().writer(timeout=30)
        except IndexUnavailable:
            raise
        except Exception as err:
            raise IndexUnavailable() from err
        try:
            for version_id in remove_versions or ():
                writer.delete_by_term("version_id", str(version_id))
            for document_id in remove_documents or ():
                writer.delete_by_term("documento_id", str(document_id))
            for entry in entries:
                writer.add_document(**self._clean(self._fields(entry)))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise

    def rebuild(self, entries):
        generation = self.dir.new_generation()
        ix = index.create_in(str(generation), _schema())
        writer = ix.writer(limitmb=128)
        for entry in entries:
            writer.add_document(**self._clean(self._fields(entry)))
        writer.commit(optimize=True)
        self.dir.mark_format(generation)
        self.dir.swap(generation)

    def fingerprints(self) -> dict:
        with self._index().searcher() as searcher:
            return {fields_["id"]: fields_["digest"] for fields_ in searcher.all_stored_fields()}

    def _compile(self, node):
        if isinstance(node, q.Term):
            return query.Or([query.Term("title", node.term, boost=TITLE_BOOST), query.Term("body", node.term)])
        if isinstance(node, q.Phrase):
            return query.Or([query.Phrase("title", list(node.terms), boost=TITLE_BOOST),
                             query.Phrase("body", list(node.terms))])
        if isinstance(node, q.Prefix):
            return query.Prefix("words", node.prefix)
        if isinstance(node, q.And):
            positive = [self._compile(c) for c in node.children if not isinstance(c, q.Not)]
            negative = [self._compile(c.child) for c in node.children if isinstance(c, q.Not)]
            base = positive[0] if len(positive) == 1 else query.And(positive)
            return _AndNot(base, query.Or(negative)) if negative else base
        if isinstance(node, q.Or):
            return query.Or([self._compile(c) for c in node.children])
        raise ValueError(f"nodo desconocido {node!r}")

    def _filter(self, request: Request):
        parts = [query.Or([query.Term("estado", s) for s in request.states])]
        for name in ("tipo", "area", "clave"):
            value = getattr(request, name)
            if value:
                parts.append(query.Term(name, value))
        if request.day is not None:
            day = _dt(request.day)
            parts.append(query.DateRange("desde", None, day))
            parts.append(query.DateRange("hasta", day, None))
        return query.And(parts)

    def search(self, request: Request) -> Result:
        parsed = request.query
        if parsed.expr is None:
            main = query.Term("numeral", parsed.numeral)
        else:
            main = self._compile(parsed.expr)
            if parsed.numeral:
                main = query.AndMaybe(main, query.Term("numeral", parsed.numeral, boost=NUMERAL_BOOST))
        try:
            with nullcontext(self._searcher()) as searcher:
                top = collectors.TopCollector(limit=request.offset + request.limit, usequality=False, replace=0)
                facets = sorting.Facets()
                facets.add_field("tipo")
                facets.add_field("area")
                # the filter wraps the facets: inside a FacetCollector a FilterCollector is bypassed
                collector = collectors.FilterCollector(collectors.FacetCollector(top, facets),
                                                       allow=self._filter(request))
                searcher.search_with_collector(main, collector)
                results = collector.results()
                page = list(results)[request.offset:request.offset + request.limit]
                hits = [Hit(hit["id"], hit.score, orjson.loads(hit["payload"])) for hit in page]
                counts = {name: {key: len(docs) for key, docs in results.groups(name).items() if key}
                          for name in ("tipo", "area")}
                total = len(results)
        except IndexUnavailable:
            raise
        except Exception as err:
            raise IndexUnavailable() from err
        return Result(total=total, hits=hits, facets=counts)
