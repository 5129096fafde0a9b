"""Batch emission (SECURITY J-52): a whole Subdelegación at a cut-off date, killed halfway with
SIGKILL, resumed by running the same command again: exactly one constancia per patrón, distinct
gapless folios, every PDF signed; running a finished batch again does nothing."""
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from docs_service.core.fechas import hoy
from tests.certification.helpers import scalar as _count
from tests.credits.helpers import load, row

N = 24


@pytest.mark.slow  # a SIGKILL and a resume of the CLI batch; test_lote_mil.py does it at 1,000, also slow
def test_batch_killed_halfway_resumes_without_duplicates_or_gaps(app, client, staff, db_url, tmp_path):
    load(client, staff["oscar"], [row(i) for i in range(1, N + 1)])
    env = {**os.environ, "DOCS_SERVICE_DATABASE_URL": db_url, "DOCS_SERVICE_INSTANCE": app.config["DOCS_INSTANCE"],
           "DOCS_SERVICE_SECRET_KEY": "x", "DOCS_SERVICE_PUBLIC_URL": "http://testserver"}
    command = [sys.executable, "-m", "docs_service.core.cli", "constancias", "emitir", "--unidad", "3301",
               "--fecha-corte", hoy().isoformat(), "--procesos", "2", "--bloque", "4"]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and first.poll() is None:
        if (_count(db_url, "SELECT count(*) FROM constancia_lote_items WHERE estado = 'emitido'") or 0) >= 4:
            first.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    first.wait(30)
    assert first.returncode == -signal.SIGKILL, first.stderr.read().decode()[-2000:]
    interrupted = _count(db_url, "SELECT count(*) FROM constancias")
    assert 4 <= interrupted < N

    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "Reanudando el lote" in second.stdout and f"{N} emitidas" in second.stdout
    assert _count(db_url, "SELECT count(*) FROM constancias") == N
    assert _count(db_url, "SELECT count(DISTINCT folio) FROM constancias") == N
    assert _count(db_url, "SELECT count(DISTINCT nrp) FROM constancias") == N
    assert _count(db_url, "SELECT max(consecutivo) - min(consecutivo) + 1 FROM constancias") == N  # no gaps
    assert _count(db_url, "SELECT count(*) FROM constancia_lote_items WHERE estado <> 'emitido'") == 0

    third = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert third.returncode == 0 and "ya terminó" in third.stdout
    assert _count(db_url, "SELECT count(*) FROM constancias") == N


def test_batch_pdfs_are_signed_and_verifiable(app, client, staff, runner, auth):
    from docs_service.certification.signing import validate_pdf
    load(client, staff["oscar"], [row(i) for i in range(1, 4)])
    result = runner.invoke(args=["constancias", "emitir", "--unidad", "3301", "--fecha-corte",
                                 hoy().isoformat(), "--procesos", "1"])
    assert result.exit_code == 0, result.output
    assert "3 emitidas" in result.output and "3 folios distintos" in result.output
    assert f"(3301 Mérida Norte, corte al {hoy():%d/%m/%Y})" in result.output  # a date as people write it
    listed = client.get("/api/v1/constancias", headers=auth(staff["oscar"])).get_json()
    assert listed["total"] == 3
    root = client.get("/firma/raiz.pem").data
    for item in listed["items"]:
        pdf = client.get(f"/api/v1/constancias/{item['folio']}/pdf", headers=auth(staff["oscar"])).data
        assert validate_pdf(pdf, root).ok
    unknown = runner.invoke(args=["constancias", "emitir", "--unidad", "9999", "--fecha-corte", "2026-01-01"])
    assert unknown.exit_code == 1 and "No existe la unidad 9999" in unknown.output


def _poll(client, url, token, until, timeout=240):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(url, headers={"Authorization": f"Bearer {token}"}).get_json()
        if until(state):
            return state
        time.sleep(0.2)
    return state


def test_batch_as_an_api_job_runs_in_a_detached_process_scoped_to_the_unit(app, client, staff, auth):
    """GIVEN a Subdelegación with patrones WHEN an operativo posts a lote THEN a process of its own (not
    the web server, which has no thread for it) emits it, the poll follows it, and another unit's
    operativo sees nothing."""
    from docs_service.certification import lotes
    load(client, staff["oscar"], [row(i) for i in range(1, 4)])
    body = {"unidad": "3301", "fecha_corte": hoy().isoformat()}
    assert client.post("/api/v1/constancias/lotes", json=body, headers=auth(staff["olga"])).status_code == 403
    threads = threading.active_count()
    started = client.post("/api/v1/constancias/lotes", json=body, headers=auth(staff["oscar"]))
    assert started.status_code == 202, started.get_json()
    url = started.headers["Location"]
    lote_id = started.get_json()["lote"]
    state = _poll(client, url, staff["oscar"], lambda s: s["estado"] == "terminado")
    assert state["estado"] == "terminado" and state["por_estado"] == {"emitido": 3} and state["folios_distintos"] == 3
    assert threading.active_count() <= threads + 1  # at most the thread that reaps the child
    pid = lotes.holder_pid(app, lote_id)
    assert pid is not None and pid != os.getpid() and not lotes.working(app, lote_id)
    assert client.get(url, headers=auth(staff["olga"])).status_code == 404
    again = client.post("/api/v1/constancias/lotes", json=body, headers=auth(staff["oscar"])).get_json()
    assert again["lote"] == state["lote"] and again["por_estado"] == {"emitido": 3}


@pytest.mark.slow  # 200 constancias, killed and resumed: half a minute a backend
def test_api_job_killed_halfway_is_resumed_by_the_next_poll(app, client, staff, auth, db_url):
    """GIVEN an API lote being emitted by its detached process WHEN that process group is killed with
    SIGKILL THEN the next poll starts a new one, which ends the lote with exactly one constancia per
    patrón and distinct, gapless folios (SECURITY J-52 through the API)."""
    from docs_service.certification import lotes
    n = 200  # enough for the kill to land halfway: a constancia costs a few milliseconds
    load(client, staff["oscar"], [row(i) for i in range(1, n + 1)])
    started = client.post("/api/v1/constancias/lotes", json={"unidad": "3301", "fecha_corte": hoy().isoformat()},
                          headers=auth(staff["oscar"]))
    assert started.status_code == 202, started.get_json()
    lote_id, url = started.get_json()["lote"], started.headers["Location"]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not (
            (_count(db_url, "SELECT count(*) FROM constancia_lote_items WHERE estado = 'emitido'") or 0) >= 1
            and lotes.working(app, lote_id)):
        time.sleep(0.05)
    first = lotes.holder_pid(app, lote_id)
    os.killpg(first, signal.SIGKILL)  # the runner and its pool: its own session, so its own group
    while lotes.working(app, lote_id):
        time.sleep(0.05)
    interrupted = _count(db_url, "SELECT count(*) FROM constancias")
    assert 1 <= interrupted < n
    state = _poll(client, url, staff["oscar"], lambda s: s["estado"] == "terminado")
    assert lotes.holder_pid(app, lote_id) != first
    assert state["estado"] == "terminado" and state["por_estado"] == {"emitido": n}, state
    assert state["folios_distintos"] == n
    assert _count(db_url, "SELECT count(*) FROM constancias") == n
    assert _count(db_url, "SELECT count(DISTINCT nrp) FROM constancias") == n
    assert _count(db_url, "SELECT max(consecutivo) - min(consecutivo) + 1 FROM constancias") == n


def test_batch_page_starts_the_lote_and_follows_it(app, client, staff, users, login):
    """GIVEN an operativo of 3301 WHEN it posts the lote form THEN it lands on the progress page, which
    refreshes itself until the detached process ends the lote; another unit's lote is not its own."""
    from tests.conftest import csrf_from
    load(client, staff["oscar"], [row(i) for i in range(1, 3)])
    users("opa", ["operativo"], "3301")
    login("opa")
    page = client.get("/constancias/lotes")
    assert page.status_code == 200 and 'value="3301"' in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    other = client.post("/constancias/lotes", data={"csrf_token": token, "unidad": "3333",
                                                     "fecha_corte": hoy().isoformat()})
    assert other.status_code == 403 and "su unidad" in other.get_data(as_text=True)
    bad = client.post("/constancias/lotes", data={"csrf_token": token, "unidad": "3301", "fecha_corte": "mañana"})
    assert bad.status_code == 422 and "AAAA-MM-DD" in bad.get_data(as_text=True)
    started = client.post("/constancias/lotes", data={"csrf_token": token, "unidad": "3301",
                                                       "fecha_corte": hoy().isoformat()})
    assert started.status_code == 303
    url = started.headers["Location"]
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        html = " ".join(client.get(url).get_data(as_text=True).split())
        if "Terminado" in html:
            break
        assert 'http-equiv="refresh"' in html and "<progress" in html
        time.sleep(0.3)
    assert "Terminado: 2 de 2" in html and "Folios distintos: 2" in html and 'http-equiv="refresh"' not in html
    assert "3301" in client.get("/constancias/lotes").get_data(as_text=True)
