"""Authenticated API read under the real server, against two baselines on the same server (waitress,
8 threads) with the same clients:

- `peer`: the app a careful engineer would write by hand for this one endpoint — bare Flask that
  authenticates the same bearer token (SHA-256, lookup of the token, its user and roles with
  `sqlite3`, the same checks: not revoked, not expired, active user), loads the same unit and
  `json.dumps` it. The fair baseline: same work, no framework of ours.
- `constant`: bare Flask returning the same bytes; it measures the absence of any work, so its ratio
  is a floor, not a goal.

Load comes from `wrk` when installed (a Python client saturates a core of its own on this machine
and then measures itself); otherwise from benchmarks/load.py, and the result says which."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PATH = "/api/v1/unidades/3301"
GOAL = 0.6  # service requests/s >= GOAL x peer requests/s
UNIT = "NC"  # the bench user's unit

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p95_us": %d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50), latency:percentile(95)))
end
"""


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
    subprocess.run([*cli, "users", "create", "bench", "--rol", "consultor", "--unidad", UNIT],
                   env=env, check=True, capture_output=True, cwd=ROOT)
    out = subprocess.run([*cli, "tokens", "create", "bench"], env=env, check=True, capture_output=True,
                         text=True, cwd=ROOT).stdout
    return out.strip().splitlines()[-1]


def peer_app(db_path: str):
    """The hand-written peer: same authentication and read, with sqlite3 and json.dumps."""
    import hashlib
    import sqlite3
    import threading
    from datetime import datetime, timezone

    from flask import Flask, Response, request

    app = Flask("peer")
    local = threading.local()

    def connection():
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = sqlite3.connect(db_path, timeout=15)
            conn.execute("PRAGMA busy_timeout=15000")
        return conn

    def error(status, message):
        return Response(json.dumps({"error": message}), status=status, mimetype="application/json")

    @app.get("/api/v1/unidades/<clave>")
    def unit(clave):
        scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return error(401, "token_invalido")
        digest = hashlib.sha256(secret.strip().encode("utf-8", "surrogatepass")).hexdigest()
        conn = connection()
        row = conn.execute("SELECT u.id, u.activo, t.revocado, t.expira FROM tokens_api t "
                           "JOIN usuarios u ON u.id = t.usuario_id WHERE t.token_hash = ?", (digest,)).fetchone()
        now = datetime.now(timezone.utc).replace(tzinfo=None).isoformat(" ")
        if row is None or row[2] is not None or (row[3] is not None and row[3] <= now) or not row[1]:
            return error(401, "token_invalido")
        roles = [r for (r,) in conn.execute("SELECT rol FROM usuario_roles WHERE usuario_id = ?", (row[0],))]
        if not roles:
            return error(403, "prohibido")
        found = conn.execute("SELECT clave, nombre, tipo, ooad_clave FROM unidades WHERE clave = ?",
                             (clave,)).fetchone()
        if found is None:
            return error(404, "no_encontrado")
        body = dict(zip(("clave", "nombre", "tipo", "ooad_clave"), found))
        return Response(json.dumps(body), mimetype="application/json")

    return app


def serve(kind: str, port: int, instance: str, body_file: str | None = None) -> None:
    """Server process entry point: the service, the peer, or a bare Flask app with a fixed body."""
    import logging

    from waitress import serve as waitress_serve
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" is the load itself
    if kind == "service":
        os.environ["DOCS_SERVICE_INSTANCE"] = instance
        os.environ["DOCS_SERVICE_LOG_LEVEL"] = "WARNING"
        from docs_service import create_app
        app = create_app()
    elif kind == "peer":
        app = peer_app(str(Path(instance) / "docs_service.db"))
    else:
        from flask import Flask, Response
        app = Flask("constant")
        body = Path(body_file).read_bytes()

        @app.get(PATH)
        def unit():
            return Response(body, mimetype="application/json")
    waitress_serve(app, host="127.0.0.1", port=port, threads=8, _quiet=True)


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux), to report CPU per request: unlike
    requests/s, it hardly moves when other work shares the machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wrk(port: int, headers: dict, clients: int, seconds: float, script: Path) -> dict:
    args = ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(script)]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, f"http://127.0.0.1:{port}{PATH}"], check=True, capture_output=True,
                         text=True).stdout
    stats = json.loads(re.search(r"^WRK (\{.*\})$", out, re.M).group(1))
    elapsed = stats["duration_us"] / 1e6
    return {"requests": stats["requests"], "rps": round(stats["requests"] / elapsed, 1),
            "p50_ms": round(stats["p50_us"] / 1000, 2), "p95_ms": round(stats["p95_us"] / 1000, 2),
            "errors": stats["errors"]}


def run(seconds: float = 60.0, clients: int = 8, rounds: int = 5) -> dict:
    from benchmarks.load import hammer
    wrk = shutil.which("wrk")
    with tempfile.TemporaryDirectory(prefix="bench-api-") as tmp:
        instance = str(Path(tmp) / "instance")
        token = _prepare(instance)
        headers = {"Authorization": f"Bearer {token}"}
        script = Path(tmp) / "report.lua"
        script.write_text(WRK_SCRIPT)
        procs, ports = {}, {}
        try:
            ports["service"] = _free_port()
            procs["service"] = subprocess.Popen([sys.executable, __file__, "service", str(ports["service"]),
                                                 instance], cwd=ROOT)
            body = _wait(ports["service"], PATH, headers)
            body_file = Path(tmp) / "body.json"
            body_file.write_bytes(body)
            for kind in ("peer", "constant"):
                ports[kind] = _free_port()
                procs[kind] = subprocess.Popen([sys.executable, __file__, kind, str(ports[kind]), instance,
                                                str(body_file)], cwd=ROOT)
            assert json.loads(_wait(ports["peer"], PATH, headers)) == json.loads(body)
            assert _wait(ports["constant"], PATH, {}) == body
            # Interleaved rounds, so that other load on the machine hits all three alike; each ratio
            # is taken within a round (adjacent runs), and the median round is reported.
            rounds_out = []
            for _ in range(rounds):
                measured = {}
                for kind in ("constant", "peer", "service"):
                    def load(duration):
                        if wrk:
                            return _wrk(ports[kind], headers, clients, duration, script)
                        return hammer(ports[kind], PATH, headers, clients, duration, warmup=0)
                    load(1)  # warm-up: connections, caches
                    cpu_before = _cpu_seconds(procs[kind].pid)
                    result = measured[kind] = load(seconds / rounds)
                    cpu_after = _cpu_seconds(procs[kind].pid)
                    if cpu_before is not None and cpu_after is not None and result["requests"]:
                        result["cpu_us_per_request"] = round((cpu_after - cpu_before) * 1e6 / result["requests"], 1)
                rounds_out.append(measured)
        finally:
            for proc in procs.values():
                proc.terminate()
                proc.wait(timeout=10)

    def ratio(a, b):
        return round(a / b, 3) if a is not None and b else None
    for measured in rounds_out:
        measured["vs_peer"] = ratio(measured["service"]["rps"], measured["peer"]["rps"])
    median = sorted(rounds_out, key=lambda m: m["vs_peer"] or 0)[len(rounds_out) // 2]
    service, peer, constant = median["service"], median["peer"], median["constant"]
    vs_peer = median["vs_peer"]
    return {"benchmark": "api_read", "path": PATH, "clients": clients, "seconds": seconds, "rounds": rounds,
            "load_client": "wrk (1 thread)" if wrk else "python (benchmarks/load.py)",
            "service": service, "peer": peer, "constant": constant,
            "ratio_rps_vs_peer": vs_peer, "ratio_rps_vs_constant": ratio(service["rps"], constant["rps"]),
            "ratio_p95_vs_peer": ratio(service["p95_ms"], peer["p95_ms"]),
            "ratio_cpu_vs_peer": ratio(peer.get("cpu_us_per_request"), service.get("cpu_us_per_request")),
            "ratio_rps_vs_peer_by_round": [m["vs_peer"] for m in rounds_out],
            "goal": f"ratio_rps_vs_peer >= {GOAL}", "met": vs_peer is not None and vs_peer >= GOAL,
            "body": json.loads(body)["clave"]}


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    serve(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
