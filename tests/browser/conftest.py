"""Browser fixtures: the app served by waitress in a thread, driven by Playwright in Debian's
Chromium, and the page checks every walk makes (no sideways scroll, no serious axe-core violation).
A missing browser or axe-core fails the run (never a skip): `make test` installs both."""
import os
import shutil
import threading
from pathlib import Path

import pytest
from waitress.server import create_server

CHROMIUM = os.environ.get("DOCS_SERVICE_CHROMIUM", "/usr/bin/chromium")
AXE = Path(os.environ.get("DOCS_SERVICE_AXE", Path(__file__).parent / ".node/node_modules/axe-core/axe.min.js"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(f"No se encontró Chromium en {CHROMIUM}; `make test` lo instala (apt-get install chromium).")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(make_app):
    """The real pages over HTTP, with the production cookie settings (Secure cookies on loopback)."""
    app = make_app(COOKIE_SECURE=True)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()

    def serve():
        try:
            server.run()
        except OSError:  # the loop's select() sees the socket closed under it at shutdown
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    app.base_url = f"http://127.0.0.1:{server.effective_port}"
    yield app
    stopping.set()
    server.close()
    thread.join(timeout=5)


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page, base_url, nombre, password):
    page.goto(f"{base_url}/login")
    page.fill("input[name=nombre]", nombre)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.is_file():
        pytest.fail(f"No se encontró axe-core en {AXE}; `make test` lo instala con npm (axe-core@4).")
    return AXE.read_text(encoding="utf-8")


def page_problems(page, axe_source) -> list[str]:
    """What is wrong with the page as shown: wider than the viewport (sideways scroll), or an
    axe-core violation of serious or critical impact. Injected through the DevTools protocol, so the
    page's Content-Security-Policy stays as in production."""
    problems = []
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width > viewport:
        problems.append(f"{page.url}: {width} px de ancho en una ventana de {viewport} px")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    violations = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
    }""")
    problems += [f"{page.url}: {v}" for v in violations]
    return problems
