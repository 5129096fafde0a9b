"""Progress of an import running in a page request, for the page to poll while it waits.

The import holds its one transaction until the end, so its progress cannot be a database row
another request would see; it is a small JSON file per import in the instance folder (any server
process can answer the poll), written atomically at most twice a second and after every chunk.
The page names the import with a random token it received with the form; only the user who
started it reads it back."""
import json
import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app

TOKEN = re.compile(r"[A-Za-z0-9_-]{22,64}\Z")
EVERY_S = 0.5
KEEP_S = 24 * 3600


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "avance-importaciones"
    folder.mkdir(exist_ok=True)
    return folder


def _path(token: str) -> Path | None:
    return _folder() / f"{token}.json" if token and TOKEN.match(token) else None


def read(token: str, user_id: int) -> dict | None:
    """The progress of `token` if `user_id` started it, else None."""
    path = _path(token)
    try:
        data = json.loads(path.read_text(encoding="utf-8")) if path else None
    except (OSError, ValueError):
        return None
    if not data or data.pop("usuario", None) != user_id:
        return None
    return data


class Tracker:
    """`progress(bytes)` and `avance(batch)` callbacks of import_credits that keep the file current.
    A missing or malformed token gives a tracker that writes nothing (the page still works)."""

    def __init__(self, token: str | None, user_id: int, total_bytes: int):
        self.path = _path(token)
        self.data = {"usuario": user_id, "estado": "en_curso", "bytes": 0, "total_bytes": total_bytes, "filas": 0,
                     "cargadas": 0, "sin_cambios": 0, "rechazadas": 0}
        self._written = 0.0
        if self.path is not None:
            self._sweep()
            self._write(force=True)

    def progress(self, nbytes: int):
        self.data["bytes"] += nbytes
        self._write()

    def avance(self, batch):
        self.data.update(filas=batch.filas, cargadas=batch.cargadas, sin_cambios=batch.sin_cambios,
                         rechazadas=batch.rechazadas)
        self._write(force=True)

    def finish(self, batch=None, error: str | None = None):
        if batch is not None:
            self.avance(batch)
            self.data.update(estado="terminado", lote=batch.id, bytes=self.data["total_bytes"])
        else:
            self.data.update(estado="error", mensaje=error or "La importación no se completó.")
        self._write(force=True)

    def _write(self, force: bool = False):
        now = time.monotonic()
        if self.path is None or (not force and now - self._written < EVERY_S):
            return
        self._written = now
        tmp = self.path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(self.data), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            current_app.logger.warning("No se pudo escribir el avance de la importación %s", self.path.name)

    def _sweep(self):
        """Forget imports older than a day."""
        limit = time.time() - KEEP_S
        for old in self.path.parent.glob("*.json"):
            try:
                if old.stat().st_mtime < limit:
                    old.unlink()
            except OSError:
                pass
