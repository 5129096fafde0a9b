"""In the browser, at phone width (390 px): an operativo of 3301 imports a small CSV with one bad
row and reads the report, finds a credit, moves it notificado → exigible → PAE requerido, sends it
to 3333; an operativo of 3333 accepts the traslado and the credit leaves 3301's view."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import page_problems, sign_in
from tests.conftest import PASSWORD
from tests.credits.helpers import csv_bytes, row

pytestmark = pytest.mark.browser


def checked(page, axe_source):
    page.wait_for_load_state("load")  # after a click, measure the new page once its stylesheet applies
    return page_problems(page, axe_source)


def logout(page):
    page.get_by_role("button", name="Menú").click()  # at phone width the menu is collapsed
    page.get_by_role("button", name="Cerrar sesión").click()


def test_import_find_move_and_transfer(live_server, page, users, tmp_path, axe_source):
    base = live_server.base_url
    users("pedro", ["operativo"], "3301")
    users("pilar", ["operativo"], "3333")
    page.set_viewport_size({"width": 390, "height": 844})
    archivo = tmp_path / "creditos.csv"
    archivo.write_bytes(csv_bytes([row(1), row(2), row(3, rfc="MALO")]))

    sign_in(page, base, "pedro", PASSWORD)
    page.goto(f"{base}/creditos/importar")
    page.set_input_files("input[name=archivo]", str(archivo))
    # While the server works, the page shows the progress it polls: the upload is held here and the
    # poll answered with a running state, so the check does not race the import (the real poll is
    # tested in tests/credits/test_pages.py).
    held = []
    page.route(re.compile(r".*/creditos/importar$"),
               lambda route: held.append(route) if route.request.method == "POST" else route.continue_())
    running = {"estado": "en_curso", "bytes": 50, "total_bytes": 100, "filas": 1500, "cargadas": 1499,
               "sin_cambios": 0, "rechazadas": 1}
    page.route("**/creditos/importar/avance/*", lambda route: route.fulfill(json=running))
    page.get_by_role("button", name="Importar").focus()
    page.keyboard.press("Enter")  # by keyboard
    expect(page.get_by_test_id("estado-avance")).to_contain_text(re.compile(r"1.?500 filas procesadas"))
    assert "1 rechazadas" in page.get_by_test_id("estado-avance").inner_text()
    assert page.get_by_test_id("barra-avance").evaluate("bar => bar.value") == 50
    problems = checked(page, axe_source)
    page.unroute("**/creditos/importar/avance/*")
    held[0].continue_()
    assert page.get_by_test_id("cargadas").inner_text() == "2"
    assert page.get_by_test_id("rechazadas").inner_text() == "1"
    assert "rfc" in page.get_by_test_id("reporte").inner_text()
    problems += checked(page, axe_source)

    page.goto(f"{base}/creditos")
    page.fill("input[name=numero]", "268000001")
    page.get_by_role("button", name="Buscar").click()
    problems += checked(page, axe_source)
    page.get_by_role("link", name="268000001").click()
    assert page.get_by_test_id("fase").inner_text() == "Notificado"
    page.get_by_test_id("accion-declarar_exigible").click()
    page.get_by_role("button", name="Declarar exigible (plazo vencido)").click()
    assert page.get_by_test_id("fase").inner_text() == "Exigible"
    page.get_by_test_id("accion-requerir").click()
    page.get_by_role("button", name="Requerir pago (mandamiento de ejecución)").click()
    assert page.get_by_test_id("fase").inner_text() == "PAE: requerido"
    assert "INC 31" in page.get_by_test_id("eventos").inner_text()
    problems += checked(page, axe_source)

    page.get_by_text("Trasladar a otra unidad").click()
    page.select_option("select[name=tipo]", "cambio_subdelegacion")
    page.select_option("select[name=unidad_destino]", "3333")
    page.get_by_role("button", name="Enviar traslado").click()
    assert page.get_by_test_id("fase").inner_text() == "En traslado"
    logout(page)

    sign_in(page, base, "pilar", PASSWORD)
    page.goto(f"{base}/traslados")
    problems += checked(page, axe_source)
    page.get_by_test_id("aceptar-268000001").click()
    assert page.get_by_test_id("fase").inner_text() == "PAE: requerido"
    assert "3333" in page.get_by_test_id("unidad").inner_text()
    for path in ("/pagos", "/creditos/importar"):
        page.goto(base + path)
        problems += checked(page, axe_source)
    patron = page.goto(f"{base}/creditos/268000001")
    page.get_by_role("link", name=re.compile(r"^Z")).first.click()
    problems += checked(page, axe_source)
    assert not problems, "\n".join(problems)
    logout(page)

    sign_in(page, base, "pedro", PASSWORD)
    response = page.goto(f"{base}/creditos/268000001")
    assert response.status == 404
