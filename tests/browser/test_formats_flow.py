"""In the browser, at 390 px: an operativo of 3301 finds the aclaración format by a word of its title,
sees the preview and instructivo, fills the form (a bad RFC is stopped by the browser and, past it,
by the server next to the field), downloads the pre-filled PDF, then fills the blank PDF offline and
uploads it back to get the same data in the form."""
import pytest

from tests.conftest import PASSWORD
from tests.browser.conftest import page_problems, sign_in
from tests.formats.helpers import VALID, fill_pdf, flat, load_aclaracion, pdf_text, people

pytestmark = pytest.mark.browser


def test_find_fill_download_read_back(live_server, browser, users, axe_source, tmp_path):
    people(users)
    fmt = load_aclaracion(live_server)
    base = live_server.base_url
    context = browser.new_context(locale="es-MX", viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    try:
        sign_in(page, base, "operativo.3301", PASSWORD)
        page.get_by_role("button", name="Menú").click()  # at 390 px the header menu is folded
        page.get_by_role("link", name="Formatos").first.click()
        page.get_by_test_id("buscar").fill("aclaración")
        page.get_by_role("button", name="Buscar").click()
        problems = page_problems(page, axe_source)
        page.get_by_role("link", name="Solicitud de aclaración administrativa de créditos fiscales").click()
        assert page.get_by_test_id("titulo").inner_text().startswith("Solicitud de aclaración")
        assert "razón social" in page.get_by_test_id("instructivo").inner_text()
        preview = page.get_by_test_id("vista")
        for _ in range(100):  # the preview is rasterised on first request (CSP forbids wait_for_function)
            if preview.evaluate("img => img.complete && img.naturalWidth > 0"):
                break
            page.wait_for_timeout(200)
        assert preview.evaluate("img => img.naturalWidth") > 0
        problems += page_problems(page, axe_source)
        # every box fits, the rows' inputs too (stacked as cards, not scrolled sideways)
        wide = page.evaluate("""() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 391
            && !e.closest('.solo-lectores')).map(e => e.tagName + '.' + e.className).slice(0, 5)""")
        assert wide == [], wide
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, wide  # usable at 390 px

        values = flat(VALID)
        for name, value in values.items():
            if not value:
                continue
            locator = page.locator(f"[name='{name}']")
            if name.endswith("concepto"):
                locator.select_option(value)
            else:
                locator.fill(value)
        page.locator("[name=rfc]").fill("NO ES RFC")
        page.get_by_test_id("pdf-prellenado").click()  # the browser refuses the pattern
        assert page.evaluate("document.querySelector('[name=rfc]').validity.valid") is False
        page.evaluate("document.querySelector('[data-testid=llenado]').noValidate = true")
        page.get_by_test_id("pdf-prellenado").click()  # the server refuses it too, next to the field
        assert "«RFC del patrón»" in page.get_by_test_id("error-rfc").inner_text()
        assert page.locator("[name=razon_social]").input_value() == VALID["razon_social"]

        page.locator("[name=rfc]").fill(VALID["rfc"])
        with page.expect_download() as info:
            page.get_by_test_id("pdf-prellenado").click()
        info.value.save_as(tmp_path / "prellenado.pdf")
        text = pdf_text((tmp_path / "prellenado.pdf").read_bytes())
        assert "GODE561231GR8" in text and "VEINTIÚN MILLONES TREINTA Y UN MIL PESOS 10/100 M.N." in text

        page.goto(f"{base}/formatos/{fmt}")
        with page.expect_download() as info:
            page.get_by_test_id("pdf-blanco").click()
        info.value.save_as(tmp_path / "blanco.pdf")
        offline = tmp_path / "llenado.pdf"
        offline.write_bytes(fill_pdf((tmp_path / "blanco.pdf").read_bytes(), values))
        page.set_input_files("[data-testid=archivo-llenado]", str(offline))
        page.get_by_test_id("leer").click()
        assert "Datos leídos" in page.get_by_test_id("leido").inner_text()
        for name in ("rfc", "nrp", "creditos__1__numero", "importe_total", "motivo"):
            assert page.locator(f"[name='{name}']").input_value() == values[name], name
        assert page.locator("[name=creditos__1__concepto]").input_value() == "RCV"
        problems += page_problems(page, axe_source)
        assert problems == []
    finally:
        context.close()


def test_a_row_typed_into_marks_its_other_cells_required(live_server, browser, users, axe_source):
    """At 390 px and by keyboard: the note under the table says a filled row needs all its columns;
    typing into row 2 marks that row's other cells required (announced and with «*»), emptying it
    unmarks them; row 1 stays required."""
    people(users)
    fmt = load_aclaracion(live_server)
    base = live_server.base_url
    context = browser.new_context(locale="es-MX", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20000)

    def marked(i):
        return page.evaluate(f"""() => ['periodo', 'concepto', 'importe'].map(c => {{
            const e = document.getElementById('creditos__{i}__' + c);
            return [e.required, e.getAttribute('aria-required'), e.closest('td').getAttribute('data-label').endsWith(' *'),
                    document.querySelector("label[for='" + e.id + "']").textContent.endsWith(' *')];
        }})""")

    try:
        sign_in(page, base, "operativo.3301", PASSWORD)
        page.goto(f"{base}/formatos/{fmt}")
        note = page.get_by_test_id("filas-completas-creditos")
        assert note.inner_text() == "Si llena una fila, complete todas sus columnas." and note.is_visible()
        assert note.evaluate("e => e.getBoundingClientRect().right") <= 390
        assert marked(2) == [[False, "false", False, False]] * 3
        assert marked(1) == [[True, None, True, True]] * 3  # required by the page itself
        page.locator("#creditos__1__importe").focus()
        page.keyboard.press("Tab")  # the next cell is row 2's first one
        assert page.evaluate("document.activeElement.id") == "creditos__2__numero"
        page.keyboard.type("258123457")
        assert marked(2) == [[True, "true", True, True]] * 3
        assert marked(3) == [[False, "false", False, False]] * 3
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "creditos__2__periodo"
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        assert marked(2) == [[False, "false", False, False]] * 3
        page.keyboard.type("1")
        assert page_problems(page, axe_source) == []
    finally:
        context.close()
