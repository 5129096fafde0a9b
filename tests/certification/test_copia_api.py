"""Emission of a copia certificada through the API: registry, immutable PDF, PAdES signature valid
against the published root, cadena original and sello, idempotency, revocation and verification."""
import hashlib
import io

import pytest
from sqlalchemy import func, select

from docs_service.certification import cadena
from docs_service.certification.models import Constancia, FolioCounter
from docs_service.certification.signing import validate_pdf, verify_sello
from docs_service.core.db import db

from .helpers import copia, emit, published_document


@pytest.fixture
def issued(client, staff):
    published_document(client, staff)
    response = emit(client, staff["oscar"], copia(), key="clave-idem-0001")
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_emission_registers_a_signed_pdf_that_validates_against_the_published_root(client, app, staff, issued, auth):
    assert issued["folio"].startswith("CC-") and issued["folio"].endswith("-000001")
    assert len(issued["codigo"]) == 32 and issued["codigo"] not in issued["folio"]
    assert issued["url_verificacion"] == f"http://testserver/v/{issued['codigo']}"
    first = client.get(f"/api/v1/constancias/{issued['folio']}/pdf", headers=auth(staff["oscar"]))
    second = client.get(f"/api/v1/constancias/{issued['folio']}/pdf", headers=auth(staff["oscar"]))
    assert first.status_code == 200 and first.data == second.data  # same bytes every time
    assert hashlib.sha256(first.data).hexdigest() == issued["sha256"]
    assert first.headers["Content-Disposition"].startswith("attachment")
    root = client.get("/firma/raiz.pem").data
    check = validate_pdf(first.data, root, client.get("/firma/crl.der").data)
    assert check.ok, check
    with app.app_context():
        row = db.session.scalar(select(Constancia).where(Constancia.folio == issued["folio"]))
        fields = cadena.parse(row.cadena)
        assert fields["folio"] == issued["folio"] and fields["unidad"] == "3301"
        assert fields["sha256_datos"] == cadena.data_digest(__import__("json").loads(row.datos))
        assert fields["serie_certificado"] == check.serie_certificado == row.serie_certificado
        from cryptography import x509
        seal = x509.load_pem_x509_certificate(client.get("/firma/sello.pem").data)
        assert verify_sello(seal, row.cadena, row.sello)
        assert not verify_sello(seal, row.cadena.replace("3301", "3333"), row.sello)
    from pypdf import PdfReader
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(first.data)).pages)
    assert issued["folio"] in text and "Página 1 de" in text and issued["url_verificacion"] in text


def test_idempotency_key_replays_and_refuses_another_payload(client, app, staff, issued):
    again = emit(client, staff["oscar"], copia(), key="clave-idem-0001")
    assert again.status_code == 200 and again.get_json()["folio"] == issued["folio"]
    assert again.headers["Idempotent-Replayed"] == "true"
    other = emit(client, staff["oscar"], {"tipo": "copia_certificada", "clave": "9312-003-012", "version": 2},
                 key="clave-idem-0001")
    assert other.status_code == 422 and other.get_json()["error"] == "clave_idempotencia_reutilizada"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Constancia)) == 1


def test_public_verification_discloses_only_the_allowed_fields_and_sees_revocation(client, staff, issued, auth):
    response = client.get(f"/api/v1/verificacion/{issued['codigo']}")
    assert response.status_code == 200
    assert set(response.get_json()) == {"estado", "folio", "fecha_emision", "unidad_emisora", "sha256",
                                        "rfc_enmascarado"}
    assert response.get_json()["estado"] == "VIGENTE" and response.get_json()["unidad_emisora"] == "3301 Mérida Norte"
    assert response.get_json()["fecha_emision"].endswith("+00:00")  # RFC 3339 with its offset, as the spec says
    assert response.headers["Cache-Control"] == "no-store" and "noindex" in response.headers["X-Robots-Tag"]
    page = client.get(f"/v/{issued['codigo']}")
    assert page.status_code == 200 and "VIGENTE" in page.get_data(as_text=True)
    denied = client.post(f"/api/v1/constancias/{issued['folio']}/revocacion", json={"motivo": "Error de captura"},
                         headers=auth(staff["oscar"]))
    assert denied.status_code == 403
    revoked = client.post(f"/api/v1/constancias/{issued['folio']}/revocacion", json={"motivo": "Error de captura"},
                          headers=auth(staff["titular"]))
    assert revoked.status_code == 200 and revoked.get_json()["estado"] == "REVOCADA"
    after = client.get(f"/api/v1/verificacion/{issued['codigo']}").get_json()
    assert after["estado"] == "REVOCADA" and after["motivo_revocacion"] == "Error de captura"
    assert "REVOCADA" in client.get(f"/v/{issued['codigo']}").get_data(as_text=True)
    twice = client.post(f"/api/v1/constancias/{issued['folio']}/revocacion", json={"motivo": "Otra vez"},
                        headers=auth(staff["titular"]))
    assert twice.status_code == 409


def test_reissue_marks_the_old_one_sustituida_with_the_new_folio(client, staff, issued, auth):
    response = client.post(f"/api/v1/constancias/{issued['folio']}/revocacion",
                           json={"motivo": "Actualización", "reemitir": True}, headers=auth(staff["titular"]))
    assert response.status_code == 200
    old = response.get_json()
    assert old["estado"] == "SUSTITUIDA" and old["sustituida_por"].endswith("-000002")
    public = client.get(f"/api/v1/verificacion/{issued['codigo']}").get_json()
    assert public["estado"] == "SUSTITUIDA" and public["folio_sustituto"] == old["sustituida_por"]


def test_unknown_and_malformed_codes_answer_the_same_bytes(client, issued):
    bodies = set()
    for code in ("A" * 32, "x", "' OR 1=1--", "ñ" * 40, "Z" * 5000, issued["codigo"][:-1] + "?"):
        response = client.get(f"/api/v1/verificacion/{code}")
        assert response.status_code == 404
        assert response.headers["Cache-Control"] == "no-store"
        bodies.add(response.data)
    assert len(bodies) == 1


def test_uploaded_pdf_is_autentico_and_a_modified_copy_alterado(client, staff, issued, auth):
    pdf = client.get(f"/api/v1/constancias/{issued['folio']}/pdf", headers=auth(staff["oscar"])).data
    ok = client.post("/api/v1/verificacion", data={"archivo": (io.BytesIO(pdf), "c.pdf")},
                     content_type="multipart/form-data").get_json()
    assert ok["resultado"] == "autentico" and ok["constancia"]["folio"] == issued["folio"]
    tampered = bytearray(pdf)
    tampered[len(pdf) // 3] ^= 0x01
    bad = client.post("/api/v1/verificacion", data={"archivo": (io.BytesIO(bytes(tampered)), "c.pdf")},
                      content_type="multipart/form-data").get_json()
    assert bad["resultado"] == "alterado"
    other = client.post("/api/v1/verificacion", data={"archivo": (io.BytesIO(b"%PDF-1.4 nada"), "x.pdf")},
                        content_type="multipart/form-data").get_json()
    assert other["resultado"] == "desconocido"


def test_operativo_of_another_unit_gets_404_and_the_list_is_scoped(client, staff, issued, auth):
    assert client.get(f"/api/v1/constancias/{issued['folio']}", headers=auth(staff["olga"])).status_code == 404
    assert client.get(f"/api/v1/constancias/{issued['folio']}/pdf", headers=auth(staff["olga"])).status_code == 404
    assert client.get("/api/v1/constancias", headers=auth(staff["olga"])).get_json()["total"] == 0
    assert client.get("/api/v1/constancias", headers=auth(staff["oscar"])).get_json()["total"] == 1


def test_unpublished_or_unknown_version_is_404_and_consumes_no_folio(client, app, staff):
    published_document(client, staff)
    assert emit(client, staff["oscar"], copia(version=7)).status_code == 404
    assert emit(client, staff["oscar"], copia(clave="9999-999-999")).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(FolioCounter)) == 0


def test_emission_and_validation_work_while_the_thread_runs_an_event_loop(client, staff, auth):
    """GIVEN a process whose main thread already runs an asyncio loop (as a sync Playwright session
    does in the same test process) WHEN a constancia is emitted and its PDF validated THEN pyHanko's
    own asyncio.run does not fail: the signature is made and validates (it answered 500 before)."""
    import asyncio
    published_document(client, staff)

    async def inside_a_loop():
        emitted = emit(client, staff["oscar"], copia(), key="clave-en-bucle-01")
        assert emitted.status_code == 201, emitted.get_json()
        pdf = client.get(f"/api/v1/constancias/{emitted.get_json()['folio']}/pdf", headers=auth(staff["oscar"])).data
        return validate_pdf(pdf, client.get("/firma/raiz.pem").data, client.get("/firma/crl.der").data)

    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=1) as pool:  # a thread of its own: this one may run a loop already
        check = pool.submit(asyncio.run, inside_a_loop()).result()
    assert check.ok, check
