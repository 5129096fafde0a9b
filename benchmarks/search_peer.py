"""The second baseline of the search benchmark: each bare engine doing the service's work — the
query, the date in force (today when none is given), the page of 10 with highlights and what a
result shows, the total, and the facets by tipo and área — as a plain function (`search(q, day)`),
and behind a minimal Flask app (`peer_app`) that authenticates the same bearer token by hand
(SHA-256; token, user and roles read with the driver, the same checks) and `json.dumps` the answer,
served by the same HTTP server as the service (waitress). Like the peer of benchmarks/api_read.py:
the same work with nothing of ours around it.

The peer indexes the same sections as the bare baseline (not the service's whole-version entries),
with the engine's own analysis, query parser and snippets; every entry also stores the small JSON a
result shows (as the service stores its payload)."""
import hashlib
import http.client
import json
import threading
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

FAR = date(2200, 12, 31)
PAGE = 10


def rows(corpus):
    """(id, text, desde, hasta, tipo, area, shown) of every section of every version."""
    for d in corpus:
        for v in d["versions"]:
            hasta = v["hasta"] or FAR
            if d["abrogado_desde"]:
                hasta = min(hasta, d["abrogado_desde"] - timedelta(days=1))
            for k, (n, t, x) in enumerate(v["sections"]):
                shown = json.dumps({"clave": d["clave"], "titulo": d["titulo"], "version": v["numero"],
                                    "numeral": n, "encabezado": t, "vigente_desde": v["desde"].isoformat(),
                                    "vigente_hasta": v["hasta"].isoformat() if v["hasta"] else None},
                                   ensure_ascii=False)
                yield (f"{d['id']}:{v['numero']}:{k}", f"{t} {x}".strip(), v["desde"], hasta, d["tipo"], d["area"],
                       shown)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _answer(total, items, tipo, area, day) -> dict:
    return {"total": total, "items": items, "facetas": {"tipo": tipo, "area": area}, "vigente_al": day.isoformat()}


class TantivyPeer:
    def __init__(self, corpus, folder: Path):
        import tantivy
        self.t = tantivy
        sb = tantivy.SchemaBuilder()
        sb.add_text_field("id", stored=True, tokenizer_name="raw")
        sb.add_text_field("text", stored=True, tokenizer_name="es_fold")
        sb.add_date_field("desde", indexed=True, fast=True)
        sb.add_date_field("hasta", indexed=True, fast=True)
        sb.add_text_field("tipo", fast=True, tokenizer_name="raw")
        sb.add_text_field("area", fast=True, tokenizer_name="raw")
        sb.add_text_field("shown", stored=True, index_option="basic", tokenizer_name="raw")
        self.schema = sb.build()
        folder.mkdir(parents=True)
        self.index = tantivy.Index(self.schema, path=str(folder))
        self.index.register_tokenizer("es_fold", (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase()).filter(tantivy.Filter.ascii_fold())
            .filter(tantivy.Filter.stemmer("spanish")).build()))
        writer = self.index.writer(40_000_000, 1)
        for entry_id, text, desde, hasta, tipo, area, shown in rows(corpus):
            writer.add_document(tantivy.Document(id=entry_id, text=text, desde=_midnight(desde),
                                                 hasta=_midnight(hasta), tipo=tipo, area=area, shown=shown))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.aggs = {"tipo": {"terms": {"field": "tipo", "size": 50}}, "area": {"terms": {"field": "area", "size": 50}}}

    def search(self, q: str, day: date) -> dict:
        t, s = self.t, self.schema
        query = self.index.parse_query_lenient(q.replace("*", ""), ["text"])[0]
        at = _midnight(day)
        query = t.Query.boolean_query([
            (t.Occur.Must, query),
            (t.Occur.Must, t.Query.range_query(s, "desde", t.FieldType.Date, None, at)),
            (t.Occur.Must, t.Query.range_query(s, "hasta", t.FieldType.Date, at, None))])
        found = self.searcher.search(query, PAGE, count=True)
        facets = self.searcher.aggregate(query, self.aggs)
        snippets = t.SnippetGenerator.create(self.searcher, query, s, "text")
        items = []
        for score, address in found.hits:
            doc = self.searcher.doc(address)
            snippet = snippets.snippet_from_doc(doc)
            items.append({**json.loads(doc["shown"][0]), "id": doc["id"][0], "puntaje": round(score, 4),
                          "fragmento": snippet.fragment(),
                          "resaltado": [[r.start, r.end] for r in snippet.highlighted()]})
        buckets = {name: {b["key"]: b["doc_count"] for b in facets[name]["buckets"]} for name in ("tipo", "area")}
        return _answer(found.count, items, buckets["tipo"], buckets["area"], day)

    def close(self):
        pass


class WhooshPeer:
    def __init__(self, corpus, folder: Path):
        from whoosh import fields, index, qparser
        from whoosh.analysis import LanguageAnalyzer
        schema = fields.Schema(id=fields.ID(stored=True), text=fields.TEXT(analyzer=LanguageAnalyzer("es"), stored=True),
                               desde=fields.DATETIME, hasta=fields.DATETIME, tipo=fields.ID(sortable=True),
                               area=fields.ID(sortable=True), shown=fields.STORED)
        folder.mkdir(parents=True)
        ix = index.create_in(str(folder), schema)
        writer = ix.writer(limitmb=128)
        for entry_id, text, desde, hasta, tipo, area, shown in rows(corpus):
            writer.add_document(id=entry_id, text=text, desde=_midnight(desde), hasta=_midnight(hasta), tipo=tipo,
                                area=area, shown=shown)
        writer.commit()
        self.parser = qparser.QueryParser("text", schema)
        self.local = threading.local()
        self.ix = ix

    def search(self, q: str, day: date) -> dict:
        from whoosh import query as wq
        searcher = getattr(self.local, "searcher", None)
        if searcher is None:
            searcher = self.local.searcher = self.ix.searcher()
        at = _midnight(day)
        results = searcher.search(self.parser.parse(q), limit=PAGE, groupedby=["tipo", "area"],
                                  filter=wq.And([wq.DateRange("desde", None, at), wq.DateRange("hasta", at, None)]))
        items = [{**json.loads(hit["shown"]), "id": hit["id"], "puntaje": round(hit.score, 4),
                  "fragmento": hit.highlights("text")} for hit in results]
        facets = {name: {k: len(v) for k, v in results.groups(name).items()} for name in ("tipo", "area")}
        return _answer(len(results), items, facets["tipo"], facets["area"], day)

    def close(self):
        pass


class PostgresPeer:
    """One table of the sections with a generated `spanish` tsvector and its GIN index; per search a
    statement for the page (rank, `ts_headline`) and one for the total and facets."""

    def __init__(self, corpus, db_url: str):
        import psycopg
        self.psycopg = psycopg
        self.conninfo = libpq_url(db_url)
        self.local = threading.local()
        with psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS peer_busqueda")
            conn.execute("CREATE TABLE peer_busqueda (id text PRIMARY KEY, texto text, desde date, hasta date, "
                         "tipo text, area text, shown text, "
                         "tsv tsvector GENERATED ALWAYS AS (to_tsvector('spanish', texto)) STORED)")
            with conn.cursor() as cur:
                with cur.copy("COPY peer_busqueda (id, texto, desde, hasta, tipo, area, shown) FROM STDIN") as copy:
                    for row in rows(corpus):
                        copy.write_row(row)
            conn.execute("CREATE INDEX ON peer_busqueda USING gin (tsv)")
            conn.execute("ANALYZE peer_busqueda")

    def _conn(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = self.psycopg.connect(self.conninfo, autocommit=True)
        return conn

    def search(self, q: str, day: date) -> dict:
        conn = self._conn()
        params = {"q": q.replace("*", ""), "day": day}
        where = "tsv @@ q AND desde <= %(day)s AND hasta >= %(day)s"
        page = conn.execute(
            "SELECT id, shown, r, ts_headline('spanish', texto, q) FROM (SELECT id, texto, shown, q, ts_rank(tsv, q) AS r "
            f"FROM peer_busqueda, websearch_to_tsquery('spanish', %(q)s) q WHERE {where} "
            "ORDER BY r DESC LIMIT 10) top ORDER BY r DESC", params, prepare=False).fetchall()
        counts = conn.execute(
            f"SELECT tipo, area, count(*) FROM peer_busqueda, websearch_to_tsquery('spanish', %(q)s) q WHERE {where} "
            "GROUP BY GROUPING SETS ((tipo), (area), ())", params, prepare=False).fetchall()
        total, tipo, area = 0, {}, {}
        for t, a, n in counts:
            if t is None and a is None:
                total = n
            elif t is not None:
                tipo[t] = n
            else:
                area[a] = n
        items = [{**json.loads(shown), "id": i, "puntaje": round(r, 4), "fragmento": h} for i, shown, r, h in page]
        return _answer(total, items, tipo, area, day)

    def close(self):
        conn = getattr(self.local, "conn", None)
        if conn is not None:
            conn.close()
        with self.psycopg.connect(self.conninfo, autocommit=True) as conn:
            conn.execute("DROP TABLE IF EXISTS peer_busqueda")


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL (postgresql+psycopg://…) as libpq takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def token_checker(sqlite_path: str | None = None, pg_url: str | None = None):
    """check(secret) -> bool: the service's bearer-token rules written by hand (token by its SHA-256,
    not revoked, not expired, active user with at least one role), on a connection per thread."""
    local = threading.local()

    def connection():
        conn = getattr(local, "conn", None)
        if conn is None:
            if pg_url:
                import psycopg
                conn = psycopg.connect(libpq_url(pg_url), autocommit=True)
            else:
                import sqlite3
                conn = sqlite3.connect(sqlite_path, timeout=15, check_same_thread=False)
            local.conn = conn
        return conn

    mark = "%s" if pg_url else "?"

    def check(secret: str) -> bool:
        digest = hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
        conn = connection()
        row = conn.execute("SELECT u.id, u.activo, t.revocado, t.expira FROM tokens_api t JOIN usuarios u "
                           f"ON u.id = t.usuario_id WHERE t.token_hash = {mark}", (digest,)).fetchone()
        if row is None or row[2] is not None or not row[1]:
            return False
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        if row[3] is not None and (datetime.fromisoformat(row[3]) if isinstance(row[3], str) else row[3]) <= now:
            return False
        return conn.execute(f"SELECT 1 FROM usuario_roles WHERE usuario_id = {mark} LIMIT 1",
                            (row[0],)).fetchone() is not None

    return check


def peer_app(search, check, today: date):
    """Minimal Flask app: bearer token by hand, `q` and `vigente_al`, the bare search, json.dumps."""
    from flask import Flask, Response, request
    app = Flask("search-peer")

    def error(status, code):
        return Response(json.dumps({"error": code}), status=status, mimetype="application/json")

    @app.get("/api/v1/busqueda")
    def busqueda():
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip() or not check(secret.strip()):
            return error(401, "token_invalido")
        q = (request.args.get("q") or "").strip()
        if not q or len(q) > 256:
            return error(400, "consulta_invalida")
        try:
            day = date.fromisoformat(request.args["vigente_al"]) if "vigente_al" in request.args else today
        except ValueError:
            return error(400, "datos_invalidos")
        return Response(json.dumps(search(q, day), ensure_ascii=False), mimetype="application/json")

    return app


def serve(app, port: int = 0, threads: int = 4):
    """The app under waitress in a thread of this process; returns (port, close)."""
    import logging

    from waitress.server import create_server
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    server = create_server(app, host="127.0.0.1", port=port, threads=threads)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    def close():
        time.sleep(0.2)  # let the last response's channel settle
        server.task_dispatcher.shutdown()
        server.close()
    return server.effective_port, close


def http_times(ports: dict, qs, rounds: int, token: str) -> dict:
    """Sequential keep-alive GETs of the 50 queries to each server, interleaved query by query (so
    that other load on the machine hits every server alike); {name: [seconds, …]}."""
    from urllib.parse import urlencode
    conns = {name: http.client.HTTPConnection("127.0.0.1", port, timeout=30) for name, port in ports.items()}
    headers = {"Authorization": f"Bearer {token}"}
    samples = {name: [] for name in ports}

    def get(name, params):
        conn = conns[name]
        conn.request("GET", "/api/v1/busqueda?" + urlencode(params), headers=headers)
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200, (name, params, body[:300])
    try:
        for params in qs:  # warm-up
            for name in ports:
                get(name, params)
        for _ in range(rounds):
            for params in qs:
                for name in ports:
                    t0 = time.perf_counter()
                    get(name, params)
                    samples[name].append(time.perf_counter() - t0)
    finally:
        for conn in conns.values():
            conn.close()
    return samples
