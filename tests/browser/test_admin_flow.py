"""An admin logs in in a browser, creates an operativo of Subdelegación 3301 and a token; the token
reads the API only within its rights."""
import json
import urllib.error
import urllib.request

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _get(url, token):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_admin_creates_operativo_and_token(live_server, page, users):
    users("jefa", ["admin"], "NC")
    base = live_server.base_url
    sign_in(page, base, "jefa", "incorrecta-000")
    assert page.get_by_role("alert").inner_text() == "Usuario o contraseña incorrectos."
    sign_in(page, base, "jefa", PASSWORD)
    assert page.get_by_test_id("usuario").inner_text().startswith("jefa")
    page.get_by_role("link", name="Administrar usuarios").click()
    page.get_by_role("link", name="Nuevo usuario").click()
    page.fill("input[name=nombre]", "ana.lopez")
    page.fill("input[name=nombre_completo]", "Ana López Pérez")
    page.check("input[name=roles][value=operativo]")
    page.select_option("select[name=unidad]", "3301")
    page.get_by_role("button", name="Crear usuario").click()
    assert "Usuario «ana.lopez» creado." in page.get_by_role("alert").inner_text()
    assert page.get_by_test_id("roles").inner_text() == "Operativo"
    page.fill("input[name=descripcion]", "captura de acuses")
    page.get_by_role("button", name="Crear token").click()
    token = page.get_by_test_id("token-nuevo").inner_text().strip()
    assert page.get_by_role("button", name="Copiar").is_visible()
    page.reload()  # the redirect after POST: a reload neither shows nor creates another token
    assert page.get_by_test_id("token-nuevo").count() == 0 and page.locator("code", has_text="nc_").count() == 1

    status, me = _get(f"{base}/api/v1/yo", token)
    assert status == 200 and me["nombre"] == "ana.lopez" and me["unidad"] == "3301"
    status, _ = _get(f"{base}/api/v1/unidades/3301", token)
    assert status == 200
    status, body = _get(f"{base}/api/v1/usuarios", token)
    assert status == 403 and body["message"] == "No tiene permiso para realizar esta acción."
    status, _ = _get(f"{base}/api/v1/auditoria", token)
    assert status == 403

    # Deactivating asks first: dismissed, nothing changes; accepted, the account is inactive.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Desactivar cuenta").click()
    assert "Activo" in page.locator(".ficha").inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Desactivar cuenta").click()
    assert "Cuenta desactivada." in page.get_by_role("alert").inner_text()
    assert "Inactivo" in page.locator(".ficha").inner_text()

    page.get_by_role("button", name="Cerrar sesión").click()
    assert page.url.startswith(f"{base}/login")
