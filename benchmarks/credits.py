"""Créditos benchmarks (DOMAIN.md §8 synthetic data, generated before timing).

credits_import: `import_credits` (validation, patrones, credits, one transaction, streamed) of N
rows on SQLite, and on PostgreSQL when DOCS_SERVICE_BENCH_POSTGRES_URL is set, vs the bare baseline
of the same run: the same CSV rows parsed with `csv` and inserted with `executemany` (SQLite) or
`COPY` (PostgreSQL) into a table with the CSV's columns and a unique index on número. Rows/s of
each, ratio, and the peak RSS of each process (streaming: flat in N). A second baseline writes the
rows the import stored (patrones and credits, dumped after it, outside its time) again into the same
migrated tables, with their indexes and foreign keys, by `executemany` / `COPY`: the cost of storing
the same rows without reading, checking and converting them (`import_vs_same_tables_x`).

credits_conciliation: a PROCESAR-like file paying ~60 % of those credits (1 % duplicated, 2 % with
no credit), imported and conciliated by `import_payments`: rows/s.

credits_lookup: p95 of `GET /api/v1/creditos?nrp=…` and `GET /api/v1/creditos/{numero}` (auditor,
through the whole app) vs the bare indexed SELECT of the same rows.

Size: `python benchmarks/credits.py --n 1000000` (default 10,000, or DOCS_SERVICE_BENCH_CREDITS_N);
`--pagos-de 100000` makes the payment file cover only the first 100,000 credits."""
import argparse
import csv
from collections import Counter
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_N = int(os.environ.get("DOCS_SERVICE_BENCH_CREDITS_N", "10000"))
PG_URL = os.environ.get("DOCS_SERVICE_BENCH_POSTGRES_URL")


def _payments(n: int, paid: int | None, count: int | None):
    """PROCESAR rows over the first `paid` credits; with `count`, exactly that many rows: further
    passes over the same credits (other folios) until there are enough."""
    from docs_service.credits.generator import credit_rows, payment_rows
    if not count:
        yield from payment_rows(itertools.islice(credit_rows(n, 11), paid or n), 11)
        return
    for seed in itertools.count(11):
        for row in payment_rows(itertools.islice(credit_rows(n, 11), paid or n), seed):
            yield row
            count -= 1
            if count == 0:
                return


def _write_files(folder: Path, n: int, paid: int | None = None, count: int | None = None):
    sys.path.insert(0, str(ROOT))
    from docs_service.credits.generator import COLUMNS, PAYMENT_COLUMNS, credit_rows, write_csv
    credits, payments = folder / "creditos.csv", folder / "pagos.csv"
    with open(credits, "w", encoding="utf-8", newline="") as stream:
        write_csv(credit_rows(n, 11), COLUMNS, stream)
    with open(payments, "w", encoding="utf-8", newline="") as stream:
        write_csv(_payments(n, paid, count), PAYMENT_COLUMNS, stream)
    return credits, payments


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _app(url: str, folder: str):
    os.environ["DOCS_SERVICE_LOG_LEVEL"] = "WARNING"
    from docs_service import create_app
    from docs_service.core.migrate import upgrade
    app = create_app({"INSTANCE": folder, "DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        from docs_service.accounts.operations import load_catalog
        from docs_service.core.db import transaction
        with transaction():
            load_catalog()
    return app


def child_app(url: str, credits: str, payments: str, folder: str, lookups: int) -> dict:
    """The service side, in a fresh process: import, conciliation, lookups."""
    app = _app(url, folder)
    from docs_service.core.db import db, transaction
    from docs_service.credits.importer import import_credits
    from docs_service.credits.payments import import_payments
    out = {}
    with app.app_context():
        t0, c0 = time.perf_counter(), time.process_time()
        with transaction(), open(credits, "rb") as stream:
            batch = import_credits(None, stream, "bench.csv")
        out["import_s"], out["import_cpu_s"] = time.perf_counter() - t0, time.process_time() - c0
        out["rows"], out["loaded"], out["rejected"] = batch.filas, batch.cargadas, batch.rechazadas
        out["import_peak_mb"] = _peak_mb()
        with transaction():
            _dump_stored(db.session.connection(), Path(folder))
        t0 = time.perf_counter()
        with transaction(), open(payments, "rb") as stream:
            record = import_payments(None, stream, "pagos.csv", "procesar")
        out["conciliation_s"] = time.perf_counter() - t0
        out["payments"] = record.filas
        out["applied"], out["duplicates"], out["unmatched"] = record.aplicados, record.duplicados, record.sin_credito
        out.update(_lookups(app, lookups))
    return out


STORED_TABLES = ("credito_lotes", "patrones", "creditos")


def _dump_stored(connection, folder: Path):
    """The rows the import stored, as the database holds them (CSV, NULL as \\N), for the
    same-tables baseline to write again."""
    dbapi = connection.connection.driver_connection
    for table in STORED_TABLES:
        path = folder / f"stored-{table}.csv"
        if connection.dialect.name == "postgresql":
            with open(path, "wb") as out, dbapi.cursor() as cursor, \
                    cursor.copy(f"COPY (SELECT * FROM {table} ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER, "
                                "NULL '\\N')") as copy:
                for block in copy:
                    out.write(block)
            continue
        cursor = dbapi.cursor()
        rows = cursor.execute(f"SELECT * FROM {table} ORDER BY id")
        with open(path, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([d[0] for d in cursor.description])
            writer.writerows(["\\N" if v is None else v for v in row] for row in rows)
        cursor.close()


def child_same_tables(url: str, stored: str, folder: str) -> dict:
    """The second baseline, in a fresh process: the rows the import stored, written again with
    `executemany` (SQLite, the import's page cache) or `COPY` (PostgreSQL) into the same migrated
    tables — their indexes, constraints and foreign keys — without the import's reading, checks and
    conversions. The lote row goes in before the clock starts."""
    from docs_service.credits.bulk import IMPORT_CACHE_KIB
    app = _app(url, folder)
    paths = {t: Path(stored) / f"stored-{t}.csv" for t in STORED_TABLES}
    raw = app.extensions["docs_engine"].raw_connection()
    dbapi = raw.driver_connection
    try:
        if url.startswith("sqlite"):
            cursor = dbapi.cursor()
            cursor.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")

            def write(table):
                with open(paths[table], encoding="utf-8", newline="") as stream:
                    reader = csv.reader(stream)
                    cols = next(reader)
                    cursor.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                       ([None if v == "\\N" else v for v in row] for row in reader))

            # The app's connections leave BEGIN to the caller (core.db.make_engine).
            cursor.execute("BEGIN IMMEDIATE")
            write("credito_lotes")
            cursor.execute("COMMIT")
            t0, c0 = time.perf_counter(), time.process_time()
            cursor.execute("BEGIN IMMEDIATE")
            write("patrones")
            write("creditos")
            cursor.execute("COMMIT")
        else:
            def write(table):
                with open(paths[table], "rb") as stream, dbapi.cursor() as cursor:
                    cols = stream.readline().decode().strip()
                    with cursor.copy(f"COPY {table} ({cols}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
                        while block := stream.read(1 << 16):
                            copy.write(block)

            write("credito_lotes")
            dbapi.commit()
            t0, c0 = time.perf_counter(), time.process_time()
            write("patrones")
            write("creditos")
            dbapi.commit()
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        cursor = dbapi.cursor()
        count = cursor.execute("SELECT count(*) FROM creditos").fetchone()[0]
        cursor.close()
    finally:
        raw.close()
    return {"same_s": elapsed, "same_cpu_s": cpu, "same_rows": count, "same_peak_mb": _peak_mb()}


def _lookups(app, lookups: int) -> dict:
    """p95 of the API's search by NRP (first page) and detail by número vs the bare indexed SELECT,
    for credits picked at random among the first 2,000 by id (the generator's order: big patrones are
    picked as often as their share of the credits)."""
    from sqlalchemy import func, select, text
    from docs_service.core.db import db, transaction
    from docs_service.credits.models import Credit, Patron
    out = {}
    with app.app_context():
        sample = db.session.execute(select(Patron.nrp, Credit.numero).join(Credit, Credit.patron_id == Patron.id)
                                    .order_by(Credit.id).limit(2000)).all()
        db.session.close()
        from docs_service.accounts import operations as accounts
        with transaction():
            user = accounts.create_user(None, nombre="bench.auditor", roles=["auditor"], unidad="NC", password=None)
            _token, secret = accounts.create_token(None, user, descripcion="bench")
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}
        rng = random.Random(3)
        picks = [rng.choice(sample) for _ in range(lookups)]
        app_times, bare_times = {"nrp": [], "numero": []}, {"nrp": [], "numero": [], "nrp_count": []}
        bare_sql = {"nrp": text("SELECT c.* FROM creditos c WHERE c.patron_id = (SELECT id FROM patrones WHERE nrp = :v) "
                                "ORDER BY c.numero LIMIT 20"),
                    # what the API adds to the bare page: the list's total
                    "nrp_count": text("SELECT count(*) FROM creditos c "
                                      "WHERE c.patron_id = (SELECT id FROM patrones WHERE nrp = :v)"),
                    "numero": text("SELECT c.*, p.* FROM creditos c JOIN patrones p ON p.id = c.patron_id "
                                   "WHERE c.numero = :v")}
        engine = app.extensions["docs_engine"]
        with engine.connect() as conn:
            for nrp, numero in picks:
                for kind, value, url_ in (("nrp", nrp, f"/api/v1/creditos?nrp={nrp}"),
                                          ("numero", numero, f"/api/v1/creditos/{numero}")):
                    t0 = time.perf_counter()
                    response = client.get(url_, headers=headers)
                    app_times[kind].append(time.perf_counter() - t0)
                    assert response.status_code == 200, response.get_data(as_text=True)[:200]
                    t0 = time.perf_counter()
                    conn.execute(bare_sql[kind], {"v": value}).all()
                    bare_times[kind].append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                conn.execute(bare_sql["nrp_count"], {"v": nrp}).all()
                bare_times["nrp_count"].append(time.perf_counter() - t0)
        for kind in ("nrp", "numero"):
            out[f"lookup_{kind}_p95_ms"] = round(_p95(app_times[kind]) * 1000, 2)
            out[f"lookup_{kind}_bare_p95_ms"] = round(_p95(bare_times[kind]) * 1000, 3)
            out[f"lookup_{kind}_p50_ms"] = round(statistics.median(app_times[kind]) * 1000, 2)
            out[f"lookup_{kind}_bare_p50_ms"] = round(statistics.median(bare_times[kind]) * 1000, 3)
        out["lookup_nrp_bare_count_p95_ms"] = round(_p95(bare_times["nrp_count"]) * 1000, 3)
        biggest = Counter(nrp for nrp, _n in sample).most_common(1)[0][0]
        with app.app_context():
            out["lookup_biggest_patron_credits"] = db.session.scalar(
                select(func.count()).select_from(Credit).join(Patron, Credit.patron_id == Patron.id)
                .where(Patron.nrp == biggest))
    return out


def _p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def child_lookup(url: str, n: str, folder: str, lookups: str) -> dict:
    """Lookups over N credits on PostgreSQL, loaded by the fast bare path (not the service's import):
    the generator's rows COPied into the migrated `patrones` and `creditos` with their indexes
    dropped during the load and created again after it, then ANALYZE and VACUUM."""
    n, lookups = int(n), int(lookups)
    app = _app(url, folder)
    import psycopg
    from docs_service.credits.generator import credit_rows
    t0 = time.perf_counter()
    with app.app_context():
        from sqlalchemy import select
        from docs_service.accounts.models import Unit
        from docs_service.core.db import db
        units = dict(db.session.execute(select(Unit.clave, Unit.id)).all())
        db.session.close()
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    schema = dsn.rsplit("search_path%3D", 1)[1]
    patrones_tsv, creditos_tsv = Path(folder) / "patrones.tsv", Path(folder) / "creditos.tsv"
    ids, now = {}, "2026-06-30 12:00:00"
    with open(patrones_tsv, "w", encoding="utf-8") as pf, open(creditos_tsv, "w", encoding="utf-8") as cf:
        for i, r in enumerate(credit_rows(n, 11)):
            unit = units[r["subdelegacion"]]
            patron_id = ids.get(r["nrp"])
            if patron_id is None:
                patron_id = ids[r["nrp"]] = len(ids) + 1
                tipo = "F" if len(r["rfc"]) == 13 else "M"
                pf.write(f"{patron_id}\t{r['nrp']}\t{r['rfc']}\t{r['razon_social']}\t{tipo}\t{r['nrp'][8:10]}\t"
                         f"{r['nrp'][:3]}\t{unit}\tt\t{now}\n")
            cf.write("\t".join((str(i + 1), r["numero"], str(patron_id), str(unit), r["concepto"], r["td"], r["origen"],
                                r["periodo"], r["importe_historico"], r["actualizacion"], r["recargos"], r["multa"],
                                r["gastos_ejecucion"], r["importe_total"], r["saldo"], r["fecha_emision"],
                                r["fecha_notificacion"] or "\\N", r["fase"], "2026-06-30", "t", now, "1", "",
                                "f", "f", "f", "f")) + "\n")
    generated = time.perf_counter() - t0
    credit_cols = ("id, numero, patron_id, unidad_id, concepto, td, origen, periodo, importe_historico, actualizacion, "
                   "recargos, multa, gastos_ejecucion, importe_total, saldo, fecha_emision, fecha_notificacion, fase, "
                   "fase_desde, sintetico, creado, lock, observaciones, en_aclaracion, interes_fiscal_garantizado, "
                   "pae_suspendido, en_condonacion")
    patron_cols = "id, nrp, rfc, razon_social, tipo_persona, modalidad, municipio, unidad_id, sintetico, creado"
    t1 = time.perf_counter()
    with psycopg.connect(dsn) as conn:
        indexes = conn.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = %s "
                               "AND i.tablename IN ('patrones', 'creditos') AND NOT EXISTS (SELECT 1 FROM "
                               "pg_constraint c WHERE c.conname = i.indexname)", (schema,)).fetchall()
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{schema}"."{name}"')
        for table, cols, path in (("patrones", patron_cols, patrones_tsv), ("creditos", credit_cols, creditos_tsv)):
            with open(path, encoding="utf-8") as stream, conn.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                while block := stream.read(1 << 20):
                    copy.write(block)
        for _name, definition in indexes:
            conn.execute(definition)
        for table in ("patrones", "creditos"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.commit()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE patrones")
        conn.execute("VACUUM ANALYZE creditos")
    loaded = time.perf_counter() - t1
    patrones_tsv.unlink()
    creditos_tsv.unlink()
    out = {"credits": n, "patrones": len(ids), "load": "generator rows COPied into the migrated tables, indexes "
           "dropped during the load and created after (the fast bare path, not the service's import)",
           "generate_s": round(generated, 1), "copy_index_vacuum_s": round(loaded, 1)}
    out.update(_lookups(app, lookups))
    return out


def child_bare(url: str, credits: str) -> dict:
    """The baseline, in a fresh process: the same rows into a plain table (executemany / COPY)."""
    t0 = time.perf_counter()
    if url.startswith("sqlite"):
        import sqlite3
        conn = sqlite3.connect(url.split("///", 1)[1])
        with open(credits, encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream)
            cols = next(reader)
            conn.execute(f"CREATE TABLE bare_creditos ({', '.join(c + ' TEXT' for c in cols)})")
            conn.execute("CREATE UNIQUE INDEX bare_numero ON bare_creditos (numero)")
            t0, c0 = time.perf_counter(), time.process_time()
            conn.executemany(f"INSERT INTO bare_creditos VALUES ({', '.join('?' for _ in cols)})", reader)
            conn.commit()
        count = conn.execute("SELECT count(*) FROM bare_creditos").fetchone()[0]
    else:
        import psycopg
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn, \
                open(credits, encoding="utf-8", newline="") as stream:
            cols = stream.readline().strip().split(",")
            conn.execute(f"CREATE TABLE bare_creditos ({', '.join(c + ' TEXT' for c in cols)})")
            conn.execute("CREATE UNIQUE INDEX bare_numero ON bare_creditos (numero)")
            t0, c0 = time.perf_counter(), time.process_time()
            with conn.cursor().copy(f"COPY bare_creditos ({', '.join(cols)}) FROM STDIN WITH (FORMAT csv)") as copy:
                while block := stream.read(1 << 16):
                    copy.write(block)
            conn.commit()
            count = conn.execute("SELECT count(*) FROM bare_creditos").fetchone()[0]
    return {"bare_s": time.perf_counter() - t0, "bare_cpu_s": time.process_time() - c0, "bare_rows": count,
            "bare_peak_mb": _peak_mb()}


def _spawn(kind: str, *args) -> dict:
    result = subprocess.run([sys.executable, __file__, "--child", kind, *map(str, args)], cwd=ROOT,
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-2000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def _pg_schema(url: str, name: str) -> str:
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{name}"')
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{name}"


def _drop_pg_schema(url: str, name: str):
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def run_backend(backend: str, n: int, folder: Path, credits: Path, payments: Path, lookups: int) -> dict:
    if backend == "sqlite":
        app_url, bare_url = f"sqlite:///{folder}/app.db", f"sqlite:///{folder}/bare.db"
    else:
        tag = f"bench_{os.getpid()}"
        app_url, bare_url = _pg_schema(PG_URL, tag + "_app"), _pg_schema(PG_URL, tag + "_bare")
    try:
        service = _spawn("app", app_url, credits, payments, folder / f"inst-{backend}", lookups)
        bare = _spawn("bare", bare_url, credits)
        if backend == "sqlite":
            same_url = f"sqlite:///{folder}/same.db"
        else:
            same_url = _pg_schema(PG_URL, f"bench_{os.getpid()}_same")
        same = _spawn("same", same_url, folder / f"inst-{backend}", folder / f"same-{backend}")
    finally:
        if backend == "postgres":
            for part in ("app", "bare", "same"):
                _drop_pg_schema(PG_URL, f"bench_{os.getpid()}_{part}")
    import_rps = service["rows"] / service["import_s"]
    bare_rps = bare["bare_rows"] / bare["bare_s"]
    return {
        "backend": backend, "rows": service["rows"], "loaded": service["loaded"], "rejected": service["rejected"],
        "import_rows_per_s": round(import_rps), "baseline": "executemany" if backend == "sqlite" else "COPY",
        "baseline_rows_per_s": round(bare_rps), "import_vs_baseline_x": round(bare_rps / import_rps, 2),
        "goal_within_3x": bare_rps / import_rps <= 3,
        # In-process CPU seconds: steadier than wall time on a shared machine. On SQLite the database
        # work is in the process too; on PostgreSQL it is only the client's share.
        "import_cpu_s": round(service["import_cpu_s"], 2), "baseline_cpu_s": round(bare["bare_cpu_s"], 2),
        "import_vs_baseline_cpu_x": round(service["import_cpu_s"] / max(bare["bare_cpu_s"], 1e-6), 2)
        if backend == "sqlite" else None,
        # The same rows into the same tables (indexes, constraints, foreign keys) without the import's
        # work: what the import adds to storing them. The plain baseline above also leaves out the
        # real tables' cost.
        "same_tables_baseline": "executemany" if backend == "sqlite" else "COPY",
        "same_tables_rows": same["same_rows"],
        "same_tables_rows_per_s": round(same["same_rows"] / same["same_s"]),
        "import_vs_same_tables_x": round(same["same_rows"] / same["same_s"] / import_rps, 2),
        "import_vs_same_tables_cpu_x": round(service["import_cpu_s"] / max(same["same_cpu_s"], 1e-6), 2)
        if backend == "sqlite" else None,
        "within_3x_of_same_tables": same["same_rows"] / same["same_s"] / import_rps <= 3,
        "import_peak_mb": service["import_peak_mb"],
        "baseline_peak_mb": bare["bare_peak_mb"],
        "conciliation_rows": service["payments"], "conciliation_s": round(service["conciliation_s"], 2),
        "conciliation_rows_per_s": round(service["payments"] / service["conciliation_s"]),
        "conciliation": {"applied": service["applied"], "duplicates": service["duplicates"],
                         "unmatched": service["unmatched"]},
        **{k: v for k, v in service.items() if k.startswith("lookup_")},
    }


def run(n: int = DEFAULT_N, lookups: int = 200, paid: int | None = None, count: int | None = None,
        backends=("sqlite", "postgres")) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-creditos-") as tmp:
        folder = Path(tmp)
        credits, payments = _write_files(folder, n, paid, count)
        results = []
        for backend in backends:
            if backend == "sqlite" or PG_URL:
                results.append(run_backend(backend, n, folder, credits, payments, lookups))
    return {"benchmark": "credits", "n": n, "payments_over_first_n_credits": paid or n, "payments_rows": count,
            "results": results, "load_average": os.getloadavg(),
            "note": "PostgreSQL runs only with DOCS_SERVICE_BENCH_POSTGRES_URL set"}


def run_lookup(n: int, lookups: int) -> dict:
    """Lookup by NRP and by número over N credits on PostgreSQL (fast bare load, see child_lookup)."""
    if not PG_URL:
        return {"benchmark": "credits_lookup", "error": "needs DOCS_SERVICE_BENCH_POSTGRES_URL"}
    tag = f"bench_{os.getpid()}_lookup"
    with tempfile.TemporaryDirectory(prefix="bench-creditos-") as tmp:
        try:
            result = _spawn("lookup", _pg_schema(PG_URL, tag), n, tmp, lookups)
        finally:
            _drop_pg_schema(PG_URL, tag)
    return {"benchmark": "credits_lookup", "backend": "postgres", **result, "load_average": os.getloadavg()}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--pagos-de", type=int, dest="paid",
                        help="the payment file covers only the first N credits (conciliation of a smaller file)")
    parser.add_argument("--pagos", type=int, dest="count",
                        help="the payment file has exactly N rows (more passes over the credits, other folios)")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite, postgres or both (default)")
    parser.add_argument("--lookup-n", type=int, dest="lookup_n",
                        help="only the lookups, over N credits on PostgreSQL loaded by COPY (e.g. 3000000)")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        if kind == "app":
            result = child_app(rest[0], rest[1], rest[2], rest[3], int(rest[4]))
        else:
            result = {"lookup": child_lookup, "same": child_same_tables}.get(kind, child_bare)(*rest)
        print(json.dumps(result))
        return 0
    if args.lookup_n:
        print(json.dumps(run_lookup(args.lookup_n, args.lookups), indent=2, ensure_ascii=False))
        return 0
    print(json.dumps(run(args.n, args.lookups, args.paid, args.count, tuple(args.backends.split(","))), indent=2,
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
