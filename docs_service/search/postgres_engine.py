"""PostgreSQL full-text search, for deployments where several app servers share one database.
PostgreSQL ≤ 18's `spanish` configuration predates Snowball 3.0 (`subdelegacion` would not find
*subdelegaciones*), so the stems come from analysis.py (PyStemmer) and are indexed with the `simple`
configuration: a stored generated tsvector (heading/title weight A, text B) with a GIN index, a
second one over surface words for prefix queries. The projection table belongs to the engine, like
the tantivy folder: `reindex` builds a new table and swaps it in one transaction."""
import secrets
import threading
from contextlib import contextmanager

from sqlalchemy import text

from . import query as q
from .engine import Hit, IndexUnavailable, Request, Result

TABLE = "busqueda_entradas"
NUMERAL_BOOST = 50.0
LOCK_KEY = 0x5EA2C4  # pg_advisory_lock key of the one writer

COLUMNS = ("id", "documento_id", "version_id", "clave", "tipo", "area", "estado", "numeral",
           "title_terms", "body_terms", "body_words", "desde", "hasta", "digest")


def _ddl(table: str, suffix: str) -> list[str]:
    return [
        f"""CREATE TABLE {table} (
            id text PRIMARY KEY, documento_id integer NOT NULL, version_id integer NOT NULL,
            clave text NOT NULL, tipo text NOT NULL, area text NOT NULL, estado text NOT NULL,
            numeral text NOT NULL, title_terms text NOT NULL, body_terms text NOT NULL,
            body_words text NOT NULL, desde date NOT NULL, hasta date NOT NULL, digest text NOT NULL,
            tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', title_terms), 'A') ||
                                              setweight(to_tsvector('simple', body_terms), 'B')) STORED,
            wtsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body_words)) STORED)""",
    ]


def _indexes(table: str, suffix: str) -> list[str]:
    return [
        f"CREATE INDEX ix_busq_tsv_{suffix} ON {table} USING gin (tsv)",
        f"CREATE INDEX ix_busq_wtsv_{suffix} ON {table} USING gin (wtsv)",
        f"CREATE INDEX ix_busq_doc_{suffix} ON {table} (documento_id)",
        f"CREATE INDEX ix_busq_vig_{suffix} ON {table} (desde, hasta)",
        f"CREATE INDEX ix_busq_num_{suffix} ON {table} (numeral)",
    ]


def _lexeme(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "") + "'"


class PostgresEngine:
    name = "postgres"

    def __init__(self, sql_engine):
        self.sql = sql_engine
        self._thread_lock = threading.Lock()

    def available(self) -> bool:
        try:
            with self.sql.connect() as conn:
                return conn.execute(text("SELECT to_regclass(:t)"), {"t": TABLE}).scalar() is not None
        except Exception:
            return False

    @contextmanager
    def writer_lock(self):
        with self._thread_lock, self.sql.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
                conn.commit()

    @staticmethod
    def _row(e) -> dict:
        return dict(id=e.id, documento_id=e.documento_id, version_id=e.version_id, clave=e.clave, tipo=e.tipo,
                    area=e.area, estado=e.estado, numeral=e.numeral_key, title_terms=e.title_terms,
                    body_terms=e.body_terms, body_words=e.body_words, desde=e.desde, hasta=e.hasta, digest=e.digest)

    def _insert(self, conn, table, entries, batch=500):
        stmt = text(f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})")
        rows = []
        for entry in entries:
            rows.append(self._row(entry))
            if len(rows) >= batch:
                conn.execute(stmt, rows)
                rows = []
        if rows:
            conn.execute(stmt, rows)

    def add(self, entries, remove_versions=None, remove_documents=None):
        if not self.available():
            raise IndexUnavailable()
        with self.sql.begin() as conn:
            if remove_versions:
                conn.execute(text(f"DELETE FROM {TABLE} WHERE version_id = ANY(:ids)"),
                             {"ids": [int(v) for v in remove_versions]})
            if remove_documents:
                conn.execute(text(f"DELETE FROM {TABLE} WHERE documento_id = ANY(:ids)"),
                             {"ids": [int(d) for d in remove_documents]})
            self._insert(conn, TABLE, entries)

    def rebuild(self, entries):
        suffix = secrets.token_hex(4)
        new = f"{TABLE}_{suffix}"
        with self.sql.begin() as conn:
            for statement in _ddl(new, suffix):
                conn.execute(text(statement))
            self._insert(conn, new, entries)
            for statement in _indexes(new, suffix):
                conn.execute(text(statement))
            conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))
            conn.execute(text(f"ALTER TABLE {new} RENAME TO {TABLE}"))
            conn.execute(text(f"ANALYZE {TABLE}"))

    def drop(self):
        with self.sql.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {TABLE}"))

    def fingerprints(self) -> dict:
        with self.sql.connect() as conn:
            return dict(conn.execute(text(f"SELECT id, digest FROM {TABLE}")).all())

    # --- querying ----------------------------------------------------------------------------
    def _compile(self, node, params):
        def bind(value):
            name = f"p{len(params)}"
            params[name] = value
            return f":{name}"
        if isinstance(node, q.Term):
            return f"tsv @@ to_tsquery('simple', {bind(_lexeme(node.term))})"
        if isinstance(node, q.Phrase):
            return f"tsv @@ to_tsquery('simple', {bind(' <-> '.join(_lexeme(t) for t in node.terms))})"
        if isinstance(node, q.Prefix):
            return f"wtsv @@ to_tsquery('simple', {bind(_lexeme(node.prefix) + ':*')})"
        if isinstance(node, q.And):
            return "(" + " AND ".join(f"NOT ({self._compile(c.child, params)})" if isinstance(c, q.Not)
                                      else self._compile(c, params) for c in node.children) + ")"
        if isinstance(node, q.Or):
            return "(" + " OR ".join(self._compile(c, params) for c in node.children) + ")"
        raise ValueError(f"nodo desconocido {node!r}")

    @staticmethod
    def _rank_query(parsed) -> str:
        """All positive terms and phrases OR-ed: what ts_rank scores against."""
        parts = []

        def walk(node, negated=False):
            if isinstance(node, q.Term) and not negated:
                parts.append(_lexeme(node.term))
            elif isinstance(node, q.Phrase) and not negated:
                parts.append("(" + " <-> ".join(_lexeme(t) for t in node.terms) + ")")
            elif isinstance(node, (q.And, q.Or)):
                for child in node.children:
                    walk(child, negated)
            elif isinstance(node, q.Not):
                walk(node.child, True)
        if parsed.expr is not None:
            walk(parsed.expr)
        return " | ".join(parts)

    def search(self, request: Request) -> Result:
        parsed = request.query
        params = {"states": list(request.states)}
        where = ["estado = ANY(:states)"]
        for name in ("tipo", "area", "clave"):
            value = getattr(request, name)
            if value:
                params[name] = value
                where.append(f"{name} = :{name}")
        if request.day is not None:
            params["day"] = request.day
            where.append("desde <= :day AND hasta >= :day")
        params["numeral"] = parsed.numeral or ""
        if parsed.expr is None:
            where.append("numeral = :numeral")
        else:
            where.append(self._compile(parsed.expr, params))
        rank_q = self._rank_query(parsed)
        params["rank_q"] = rank_q
        # normalisation 2: rank / length, so a short section outranks the whole version
        rank = "ts_rank(tsv, to_tsquery('simple', :rank_q), 2)" if rank_q else "0"
        condition = " AND ".join(where)
        boost = " + CASE WHEN numeral = :numeral THEN :boost ELSE 0 END" if parsed.numeral else ""
        params.update(limit=request.limit, offset=request.offset, boost=NUMERAL_BOOST)
        hits_sql = text(f"""SELECT id, score FROM (
                SELECT id, {rank}{boost} AS score
                FROM {TABLE} WHERE {condition}) ranked
            ORDER BY score DESC, id LIMIT :limit OFFSET :offset""")
        facets_sql = text(f"""SELECT tipo, area, count(*) FROM {TABLE} WHERE {condition}
            GROUP BY GROUPING SETS ((tipo), (area), ())""")
        try:
            with self.sql.connect() as conn:
                rows = conn.execute(hits_sql, params).all()
                groups = conn.execute(facets_sql, params).all()
        except Exception as err:
            if not self.available():
                raise IndexUnavailable() from err
            raise
        total, facets = 0, {"tipo": {}, "area": {}}
        for tipo, area, count in groups:
            if tipo is None and area is None:
                total = count
            elif tipo is not None:
                facets["tipo"][tipo] = count
            else:
                facets["area"][area] = count
        return Result(total=total, hits=[Hit(r.id, float(r.score)) for r in rows], facets=facets)
