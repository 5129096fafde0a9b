"""An embedded index on disk: generations in folders, a `current` symlink swapped atomically, and
one writer at a time across processes (an exclusive file lock) and threads."""
import contextlib
import fcntl
import os
import secrets
import shutil
import threading
import time
from pathlib import Path

from .engine import IndexUnavailable

_thread_locks: dict[str, threading.Lock] = {}
_guard = threading.Lock()
LOCK_TIMEOUT_S = 60
# Bumped whenever the entries' fields change: an index built before answers 503 until
# `docs-service search reindex` (or `init`) rebuilds it. 2: stored payload of what results show.
FORMAT = "2"
FORMAT_FILE = "formato-normateca"


class IndexDir:
    def __init__(self, root: str, engine: str):
        self.root = Path(root) / engine
        self.current = self.root / "current"
        self._current, self._root = str(self.current), str(self.root)

    def current_meta(self) -> tuple[str, os.stat_result] | None:
        """(folder name, stat of its meta.json) of the current generation, or None if there is none
        or it has no meta.json: two system calls on plain strings, as every search asks."""
        try:
            target = os.readlink(self._current)
            return target, os.stat(os.path.join(self._root, target, "meta.json"))
        except OSError:
            return None

    def path(self) -> Path | None:
        """The folder of the current generation, or None if there is none."""
        try:
            target = os.readlink(self.current)
        except OSError:
            return None
        path = self.root / target
        return path if path.is_dir() else None

    def require(self) -> Path:
        path = self.path()
        if path is None:
            raise IndexUnavailable()
        return path

    def mark_format(self, generation: Path) -> None:
        """Record that `generation` was built with this release's fields (see FORMAT)."""
        (generation / FORMAT_FILE).write_text(FORMAT)

    def current_format(self, generation: Path) -> bool:
        """Whether `generation` holds this release's fields; an older index needs a reindex."""
        try:
            return (generation / FORMAT_FILE).read_text() == FORMAT
        except OSError:
            return False

    def new_generation(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"gen-{time.strftime('%Y%m%d%H%M%S')}-{secrets.token_hex(4)}"
        path.mkdir()
        return path

    def swap(self, generation: Path) -> None:
        """Point `current` at `generation` atomically (rename of a fresh symlink), then drop the
        older generations (readers that still have them open keep their files until they close)."""
        tmp = self.root / f".current-{secrets.token_hex(4)}"
        os.symlink(generation.name, tmp)
        os.replace(tmp, self.current)
        fd = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        for old in self.root.glob("gen-*"):
            if old.name != generation.name:
                shutil.rmtree(old, ignore_errors=True)

    @contextlib.contextmanager
    def writer_lock(self):
        """Exclusive across processes (flock on a lock file) and across threads of this process."""
        self.root.mkdir(parents=True, exist_ok=True)
        key = str(self.root.resolve())
        with _guard:
            thread_lock = _thread_locks.setdefault(key, threading.Lock())
        if not thread_lock.acquire(timeout=LOCK_TIMEOUT_S):
            raise IndexUnavailable("El índice de búsqueda está ocupado; intente de nuevo.")
        try:
            with open(self.root / ".lock", "a+") as handle:
                deadline = time.monotonic() + LOCK_TIMEOUT_S
                while True:
                    try:
                        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except BlockingIOError:
                        if time.monotonic() > deadline:
                            raise IndexUnavailable("El índice de búsqueda está ocupado; intente de nuevo.")
                        time.sleep(0.02)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            thread_lock.release()
