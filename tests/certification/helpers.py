"""Shared steps of the certification tests: a published document to certify, a certified payment,
emission calls."""
import io

from sqlalchemy import create_engine, text

from docs_service.core.fechas import hoy
from tests.credits.helpers import get, load, row
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


def requested_payment(client, staff, patron, referencia):
    """Oscar (3301) loads credit 268<patron> and requests the certificación of its payment of
    $1,150.00 made today; returns the request's id."""
    credito = row(patron)
    load(client, staff["oscar"], [credito])
    nrp = get(client, staff["oscar"], credito["numero"]).get_json()["nrp"]
    response = client.post("/api/v1/pagos/certificaciones", headers=_h(staff["oscar"]), json={
        "nrp": nrp, "credito": credito["numero"], "periodo": "202401", "concepto": "COP",
        "fecha_pago": hoy().isoformat(), "importe": "1150.00", "entidad_receptora": "BANCO SINTÉTICO",
        "referencia": referencia})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def certify_payment(client, staff, users, pago):
    """Oscar attaches the receipt and reviews the request as procedente; a colleague of his unit
    (carla) certifies it, as the four-eyes rule asks."""
    from tests.credits.test_payments import PDF
    _id, colega = users("carla", ["operativo"], "3301", password=None)
    url = f"/api/v1/pagos/certificaciones/{pago}"
    evidence = client.post(url + "/evidencias", headers=_h(staff["oscar"]), content_type="multipart/form-data",
                           data={"tipo": "comprobante_pago", "archivo": (io.BytesIO(PDF), "recibo.pdf")})
    assert evidence.status_code == 201, evidence.get_json()
    etag = client.get(url, headers=_h(staff["oscar"])).headers["ETag"]
    etag = client.post(url + "/revision", headers=_h(staff["oscar"], **{"If-Match": etag}),
                       json={"procedente": True}).headers["ETag"]
    certified = client.post(url + "/certificacion", headers=_h(colega, **{"If-Match": etag}))
    assert certified.status_code == 200, certified.get_json()


def certified_payment(client, staff, users, patron, referencia):
    """A payment certificación requested, reviewed and certified (see the two steps above); its id."""
    pago = requested_payment(client, staff, patron, referencia)
    certify_payment(client, staff, users, pago)
    return pago


def _h(token, **extra):
    return {"Authorization": f"Bearer {token}", **extra}
