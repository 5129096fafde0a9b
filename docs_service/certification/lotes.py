"""Who runs a lote (batch emission job), chosen by DOCS_SERVICE_LOTE_COLA.

`local` (the embedded default): a detached `docs-service constancias emitir --lote ID` process in a
session of its own, so the job survives the request and the web server, and uses one worker process
per core. A lock file per lote (`<instance>/lotes/ID.lock`, flock) says whether a process is working on
it: the kernel drops the lock when that process (and its pool) dies, so the next poll, `POST` or
`emitir` starts a new process that resumes from the lote's rows.

`procrastinate`: the lote is cut into fixed blocks, each one a procrastinate job on the PostgreSQL the
scale-out already has, taken by `docs-service constancias trabajador` processes on any machine
(see `cola.py`).

Either way progress is read from the lote's rows, and what makes a resume exact (no duplicate, none
missing) is the item state in the database, not the runner."""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from ..config import PREFIX, SETTINGS
from ..core.errors import Conflict, InvalidInput

RUNNERS = ("local", "procrastinate")
_NOT_PASSED = {"SECRET_KEY", "ADMIN_PASSWORD"}  # the child finds them where the parent did
_launched: dict = {}  # (instance, lote) -> the child this process started (it takes the lock ~2 s later)
_launching = threading.Lock()


class Busy(Conflict):
    code = "lote_en_proceso"


def runner(app) -> str:
    name = (app.config.get("DOCS_LOTE_COLA") or "local").strip().lower()
    if name not in RUNNERS:
        raise InvalidInput(f"DOCS_SERVICE_LOTE_COLA debe ser una de: {', '.join(RUNNERS)}.", code="cola_desconocida")
    return name


def _lock_path(app, lote_id: int) -> Path:
    folder = Path(app.config["DOCS_INSTANCE"]) / "lotes"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{lote_id}.lock"


@contextmanager
def held(app, lote_id: int, wait: float = 10.0):
    """Hold the lote's lock for the life of the block (and of the pool workers it forks). Waits a little
    for a killed holder's workers to exit; `Busy` when another live process is working on it."""
    path = _lock_path(app, lote_id)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy(f"El lote de constancias {lote_id} ya se está emitiendo en otro proceso.") from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)  # who holds it, for an operator (or a test) to signal
        yield
    finally:
        os.close(fd)


def working(app, lote_id: int) -> bool:
    """Whether a live process holds the lote's lock."""
    fd = os.open(_lock_path(app, lote_id), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def holder_pid(app, lote_id: int) -> int | None:
    text = _lock_path(app, lote_id).read_text().strip()
    return int(text) if text.isdigit() else None


def child_env(app) -> dict:
    """The environment of a child `docs-service`: this app's settings as DOCS_SERVICE_* variables, so
    the child opens the same database, instance, seal and certificaciones whatever set them here."""
    env = dict(os.environ)
    for name in SETTINGS:
        value = app.config.get(f"DOCS_{name}")
        if name not in _NOT_PASSED and isinstance(value, (str, int, float, bool)):
            env[PREFIX + name] = str(value)
    return env


def launch(app, lote_id: int) -> subprocess.Popen:
    """Start `docs-service constancias emitir --lote ID` detached: its own session (a signal to the web
    server's group does not reach it), no stdin, output appended to `<instance>/lotes/ID.log`."""
    log_path = _lock_path(app, lote_id).with_suffix(".log")
    with open(log_path, "ab") as log:
        child = subprocess.Popen([sys.executable, "-m", "docs_service.core.cli", "constancias", "emitir",
                                  "--lote", str(lote_id)], stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                 env=child_env(app), start_new_session=True, close_fds=True)
    # Reap it when it exits (no zombie while the server lives); waiting is all this thread does.
    threading.Thread(target=child.wait, name=f"lote-{lote_id}-espera", daemon=True).start()
    return child


def _launch_once(app, lote_id: int) -> None:
    """Launch unless a live process holds the lock or this process's own child is still starting."""
    key = (app.config["DOCS_INSTANCE"], lote_id)
    with _launching:
        child = _launched.get(key)
        if (child is not None and child.poll() is None) or working(app, lote_id):
            return
        _launched[key] = launch(app, lote_id)


def start(app, lote_id: int) -> None:
    """Have an unfinished lote worked on: after the commit that created it, and on every poll (a no-op
    while a live process or queued jobs are on it, a resume when they died)."""
    if runner(app) == "procrastinate":
        from . import cola
        cola.enqueue(app, lote_id)
    else:
        _launch_once(app, lote_id)
