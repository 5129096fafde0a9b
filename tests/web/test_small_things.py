"""Small things people hit: token creation redirects and offers an expiry, deactivation stands
apart and asks first, password rules shown up front, the 404 page keeps the menu, a favicon, pages
past the end of a list show its last page."""
import re
from datetime import timedelta

from docs_service.core.db import utcnow
from tests.conftest import csrf_from
from tests.documents.helpers import create_document


def test_token_is_created_once_with_its_expiry(app, client, users, login):
    users("jefa", ["admin"], "NC")
    ana, _ = users("ana", ["operativo"], "3301")
    login("jefa")
    url = f"/admin/usuarios/{ana}"
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<option value="90" selected>en 90 días</option>', page)
    response = client.post(url, data={"csrf_token": csrf_from(page), "accion": "token", "expira_dias": "90"})
    assert response.status_code == 303 and response.headers["Location"] == url
    shown = client.get(url).get_data(as_text=True)
    assert shown.count('data-testid="token-nuevo"') == 1
    reloaded = client.get(url).get_data(as_text=True)
    assert 'data-testid="token-nuevo"' not in reloaded
    with app.app_context():
        from docs_service.accounts.models import ApiToken
        from docs_service.core.db import db
        tokens = db.session.query(ApiToken).filter_by(usuario_id=ana).all()
        # One from the fixture (no expiry) and the one created here, expiring in 90 days.
        created = [t for t in tokens if t.expira is not None]
        assert len(tokens) == 2 and len(created) == 1
        assert abs(created[0].expira - (utcnow() + timedelta(days=90))) < timedelta(minutes=5)


def test_deactivation_stands_apart_and_password_rules_are_shown(client, users, login):
    users("jefa", ["admin"], "NC")
    ana, _ = users("ana", ["operativo"], "3301")
    login("jefa")
    page = client.get(f"/admin/usuarios/{ana}").get_data(as_text=True)
    danger = page[page.index('class="peligro"'):]
    assert "Desactivar cuenta" in danger and "data-confirmar=" in danger
    assert "Desactivar cuenta" not in page[:page.index('class="peligro"')]
    assert "Al menos 10 caracteres." in page and 'minlength="10"' in page
    assert "Al menos 10 caracteres." in client.get("/admin/usuarios/nuevo").get_data(as_text=True)


def test_not_found_keeps_the_menu_and_there_is_a_favicon(client, users, login):
    users("ana", ["operativo"], "3301")
    anonymous = client.get("/no-existe")
    assert anonymous.status_code == 404 and "Cerrar sesión" not in anonymous.get_data(as_text=True)
    login("ana")
    missing = client.get("/no-existe")
    html = missing.get_data(as_text=True)
    assert missing.status_code == 404 and "Cerrar sesión" in html and 'href="/acuses"' in html
    assert 'rel="icon"' in html and client.get("/static/favicon.svg").status_code == 200


def test_a_page_past_the_end_shows_the_last_page(client, users, login):
    _id, token = users("nora", ["normativo"], "NC")
    for n in range(3):
        create_document(client, token, clave=f"9312-003-{n:03d}")
    login("nora")
    for pagina in ("2", "99", str(10**30)):
        page = client.get(f"/documentos?pagina={pagina}")
        assert page.status_code == 200
        assert "9312-003-002" in page.get_data(as_text=True), pagina
    users("jefa", ["admin"], "NC")
    login("jefa")
    listing = client.get("/admin/usuarios?pagina=7").get_data(as_text=True)
    assert ">nora<" in listing and ">jefa<" in listing


def test_counts_read_in_the_singular_or_the_plural():
    """«1 unidad», «3 unidades», «0 formatos», «1,250 documentos»: never «unidad(es)»."""
    from docs_service.web.templating import cuantos
    assert cuantos(1, "unidad", "unidades") == "1 unidad" and cuantos(3, "unidad", "unidades") == "3 unidades"
    assert cuantos(0, "formato", "formatos") == "0 formatos" and cuantos(None, "pago", "pagos") == "0 pagos"
    assert cuantos(1250, "documento", "documentos") == "1,250 documentos"


def test_file_sizes_read_in_bytes_kb_or_mb():
    from docs_service.web.templating import tamano
    assert tamano(162) == "162 bytes" and tamano(36742) == "36 KB" and tamano(1_500_000) == "1.4 MB"
    assert tamano(25 * 1024 * 1024) == "25 MB"
