"""Content-addressed blob storage. Files are reached only through this interface.

put(data) -> key (SHA-256 hex); open(key) -> bytes, verified; exists(key); verify(key).
The filesystem backend writes a temp file, fsyncs it, renames it atomically into place and fsyncs
the folder, so a final name never holds a partial file."""
import hashlib
import os
import re
import tempfile
import time
from pathlib import Path
from collections.abc import Iterable
from typing import Protocol

from .errors import DomainError

KEY = re.compile(r"^[0-9a-f]{64}$")


class BlobMissing(DomainError):
    status, code, message = 503, "blob_faltante", "El archivo almacenado no está disponible; se notificó al administrador."


class BlobCorrupt(DomainError):
    status, code, message = 503, "archivo_corrupto", "El archivo almacenado está dañado; se puso en cuarentena."


class StorageFull(DomainError):
    status, code, message = 507, "almacenamiento_insuficiente", "No hay espacio suficiente para guardar el archivo."


class Storage(Protocol):
    def put(self, data: bytes) -> str: ...
    def open(self, key: str) -> bytes: ...
    def exists(self, key: str) -> bool: ...
    def verify(self, key: str) -> bool: ...
    def stored(self) -> Iterable[tuple[str, float]]: ...  # (key, last write as a Unix time)
    def delete(self, key: str) -> None: ...


def _check_key(key: str) -> str:
    if not KEY.match(key or ""):
        raise BlobMissing()
    return key


class MemoryStorage:
    """For tests: same contract, kept in a dict."""

    def __init__(self):
        self.blobs: dict[str, bytes] = {}
        self.written: dict[str, float] = {}

    def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        self.blobs.setdefault(key, bytes(data))
        self.written[key] = time.time()
        return key

    def stored(self):
        return [(key, self.written.get(key, 0.0)) for key in list(self.blobs)]

    def delete(self, key: str) -> None:
        self.blobs.pop(_check_key(key), None)
        self.written.pop(key, None)

    def open(self, key: str) -> bytes:
        data = self.blobs.get(_check_key(key))
        if data is None:
            raise BlobMissing()
        if hashlib.sha256(data).hexdigest() != key:
            raise BlobCorrupt()
        return data

    def exists(self, key: str) -> bool:
        return KEY.match(key or "") is not None and key in self.blobs

    def verify(self, key: str) -> bool:
        return self.exists(key) and hashlib.sha256(self.blobs[key]).hexdigest() == key


class FileSystemStorage:
    """Blobs under root/aa/bb/<sha256>; quarantine/ keeps files that failed verification."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.tmp = self.root / "tmp"

    def _path(self, key: str) -> Path:
        _check_key(key)
        return self.root / key[:2] / key[2:4] / key

    def put(self, data: bytes) -> str:
        key = hashlib.sha256(data).hexdigest()
        final = self._path(key)
        if final.exists() and self.verify(key):
            os.utime(final)  # a re-upload refreshes it: garbage collection counts from the last write
            return key  # deduplicated
        self.tmp.mkdir(parents=True, exist_ok=True)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix="blob-")
        try:
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
            except OSError as exc:
                if exc.errno == 28:  # ENOSPC
                    raise StorageFull() from exc
                raise
            os.replace(tmp_name, final)
            _fsync_dir(final.parent)
        finally:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
        return key

    def open(self, key: str) -> bytes:
        path = self._path(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise BlobMissing() from None
        if hashlib.sha256(data).hexdigest() != key:
            self._quarantine(path)
            raise BlobCorrupt()
        return data

    def exists(self, key: str) -> bool:
        return KEY.match(key or "") is not None and self._path(key).exists()

    def verify(self, key: str) -> bool:
        path = self._path(key)
        if not path.exists():
            return False
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest() == key

    def stored(self):
        for path in self.root.glob("??/??/*"):
            if KEY.match(path.name):
                yield path.name, path.stat().st_mtime

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def _quarantine(self, path: Path) -> None:
        target = self.root / "quarantine"
        target.mkdir(parents=True, exist_ok=True)
        os.replace(path, target / path.name)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def init_app(app):
    if "docs_storage" not in app.extensions:
        app.extensions["docs_storage"] = FileSystemStorage(app.config["DOCS_BLOB_DIR"])


def storage() -> Storage:
    from flask import current_app
    return current_app.extensions["docs_storage"]
