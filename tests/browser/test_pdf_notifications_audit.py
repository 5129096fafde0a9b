"""In Chromium, at desktop width and on a phone: a notification received (bell count) and read, a
version downloaded as PDF whose text holds its clave, version and a numeral's text, the audit page
filtered, two versions compared from the document page; every page checked (no sideways scroll, no
serious axe-core violation)."""
import io

import pytest
from pypdf import PdfReader

from tests.browser.conftest import page_problems, sign_in
from tests.conftest import PASSWORD
from tests.documents.helpers import MANUAL_V2, act, approve, create_document, upload

pytestmark = pytest.mark.browser
VIEWPORTS = {"escritorio": (1280, 800), "telefono": (390, 844)}


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_notification_pdf_audit_and_compare(live_server, browser, users, axe_source, viewport):
    base = live_server.base_url
    client = live_server.test_client()
    tokens = {rol: users(nombre, [rol], unidad)[1] for nombre, rol, unidad in
              (("nora", "normativo", "NC"), ("rita", "revisor", "NC"), ("tito", "titular", "NC"),
               ("aldo", "auditor", "NC"))}
    doc = create_document(client, tokens["normativo"])
    upload(client, tokens["normativo"], doc)
    approve(client, tokens, doc, 1)
    act(client, tokens["normativo"], doc, 1, "publicar", destinatarios={"ooad": ["33"]})
    upload(client, tokens["normativo"], doc, content=MANUAL_V2, resumen="Precisa el acta")
    act(client, tokens["normativo"], doc, 2, "enviar_revision")  # rita is told: a version awaits her review
    width, height = VIEWPORTS[viewport]
    problems = []

    context = browser.new_context(locale="es-MX", viewport={"width": width, "height": height}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, base, "rita", PASSWORD)
    page.wait_for_url(f"{base}/")
    bell = page.get_by_test_id("campana")
    assert bell.is_visible() and bell.get_attribute("aria-label") == "Notificaciones: 2 sin leer"
    bell.click()
    page.wait_for_url(f"{base}/notificaciones")
    problems += page_problems(page, axe_source)
    page.get_by_role("button", name="Por revisar: 9312-003-012 versión 2 · Manual de notificación").click()
    page.wait_for_url(f"{base}/documentos/{doc}/versiones/2")
    assert page.get_by_test_id("campana").get_attribute("aria-label") == "Notificaciones: 1 sin leer"
    problems += page_problems(page, axe_source)
    with page.expect_download() as download:
        page.get_by_test_id("descargar-pdf").click()
    data = open(download.value.path(), "rb").read()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "9312-003-012" in text and "Versión 2" in text and "SIN VALIDEZ OFICIAL — BORRADOR" in text
    assert "El acta se levanta el mismo día hábil de la diligencia." in text
    page.goto(f"{base}/documentos/{doc}")
    page.select_option("#cmp-de", "1")
    page.select_option("#cmp-a", "2")
    page.get_by_role("button", name="Comparar").click()
    page.wait_for_url(f"{base}/documentos/{doc}/diff?de=1&a=2")
    assert "Cambios de la versión 1 a la 2" in page.inner_text("h1")
    problems += page_problems(page, axe_source)
    context.close()

    context = browser.new_context(locale="es-MX", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, base, "aldo", PASSWORD)
    page.wait_for_url(f"{base}/")
    if viewport == "telefono":
        page.get_by_role("button", name="Menú").click()
    page.get_by_role("link", name="Auditoría", exact=True).click()
    page.wait_for_url(f"{base}/auditoria")
    problems += page_problems(page, axe_source)
    page.fill("#f-actor", "rita")
    page.select_option("#f-accion", "archivo_descargado")
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url(f"{base}/auditoria?*")
    assert page.get_by_test_id("total").inner_text().startswith("1 movimiento")
    assert "Archivo descargado" in page.get_by_test_id("bitacora").inner_text()
    problems += page_problems(page, axe_source)
    page.goto(f"{base}/documentos/{doc}")
    page.get_by_test_id("historial").click()
    page.wait_for_url(f"{base}/auditoria?objeto_tipo=documentos*")
    assert "Documento registrado" in page.get_by_test_id("bitacora").inner_text()
    context.close()
    assert problems == []
