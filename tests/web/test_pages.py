"""The pages: login, home per role, and user administration, through real forms with CSRF."""
from tests.conftest import csrf_from


def test_anonymous_is_sent_to_login(client):
    response = client.get("/admin/usuarios")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/usuarios")


def test_home_shows_each_role_what_it_can_do(client, users, login):
    users("ana", ["operativo"], "3301")
    login("ana")
    page = client.get("/").get_data(as_text=True)
    assert "Acuses pendientes de mi unidad" in page and "Administrar usuarios" not in page
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    users("jefa", ["admin"], "NC")
    login("jefa")
    page = client.get("/").get_data(as_text=True)
    assert "Administrar usuarios" in page and "Acuses pendientes de mi unidad" not in page


def test_non_admin_cannot_open_user_admin(client, users, login):
    users("ana", ["operativo"], "3301")
    login("ana")
    assert client.get("/admin/usuarios").status_code == 403


def test_admin_creates_user_and_token_through_forms(client, users, login, auth):
    users("jefa", ["admin"], "NC")
    login("jefa")
    form = client.get("/admin/usuarios/nuevo").get_data(as_text=True)
    created = client.post("/admin/usuarios/nuevo", data={
        "csrf_token": csrf_from(form), "nombre": "ana.lopez", "nombre_completo": "Ana López",
        "roles": ["operativo"], "unidad": "3301"})
    assert created.status_code == 302
    detail_url = created.headers["Location"]
    detail = client.get(detail_url).get_data(as_text=True)
    assert "operativo" in detail and "3301" in detail
    created = client.post(detail_url, data={"csrf_token": csrf_from(detail), "accion": "token",
                                            "descripcion": "captura", "expira_dias": "30"})
    assert created.status_code == 303  # a reload of the next page creates nothing
    with_token = client.get(created.headers["Location"]).get_data(as_text=True)
    import re
    secret = re.search(r'data-testid="token-nuevo">([^<]+)<', with_token).group(1)
    assert 'data-copiar="#token-nuevo"' in with_token and with_token.count("<code>nc_") == 1
    assert client.get("/api/v1/yo", headers=auth(secret)).get_json()["nombre"] == "ana.lopez"
    again = client.get(detail_url).get_data(as_text=True)
    assert secret not in again  # shown once


def test_invalid_form_shows_spanish_error_and_creates_nothing(client, users, login):
    users("jefa", ["admin"], "NC")
    login("jefa")
    form = client.get("/admin/usuarios/nuevo").get_data(as_text=True)
    response = client.post("/admin/usuarios/nuevo", data={
        "csrf_token": csrf_from(form), "nombre": "ana", "roles": ["operativo"], "unidad": ""})
    assert response.status_code == 422
    assert "debe pertenecer a un OOAD" in response.get_data(as_text=True)
    listing = client.get("/admin/usuarios").get_data(as_text=True)
    assert ">ana<" not in listing


def test_logout_ends_the_session(client, users, login):
    users("ana", ["consultor"], "NC")
    login("ana")
    page = client.get("/").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_from(page)}).status_code == 302
    assert client.get("/").status_code == 302


def test_catalog_pages_keep_filters(app, client, users, login):
    from docs_service.core.db import transaction
    from docs_service.core.access import load_principal
    from docs_service.documents import operations as ops
    uid, _ = users("nora", ["normativo"], "NC")
    with app.app_context(), transaction():
        actor = load_principal(user_id=uid)[0]
        for i in range(55):
            ops.create_document(actor, clave=f"9312-003-{i:03d}", titulo=f"Documento {i}", tipo="instructivo", area="A")
    login("nora")
    first = client.get("/documentos?tipo=instructivo").get_data(as_text=True)
    assert "55 documentos" in first and "9312-003-049" in first and "9312-003-050" not in first
    import re
    link = re.search(r'href="([^"]*pagina=2[^"]*)"', first).group(1).replace("&amp;", "&")
    assert "tipo=instructivo" in link
    second = client.get(link).get_data(as_text=True)
    assert "9312-003-050" in second and "Página anterior" in second
