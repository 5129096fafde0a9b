"""Constancia de situación de créditos (a patrón at a cut-off date: credits, phases, balances,
totals, amount in words; "sin adeudos registrados" when none) and certificación de pago, with the
operativo's scope (another unit's patrón or an unknown NRP answer 404)."""
import io
import json
from datetime import timedelta

from pypdf import PdfReader
from sqlalchemy import select

from docs_service.certification.models import Constancia
from docs_service.core.db import db
from docs_service.core.fechas import hoy
from tests.credits.helpers import get, load, row

from .helpers import certify_payment, emit, requested_payment

TODAY = hoy()


def pdf_text(client, token, folio):
    data = client.get(f"/api/v1/constancias/{folio}/pdf", headers={"Authorization": f"Bearer {token}"}).data
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_situacion_lists_credits_with_totals_and_amount_in_words(app, client, staff):
    load(client, staff["oscar"], [row(1), row(1, numero="268000002", periodo="202402", importe_total="2000.10",
                                               importe_historico="2000.10", actualizacion="0", recargos="0")])
    nrp = get(client, staff["oscar"], "268000001").get_json()["nrp"]
    response = emit(client, staff["oscar"], {"tipo": "situacion_creditos", "nrp": nrp, "fecha_corte": TODAY.isoformat()})
    assert response.status_code == 201, response.get_json()
    folio = response.get_json()["folio"]
    with app.app_context():
        datos = json.loads(db.session.scalar(select(Constancia.datos).where(Constancia.folio == folio)))
    assert [c["numero"] for c in datos["creditos"]] == ["268000001", "268000002"]
    assert datos["total"] == "3150.10"
    assert datos["total_letra"] == "TRES MIL CIENTO CINCUENTA PESOS 10/100 M.N."
    text = pdf_text(client, staff["oscar"], folio)
    assert "268000002" in text and "3,150.10" in text and "TRES MIL CIENTO CINCUENTA PESOS" in text
    assert "Notificado" in text


def test_before_any_credit_the_constancia_says_sin_adeudos(client, staff):
    load(client, staff["oscar"], [row(3)])
    nrp = get(client, staff["oscar"], "268000003").get_json()["nrp"]
    corte = (TODAY - timedelta(days=200)).isoformat()  # the credit was determined 90 days ago
    response = emit(client, staff["oscar"], {"tipo": "situacion_creditos", "nrp": nrp, "fecha_corte": corte})
    assert response.status_code == 201
    assert "Sin adeudos registrados" in pdf_text(client, staff["oscar"], response.get_json()["folio"])


def test_unknown_nrp_and_another_units_patron_are_404(client, staff):
    load(client, staff["oscar"], [row(4)])
    nrp = get(client, staff["oscar"], "268000004").get_json()["nrp"]
    body = {"tipo": "situacion_creditos", "nrp": nrp, "fecha_corte": TODAY.isoformat()}
    assert emit(client, staff["olga"], body).status_code == 404
    assert emit(client, staff["oscar"], {**body, "nrp": "Z9999999999"}).status_code == 404
    missing = emit(client, staff["oscar"], {"tipo": "situacion_creditos", "nrp": nrp})
    assert missing.status_code == 422 and missing.get_json()["error"] == "datos_incompletos"


def test_certificacion_de_pago_from_a_certified_payment(client, staff, users):
    pago = requested_payment(client, staff, 5, referencia="LC-555")
    pending = emit(client, staff["oscar"], {"tipo": "certificacion_pago", "pago": pago})
    assert pending.status_code == 404  # not certified yet
    certify_payment(client, staff, users, pago)
    response = emit(client, staff["oscar"], {"tipo": "certificacion_pago", "pago": pago})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["folio"].startswith("CPG-")
    text = pdf_text(client, staff["oscar"], response.get_json()["folio"])
    assert "LC-555" in text and "UN MIL CIENTO CINCUENTA" not in text and "MIL CIENTO CINCUENTA PESOS 00/100" in text
    assert emit(client, staff["olga"], {"tipo": "certificacion_pago", "pago": pago}).status_code == 404
