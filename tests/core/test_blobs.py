"""Orphan blobs are collected after the grace period and not before; referenced blobs are
reconciled against the database (J-48, J-53)."""
import time

from tests.documents.helpers import create_document, upload


def test_gc_keeps_referenced_and_young_orphans(app, client, staff, runner):
    doc = create_document(client, staff["normativo"])
    assert upload(client, staff["normativo"], doc).status_code == 201
    store = app.extensions["docs_storage"]
    kept = next(iter(store.blobs))
    orphan = store.put(b"huerfano de una carga que no llego al commit")
    young = runner.invoke(args=["blobs", "gc"])
    assert young.exit_code == 0 and "borrados: 0" in young.output and "conservados: 1" in young.output
    assert store.exists(orphan)
    store.written[orphan] = time.time() - 25 * 3600
    old = runner.invoke(args=["blobs", "gc", "--gracia-horas", "24"])
    assert "borrados: 1" in old.output
    assert not store.exists(orphan) and store.exists(kept)


def test_reconciliation_reports_missing_and_corrupt(app, client, staff, runner, auth):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    ok = runner.invoke(args=["blobs", "verificar"])
    assert ok.exit_code == 0
    store = app.extensions["docs_storage"]
    key = next(iter(store.blobs))
    store.blobs[key] = b"alterado"
    bad = runner.invoke(args=["blobs", "verificar"])
    assert bad.exit_code == 1 and f"corrupto: {key}" in bad.output
    response = client.get(f"/api/v1/documentos/{doc}/versiones/1/archivo", headers=auth(staff["revisor"]))
    assert response.status_code == 503 and response.get_json()["error"] == "archivo_corrupto"
    store.delete(key)
    missing = runner.invoke(args=["blobs", "verificar"])
    assert missing.exit_code == 1 and f"faltante: {key}" in missing.output
    response = client.get(f"/api/v1/documentos/{doc}/versiones/1/archivo", headers=auth(staff["revisor"]))
    assert response.status_code == 503 and response.get_json()["error"] == "blob_faltante"
    assert client.get("/healthz").status_code == 200
