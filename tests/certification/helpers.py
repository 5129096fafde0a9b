"""Shared steps of the certification tests: a published document to certify, emission calls."""
from sqlalchemy import create_engine, text

from tests.documents.helpers import act, approve, create_document, upload


def scalar(url, sql):
    """One value read on a connection of its own (what another process would see)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def published_document(client, staff, clave="9312-003-012"):
    doc_id = create_document(client, staff["normativo"], clave=clave)
    upload(client, staff["normativo"], doc_id)
    approve(client, staff, doc_id, 1)
    act(client, staff["normativo"], doc_id, 1, "publicar", destinatarios={"todas": True})
    return doc_id


def emit(client, token, body, key=None):
    headers = {"Authorization": f"Bearer {token}"}
    if key:
        headers["Idempotency-Key"] = key
    return client.post("/api/v1/constancias", json=body, headers=headers)


def copia(clave="9312-003-012", version=1):
    return {"tipo": "copia_certificada", "clave": clave, "version": version}
