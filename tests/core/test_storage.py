"""One contract, passed by every blob storage backend."""
import hashlib
import os

import pytest

from docs_service.core.storage import BlobCorrupt, BlobMissing, FileSystemStorage, MemoryStorage


@pytest.fixture(params=["memoria", "archivos"])
def store(request, tmp_path):
    return MemoryStorage() if request.param == "memoria" else FileSystemStorage(tmp_path / "blobs")


def test_put_returns_sha256_and_reads_back(store):
    data = "Manual de procedimientos — versión 2".encode()
    key = store.put(data)
    assert key == hashlib.sha256(data).hexdigest()
    assert store.exists(key) and store.verify(key)
    assert store.open(key) == data


def test_put_is_idempotent(store):
    assert store.put(b"uno") == store.put(b"uno")


def test_missing_and_malformed_keys(store):
    with pytest.raises(BlobMissing):
        store.open("0" * 64)
    with pytest.raises(BlobMissing):
        store.open("../../etc/passwd")
    assert not store.exists("../../etc/passwd")


def test_corrupt_blob_is_detected(store):
    key = store.put(b"contenido original")
    if isinstance(store, MemoryStorage):
        store.blobs[key] = b"contenido alterado"
    else:
        store._path(key).write_bytes(b"contenido alterado")
    assert not store.verify(key)
    with pytest.raises(BlobCorrupt):
        store.open(key)


def test_filesystem_quarantines_corrupt_and_leaves_no_temp(tmp_path):
    store = FileSystemStorage(tmp_path / "blobs")
    key = store.put(b"a" * 1000)
    store._path(key).write_bytes(b"b" * 10)
    with pytest.raises(BlobCorrupt):
        store.open(key)
    assert (tmp_path / "blobs" / "quarantine" / key).exists()
    assert not store._path(key).exists()
    assert os.listdir(tmp_path / "blobs" / "tmp") == []


def test_power_loss_before_rename_leaves_no_final_file(tmp_path, monkeypatch):
    """GIVEN a crash between write and rename THEN the final path is absent (never partial)."""
    store = FileSystemStorage(tmp_path / "blobs")

    def crash(*_args):
        raise KeyboardInterrupt("corte de energía simulado")
    monkeypatch.setattr(os, "replace", crash)
    data = b"x" * 4096
    with pytest.raises(KeyboardInterrupt):
        store.put(data)
    key = hashlib.sha256(data).hexdigest()
    assert not store.exists(key)
    assert os.listdir(tmp_path / "blobs" / "tmp") == []


def test_disk_full_maps_to_storage_error(tmp_path, monkeypatch):
    from docs_service.core.storage import StorageFull
    store = FileSystemStorage(tmp_path / "blobs")
    real_fsync = os.fsync

    def full(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(StorageFull):
        store.put(b"datos")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert os.listdir(tmp_path / "blobs" / "tmp") == []


def test_stored_lists_keys_and_delete_removes(store):
    a, b = store.put(b"uno"), store.put(b"dos")
    assert {k for k, _t in store.stored()} == {a, b}
    store.delete(a)
    assert not store.exists(a) and store.exists(b)
    store.delete(a)  # deleting twice is harmless
