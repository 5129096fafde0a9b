"""Browser fixtures: the app served by waitress in a thread, driven by Playwright in Debian's
Chromium. A missing browser fails the run (never a skip): `make test` installs it."""
import os
import shutil
import threading

import pytest
from waitress.server import create_server

CHROMIUM = os.environ.get("DOCS_SERVICE_CHROMIUM", "/usr/bin/chromium")
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
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    app.base_url = f"http://127.0.0.1:{server.effective_port}"
    yield app
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
