"""Authenticated API read under the real server vs a bare Flask app returning the same JSON."""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATH = "/api/v1/unidades/3301"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, path: str, headers: dict) -> bytes:
    for _ in range(200):
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
            with urllib.request.urlopen(request, timeout=2) as response:
                return response.read()
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"el servidor en el puerto {port} no respondió")


def _prepare(instance: str) -> str:
    """init + a consultor with a token, through the real CLI; returns the token."""
    env = {**os.environ, "DOCS_SERVICE_INSTANCE": instance, "DOCS_SERVICE_ADMIN_PASSWORD": "bench-admin-123"}
    cli = [sys.executable, "-m", "docs_service.core.cli"]
    subprocess.run([*cli, "init"], env=env, check=True, capture_output=True, cwd=ROOT)
    subprocess.run([*cli, "users", "create", "bench", "--rol", "consultor", "--unidad", "09"],
                   env=env, check=True, capture_output=True, cwd=ROOT)
    out = subprocess.run([*cli, "tokens", "create", "bench"], env=env, check=True, capture_output=True,
                         text=True, cwd=ROOT).stdout
    return out.strip().splitlines()[-1]


def serve(kind: str, port: int, instance: str, body_file: str | None = None) -> None:
    """Server process entry point: the service, or a bare Flask app with a fixed JSON body."""
    from waitress import serve as waitress_serve
    if kind == "service":
        os.environ["DOCS_SERVICE_INSTANCE"] = instance
        os.environ["DOCS_SERVICE_LOG_LEVEL"] = "WARNING"
        from docs_service import create_app
        app = create_app()
    else:
        from flask import Flask, Response
        app = Flask("bare")
        body = Path(body_file).read_bytes()

        @app.get(PATH)
        def unit():
            return Response(body, mimetype="application/json")
    waitress_serve(app, host="127.0.0.1", port=port, threads=8, _quiet=True)


def run(seconds: float = 5.0, clients: int = 8) -> dict:
    from benchmarks.load import hammer
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        instance = str(Path(tmp) / "instance")
        token = _prepare(instance)
        headers = {"Authorization": f"Bearer {token}"}
        procs = []
        try:
            port = _free_port()
            procs.append(subprocess.Popen([sys.executable, __file__, "service", str(port), instance], cwd=ROOT))
            body = _wait(port, PATH, headers)
            body_file = Path(tmp) / "body.json"
            body_file.write_bytes(body)
            bare_port = _free_port()
            procs.append(subprocess.Popen([sys.executable, __file__, "bare", str(bare_port), instance,
                                           str(body_file)], cwd=ROOT))
            assert _wait(bare_port, PATH, {}) == body
            bare = hammer(bare_port, PATH, headers, clients, seconds)
            service = hammer(port, PATH, headers, clients, seconds)
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=10)
    ratio = round(service["rps"] / bare["rps"], 3) if bare["rps"] else None
    return {"benchmark": "api_read", "path": PATH, "clients": clients, "seconds": seconds,
            "service": service, "bare_flask": bare, "ratio_rps": ratio,
            "ratio_p95": round(service["p95_ms"] / bare["p95_ms"], 3) if bare["p95_ms"] else None,
            "goal": "ratio_rps >= 0.7", "met": ratio is not None and ratio >= 0.7,
            "body": json.loads(body)["clave"]}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    serve(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
