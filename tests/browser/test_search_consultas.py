"""The consultor's walk in the browser, on a desktop and on a phone (390 px): search as in force on a
past date from the header box, open the numeral, register a consulta, answer it ticking a search
result as its citation. Every page: no sideways scroll, no serious axe-core violation."""
import re
from datetime import timedelta

import pytest

from docs_service.search import operations
from tests.browser.conftest import page_problems, sign_in
from tests.conftest import BACKENDS, PASSWORD
from tests.search.corpus import load

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("backend", BACKENDS)  # routing and citations by unit, on both databases
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

    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{base}/consultas/nueva")
    assert page.locator("select[name=solicitante]").input_value() == ""  # "Seleccione…", not the first unit
    page.fill("input[name=asunto]", "Plazo del citatorio")
    page.fill("textarea[name=descripcion]", "¿Con cuánta anticipación se entrega?")
    past = corpus["today"] - timedelta(days=500)
    page.fill("input[name=fecha_hechos]", past.isoformat())
    page.select_option("select[name=solicitante]", "3301")
    problems += page_problems(page, axe_source)
    page.get_by_role("button", name="Registrar").click()
    page.wait_for_url("**/consultas/CON-*")
    page.select_option("select[name=asignado]", "cony")
    page.get_by_role("button", name="Turnar").click()
    page.get_by_role("button", name="Pasar a análisis").click()
    typed = "Con veinticuatro horas de anticipación, según el texto vigente en la fecha de los hechos."
    page.fill("textarea[name=respuesta]", typed)
    assert page.get_by_test_id("cita-vigente-al").input_value() == past.isoformat()
    if viewport[0] < 700:  # on a phone the search comes right after the text, before the rest of the form
        text_box = page.locator("textarea[name=respuesta]").bounding_box()
        search_box = page.get_by_test_id("buscar-cita").bounding_box()
        send = page.get_by_role("button", name="Responder").bounding_box()
        assert text_box["y"] < search_box["y"] < send["y"]
        assert search_box["y"] - (text_box["y"] + text_box["height"]) < 200
    page.get_by_test_id("buscar-cita").fill("citatorio horas")
    page.get_by_test_id("buscar-cita").press("Enter")
    older = page.locator('input[name=citas][value$=":1:7.3.1.1"]')
    older.wait_for()
    listed = page.get_by_test_id("resultados-cita").locator("input[name=citas]").count()
    assert re.match(rf"(Los primeros )?{listed} (resultados? de|de \d+ resultados de) «citatorio horas»",
                    page.get_by_test_id("cuantos-cita").inner_text())  # counts what it lists
    older.check()  # the version in force on the date of the facts
    assert page.locator("textarea[name=respuesta]").input_value() == typed  # nothing was reloaded
    values = page.locator("input[name=citas]").evaluate_all("els => els.map(e => e.value)")
    assert len(values) == len(set(values)), values
    # searching again (as in force today) keeps the tick and does not offer it twice
    page.get_by_test_id("cita-vigente-al").fill(corpus["today"].isoformat())
    page.get_by_test_id("buscar-cita").press("Enter")
    page.locator('input[name=citas][value$=":2:7.3.1.1"]').wait_for()
    assert older.is_checked() and page.locator('input[name=citas][value$=":1:7.3.1.1"]').count() == 1
    assert page.locator("textarea[name=respuesta]").input_value() == typed
    problems += page_problems(page, axe_source)
    page.get_by_role("button", name="Responder").click()
    assert page.get_by_test_id("estado").inner_text() == "Respondida"
    assert "v1, numeral 7.3.1.1" in page.get_by_test_id("citas").inner_text()
    problems += page_problems(page, axe_source)
    page.get_by_test_id("citas").get_by_role("link").first.click()
    page.wait_for_url("**/versiones/1#n-*")
    target = page.locator("section:target")
    assert "7.3.1.1" in target.inner_text()
    assert target.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"  # the cited numeral stands out
    context.close()
    assert problems == [] and csp == []


@pytest.mark.parametrize("backend", ["sqlite"])
def test_prescripcion_on_the_demo_read_on_past_dates_cited_then_flagged(live_server, browser, users, axe_source):
    """The issue's "done when" on the demo Normateca, in the pages: `prescripcion creditos` from the
    header box, read as in force on two past dates (the older one shows the first version's text),
    a consulta answered ticking the numeral; a new version is published and the consulta page and
    its author's notices say the citation is out of date."""
    from docs_service.workflow.operations import today
    with live_server.app_context():
        operations.reindex()
    loaded = live_server.test_cli_runner().invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    users("cony", ["consultor"], "NC")
    base = live_server.base_url
    context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, base, "cony", PASSWORD)
    page.wait_for_url(f"{base}/")
    box = page.get_by_role("searchbox", name="Texto de la búsqueda normativa")
    box.fill("prescripcion creditos")
    box.press("Enter")
    page.wait_for_url(f"{base}/busqueda?*")
    results = page.get_by_test_id("resultados")
    page.get_by_test_id("vigente-al").fill((today() - timedelta(days=1000)).isoformat())
    page.get_by_role("button", name="Buscar", exact=True).click()
    assert "pudo ser legalmente exigido" in results.inner_text()
    problems = page_problems(page, axe_source)
    page.get_by_test_id("vigente-al").fill((today() - timedelta(days=200)).isoformat())
    page.get_by_role("button", name="Buscar", exact=True).click()
    assert "pudo ser legalmente exigido" not in results.inner_text()
    results.locator("a.resultado").filter(has_text="9300-006-021 v2").filter(has_text="Término de prescripción").click()
    page.wait_for_url("**/versiones/2#n-*")

    page.goto(f"{base}/consultas/nueva")
    page.fill("input[name=asunto]", "Prescripción de un crédito de 2019")
    page.fill("textarea[name=descripcion]", "¿Desde cuándo corre el término de prescripción?")
    page.select_option("select[name=solicitante]", "3301")
    page.get_by_role("button", name="Registrar").click()
    page.wait_for_url("**/consultas/CON-*")
    detail = page.url
    page.select_option("select[name=asignado]", "cony")
    page.get_by_role("button", name="Turnar").click()
    page.get_by_role("button", name="Pasar a análisis").click()
    page.get_by_test_id("buscar-cita").fill("prescripcion creditos")
    page.get_by_test_id("buscar-cita").press("Enter")
    page.locator('input[name=citas][value$=":2:2.1"]').check()
    page.fill("textarea[name=respuesta]", "Cinco años desde el día siguiente a la exigibilidad.")
    page.get_by_role("button", name="Responder").click()
    assert page.get_by_test_id("estado").inner_text() == "Respondida"
    assert "2.1" in page.get_by_test_id("citas").inner_text()
    assert page.get_by_test_id("desactualizada").count() == 0

    _publish_a_third_version(live_server)
    page.goto(detail)
    assert "sustituida" in page.get_by_test_id("desactualizada").inner_text()
    problems += page_problems(page, axe_source)
    page.goto(f"{base}/notificaciones")
    assert "Cita desactualizada" in page.locator("main").inner_text()
    problems += page_problems(page, axe_source)
    context.close()
    assert problems == []


def _publish_a_third_version(app):
    """The demo's normativo uploads, the reviewer and the titular approve, and it is published."""
    from sqlalchemy import select

    from docs_service.accounts.demo import demo_user
    from docs_service.core.db import db, transaction
    from docs_service.documents import operations as documents
    from docs_service.documents.models import Document
    from docs_service.workflow import operations as flow
    with app.app_context(), transaction():
        document = db.session.scalar(select(Document).where(Document.clave == "9300-006-021"))
        normativo = demo_user("normativo.demo")
        body = (app.config["DOCS_MANUALES_DIR"] + "/9300-006-021/v2.md")
        data = open(body, "rb").read() + "\n4. Vigencia\nSustituye a la versión anterior.\n".encode()
        version = documents.upload_version(normativo, document, filename="v3.md", data=data, resumen="Agrega la vigencia.")
        for actor, action in ((normativo, "enviar_revision"), (demo_user("revisor.demo"), "aprobar_revision"),
                              (demo_user("titular.demo"), "aprobar")):
            flow.transition(actor, version, action, comentario="Prueba.")
        flow.transition(normativo, version, "publicar", vigente_desde=flow.today(),
                        destinatarios={"todas": True}, comentario="Prueba.")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_subdelegacion_answers_the_demo_patron_consulta_routed_to_it(live_server, browser, axe_source):
    """On the demo: consultor.3301 sees the patrón's consulta routed to 3301 (not the others), turns it
    to itself (offered by name and unit), searches as in force on the date of the facts without losing
    what it typed, and answers citing the first version of the prescripción criterion."""
    from docs_service.accounts.demo import DEMO_PASSWORD
    with live_server.app_context():
        operations.reindex()
    loaded = live_server.test_cli_runner().invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    base = live_server.base_url
    context = browser.new_context(locale="es-MX", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    csp = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, base, "consultor.3301", DEMO_PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/consultas")
    rows = page.get_by_test_id("consultas")
    assert "Prescripción de un crédito de un patrón" in rows.inner_text()
    problems = page_problems(page, axe_source)
    rows.locator("tr").filter(has_text="Prescripción de un crédito de un patrón").get_by_role("link").click()
    page.wait_for_url("**/consultas/CON-*")
    assert "3301 Mérida Norte" in page.get_by_test_id("responde").inner_text()
    options = page.locator("select[name=asignado] option").all_inner_texts()
    assert options == ["Seleccione…", "Consultas de la Subdelegación (demostración)"]
    assert page.get_by_label("Turnar a una persona de 3301 Mérida Norte").is_visible()
    page.select_option("select[name=asignado]", "consultor.3301")
    page.get_by_role("button", name="Turnar").click()
    page.get_by_role("button", name="Pasar a análisis").click()
    page.fill("textarea[name=respuesta]", "Cinco años, según el criterio vigente en la fecha de los hechos.")
    page.get_by_test_id("buscar-cita").fill("prescripcion creditos")
    page.get_by_test_id("buscar-cita").press("Enter")
    page.locator('input[name=citas][value$=":1:2.1"]').check()
    assert "fecha de los hechos" in page.locator("textarea[name=respuesta]").input_value()
    problems += page_problems(page, axe_source)
    page.get_by_role("button", name="Responder").click()
    assert page.get_by_test_id("estado").inner_text() == "Respondida"
    assert "v1, numeral 2.1" in page.get_by_test_id("citas").inner_text()
    assert page.get_by_test_id("respondida-por").inner_text().endswith(" por Consultas de la Subdelegación (demostración)")
    problems += page_problems(page, axe_source)
    context.close()
    assert problems == [] and csp == []


def _answering(live_server, users) -> str:
    """A consulta turned to «cony» and in analysis, over the search corpus; its folio."""
    with live_server.app_context():
        operations.reindex()
    load(live_server, users)
    token = users("cony", ["consultor"], "NC")[1]
    client, h = live_server.test_client(), {"Authorization": f"Bearer {token}"}
    folio = client.post("/api/v1/consultas", headers=h, json={
        "tipo": "general", "asunto": "Plazo del citatorio", "descripcion": "¿Con cuánta anticipación?",
        "solicitante": "3301"}).get_json()["folio"]
    etag = client.get(f"/api/v1/consultas/{folio}", headers=h).headers["ETag"]
    turned = client.post(f"/api/v1/consultas/{folio}/transiciones", json={"accion": "turnar", "asignado": "cony"},
                         headers={**h, "If-Match": etag})
    analysed = client.post(f"/api/v1/consultas/{folio}/transiciones", json={"accion": "analizar"},
                           headers={**h, "If-Match": turned.headers["ETag"]})
    assert analysed.status_code == 200, analysed.get_json()
    return folio


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("javascript", [True, False], ids=["con-js", "sin-js"])
def test_enter_in_the_answer_form_never_submits_the_wrong_form(live_server, browser, users, javascript):
    """Enter in the criterio fields never runs the citation search; Enter in the search box never sends
    the answer. With JavaScript Enter in the search box searches (no reload) and in the criterio fields
    answers; without it Enter submits nothing and «Buscar» posts the form back with what was typed."""
    folio = _answering(live_server, users)
    base = live_server.base_url
    context = browser.new_context(locale="es-MX", java_script_enabled=javascript)
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in(page, base, "cony", PASSWORD)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/consultas/{folio}")
    assert page.locator("form form").count() == 0 and page.locator("form#respuesta").count() == 1
    requests = []
    page.on("request", lambda r: requests.append((r.method, r.url)) if r.method == "POST" else None)
    typed = "Con veinticuatro horas de anticipación."
    page.fill("textarea[name=respuesta]", typed)
    page.fill("input[name=criterio_clave]", "9300-006-099")
    page.get_by_test_id("buscar-cita").fill("citatorio horas")
    page.locator("input[name=criterio_titulo]").fill("Plazo del citatorio")
    if javascript:
        page.get_by_test_id("buscar-cita").press("Enter")  # searches through the API, the page stays
        page.locator("[data-testid=resultados-cita] input[name=citas]").first.wait_for()
        assert requests == [] and page.locator("textarea[name=respuesta]").input_value() == typed
        page.locator("[data-testid=resultados-cita] input[name=citas]").first.check()
        with page.expect_navigation():
            page.locator("input[name=criterio_titulo]").press("Enter")  # answers
        assert [url for _, url in requests] == [f"{base}/consultas/{folio}/respuesta"]
        assert page.get_by_test_id("estado").inner_text() == "Respondida"
    else:
        page.locator("input[name=criterio_titulo]").press("Enter")
        page.locator("input[name=criterio_clave]").press("Enter")
        page.get_by_test_id("buscar-cita").press("Enter")
        page.wait_for_timeout(500)
        assert requests == []  # neither the search nor the answer
        assert page.locator("[data-testid=resultados-cita] input[name=citas]").count() == 0
        page.get_by_role("button", name="Buscar", exact=True).click()  # the search, posting what was typed
        page.wait_for_url(f"{base}/consultas/{folio}/citar")
        assert [url for _, url in requests] == [f"{base}/consultas/{folio}/citar"]
        assert page.locator("textarea[name=respuesta]").input_value() == typed
        assert page.locator("input[name=criterio_titulo]").input_value() == "Plazo del citatorio"
        assert page.locator("[data-testid=resultados-cita] input[name=citas]").count() > 0
    context.close()
