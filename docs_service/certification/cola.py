"""Batch emission on procrastinate (DOCS_SERVICE_LOTE_COLA=procrastinate): the scale-out's task queue.

Why procrastinate: the scale-out already runs PostgreSQL, so the queue adds no service to run, secure
and back up (Redis, in this design, only holds rate-limit counters and may lose them); its jobs are
rows claimed with `FOR UPDATE SKIP LOCKED`, workers send heartbeats, and a job of a dead worker can be
found and retried. It needs PostgreSQL: the embedded SQLite default keeps the local runner.

A lote is cut into fixed blocks of items (`batch.blocks`); each block is one job
`constancias:emitir_bloque(lote_id, first, last)` with `lock` and `queueing_lock` named after the
block, so one block is never worked on twice at once nor queued twice, while different blocks run
on every worker in parallel. A job only emits what its block still lacks (the item states in the
database), so a retried or repeated job adds nothing twice. Workers are
`docs-service constancias trabajador` processes (one per core, on as many machines as needed); a
periodic job, and every worker at start, send back to the queue the jobs of workers whose heartbeat
stopped."""
from __future__ import annotations

import asyncio
import logging
import threading
from urllib.parse import quote, urlencode

from sqlalchemy import text
from sqlalchemy.engine import make_url

from ..core.errors import Unavailable

try:
    import procrastinate
except ImportError as err:  # an optional extra: pip install 'docs_service[cola]'
    raise Unavailable("La cola procrastinate no está instalada (pip install 'docs_service[cola]').") from err

QUEUE = "constancias"
TASK = "constancias:emitir_bloque"
HEARTBEAT_S = 5.0
STALLED_AFTER_S = 20.0
POOL = {"min_size": 1, "max_size": 4}

# One procrastinate App per process; its connector is swapped in per Flask app (replace_connector).
_queue = procrastinate.App(connector=procrastinate.PsycopgConnector())
_guard = threading.Lock()
_worker_app = {}  # the Flask app the tasks of this worker process run in
log = logging.getLogger(__name__)


def conninfo(app) -> str:
    """libpq URL of the service's PostgreSQL database (options such as search_path kept)."""
    url = make_url(app.config["DOCS_DATABASE_URL"])
    if url.get_backend_name() != "postgresql":
        from ..core.errors import InvalidInput
        raise InvalidInput("La cola procrastinate requiere PostgreSQL (DOCS_SERVICE_DATABASE_URL).",
                           code="cola_requiere_postgresql")
    base = url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    # libpq decodes %20 in a URI, not '+' (which SQLAlchemy writes for a space): options holding two
    # settings ("-csearch_path=x -cstatement_timeout=5s") would reach the server as one bad value.
    return base + ("?" + urlencode(dict(url.query), doseq=True, quote_via=quote) if url.query else "")


def _connector(app) -> procrastinate.PsycopgConnector:
    return procrastinate.PsycopgConnector(conninfo=conninfo(app), **POOL)


def ensure_schema(app) -> None:
    """Create procrastinate's tables in the service database unless present (`init`, workers, first
    use). A session advisory lock keeps two processes from applying it at once."""
    if app.extensions.get("certification_cola_schema"):
        return
    engine = app.extensions["docs_engine"]
    conninfo(app)
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(hashtext('procrastinate_schema'))"))
        try:
            present = conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar()
            conn.commit()
            if present is None:
                with _guard, _queue.replace_connector(_connector(app)) as queue, queue.open():
                    queue.schema_manager.apply_schema()
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(hashtext('procrastinate_schema'))"))
            conn.commit()
    app.extensions["certification_cola_schema"] = True


@_queue.task(name=TASK, queue=QUEUE, retry=procrastinate.RetryStrategy(max_attempts=5, wait=5))
def emitir_bloque(lote_id: int, first: int, last: int) -> None:
    """Emit what one block of a lote still lacks (render, seal, sign, registry), then close the lote
    if it was the last block."""
    from . import batch
    app = _worker_app["app"]
    with app.app_context():
        batch.run(lote_id, processes=1, span=(first, last))


@_queue.periodic(cron="* * * * * */10", periodic_id="atascados")  # every 10 s: one cheap query
@_queue.task(name="constancias:reintentar_atascados", queue=QUEUE, queueing_lock="constancias-atascados",
             pass_context=True)
async def reintentar_atascados(context, timestamp: int) -> None:
    await _retry_stalled(context.app)


async def _retry_stalled(queue) -> int:
    stalled = await queue.job_manager.get_stalled_jobs(task_name=TASK, seconds_since_heartbeat=STALLED_AFTER_S)
    for job in stalled:
        log.warning("bloque %s de un trabajador sin latido: se reintenta", job.task_kwargs)
        await queue.job_manager.retry_job(job)
    return len(list(stalled))


def enqueue(app, lote_id: int) -> int:
    """Queue a job for every block of the lote with something left to emit and no job waiting or
    running for it. Returns how many were queued.

    The jobs are listed before the blocks are read: a block's items are stored before its job is
    marked done, so a job that ends in between leaves its block without anything left (read after
    it), never a block with work whose job is no longer listed (queued again for nothing)."""
    from . import batch
    ensure_schema(app)
    queued = 0
    with _guard, _queue.replace_connector(_connector(app)) as queue, queue.open():
        busy = {(job.task_kwargs.get("lote_id"), job.task_kwargs.get("first"))
                for status in ("todo", "doing") for job in queue.job_manager.list_jobs(task=TASK, status=status)}
        session = app.extensions["docs_db"]()
        try:
            spans = batch.blocks_in(session, lote_id)
        finally:
            session.close()
        for first, last in spans:
            if (lote_id, first) in busy:
                continue
            name = f"constancias-lote-{lote_id}-{first}"
            try:
                queue.configure_task(TASK, lock=name, queueing_lock=name).defer(lote_id=lote_id, first=first,
                                                                                 last=last)
                queued += 1
            except procrastinate.exceptions.AlreadyEnqueued:
                pass
    return queued


def work(app, concurrency: int = 1, wait: bool = True) -> None:
    """Run a worker in this process until stopped (SIGINT/SIGTERM finish the job at hand first);
    `wait=False` stops once the queue is empty."""
    ensure_schema(app)
    _worker_app["app"] = app

    async def run():
        with _queue.replace_connector(_connector(app)) as queue:
            async with queue.open_async():
                await _retry_stalled(queue)
                await queue.run_worker_async(queues=[QUEUE], concurrency=concurrency, wait=wait,
                                             update_heartbeat_interval=HEARTBEAT_S,
                                             stalled_worker_timeout=STALLED_AFTER_S)

    asyncio.run(run())
