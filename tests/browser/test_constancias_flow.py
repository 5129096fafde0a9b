"""In the browser, at phone width: an operativo of 3301 requests a copia certificada, opens the
verification URL printed in it (VIGENTE, only the allowed fields), downloads the PDF and uploads it
to the public verification (Auténtico); a modified copy is reported Alterado. A copia certificada
offers no Word copy; a constancia de situación offers it next to the PDF and downloads a DOCX."""

import pytest
from docx import Document as WordDocument

from docs_service.core.fechas import hoy
from tests.browser.conftest import page_problems, sign_in
from tests.certification.helpers import emit
from tests.conftest import PASSWORD
from tests.credits.helpers import get, load, row
from tests.documents.helpers import act, approve, create_document, upload

pytestmark = pytest.mark.browser


def test_emit_open_qr_url_and_verify_uploads(live_server, page, users, tmp_path, axe_source):
    base = live_server.base_url
    live_server.config["DOCS_PUBLIC_URL"] = base  # the QR and printed URL point at this server
    tokens = {rol: users(nombre, [rol], unidad)[1] for nombre, rol, unidad in (
        ("nora", "normativo", "NC"), ("rita", "revisor", "NC"), ("tito", "titular", "NC"),
        ("oscar", "operativo", "3301"))}
    client = live_server.test_client()
    doc = create_document(client, tokens["normativo"])
    upload(client, tokens["normativo"], doc)
    approve(client, tokens, doc, 1)
    act(client, tokens["normativo"], doc, 1, "publicar", destinatarios={"todas": True})

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, base, "oscar", PASSWORD)
    page.goto(f"{base}/constancias")
    problems = page_problems(page, axe_source)
    assert page.is_visible("input[name=nrp]")  # situación de créditos is the default tipo
    page.get_by_role("button", name="Emitir constancia").click()  # without an NRP
    assert page.get_by_test_id("error-nrp").inner_text() == "Indique el registro patronal (NRP)."
    problems += page_problems(page, axe_source)
    page.check("input[name=tipo][value=copia_certificada]")
    assert not page.is_visible("input[name=nrp]")  # only the chosen tipo's fieldset
    page.fill("input[name=clave]", "9312-003-012")
    page.fill("input[name=version]", "1")
    # The first emission of a process imports WeasyPrint and pyHanko: allow for a loaded machine.
    page.get_by_role("button", name="Emitir constancia").click(timeout=90000)
    page.get_by_text("Constancia emitida con folio").wait_for(timeout=90000)
    problems += page_problems(page, axe_source)
    url = page.get_by_test_id("url-verificacion").inner_text()
    assert url.startswith(f"{base}/v/")
    assert page.get_by_test_id("descargar-docx").count() == 0  # the certified copy is only its PDF
    with page.expect_download() as download:
        page.get_by_test_id("descargar").click()
    pdf_path = tmp_path / "constancia.pdf"
    download.value.save_as(pdf_path)

    page.goto(url)
    assert page.get_by_test_id("estado").inner_text().startswith("VIGENTE")
    text = page.get_by_test_id("verificacion").inner_text()
    assert "3301 Mérida Norte" in text and "Manual" not in text  # no content beyond the allowed fields
    problems += page_problems(page, axe_source)

    page.goto(f"{base}/verificacion")
    page.set_input_files("input[name=archivo]", str(pdf_path))
    page.get_by_role("button", name="Verificar").click()
    assert page.get_by_test_id("resultado").inner_text() == "Auténtico"

    data = bytearray(pdf_path.read_bytes())
    data[len(data) // 2] ^= 0x20
    modified = tmp_path / "modificada.pdf"
    modified.write_bytes(bytes(data))
    page.set_input_files("input[name=archivo]", str(modified))
    page.get_by_role("button", name="Verificar").click()
    assert page.get_by_test_id("resultado").inner_text() == "Alterado"
    problems += page_problems(page, axe_source)

    load(client, tokens["operativo"], [row(1)])
    nrp = get(client, tokens["operativo"], "268000001").get_json()["nrp"]
    folio = emit(client, tokens["operativo"], {"tipo": "situacion_creditos", "nrp": nrp,
                                                 "fecha_corte": hoy().isoformat()}).get_json()["folio"]
    page.goto(f"{base}/constancias/{folio}")
    problems += page_problems(page, axe_source)
    with page.expect_download() as download:
        page.get_by_test_id("descargar-docx").click()
    assert download.value.suggested_filename == f"{folio}-copia-de-trabajo.docx"
    docx_path = tmp_path / "copia.docx"
    download.value.save_as(docx_path)
    first = [p.text for p in WordDocument(str(docx_path)).paragraphs[:2]]
    assert first[0] == "COPIA DE TRABAJO SIN VALOR DE CERTIFICACIÓN" and folio in first[1]
    assert problems == []
