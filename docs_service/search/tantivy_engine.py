"""tantivy (tantivy-py), the default embedded engine. Terms arrive analysed (analysis.py), so the
index uses a whitespace analyzer registered as "normateca" — registrations are not stored in the
index, so it is registered again on every open (once per process and generation, never per
request). One writer behind a lock; a reader reloads only when a commit changed the generation's
meta.json (its own or another process's); stale segment files are collected after every commit;
rebuilds go to a new folder. What a result shows is stored with the entry (`payload`), so a search
reads neither the database nor anything else."""
import threading
from collections import OrderedDict

import orjson
import tantivy
from tantivy import Occur, Query

from ..workflow.states import PUBLISHED_STATES, STATES
from . import query as q
from .engine import FAR_FUTURE, Entry, Hit, IndexUnavailable, Request, Result
from .engine import midnight as _dt
from .index_dir import IndexDir
from .projection import payload

ANALYZER = "normateca"
WRITER_HEAP = 20_000_000
TITLE_BOOST = 2.0
NUMERAL_BOOST = 50.0
FILTER_CACHE = 256
# the facets, in one pass over the matches (the total is counted with the page: cheaper than a
# value_count here, and top-k skips little with the filters every search has)
AGGREGATIONS = {"tipo": {"terms": {"field": "tipo", "size": 50}}, "area": {"terms": {"field": "area", "size": 50}}}


def _schema():
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_integer_field("documento_id", stored=True, indexed=True, fast=True)
    sb.add_integer_field("version_id", stored=True, indexed=True, fast=True)
    sb.add_text_field("clave", tokenizer_name="raw")
    sb.add_text_field("tipo", fast=True, tokenizer_name="raw")
    sb.add_text_field("area", fast=True, tokenizer_name="raw")
    sb.add_text_field("estado", tokenizer_name="raw")
    sb.add_text_field("numeral", tokenizer_name="raw")
    sb.add_text_field("title", tokenizer_name=ANALYZER)
    sb.add_text_field("body", tokenizer_name=ANALYZER)
    sb.add_text_field("words", tokenizer_name=ANALYZER, index_option="basic")
    sb.add_date_field("desde", indexed=True, fast=True)
    sb.add_date_field("hasta", indexed=True, fast=True)
    sb.add_text_field("digest", stored=True, tokenizer_name="raw")
    sb.add_bytes_field("payload", stored=True)
    return sb.build()


class TantivyEngine:
    name = "tantivy"

    def __init__(self, root: str):
        self.dir = IndexDir(root, "tantivy")
        self.schema = _schema()
        self._open = None  # (generation path, Index)
        self._seen = None  # meta.json (mtime, size) the reader last loaded
        # (Index, Searcher) kept between searches until a commit: a new searcher starts with cold
        # caches (the stored documents' decompressed blocks), which cost more than the search itself
        self._searcher = None
        self._lock = threading.Lock()
        self._filter_cache = OrderedDict()  # (day, states, tipo, area, clave) → filter clauses

    # --- opening -------------------------------------------------------------------------------
    def _register(self, index):
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        index.register_tokenizer(ANALYZER, analyzer)
        return index

    def _index(self):
        path = self.dir.require()
        with self._lock:
            if self._open is None or self._open[0] != path:
                if not self.dir.current_format(path):  # built by an older release: needs a reindex
                    raise IndexUnavailable()
                try:
                    index = tantivy.Index.open(str(path))
                except Exception as err:  # a corrupt or partial folder
                    raise IndexUnavailable() from err
                self._open, self._seen = (path, self._register(index)), None
            return self._open[1]

    def _fresh_searcher(self):
        """The searcher, reloaded first only if a commit happened since the last load (its own or
        another process's), and the index opened again if another generation was swapped in."""
        current = self.dir.current_meta()
        if current is None:
            raise IndexUnavailable()
        target, meta = current
        opened = self._open
        if opened is None or opened[0].name != target:
            self._index()
            opened = self._open
        seen = (meta.st_mtime_ns, meta.st_size)
        searcher = self._searcher
        if seen != self._seen or searcher is None or searcher[0] is not opened[1]:
            opened[1].reload()
            self._seen = seen
            searcher = self._searcher = (opened[1], opened[1].searcher())
        return searcher[1]

    def available(self) -> bool:
        try:
            self._index().searcher()
            return True
        except IndexUnavailable:
            return False
        except Exception:
            return False

    def writer_lock(self):
        return self.dir.writer_lock()

    # --- writing ------------------------------------------------------------------------------
    def _document(self, e: Entry):
        return tantivy.Document(
            id=e.id, documento_id=e.documento_id, version_id=e.version_id, clave=e.clave, tipo=e.tipo,
            area=e.area, estado=e.estado, numeral=e.numeral_key, title=e.title_terms, body=e.body_terms,
            words=e.body_words, desde=_dt(e.desde), hasta=_dt(e.hasta), digest=e.digest,
            payload=payload(e).encode("utf-8"))

    def add(self, entries, remove_versions=None, remove_documents=None):
        index = self._index()
        try:
            writer = index.writer(WRITER_HEAP, 1)
        except Exception as err:
            raise IndexUnavailable() from err
        try:
            for version_id in remove_versions or ():
                writer.delete_documents_by_term("version_id", int(version_id))
            for document_id in remove_documents or ():
                writer.delete_documents_by_term("documento_id", int(document_id))
            for entry in entries:
                writer.add_document(self._document(entry))
            writer.commit()
            writer.garbage_collect_files()
        except BaseException:
            writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
        index.reload()
        self._searcher = None

    def rebuild(self, entries):
        generation = self.dir.new_generation()
        index = self._register(tantivy.Index(self.schema, path=str(generation)))
        writer = index.writer(WRITER_HEAP * 4, 1)
        for entry in entries:
            writer.add_document(self._document(entry))
        writer.commit()
        writer.wait_merging_threads()
        self.dir.mark_format(generation)
        self.dir.swap(generation)

    # --- reading ------------------------------------------------------------------------------
    def fingerprints(self) -> dict:
        searcher = self._fresh_searcher()
        found = {}
        total = searcher.num_docs
        if total == 0:
            return found
        for _score, address in searcher.search(Query.all_query(), total).hits:
            doc = searcher.doc(address)
            found[doc["id"][0]] = doc["digest"][0]
        return found

    def _compile(self, node):
        s = self.schema
        if isinstance(node, q.Term):
            return Query.boolean_query([
                (Occur.Should, Query.boost_query(Query.term_query(s, "title", node.term), TITLE_BOOST)),
                (Occur.Should, Query.term_query(s, "body", node.term))])
        if isinstance(node, q.Phrase):
            return Query.boolean_query([
                (Occur.Should, Query.boost_query(Query.phrase_query(s, "title", list(node.terms)), TITLE_BOOST)),
                (Occur.Should, Query.phrase_query(s, "body", list(node.terms)))])
        if isinstance(node, q.Prefix):
            return Query.regex_query(s, "words", _regex_escape(node.prefix) + ".*")
        if isinstance(node, q.And):
            clauses = [(Occur.MustNot, self._compile(c.child)) if isinstance(c, q.Not)
                       else (Occur.Must, self._compile(c)) for c in node.children]
            return Query.boolean_query(clauses)
        if isinstance(node, q.Or):
            return Query.boolean_query([(Occur.Should, self._compile(c)) for c in node.children])
        raise ValueError(f"nodo desconocido {node!r}")

    def _filters(self, request: Request) -> list:
        """The filter clauses of a request, built once per distinct filter set (most searches share
        the day and the states; tantivy queries are immutable and reused)."""
        key = (request.day, tuple(request.states), request.tipo, request.area, request.clave)
        cache = self._filter_cache
        clauses = cache.get(key)
        if clauses is None:
            clauses = self._build_filters(request)
            with self._lock:
                cache[key] = clauses
                while len(cache) > FILTER_CACHE:
                    cache.popitem(last=False)
        return list(clauses)

    def _build_filters(self, request: Request):
        s = self.schema
        zero = lambda query: Query.boost_query(query, 0.0)  # noqa: E731 - filters never score
        if request.day is not None and set(request.states) <= set(PUBLISHED_STATES):
            # In force on a day: a version never published has an empty vigencia in the index
            # (projection._vigencia), so the date range alone keeps it out; the workflow's other
            # states are excluded too. A positive filter on the published states would cost the
            # union of nearly every posting on each search (a third of the engine's time).
            hidden = [st for st in STATES if st not in request.states]
            filters = [(Occur.MustNot, Query.boolean_query(
                [(Occur.Should, Query.term_query(s, "estado", st)) for st in hidden]))]
        else:
            states = Query.boolean_query([(Occur.Should, Query.term_query(s, "estado", st)) for st in request.states])
            filters = [(Occur.Must, zero(states))]
        for name in ("tipo", "area", "clave"):
            value = getattr(request, name)
            if value:
                filters.append((Occur.Must, zero(Query.term_query(s, name, value))))
        if request.day is not None:
            day = _dt(request.day)
            filters.append((Occur.Must, zero(Query.range_query(s, "desde", tantivy.FieldType.Date, None, day))))
            filters.append((Occur.Must, zero(Query.range_query(s, "hasta", tantivy.FieldType.Date, day, None))))
        return filters

    def search(self, request: Request) -> Result:
        parsed = request.query
        clauses = self._filters(request)
        numeral = Query.term_query(self.schema, "numeral", parsed.numeral) if parsed.numeral else None
        if parsed.expr is None:
            clauses.append((Occur.Must, numeral))
        else:
            clauses.append((Occur.Must, self._compile(parsed.expr)))
            if numeral is not None:
                clauses.append((Occur.Should, Query.boost_query(numeral, NUMERAL_BOOST)))
        full = Query.boolean_query(clauses)
        try:
            searcher = self._fresh_searcher()
            found = searcher.search(full, request.limit, count=True, offset=request.offset)
            hits = []
            for score, address in found.hits:
                doc = searcher.doc(address)
                hits.append(Hit(doc.get_first("id"), score, orjson.loads(doc.get_first("payload"))))
            facets = searcher.aggregate(full, AGGREGATIONS)
        except IndexUnavailable:
            raise
        except Exception as err:
            raise IndexUnavailable() from err
        return Result(total=found.count, hits=hits, facets={
            name: {b["key"]: b["doc_count"] for b in facets.get(name, {}).get("buckets", [])}
            for name in ("tipo", "area")})


def _regex_escape(text: str) -> str:
    return "".join(c if c.isalnum() else "\\" + c for c in text)


__all__ = ["TantivyEngine", "FAR_FUTURE"]
