"""Créditos benchmarks (DOMAIN.md §8 synthetic data, generated before timing).

credits_import: `import_credits` (validation, patrones, credits, one transaction, streamed) of N
rows on SQLite, and on PostgreSQL when DOCS_SERVICE_BENCH_POSTGRES_URL is set, vs the bare baseline
of the same run: the same CSV rows parsed with `csv` and inserted with `executemany` (SQLite) or
`COPY` (PostgreSQL) into a table with the CSV's columns and a unique index on número. Rows/s of
each, ratio, and the peak RSS of each process (streaming: flat in N).

credits_conciliation: a PROCESAR-like file paying ~60 % of those credits (1 % duplicated, 2 % with
no credit), imported and conciliated by `import_payments`: rows/s.

credits_lookup: p95 of `GET /api/v1/creditos?nrp=…` and `GET /api/v1/creditos/{numero}` (auditor,
through the whole app) vs the bare indexed SELECT of the same rows.

Size: `python benchmarks/credits.py --n 1000000` (default 10,000, or DOCS_SERVICE_BENCH_CREDITS_N);
`--pagos-de 100000` makes the payment file cover only the first 100,000 credits."""
import argparse
import csv
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


def _write_files(folder: Path, n: int, paid: int | None = None):
    sys.path.insert(0, str(ROOT))
    from docs_service.credits.generator import COLUMNS, PAYMENT_COLUMNS, credit_rows, payment_rows, write_csv
    credits, payments = folder / "creditos.csv", folder / "pagos.csv"
    with open(credits, "w", encoding="utf-8", newline="") as stream:
        write_csv(credit_rows(n, 11), COLUMNS, stream)
    with open(payments, "w", encoding="utf-8", newline="") as stream:
        write_csv(payment_rows(itertools.islice(credit_rows(n, 11), paid or n), 11), PAYMENT_COLUMNS, stream)
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
        t0 = time.perf_counter()
        with transaction(), open(payments, "rb") as stream:
            record = import_payments(None, stream, "pagos.csv", "procesar")
        out["conciliation_s"] = time.perf_counter() - t0
        out["payments"] = record.filas
        out["applied"], out["duplicates"], out["unmatched"] = record.aplicados, record.duplicados, record.sin_credito
        from sqlalchemy import select, text
        from docs_service.credits.models import Credit, Patron
        sample = db.session.execute(select(Patron.nrp, Credit.numero).join(Credit, Credit.patron_id == Patron.id)
                                    .limit(2000)).all()
        db.session.close()
        from docs_service.accounts import operations as accounts
        with transaction():
            user = accounts.create_user(None, nombre="bench.auditor", roles=["auditor"], unidad="NC", password=None)
            _token, secret = accounts.create_token(None, user, descripcion="bench")
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}
        rng = random.Random(3)
        picks = [rng.choice(sample) for _ in range(lookups)]
        app_times, bare_times = {"nrp": [], "numero": []}, {"nrp": [], "numero": []}
        bare_sql = {"nrp": text("SELECT c.* FROM creditos c JOIN patrones p ON p.id = c.patron_id WHERE p.nrp = :v "
                                "ORDER BY c.numero LIMIT 20"),
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
        for kind in ("nrp", "numero"):
            out[f"lookup_{kind}_p95_ms"] = round(_p95(app_times[kind]) * 1000, 2)
            out[f"lookup_{kind}_bare_p95_ms"] = round(_p95(bare_times[kind]) * 1000, 3)
    return out


def _p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


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
    finally:
        if backend == "postgres":
            _drop_pg_schema(PG_URL, f"bench_{os.getpid()}_app")
            _drop_pg_schema(PG_URL, f"bench_{os.getpid()}_bare")
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
        "import_peak_mb": service["import_peak_mb"],
        "baseline_peak_mb": bare["bare_peak_mb"],
        "conciliation_rows": service["payments"], "conciliation_s": round(service["conciliation_s"], 2),
        "conciliation_rows_per_s": round(service["payments"] / service["conciliation_s"]),
        "conciliation": {"applied": service["applied"], "duplicates": service["duplicates"],
                         "unmatched": service["unmatched"]},
        **{k: v for k, v in service.items() if k.startswith("lookup_")},
    }


def run(n: int = DEFAULT_N, lookups: int = 200, paid: int | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-creditos-") as tmp:
        folder = Path(tmp)
        credits, payments = _write_files(folder, n, paid)
        results = [run_backend("sqlite", n, folder, credits, payments, lookups)]
        if PG_URL:
            results.append(run_backend("postgres", n, folder, credits, payments, lookups))
    return {"benchmark": "credits", "n": n, "payments_over_first_n_credits": paid or n, "results": results,
            "note": "PostgreSQL runs only with DOCS_SERVICE_BENCH_POSTGRES_URL set"}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=DEFAULT_N)
    parser.add_argument("--lookups", type=int, default=200)
    parser.add_argument("--pagos-de", type=int, dest="paid",
                        help="the payment file covers only the first N credits (conciliation of a smaller file)")
    parser.add_argument("--child", nargs="+")
    args = parser.parse_args(argv)
    if args.child:
        kind, *rest = args.child
        result = child_app(rest[0], rest[1], rest[2], rest[3], int(rest[4])) if kind == "app" else child_bare(*rest)
        print(json.dumps(result))
        return 0
    print(json.dumps(run(args.n, args.lookups, args.paid), indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
