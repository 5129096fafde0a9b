"""Batch emission killed halfway and resumed (issue 11, Done when; SECURITY J-52), end to end.

A Subdelegación (3301) with exactly N patrones; `docs-service constancias emitir --unidad 3301
--fecha-corte …` runs in a session of its own with its progress bar; once half the lote is emitted its
whole process group (the command and its pool workers) gets SIGKILL; the same command is run again and
resumes. The lote must end with exactly N constancias, N distinct folios, one per patrón, without gaps,
every PDF in the blob store with its hash.

`python benchmarks/lote_reanudable.py [--n 1000] [--database-url postgresql+psycopg://…/test]`
(SQLite file by default, or DOCS_SERVICE_BENCH_POSTGRES_URL; on PostgreSQL a schema of its own,
dropped at the end). Prints JSON; exits 1 when a check fails. Also the `slow` test
tests/certification/test_lote_mil.py, a step of its own in .ci/run."""
import argparse
import contextlib
import hashlib
import io
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORTE = date(2026, 6, 30)
UNIDAD = "3301"


def _app(folder: str, url: str):
    os.environ["DOCS_SERVICE_LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))
    from docs_service import create_app
    return create_app({"INSTANCE": folder, "DATABASE_URL": url, "SECRET_KEY": "bench",
                       "PUBLIC_URL": "https://normateca.example"})


def _exactly(rows, n: int):
    """The credit rows of the first n distinct patrones."""
    kept = set()
    for row in rows:
        if row["nrp"] not in kept and len(kept) < n:
            kept.add(row["nrp"])
        if row["nrp"] in kept:
            yield row


def prepare(folder: str, url: str, n: int) -> int:
    """Migrated database, catalog, seal, and exactly n patrones with credits in 3301."""
    app = _app(folder, url)
    from docs_service.accounts.operations import load_catalog
    from docs_service.certification.setup import init as seal_init
    from docs_service.core.db import db, transaction
    from docs_service.core.migrate import upgrade
    from docs_service.credits.generator import COLUMNS, credit_rows, write_csv
    from docs_service.credits.importer import import_credits
    from docs_service.credits.models import Patron
    from sqlalchemy import func, select, text
    with app.app_context():
        upgrade()
        with transaction() as session:
            if session.execute(text("SELECT count(*) FROM auditoria_cabeza")).scalar() == 0:
                session.execute(text("INSERT INTO auditoria_cabeza (id, ultimo_hash) VALUES (1, :h)"), {"h": "0" * 64})
            load_catalog()
            seal_init()
        csv = io.StringIO()
        write_csv(_exactly(credit_rows(n * 6, 11, units=(UNIDAD,)), n), COLUMNS, csv)
        with transaction():
            import_credits(None, io.BytesIO(csv.getvalue().encode()), "bench.csv")
        with transaction():
            count = db.session.scalar(select(func.count()).select_from(Patron))
    app.extensions["docs_engine"].dispose()
    return count


def _scalar(engine, sql: str):
    from sqlalchemy import text
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar()


def run(n: int, url: str | None, processes: int) -> dict:
    from sqlalchemy import create_engine, text
    folder = tempfile.mkdtemp(prefix="bench-lote-")
    schema = None
    if url:
        base = url
        schema = f"bench_lote_{secrets.token_hex(3)}"
        admin = create_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    else:
        url = f"sqlite:///{folder}/lote.db"
    try:
        with contextlib.redirect_stdout(sys.stderr):  # stdout is the JSON alone
            patrones = prepare(folder, url, n)
        env = {**os.environ, "DOCS_SERVICE_INSTANCE": folder, "DOCS_SERVICE_DATABASE_URL": url,
               "DOCS_SERVICE_SECRET_KEY": "bench", "DOCS_SERVICE_PUBLIC_URL": "https://normateca.example",
               "DOCS_SERVICE_LOG_LEVEL": "WARNING", "DOCS_SERVICE_LOTE_PROCESOS": str(processes)}
        command = [sys.executable, "-m", "docs_service.core.cli", "constancias", "emitir", "--unidad", UNIDAD,
                   "--fecha-corte", CORTE.isoformat()]
        engine = create_engine(url)
        emitted = "SELECT count(*) FROM constancia_lote_items WHERE estado = 'emitido'"

        t0 = time.perf_counter()
        with open(Path(folder) / "primera.txt", "wb") as out:
            first = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
            while first.poll() is None and (_scalar(engine, emitted) or 0) < patrones // 2:
                time.sleep(0.1)
            killed_at = _scalar(engine, emitted) or 0
            os.killpg(first.pid, signal.SIGKILL)  # the command and its pool workers, at once
            first.wait()
        first_s = time.perf_counter() - t0
        at_kill = {"emitidas": killed_at, "constancias": _scalar(engine, "SELECT count(*) FROM constancias"),
                   "asignadas": _scalar(engine, "SELECT count(*) FROM constancia_lote_items WHERE estado = 'asignado'")}

        t1 = time.perf_counter()
        second = subprocess.run(command, env=env, capture_output=True, text=True)
        resume_s = time.perf_counter() - t1
        output = (Path(folder) / "primera.txt").read_text(errors="replace") + second.stdout + second.stderr

        checks = {
            "patrones": patrones,
            "constancias": _scalar(engine, "SELECT count(*) FROM constancias"),
            "folios_distintos": _scalar(engine, "SELECT count(DISTINCT folio) FROM constancias"),
            "nrp_distintos": _scalar(engine, "SELECT count(DISTINCT nrp) FROM constancias"),
            "rango_de_folios": _scalar(engine, "SELECT max(consecutivo) - min(consecutivo) + 1 FROM constancias"),
            "items_sin_emitir": _scalar(engine, "SELECT count(*) FROM constancia_lote_items WHERE estado <> 'emitido'"),
            "lote_estado": _scalar(engine, "SELECT estado FROM constancia_lotes"),
        }
        blobs = Path(folder) / "blobs"
        with engine.connect() as conn:
            hashes = [r[0] for r in conn.execute(text("SELECT sha256 FROM constancias"))]
        missing = 0
        for digest in hashes:  # core.storage's layout: blobs/ab/cd/abcd…
            path = blobs / digest[:2] / digest[2:4] / digest
            if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
                missing += 1
        checks["pdfs_faltantes_o_alterados"] = missing
        engine.dispose()
        ok = (second.returncode == 0 and first.returncode == -signal.SIGKILL and 0 < at_kill["constancias"] < n
              and checks["patrones"] == checks["constancias"] == checks["folios_distintos"] == checks["nrp_distintos"]
              == checks["rango_de_folios"] == n and checks["items_sin_emitir"] == 0 and missing == 0
              and checks["lote_estado"] == "terminado")
        return {"benchmark": "lote_reanudable", "n": n, "database": "postgresql" if schema else "sqlite",
                "processes": processes, "ok": ok, "killed_after_s": round(first_s, 1), "at_kill": at_kill,
                "resume_s": round(resume_s, 1), "resumed": "Reanudando el lote" in second.stdout,
                "progress_bar": "Emitiendo" in output, "docs_per_s_resume": round((n - at_kill["constancias"]) / resume_s, 2),
                **checks, "load_avg": os.getloadavg()[0]}
    finally:
        if schema:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def bench() -> list[dict]:
    """`benchmarks/run.py lote_reanudable`: SQLite, and PostgreSQL when DOCS_SERVICE_BENCH_POSTGRES_URL is set."""
    n = int(os.environ.get("DOCS_SERVICE_BENCH_LOTE_N", "1000"))
    urls = [None] + ([os.environ["DOCS_SERVICE_BENCH_POSTGRES_URL"]] if os.environ.get("DOCS_SERVICE_BENCH_POSTGRES_URL") else [])
    return [run(n, url, 0) for url in urls]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=int(os.environ.get("DOCS_SERVICE_BENCH_LOTE_N", "1000")))
    parser.add_argument("--database-url", default=os.environ.get("DOCS_SERVICE_BENCH_POSTGRES_URL", ""))
    parser.add_argument("--procesos", type=int, default=0, help="worker processes (0: one per core)")
    args = parser.parse_args(argv)
    result = run(args.n, args.database_url or None, args.procesos)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
