"""The consultor's walk in the browser, on a desktop and on a phone (390 px): search as in force on a
past date from the header box, open the numeral, register a consulta, answer it ticking a search
result as its citation. Every page: no sideways scroll, no serious axe-core violation."""
from datetime import timedelta

import pytest

from docs_service.search import operations
from tests.browser.conftest import page_problems, sign_in
from tests.conftest import PASSWORD
from tests.search.corpus import load

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["escritorio", "telefono"])
def test_consultor_searches_and_answers_citing_a_numeral(live_server, browser, users, axe_source, viewport):
    with live_server.app_context():
        operations.reindex()
    corpus = load(live_server, users)
    users("cony", ["consultor"], "NC")
    base = live_server.base_url
    context = browser.new_context(locale="es-MX", viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, base, "cony", PASSWORD)
    page.wait_for_url(f"{base}/")
    problems = page_problems(page, axe_source)
    box = page.get_by_role("searchbox", name="Texto de la búsqueda normativa")
    box.fill("citatorio horas")
    box.press("Enter")
    page.wait_for_url(f"{base}/busqueda?*")
    page.get_by_test_id("vigente-al").fill((corpus["today"] - timedelta(days=500)).isoformat())
    page.get_by_role("button", name="Buscar", exact=True).click()
    results = page.get_by_test_id("resultados")
    assert "veinticuatro" in results.inner_text()
    problems += page_problems(page, axe_source)
    results.get_by_role("link").first.click()
    page.wait_for_url("**/versiones/1#n-*")
    problems += page_problems(page, axe_source)

    page.goto(f"{base}/consultas/nueva")
    page.fill("input[name=asunto]", "Plazo del citatorio")
    page.fill("textarea[name=descripcion]", "¿Con cuánta anticipación se entrega?")
    page.select_option("select[name=solicitante]", "3301")
    problems += page_problems(page, axe_source)
    page.get_by_role("button", name="Registrar").click()
    page.wait_for_url("**/consultas/CON-*")
    page.select_option("select[name=asignado]", "cony")
    page.get_by_role("button", name="Turnar").click()
    page.get_by_role("button", name="Pasar a análisis").click()
    page.get_by_test_id("buscar-cita").fill("citatorio horas")
    page.get_by_test_id("buscar-cita").press("Enter")
    page.get_by_role("checkbox").first.check()
    page.fill("textarea[name=respuesta]", "Con cuarenta y ocho horas de anticipación.")
    problems += page_problems(page, axe_source)
    page.get_by_role("button", name="Responder").click()
    assert page.get_by_test_id("estado").inner_text() == "Respondida"
    assert "7.3.1.1" in page.get_by_test_id("citas").inner_text()
    problems += page_problems(page, axe_source)
    context.close()
    assert problems == []
