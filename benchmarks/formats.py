"""Formats benchmarks, two workers each side.

formats_pdf: p50/p95 (per interleaved round: median and slowest of 8) of the service's whole request for a pre-filled PDF (POST
/api/v1/formatos/{id}/pdf: auth, validation, sandboxed template, shared renderer, download row)
with two server processes, against a bare WeasyPrint render of the same HTML (HTML(string) +
CSS(string) per call, as naive code would) in two worker processes, in the same run. Goal ≤ 1.2×.

formats_docx: pre-filled DOCX requests/s through the service (two server processes, two clients),
against docxtpl rendering the same template in-process (no checks), for reference."""
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "formatos" / "aclaracion-administrativa"
DATA = {"razon_social": "Comercializadora Peninsular del Sureste, S.A. de C.V.", "nrp": "A1234567101",
        "rfc": "GODE561231GR8", "domicilio": "Calle 60 número 512, Centro, Mérida, Yucatán",
        "creditos": [{"numero": f"25812345{i}", "periodo": "202504", "concepto": "RCV", "importe": "1500.50"}
                     for i in range(5)],
        "importe_total": "21031000.10", "motivo": "El pago del bimestre se realizó y no fue aplicado.",
        "fecha": "2026-11-30"}


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(port, path, token, body=None, **_):
    headers = {"Authorization": f"Bearer {token}"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read()


def _format_id(instance: str) -> int:
    code = ("from docs_service import create_app\nfrom docs_service.core.db import db\n"
            "from docs_service.documents.models import Document\nfrom sqlalchemy import select\n"
            "app = create_app()\nwith app.app_context():\n"
            "    print(db.session.scalar(select(Document.id).where(Document.clave == '9312-020-001')))\n")
    env = {**os.environ, "DOCS_SERVICE_INSTANCE": instance, "DOCS_SERVICE_LOG_LEVEL": "WARNING"}
    return int(subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True,
                              cwd=ROOT).stdout.strip().splitlines()[-1])


def _serve(port: int, instance: str) -> None:
    os.environ["DOCS_SERVICE_INSTANCE"] = instance
    os.environ["DOCS_SERVICE_LOG_LEVEL"] = "WARNING"
    from waitress import serve
    from docs_service import create_app
    serve(create_app(), host="127.0.0.1", port=port, threads=2, _quiet=True)


def _wait(port: int, token: str) -> None:
    for _ in range(300):
        try:
            _call(port, "/api/v1/formatos", token)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"el servidor en el puerto {port} no respondió")


def _drive(ports: list, path: str, token: str, body, per_worker: int) -> tuple[list, float]:
    """One client per worker, `per_worker` sequential requests each; latencies (ms) and wall time."""
    latencies, lock = [], threading.Lock()

    def client(port):
        for _ in range(per_worker):
            t0 = time.perf_counter()
            _call(port, path, token, body)
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)

    threads = [threading.Thread(target=client, args=(p,)) for p in ports]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, time.perf_counter() - start


def _page_html() -> str:
    from types import SimpleNamespace
    from docs_service.formats.fields import FormSchema
    from docs_service.formats.pdf import page_html
    meta = json.loads((FOLDER / "formato.json").read_text(encoding="utf-8"))
    schema = FormSchema.parse(meta["esquema"])
    spec = SimpleNamespace(schema=schema, plantilla_html=(FOLDER / "plantilla.html").read_text(encoding="utf-8"),
                           instructivo=meta["instructivo"])
    return page_html(spec, {"clave": meta["clave"], "titulo": meta["titulo"], "version": 1,
                            "vigente_desde": "01/12/2026"}, schema.validate(DATA).data, fillable=False)


def _bare_init():
    import weasyprint  # noqa: F401  (imported once per worker, like the service)


def _bare_render(html: str) -> float:
    import weasyprint
    from docs_service.core.pdf import BASE_CSS
    from docs_service.formats.pdf import FORM_CSS
    t0 = time.perf_counter()
    weasyprint.HTML(string=html).write_pdf(stylesheets=[weasyprint.CSS(string=BASE_CSS + FORM_CSS)])
    return (time.perf_counter() - t0) * 1000


def _pct(values: list, q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


def _with_service(run):
    with tempfile.TemporaryDirectory(prefix="bench-formatos-") as tmp:
        instance = str(Path(tmp) / "instance")
        env = {**os.environ, "DOCS_SERVICE_INSTANCE": instance, "DOCS_SERVICE_ADMIN_PASSWORD": "bench-admin-123",
               "DOCS_SERVICE_LOG_LEVEL": "WARNING"}
        cli = [sys.executable, "-m", "docs_service.core.cli"]
        for args in (["init"], ["demo"]):
            subprocess.run([*cli, *args], env=env, check=True, capture_output=True, cwd=ROOT)
        token = subprocess.run([*cli, "tokens", "create", "operativo.3301"], env=env, check=True,
                               capture_output=True, text=True, cwd=ROOT).stdout.strip().splitlines()[-1]
        fmt = _format_id(instance)
        ports = [_free_port(), _free_port()]
        procs = [subprocess.Popen([sys.executable, __file__, "serve", str(p), instance], cwd=ROOT) for p in ports]
        try:
            for p in ports:
                _wait(p, token)
            return run(ports, token, fmt)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=10)


def pdf(rounds: int = 5, per_worker: int = 4) -> dict:
    """Interleaved rounds (bare batch, then service batch) so both see the same machine load; the
    ratio reported is the median of the per-round ratios, beside the pooled percentiles."""
    html = _page_html()

    def run(ports, token, fmt):
        path = f"/api/v1/formatos/{fmt}/pdf"
        bare_all, service_all, ratios50, ratios95 = [], [], [], []
        with multiprocessing.get_context("spawn").Pool(2, initializer=_bare_init) as pool:
            pool.map(_bare_render, [html] * 4)  # warm up both bare workers
            _drive(ports, path, token, {"datos": DATA}, 2)  # and both service workers (imports, fonts, CSS)
            for _ in range(rounds):
                bare = pool.map(_bare_render, [html] * (2 * per_worker), chunksize=1)
                service = _drive(ports, path, token, {"datos": DATA}, per_worker)[0]
                bare_all += bare
                service_all += service
                ratios50.append(statistics.median(service) / statistics.median(bare))
                ratios95.append(max(service) / max(bare))
        return bare_all, service_all, ratios50, ratios95

    bare, service, ratios50, ratios95 = _with_service(run)
    ratio50, ratio95 = round(statistics.median(ratios50), 3), round(statistics.median(ratios95), 3)
    return {"benchmark": "formats_pdf", "workers": 2, "rounds": rounds, "requests": len(service),
            "service_ms": {"p50": _pct(service, 0.5), "p95": _pct(service, 0.95)},
            "bare_weasyprint_ms": {"p50": _pct(bare, 0.5), "p95": _pct(bare, 0.95)},
            "ratio_p50": ratio50, "ratio_p95": ratio95, "goal": "ratio_p95 <= 1.2", "met": ratio95 <= 1.2}


def docx(requests_per_worker: int = 40) -> dict:
    import io
    from docxtpl import DocxTemplate
    template = (FOLDER / "plantilla.docx").read_bytes()
    meta = json.loads((FOLDER / "formato.json").read_text(encoding="utf-8"))
    from docs_service.formats.fields import FormSchema
    from docs_service.formats.templating import context_for
    schema = FormSchema.parse(meta["esquema"])
    context = context_for(schema, schema.validate(DATA).data, {"clave": meta["clave"], "version": 1})
    t0 = time.perf_counter()
    for _ in range(requests_per_worker):
        doc = DocxTemplate(io.BytesIO(template))
        doc.render(context)
        doc.save(io.BytesIO())
    bare_rps = requests_per_worker / (time.perf_counter() - t0)

    def run(ports, token, fmt):
        path = f"/api/v1/formatos/{fmt}/docx"
        _drive(ports, path, token, {"datos": DATA}, 2)
        latencies, wall = _drive(ports, path, token, {"datos": DATA}, requests_per_worker)
        return latencies, wall

    latencies, wall = _with_service(run)
    rps = round(len(latencies) / wall, 1)
    return {"benchmark": "formats_docx", "workers": 2, "requests": len(latencies), "service_rps": rps,
            "service_ms": {"p50": _pct(latencies, 0.5), "p95": _pct(latencies, 0.95)},
            "bare_docxtpl_rps_one_process": round(bare_rps, 1)}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if sys.argv[1] == "serve":
        _serve(int(sys.argv[2]), sys.argv[3])
