"""Constancias de situación, batch of N: the naive pipeline vs the service's batch emission.

(a) naive, per document: the same data and HTML, a fresh `weasyprint.HTML(...).write_pdf()` (CSS
    parsed again, default font configuration) and a fresh pyHanko signature (`signers.sign_pdf`, which
    sizes the CMS with a dry-run signature first); one process. Nothing is stored.
(b) the service: `docs-service constancias emitir` as the code runs it (batch.run): data, cadena and
    sello, QR, render, PAdES, blob, registry rows, audit, in worker processes (one per core).

Each side runs in a fresh process over the same database of synthetic patrones (Subdelegación 3301)
and reports documents/s, CPU-ms per document (its own process plus its workers) and peak RSS.
`python benchmarks/constancias.py [--n 200]`; prints JSON with `ratio` = (b) docs/s ÷ (a) docs/s."""
import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_N = int(os.environ.get("DOCS_SERVICE_BENCH_CONSTANCIAS_N", "200"))
CORTE = date(2026, 6, 30)


def _app(folder: str):
    os.environ["DOCS_SERVICE_LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))
    from docs_service import create_app
    return create_app({"INSTANCE": folder, "DATABASE_URL": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "bench",
                       "PUBLIC_URL": "https://normateca.example"})


def prepare(folder: str, n: int) -> int:
    """Database, catalog, seal, and about n patrones with credits in 3301. Returns the patrones."""
    import io
    app = _app(folder)
    from docs_service.certification.setup import init as seal_init
    from docs_service.core.db import db, transaction
    from docs_service.core.migrate import upgrade
    from docs_service.credits.generator import COLUMNS, credit_rows, write_csv
    from docs_service.credits.importer import import_credits
    from docs_service.credits.models import Patron
    from sqlalchemy import func, select
    with app.app_context():
        upgrade()
        from docs_service.accounts.operations import load_catalog
        with transaction():
            load_catalog()
            seal_init()
        text = io.StringIO()
        write_csv(credit_rows(n * 4, 7, units=("3301",)), COLUMNS, text)
        with transaction():
            import_credits(None, io.BytesIO(text.getvalue().encode()), "bench.csv")
        with transaction():
            return db.session.scalar(select(func.count()).select_from(Patron))


def _cpu_s() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _own_cpu_s() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _peaks() -> dict:
    return {"peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}


def naive(folder: str, limit: int) -> dict:
    import io
    app = _app(folder)
    from docs_service.certification import collectors, credit_reads
    from docs_service.certification.kinds import kinds_of
    from docs_service.certification.operations import new_code
    from docs_service.certification.pipeline import Job, Producer
    from docs_service.certification.signing import FOLDER, SigningConfig
    from docs_service.core.db import transaction
    from docs_service.credits.models import Patron
    from sqlalchemy import select
    with app.app_context():
        import weasyprint
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers
        seal = Path(folder) / FOLDER
        signer = signers.SimpleSigner.load(str(seal / "sello_key.pem"), str(seal / "sello.pem"),
                                           ca_chain_files=(str(seal / "ca.pem"),))
        producer = Producer.from_settings(app.config["DOCS_CERTIFICACIONES_DIR"], app.config["DOCS_PUBLIC_URL"],
                                          SigningConfig.from_app(app))
        kind = kinds_of(app)["situacion_creditos"]
        from docs_service.core.pdf import BASE_CSS
        # One document per render: its page count is the whole document's.
        css = BASE_CSS + producer.css.replace("string(documento-paginas)", "counter(pages)")
        with transaction() as session:
            patrones = session.scalars(select(Patron).order_by(Patron.nrp).limit(limit)).all()
        t0, c0 = time.perf_counter(), _cpu_s()
        for i, patron in enumerate(patrones, 1):
            with transaction():
                collected = collectors.situacion_for(patron, CORTE, credit_reads.credits_at(patron, CORTE))
            job = Job("situacion_creditos", kind.folio(2026, i), new_code(), __import__("docs_service.core.db",
                      fromlist=["utcnow"]).utcnow().replace(microsecond=0), CORTE, "3301", "Mérida Norte",
                      collected.rfc, collected.nrp, collected.datos)
            from docs_service.certification import cadena
            cad = cadena.build(tipo=job.tipo, folio=job.folio, emitida=job.emitida, fecha_corte=CORTE, unidad="3301",
                               rfc=job.rfc, nrp=job.nrp, plantilla=kind.plantilla,
                               serie_certificado=producer.material.serial, datos=job.datos)
            body = producer.html(job, cad, producer.material.sello(cad))
            html = (f'<!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8"><title>{kind.titulo} {job.folio}'
                    f'</title><style>{css}</style></head><body>{body}</body></html>')
            pdf = weasyprint.HTML(string=html).write_pdf()
            out = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)),
                                   signers.PdfSignatureMetadata(field_name="Sello", md_algorithm="sha256"),
                                   signer=signer)
            assert out.getvalue()[:5] == b"%PDF-"
        elapsed, cpu = time.perf_counter() - t0, _cpu_s() - c0
    return {"docs": len(patrones), "seconds": round(elapsed, 2), "docs_per_s": round(len(patrones) / elapsed, 2),
            "cpu_ms_per_doc": round(cpu * 1000 / len(patrones), 1), **_peaks()}


def service(folder: str, processes: int) -> dict:
    app = _app(folder)
    from docs_service.certification import batch
    from docs_service.core.db import transaction
    with app.app_context():
        with transaction():
            lote, _ = batch.find_or_create(None, "3301", CORTE)
            lote_id = lote.id
        import weasyprint  # noqa: F401  (imports outside the clock on both sides, as naive does)
        from pyhanko.sign import signers  # noqa: F401
        t0, c0, p0 = time.perf_counter(), _cpu_s(), _own_cpu_s()
        batch.run(lote_id, processes=processes)
        elapsed, cpu, parent = time.perf_counter() - t0, _cpu_s() - c0, _own_cpu_s() - p0
        with transaction():
            status = batch.status(lote_id)
    docs = status["por_estado"].get("emitido", 0)
    return {"docs": docs, "distinct_folios": status["folios_distintos"], "processes": processes,
            "seconds": round(elapsed, 2), "docs_per_s": round(docs / elapsed, 2),
            "cpu_ms_per_doc": round(cpu * 1000 / docs, 1), "parent_cpu_ms_per_doc": round(parent * 1000 / docs, 1),
            **_peaks()}


def _child(mode: str, folder: str, arg: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", mode, "--folder", folder, "--arg", str(arg)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(n: int = DEFAULT_N) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-constancias-") as folder:
        patrones = _child("prepare", folder, n)["patrones"]
        b = _child("service", folder, len(os.sched_getaffinity(0)))
        a = _child("naive", folder, patrones)  # the same patrones, one by one
    return {"benchmark": "constancias", "patrones": patrones, "naive": a, "service": b,
            "ratio": round(b["docs_per_s"] / a["docs_per_s"], 2),
            "cpu_ratio": round(a["cpu_ms_per_doc"] / b["cpu_ms_per_doc"], 2), "goal": "ratio >= 10"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=DEFAULT_N)
    parser.add_argument("--child")
    parser.add_argument("--folder")
    parser.add_argument("--arg", type=int, default=0)
    args = parser.parse_args()
    if args.child == "prepare":
        print(json.dumps({"patrones": prepare(args.folder, args.arg)}))
    elif args.child == "naive":
        print(json.dumps(naive(args.folder, args.arg)))
    elif args.child == "service":
        print(json.dumps(service(args.folder, args.arg)))
    else:
        print(json.dumps(run(args.n), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
