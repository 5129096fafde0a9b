"""Normateca benchmarks.

upload_docx: upload-and-extract of a 300-page DOCX manual through the API (checks, section
extraction, blob write, rows) vs python-docx merely opening it and reading every paragraph; each in
a fresh process, with time and peak memory.

catalog_vigente_al: `GET /api/v1/documentos?vigente_al=D` over 10,000 documents x 5 versions vs
the plain listing (`GET /api/v1/documentos`, versions in force today), p95 of each in one run."""
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_manual_docx(pages: int = 300, paragraphs_per_page: int = 12) -> bytes:
    """A synthetic manual: numbered sections, sub-items and body text (~12 paragraphs a page)."""
    from docx import Document
    rng = random.Random(7)
    words = ("el notificador deberá levantar acta de la diligencia en el domicilio fiscal del patrón con "
             "los créditos fiscales cédula de liquidación plazo días hábiles subdelegación cobranza").split()
    document = Document()
    document.add_heading("Manual de procedimientos de cobranza (sintético)", level=1)
    for page in range(1, pages + 1):
        document.add_paragraph(f"{page}. Sección {page} del procedimiento")
        for item in range(1, paragraphs_per_page - 1):
            text = " ".join(rng.choice(words) for _ in range(45)).capitalize() + "."
            prefix = f"{page}.{item} " if item % 3 == 1 else ""
            document.add_paragraph(prefix + text)
        document.add_paragraph("a) " + " ".join(rng.choice(words) for _ in range(20)) + ".")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _child(kind: str, path: str) -> dict:
    """Runs in a fresh process; prints timing and memory of one operation."""
    data = Path(path).read_bytes()
    if kind == "python_docx":
        from docx import Document
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        count = sum(1 for p in Document(io.BytesIO(data)).paragraphs if p.text is not None)
        elapsed = time.perf_counter() - t0
        extra = {"paragraphs": count}
    else:
        tmp = tempfile.mkdtemp(prefix="bench-upload-")
        os.environ["DOCS_SERVICE_INSTANCE"] = tmp
        os.environ["DOCS_SERVICE_LOG_LEVEL"] = "WARNING"
        os.environ["DOCS_SERVICE_MAX_CONTENT_LENGTH"] = str(100 * 1024 * 1024)
        from docs_service import create_app
        from docs_service.accounts import operations as accounts
        from docs_service.core.db import transaction
        from docs_service.core.migrate import upgrade
        app = create_app()
        with app.app_context():
            upgrade()
            with transaction():
                accounts.load_catalog()
                user = accounts.create_user(None, nombre="bench", roles=["normativo"], unidad="NC")
                _token, secret = accounts.create_token(None, user)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {secret}"}
        doc = client.post("/api/v1/documentos", headers=headers, json={
            "clave": "9312-003-999", "titulo": "Manual", "tipo": "manual_procedimientos", "area": "X"}).get_json()["id"]
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.perf_counter()
        response = client.post(f"/api/v1/documentos/{doc}/versiones", headers=headers, content_type="multipart/form-data",
                               data={"resumen": "bench", "archivo": (io.BytesIO(data), "manual.docx")})
        elapsed = time.perf_counter() - t0
        assert response.status_code == 201, response.get_json()
        extra = {"sections": response.get_json()["secciones"]}
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"seconds": round(elapsed, 3), "peak_rss_mb": round(rss1 / 1024, 1),
            "rss_growth_mb": round((rss1 - rss0) / 1024, 1), **extra}


def _run_child(kind: str, path: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "child", kind, path], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def upload_docx(pages: int = 300, repeat: int = 3) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "manual.docx"
        path.write_bytes(make_manual_docx(pages))
        runs = {kind: [_run_child(kind, str(path)) for _ in range(repeat)] for kind in ("python_docx", "service")}
        size = path.stat().st_size
    best = {kind: min(r, key=lambda x: x["seconds"]) for kind, r in runs.items()}
    ratio = round(best["service"]["seconds"] / best["python_docx"]["seconds"], 2)
    return {"benchmark": "upload_docx", "pages": pages, "docx_bytes": size, "service": best["service"],
            "python_docx_read": best["python_docx"], "ratio_time": ratio, "goal": "ratio_time <= 3", "met": ratio <= 3}


def _populate(app, documents: int, versions: int) -> None:
    """Bulk rows for the catalog benchmark: every document has `versions` published versions with
    consecutive vigencias (the last one open), some abrogated."""
    from sqlalchemy import insert

    from docs_service.accounts import operations as accounts
    from docs_service.core.db import db, transaction
    from docs_service.documents.models import Document, Version
    with app.app_context(), transaction():
        accounts.load_catalog()
        user = accounts.create_user(None, nombre="bench", roles=["consultor"], unidad="NC")
        start = date(2015, 1, 1)
        docs, vers = [], []
        for i in range(1, documents + 1):
            abrogated = start + timedelta(days=3650) if i % 20 == 0 else None
            docs.append({"id": i, "clave": f"{9000 + i // 1000:04d}-{i % 1000:03d}-{i % 7:03d}", "titulo": f"Documento {i}",
                         "tipo": "instructivo", "area": "División", "fundamento": "", "palabras_clave": "",
                         "abrogado_desde": abrogated, "creado_por_id": user.id, "lock": 1})
            for n in range(1, versions + 1):
                desde = start + timedelta(days=(n - 1) * 600 + i % 300)
                hasta = None if n == versions else start + timedelta(days=n * 600 + i % 300 - 1)
                vers.append({"documento_id": i, "numero": n, "estado": "publicado" if n == versions else "sustituido",
                             "sha256": "0" * 64, "nombre_archivo": "x.md", "tipo_archivo": "md", "tamano": 1,
                             "resumen": "", "autor_id": user.id, "vigente_desde": desde, "vigente_hasta": hasta,
                             "lock": 1})
        db.session.execute(insert(Document), docs)
        db.session.execute(insert(Version), vers)
        _token, secret = accounts.create_token(None, user)
    app.config["BENCH_TOKEN"] = secret


def _p95(samples):
    ordered = sorted(samples)
    return round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2)


def catalog_vigente_al(documents: int = 10000, versions: int = 5, requests: int = 200) -> dict:
    os.environ["DOCS_SERVICE_LOG_LEVEL"] = "WARNING"
    from docs_service import create_app
    from docs_service.core.migrate import upgrade
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as tmp:
        app = create_app({"INSTANCE": tmp, "SECRET_KEY": "bench"})
        with app.app_context():
            upgrade()
        _populate(app, documents, versions)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {app.config['BENCH_TOKEN']}"}
        rng = random.Random(11)
        timings = {"plain": [], "vigente_al": []}
        for i in range(requests + 20):
            page = rng.randint(1, documents // 50)
            day = date(2015, 1, 1) + timedelta(days=rng.randint(0, 3650))
            for kind, url in (("plain", f"/api/v1/documentos?pagina={page}&por_pagina=50"),
                              ("vigente_al", f"/api/v1/documentos?vigente_al={day}&pagina={page}&por_pagina=50")):
                t0 = time.perf_counter()
                response = client.get(url, headers=headers)
                elapsed = time.perf_counter() - t0
                assert response.status_code == 200
                if i >= 20:  # warm-up excluded
                    timings[kind].append(elapsed)
        app.extensions["docs_engine"].dispose()
    plain, dated = _p95(timings["plain"]), _p95(timings["vigente_al"])
    ratio = round(dated / plain, 3)
    return {"benchmark": "catalog_vigente_al", "documents": documents, "versions_each": versions,
            "requests": requests, "plain_listing": {"p95_ms": plain, "p50_ms": round(statistics.median(timings["plain"]) * 1000, 2)},
            "vigente_al": {"p95_ms": dated, "p50_ms": round(statistics.median(timings["vigente_al"]) * 1000, 2)},
            "ratio_p95": ratio, "goal": "ratio_p95 <= 1.5", "met": ratio <= 1.5}


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "child":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(_child(sys.argv[2], sys.argv[3])))
