"""In the browser: a normativo uploads a new version of a manual, the revisor and the titular
approve it, it is published to the Subdelegaciones of OOAD 33 with a future vigencia; the catalog
"vigente al" shows the previous version before that date and the new one after; an operativo
acknowledges; the coverage shows the rest pending; the diff shows exactly the changed numerales."""
import re
from datetime import timedelta

import pytest

from docs_service.core.fechas import hoy
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.documents.helpers import MANUAL_V2, act, approve, create_document, upload

pytestmark = pytest.mark.browser


def logout(page):
    page.get_by_role("button", name="Cerrar sesión").click()


def test_draft_to_publication_to_acuse(live_server, page, users, tmp_path):
    base = live_server.base_url
    tokens = {rol: users(nombre, [rol], unidad)[1] for nombre, rol, unidad in (
        ("nora", "normativo", "NC"), ("rita", "revisor", "NC"), ("tito", "titular", "NC"),
        ("oscar", "operativo", "3301"))}
    client = live_server.test_client()
    doc = create_document(client, tokens["normativo"])
    upload(client, tokens["normativo"], doc)
    approve(client, tokens, doc, 1)
    assert act(client, tokens["normativo"], doc, 1, "publicar", destinatarios={"ooad": ["33"]}).status_code == 200

    # The normativo uploads version 2 and sends it to review.
    sign_in(page, base, "nora", PASSWORD)
    page.goto(f"{base}/documentos/{doc}")
    manual = tmp_path / "manual_v2.md"
    manual.write_text(MANUAL_V2, encoding="utf-8")
    page.set_input_files("input[name=archivo]", str(manual))
    page.fill("textarea[name=resumen]", "Precisa el plazo del acta y agrega la vigilancia.")
    page.get_by_role("button", name="Cargar versión").click()
    assert "Versión 2 cargada" in page.get_by_role("alert").inner_text()
    page.get_by_role("button", name="Enviar a revisión").click()
    assert page.get_by_test_id("estado").inner_text() == "En revisión"
    logout(page)

    # The revisor approves the review from the inbox; the titular approves.
    sign_in(page, base, "rita", PASSWORD)
    page.get_by_role("link", name="Bandeja", exact=True).click()
    page.get_by_role("link", name="v2").click()
    page.get_by_role("button", name="Aprobar revisión").click()
    assert page.get_by_test_id("estado").inner_text() == "En aprobación"
    logout(page)
    sign_in(page, base, "tito", PASSWORD)
    page.goto(f"{base}/bandeja")
    page.get_by_role("link", name="v2").click()
    page.get_by_role("button", name="Aprobar", exact=True).click()
    assert page.get_by_test_id("estado").inner_text() == "Aprobada"
    logout(page)

    # The normativo publishes to the Subdelegaciones of OOAD 33 with a future vigencia.
    start = hoy() + timedelta(days=15)
    sign_in(page, base, "nora", PASSWORD)
    page.goto(f"{base}/documentos/{doc}/versiones/2")
    form = page.locator("form[data-accion=publicar]")
    form.locator("input[name=vigente_desde]").fill(start.isoformat())
    form.locator("input[name=destino][value=ooad]").check()
    form.locator("input[name=claves]").fill("33")
    form.get_by_role("button", name="Publicar").click()
    assert page.get_by_test_id("estado").inner_text() == "Publicada"
    assert "pendientes 2" in page.get_by_test_id("cobertura").inner_text()  # 3301 and 3333

    # The catalog "vigente al": before the date the previous version, from it the new one.
    for day, expected in ((start - timedelta(days=1), "v1"), (start, "v2")):
        page.goto(f"{base}/documentos")
        page.fill("input[name=vigente_al]", day.isoformat())
        page.get_by_role("button", name="Filtrar").click()
        assert page.get_by_test_id("version-9312-003-012").inner_text() == expected
    logout(page)

    # An operativo of 3301 acknowledges from its acuses page.
    sign_in(page, base, "oscar", PASSWORD)
    page.get_by_role("link", name="Acuses", exact=True).click()
    row = page.locator("table[data-testid=acuses] tr", has_text="v2")
    row.get_by_role("button", name="Acusar recibo").click()
    assert "Acuse registrado" in page.get_by_role("alert").inner_text()
    assert "Recibido" in page.locator("table[data-testid=acuses] tr", has_text="v2").inner_text()
    logout(page)

    # The normativo sees the rest pending, and the diff shows exactly the changed numerales.
    sign_in(page, base, "nora", PASSWORD)
    page.goto(f"{base}/difusion")
    coverage_row = page.locator("table[data-testid=cobertura-tabla] tr", has_text="v2")
    assert "1 de 2" in coverage_row.inner_text()
    coverage_row.get_by_role("link").click()
    page.select_option("select[name=estado]", "pendiente")
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url("**estado=pendiente**")
    units = page.locator("table[data-testid=acuses-unidades] tbody tr").all_inner_texts()
    assert [u.split("\t")[0] for u in units] == ["3333 Mérida Sur"]
    page.goto(f"{base}/documentos/{doc}/versiones/2")
    page.get_by_role("link", name="Ver cambios respecto de la versión 1").click()
    numerales = page.locator("section[data-numeral]").evaluate_all("els => els.map(e => e.dataset.numeral)")
    assert numerales == ["2", "3.2", "4"]
    assert page.locator("section[data-numeral='3.2'] ins").inner_text() == "día hábil de la diligencia."
