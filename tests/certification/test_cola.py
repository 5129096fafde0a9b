"""Batch emission on the scale-out's task queue (procrastinate on PostgreSQL): an API lote is cut into
block jobs that several `docs-service constancias trabajador` processes take; a worker killed with
SIGKILL in the middle of a block loses nothing — its job is sent back to the queue once its heartbeat
stops — and the lote ends with exactly one constancia per patrón. Runs where
DOCS_SERVICE_TEST_POSTGRES_URL is set (CI sets it)."""
import os
import signal
import subprocess
import sys
import time
from docs_service.core.fechas import hoy

import pytest
from sqlalchemy import create_engine, text

from tests.certification.helpers import scalar as _count
from tests.credits.helpers import load, row

N = 48  # three blocks of 16
BLOCKS = "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'constancias:emitir_bloque'"


def _rows(url, sql):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql))]
    finally:
        engine.dispose()


def _worker(env, log):
    with open(log, "ab") as out:
        return subprocess.Popen([sys.executable, "-m", "docs_service.core.cli", "constancias", "trabajador"],
                                env={**env, "DOCS_SERVICE_LOG_LEVEL": "INFO"}, stdout=out, stderr=out,
                                start_new_session=True)


def _wait(what, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if what():
            return True
        time.sleep(step)
    return False


@pytest.mark.slow  # three worker processes, one killed, its block retried after the heartbeat: ~30 s
@pytest.mark.backends("postgres")  # procrastinate needs PostgreSQL
def test_lote_on_procrastinate_workers_survives_a_killed_worker(backend, make_app, staff, auth, db_url, tmp_path):
    from docs_service.certification import cola, lotes
    app = make_app(LOTE_COLA="procrastinate")
    client = app.test_client()
    with app.app_context():
        cola.ensure_schema(app)
    engine = create_engine(db_url)
    with engine.begin() as conn:  # jobs left by earlier tests of this schema
        conn.execute(text("TRUNCATE procrastinate_jobs, procrastinate_workers, procrastinate_periodic_defers "
                          "RESTART IDENTITY CASCADE"))
    engine.dispose()
    load(client, staff["oscar"], [row(i) for i in range(1, N + 1)])
    started = client.post("/api/v1/constancias/lotes", json={"unidad": "3301", "fecha_corte": hoy().isoformat()},
                          headers=auth(staff["oscar"]))
    assert started.status_code == 202, started.get_json()
    url = started.headers["Location"]
    assert _count(db_url, f"{BLOCKS} AND status = 'todo'") == 3
    assert _count(db_url, "SELECT count(*) FROM constancias") == 0  # nothing runs in the web process

    env = lotes.child_env(app)
    log = tmp_path / "trabajadores.log"
    first = _worker(env, log)
    workers = [first]
    try:
        # Kill the first worker in the middle of a block: folios assigned, the block not yet stored.
        assert _wait(lambda: _count(db_url, "SELECT count(*) FROM constancia_lote_items WHERE estado = 'asignado'"),
                     180, 0.05), log.read_text()[-3000:]
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(30)
        assert _count(db_url, f"{BLOCKS} AND status = 'doing'") == 1
        # Polling while nothing works on it queues no second copy of a block.
        client.get(url, headers=auth(staff["oscar"]))
        assert _count(db_url, f"{BLOCKS} AND status IN ('todo', 'doing')") == 3

        workers += [_worker(env, log), _worker(env, log)]
        finished = _wait(lambda: client.get(url, headers=auth(staff["oscar"])).get_json()["estado"] == "terminado",
                         240, 0.5)
        assert finished, (log.read_text()[-5000:], _rows(db_url, "SELECT id, task_name, status, worker_id, attempts "
                                                              "FROM procrastinate_jobs"),
                          _rows(db_url, "SELECT estado, count(*) FROM constancia_lote_items GROUP BY estado"),
                          _rows(db_url, "SELECT * FROM procrastinate_workers"), [w.poll() for w in workers])
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in workers:
            worker.wait(60)

    state = client.get(url, headers=auth(staff["oscar"])).get_json()
    assert state["por_estado"] == {"emitido": N} and state["folios_distintos"] == N
    assert _count(db_url, "SELECT count(*) FROM constancias") == N
    assert _count(db_url, "SELECT count(DISTINCT nrp) FROM constancias") == N
    assert _count(db_url, "SELECT max(consecutivo) - min(consecutivo) + 1 FROM constancias") == N  # no gaps
    # Three block jobs, all succeeded; the killed worker's block was sent back to the queue.
    assert _count(db_url, f"{BLOCKS} AND status = 'succeeded'") == 3
    assert _count(db_url, "SELECT count(*) FROM procrastinate_events WHERE type = 'deferred_for_retry'") >= 1


@pytest.mark.backends("sqlite")  # the refusal is about SQLite
def test_queue_needs_postgresql(make_app, backend, runner):
    app = make_app(LOTE_COLA="procrastinate")
    result = app.test_cli_runner().invoke(args=["constancias", "trabajador"])
    assert result.exit_code == 1 and "PostgreSQL" in result.output


def test_conninfo_keeps_every_setting_of_the_options():
    """Options with two settings (a space between them) reach libpq as two: the URI carries %20, not
    the '+' that libpq would keep literally."""
    from types import SimpleNamespace
    from psycopg.conninfo import conninfo_to_dict
    from docs_service.certification.cola import conninfo
    app = SimpleNamespace(config={"DOCS_DATABASE_URL": "postgresql+psycopg://u:p%40s@127.0.0.1:5432/db"
                                                       "?options=-csearch_path%3Dt_1%20-csynchronous_commit%3Doff"})
    parsed = conninfo_to_dict(conninfo(app))
    assert parsed["options"] == "-csearch_path=t_1 -csynchronous_commit=off"
    assert (parsed["user"], parsed["password"], parsed["dbname"]) == ("u", "p@s", "db")
    plain = SimpleNamespace(config={"DOCS_DATABASE_URL": "postgresql+psycopg://u@localhost/db"})
    assert conninfo(plain) == "postgresql://u@localhost/db"
