"""Payment files and conciliation (paid, partial, unmatched, duplicates; a file twice is refused) and
the certificación de pagos no captados."""
import io

from docs_service.core.fechas import hoy

from .helpers import get, load, row

PROCESAR = "plaza,registro_patronal,folio,periodo,fecha_pago,importe_cop,importe_rcv\n"
SIPARE = ("entidad_receptora;linea_captura;registro_patronal;periodo_pago;fecha_pago;importe_imss;importe_rcv;"
          "importe_vivienda;importe_total\n")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def h(token, **extra):
    return {"Authorization": f"Bearer {token}", **extra}


def post_file(client, token, text: str, formato: str, name="pagos.csv"):
    return client.post("/api/v1/pagos/archivos", headers=h(token), content_type="multipart/form-data",
                       data={"formato": formato, "archivo": (io.BytesIO(text.encode()), name)})


def test_procesar_file_conciliates_and_is_not_applied_twice(client, staff):
    """GIVEN three credits WHEN a PROCESAR file pays one in full, one in part, repeats a payment and
    pays a period without a credit THEN saldos and phases follow, and the same file again is 409."""
    load(client, staff["oscar"], [row(1), row(2), row(3, concepto="RCV", periodo="202402")])
    nrp1, nrp2, nrp3 = (get(client, staff["oscar"], f"26800000{i}").get_json()["nrp"] for i in (1, 2, 3))
    text = PROCESAR + "".join([
        f"001,{nrp1},F1,202401,20260105,115000,0\n",      # pays credit 1 in full
        f"001,{nrp2},F2,202401,20260105,50000,0\n",       # 500.00 of 1150.00
        f"001,{nrp2},F2,202401,20260105,50000,0\n",       # the same payment again: duplicado
        f"001,{nrp3},F3,202402,20260105,0,115000\n",      # RCV credit in full
        f"001,{nrp1},F4,201901,20260105,1000,0\n",        # no credit for that period
        f"001,{nrp1},F5,202401,2026-01-05,x,0\n",         # bad amount: rejected
    ])
    response = post_file(client, staff["oscar"], text, "procesar")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["filas"], body["aplicados"], body["duplicados"], body["sin_credito"], body["rechazados"]) == (6, 3, 1, 1, 1)
    assert get(client, staff["oscar"], "268000001").get_json()["fase"] == "PAGADO"
    assert get(client, staff["oscar"], "268000003").get_json()["fase"] == "PAGADO"
    partial = get(client, staff["oscar"], "268000002").get_json()
    assert (partial["fase"], partial["saldo"]) == ("NOTIFICADO", "650.00")
    states = {p["referencia"] + str(p["fila"]): p["estado"] for p in
              client.get("/api/v1/pagos?por_pagina=50", headers=h(staff["oscar"])).get_json()["items"]}
    assert states == {"F12": "aplicado", "F23": "parcial", "F24": "duplicado", "F35": "aplicado", "F46": "sin_credito"}
    again = post_file(client, staff["oscar"], text, "procesar", name="otra-vez.csv")
    assert again.status_code == 409 and again.get_json()["error"] == "archivo_ya_importado"
    assert get(client, staff["oscar"], "268000002").get_json()["saldo"] == "650.00"


def test_sipare_layout_with_semicolons(client, staff):
    load(client, staff["oscar"], [row(1)])
    nrp = get(client, staff["oscar"], "268000001").get_json()["nrp"]
    text = SIPARE + f"BANCO SINTÉTICO;LC0001;{nrp};202401;05/01/2026;1150.00;0.00;10.00;1160.00\n"
    response = post_file(client, staff["oscar"], text, "sipare")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["aplicados"] == 1
    assert get(client, staff["oscar"], "268000001").get_json()["fase"] == "PAGADO"
    missing = post_file(client, staff["oscar"], "registro_patronal;periodo_pago\nX;Y\n", "sipare")
    assert missing.status_code == 422 and "linea_captura" in missing.get_json()["message"]


def test_certification_of_an_unrecorded_payment(client, staff, users):
    """GIVEN a credit WHEN its payment is requested for certification with evidence, reviewed and
    certified by another operativo THEN the credit is PAGADO and the certified payment has a pago."""
    _id, colega = users("carla", ["operativo"], "3301", password=None)
    load(client, staff["oscar"], [row(1)])
    nrp = get(client, staff["oscar"], "268000001").get_json()["nrp"]
    created = client.post("/api/v1/pagos/certificaciones", headers=h(staff["oscar"]), json={
        "nrp": nrp, "credito": "268000001", "periodo": "202401", "concepto": "COP",
        "fecha_pago": hoy().isoformat(), "importe": "1150.00", "entidad_receptora": "BANCO SINTÉTICO",
        "referencia": "LC-999"})
    assert created.status_code == 201, created.get_json()
    cert = created.get_json()
    url = f"/api/v1/pagos/certificaciones/{cert['id']}"
    etag = created.headers["ETag"]
    no_evidence = client.post(url + "/revision", headers=h(staff["oscar"], **{"If-Match": etag}), json={"procedente": True})
    assert no_evidence.status_code == 409 and no_evidence.get_json()["error"] == "evidencia_requerida"
    evidence = client.post(url + "/evidencias", headers=h(staff["oscar"]), content_type="multipart/form-data",
                           data={"tipo": "comprobante_pago", "archivo": (io.BytesIO(PDF), "recibo.pdf")})
    assert evidence.status_code == 201, evidence.get_json()
    reviewed = client.post(url + "/revision", headers=h(staff["oscar"], **{"If-Match": etag}), json={"procedente": True})
    assert reviewed.status_code == 200 and reviewed.get_json()["estado"] == "revisada"
    etag = reviewed.headers["ETag"]
    own = client.post(url + "/certificacion", headers=h(staff["oscar"], **{"If-Match": etag}))
    assert own.status_code == 403
    done = client.post(url + "/certificacion", headers=h(colega, **{"If-Match": etag}))
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["estado"] == "certificada" and done.get_json()["pago_id"]
    assert get(client, staff["oscar"], "268000001").get_json()["fase"] == "PAGADO"
    assert client.get(url, headers=h(staff["olga"])).status_code == 404
