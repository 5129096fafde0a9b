"""PostgreSQL full-text search, for deployments where several app servers share one database.
PostgreSQL ≤ 18's `spanish` configuration predates Snowball 3.0 (`subdelegacion` would not find
*subdelegaciones*), so the stems come from analysis.py (PyStemmer) and are indexed with the `simple`
configuration: a tsvector (heading/title weight A, text B) with a GIN index, a second one over
surface words for prefix queries, computed at insert from the analysed terms. A whole-version entry
also keeps `cabeza` (its title, keywords and numerals), so a phrase is checked against a whole version through
its sections and that small vector: its large tsvector is never searched position by position. The rows every match
scans stay narrow: what a result shows lives in `busqueda_textos` (read only for the page shown) and
the surface words in `busqueda_palabras` (read only by prefix queries). The tables belong to the
engine, like the tantivy folder: `reindex` builds new ones and swaps them in one transaction."""
import secrets
import threading
from contextlib import contextmanager, nullcontext

import orjson
from flask import has_app_context
from sqlalchemy import text

from .engine import Hit, IndexUnavailable, Request, Result
from .postgres_query import RANK, matched_cte
from .projection import SECTION_GAP, payload

TABLE = "busqueda_entradas"      # what is searched: narrow rows (filters and two tsvectors)
TEXTS = "busqueda_textos"        # what a result shows (payload), read only for the page
WORDS = "busqueda_palabras"      # surface words, for prefix queries only
LOCK_KEY = 0x5EA2C4  # pg_advisory_lock key of the one writer

COLUMNS = ("id", "documento_id", "version_id", "clave", "tipo", "area", "estado", "numeral", "desde", "hasta",
           "digest")
# the tsvectors are computed by PostgreSQL from the analysed terms sent with each row (not stored as
# text); the surface words for prefix queries (rare) live apart, keeping the scanned rows narrow
# (the gap, SECTION_GAP, keeps a phrase from running on from the heading into the text)
TSV = ("setweight(to_tsvector('simple', :title_terms), 'A') || "
       "setweight(to_tsvector('simple', CAST(:gap AS text) || CAST(:body_terms AS text)), 'B')")
# a whole version's title, keywords and numerals (NULL for a section: also how a whole version is
# told apart)
HEAD = ("CASE WHEN CAST(:head_terms AS text) IS NULL THEN NULL ELSE setweight(to_tsvector('simple', :title_terms), "
        "'A') || setweight(to_tsvector('simple', CAST(:gap AS text) || CAST(:head_terms AS text)), 'B') END")
# positions stripped: a prefix matches a word, never a phrase, and without them a whole version's
# words are half the size, stored inline, and the scan a broad prefix gets reads them ~2x faster
WTSV = "strip(to_tsvector('simple', :body_words))"


def _ddl(table: str, texts: str, words: str) -> list[str]:
    return [
        f"""CREATE TABLE {table} (
            id text PRIMARY KEY, documento_id integer NOT NULL, version_id integer NOT NULL,
            clave text NOT NULL, tipo text NOT NULL, area text NOT NULL, estado text NOT NULL,
            numeral text NOT NULL, desde date NOT NULL, hasta date NOT NULL, digest text NOT NULL,
            tsv tsvector NOT NULL, cabeza tsvector)""",
        f"CREATE TABLE {texts} (id text PRIMARY KEY, payload text NOT NULL)",
        f"CREATE TABLE {words} (id text PRIMARY KEY, wtsv tsvector NOT NULL)",
    ]


def _indexes(table: str, words: str, suffix: str) -> list[str]:
    return [
        f"CREATE INDEX ix_busq_tsv_{suffix} ON {table} USING gin (tsv)",
        f"CREATE INDEX ix_busq_wtsv_{suffix} ON {words} USING gin (wtsv)",
        f"CREATE INDEX ix_busq_doc_{suffix} ON {table} (documento_id)",
        f"CREATE INDEX ix_busq_ver_{suffix} ON {table} (version_id)",
        f"CREATE INDEX ix_busq_vig_{suffix} ON {table} (desde, hasta)",
        f"CREATE INDEX ix_busq_num_{suffix} ON {table} (numeral)",
    ]


class PostgresEngine:
    name = "postgres"

    def __init__(self, sql_engine):
        self.sql = sql_engine
        self._thread_lock = threading.Lock()

    def available(self) -> bool:
        """The three tables exist in this release's shape (an index built by an older one lacks a
        table or the `cabeza` column: it needs `docs-service search reindex`)."""
        try:
            with self.sql.connect() as conn:
                return conn.execute(text(
                    "SELECT to_regclass(:x) IS NOT NULL AND to_regclass(:w) IS NOT NULL AND EXISTS (SELECT 1 "
                    "FROM pg_attribute WHERE attrelid = to_regclass(:t) AND attname = 'cabeza' AND NOT attisdropped)"),
                    {"t": TABLE, "x": TEXTS, "w": WORDS}).scalar()
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
                    body_terms=e.body_terms, body_words=e.body_words, desde=e.desde, hasta=e.hasta, digest=e.digest,
                    head_terms=e.head_terms, gap=SECTION_GAP + " ", payload=payload(e))

    def _insert(self, conn, table, texts, words, entries, batch=1000):
        rows_sql = text(f"INSERT INTO {table} ({', '.join(COLUMNS)}, tsv, cabeza) "
                        f"VALUES ({', '.join(':' + c for c in COLUMNS)}, {TSV}, {HEAD})")
        texts_sql = text(f"INSERT INTO {texts} (id, payload) VALUES (:id, :payload)")
        words_sql = text(f"INSERT INTO {words} (id, wtsv) VALUES (:id, {WTSV})")
        rows = []
        for entry in entries:
            rows.append(self._row(entry))
            if len(rows) >= batch:
                for statement in (rows_sql, texts_sql, words_sql):
                    conn.execute(statement, rows)
                rows = []
        if rows:
            for statement in (rows_sql, texts_sql, words_sql):
                conn.execute(statement, rows)

    def add(self, entries, remove_versions=None, remove_documents=None):
        if not self.available():
            raise IndexUnavailable()
        with self.sql.begin() as conn:
            for column, ids in (("version_id", remove_versions), ("documento_id", remove_documents)):
                if ids:
                    gone = {"ids": [int(i) for i in ids]}
                    for side in (TEXTS, WORDS):
                        conn.execute(text(f"DELETE FROM {side} WHERE id IN "
                                          f"(SELECT id FROM {TABLE} WHERE {column} = ANY(:ids))"), gone)
                    conn.execute(text(f"DELETE FROM {TABLE} WHERE {column} = ANY(:ids)"), gone)
            self._insert(conn, TABLE, TEXTS, WORDS, entries)

    def rebuild(self, entries):
        suffix = secrets.token_hex(4)
        new = {name: f"{name}_{suffix}" for name in (TABLE, TEXTS, WORDS)}
        with self.sql.begin() as conn:
            for statement in _ddl(new[TABLE], new[TEXTS], new[WORDS]):
                conn.execute(text(statement))
            self._insert(conn, new[TABLE], new[TEXTS], new[WORDS], entries)
            for statement in _indexes(new[TABLE], new[WORDS], suffix):
                conn.execute(text(statement))
            for name, fresh in new.items():
                conn.execute(text(f"DROP TABLE IF EXISTS {name}"))
                conn.execute(text(f"ALTER TABLE {fresh} RENAME TO {name}"))
                conn.execute(text(f"ANALYZE {name}"))

    def drop(self):
        with self.sql.begin() as conn:
            for name in (TABLE, TEXTS, WORDS):
                conn.execute(text(f"DROP TABLE IF EXISTS {name}"))

    def _reader(self):
        """The unit of work's connection when there is one (a request already holds it, begun by the
        token check: no second checkout, no ORM session), else one of our own."""
        if has_app_context():
            from ..core.db import db
            return nullcontext(db.connection())
        return self.sql.connect()

    def fingerprints(self) -> dict:
        with self.sql.connect() as conn:
            return dict(conn.execute(text(f"SELECT id, digest FROM {TABLE}")).all())

    def search(self, request: Request) -> Result:
        """One statement, run on the driver (psycopg placeholders), never prepared: a prepared
        statement soon runs a generic plan, blind to how many rows each word matches, and phrases
        then took twice as long; planning each search costs less."""
        parsed = request.query
        params = {"states": list(request.states)}
        where = ["estado = ANY(%(states)s)"]
        for name in ("tipo", "area", "clave"):
            value = getattr(request, name)
            if value:
                params[name] = value
                where.append(f"{name} = %({name})s")
        if request.day is not None:
            params["day"] = request.day
            where.append("desde <= %(day)s AND hasta >= %(day)s")
        matched = matched_cte(TABLE, WORDS, parsed, where, params)
        rank = RANK if params["rank_q"] else "0"
        params.update(limit=request.limit, offset=request.offset, upto=request.limit + request.offset)
        # One statement, one pass over the matches: rank the sections, take the page (then its
        # payloads, never carried through the sort of every match) and count the facets. A
        # whole-version entry ranks after every section and is ranked only when the page reaches
        # past the sections: its large tsvector is then read again; ranking every matched one cost
        # as much as ranking all the sections.
        sql = f"""WITH {matched},
            sections AS (SELECT id, score, 0 AS tier FROM matched WHERE NOT whole
                         ORDER BY score DESC, id COLLATE "C" LIMIT %(upto)s),
            wholes AS (SELECT e.id, {rank} AS score, 1 AS tier FROM {TABLE} e
                        WHERE e.id IN (SELECT id FROM matched WHERE whole)
                          AND (SELECT count(*) FROM sections) < %(upto)s
                        ORDER BY score DESC, e.id COLLATE "C" LIMIT %(upto)s),
            page AS (SELECT id, score, tier FROM (SELECT * FROM sections UNION ALL SELECT * FROM wholes) ranked
                     ORDER BY tier, score DESC, id COLLATE "C" LIMIT %(limit)s OFFSET %(offset)s)
            SELECT page.id, page.score, t.payload, NULL AS tipo, NULL AS area,
                   row_number() OVER (ORDER BY page.tier, page.score DESC, page.id COLLATE "C") AS n
              FROM page JOIN {TEXTS} t ON t.id = page.id
            UNION ALL
            SELECT NULL, NULL, NULL, tipo, area, count(*) FROM matched GROUP BY GROUPING SETS ((tipo), (area), ())"""
        try:
            with self._reader() as conn:
                rows = conn.connection.driver_connection.execute(sql, params, prepare=False).fetchall()
        except Exception as err:
            if not self.available():
                raise IndexUnavailable() from err
            raise
        total, facets, page = 0, {"tipo": {}, "area": {}}, []
        for entry_id, score, shown, tipo, area, count in rows:
            if entry_id is not None:
                page.append((count, Hit(entry_id, float(score), orjson.loads(shown))))
            elif tipo is None and area is None:
                total = count
            elif tipo is not None:
                facets["tipo"][tipo] = count
            else:
                facets["area"][area] = count
        hits = [hit for _pos, hit in sorted(page, key=lambda pair: pair[0])]
        return Result(total=total, hits=hits, facets=facets)
