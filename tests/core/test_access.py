"""Deny by default, token authentication, role matrix, and the HTTP hygiene around them."""
from datetime import timedelta

import pytest

from docs_service.accounts.models import ROLES
from docs_service.core.access import endpoint_policy
from docs_service.core.db import db, transaction, utcnow
from tests.conftest import audit_rows, csrf_from


def test_every_route_has_a_declared_policy(app):
    """Walks app.url_map: each (endpoint, method) must declare who may call it."""
    missing = []
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"OPTIONS"}:
            if endpoint_policy(app, rule.endpoint, method) is None:
                missing.append(f"{method} {rule.rule}")
    assert missing == []


def test_undeclared_route_is_denied(app, client):
    @app.route("/sin-politica")
    def sin_politica():
        return "no debería verse"
    response = client.get("/sin-politica")
    assert response.status_code == 403
    assert "no debería verse" not in response.get_data(as_text=True)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nc_inexistente", "Basic YWRtaW46YWRtaW4=",
                                    "Bearer " + "x" * 500])
def test_missing_or_malformed_token_is_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/yo", headers=headers)
    assert response.status_code == 401
    body = response.get_json()
    assert body["code"] == 401 and body["message"] and body["request_id"]


def test_revoked_and_expired_tokens_are_401(app, client, users, auth):
    from docs_service.accounts.models import ApiToken
    uid, token = users("ana", ["consultor"], "NC")
    assert client.get("/api/v1/yo", headers=auth(token)).status_code == 200
    with app.app_context(), transaction():
        row = db.session.query(ApiToken).filter_by(usuario_id=uid).one()
        row.expira = utcnow() - timedelta(minutes=1)
    expired = client.get("/api/v1/yo", headers=auth(token))
    assert expired.status_code == 401 and expired.get_json()["error"] == "token_expirado"
    with app.app_context(), transaction():
        row = db.session.query(ApiToken).filter_by(usuario_id=uid).one()
        row.expira, row.revocado = None, utcnow()
    revoked = client.get("/api/v1/yo", headers=auth(token))
    assert revoked.status_code == 401 and revoked.get_json()["error"] == "token_revocado"
    assert "revocado" in revoked.get_json()["message"]


def test_deactivated_user_token_is_401(client, users, auth):
    admin_id, admin = users("jefa", ["admin"], "NC")
    uid, token = users("ana", ["consultor"], "NC")
    etag = client.get(f"/api/v1/usuarios/{uid}", headers=auth(admin)).headers["ETag"]
    assert client.patch(f"/api/v1/usuarios/{uid}", json={"activo": False},
                        headers={**auth(admin), "If-Match": etag}).status_code == 200
    assert client.get("/api/v1/yo", headers=auth(token)).status_code == 401


# The accounts/audit endpoints against every role: (method, path, roles allowed).
MATRIX = [
    ("GET", "/api/v1/yo", set(ROLES)),
    ("GET", "/api/v1/unidades", set(ROLES)),
    ("GET", "/api/v1/usuarios", {"admin", "auditor"}),
    ("GET", "/api/v1/auditoria", {"admin", "auditor"}),
    ("POST", "/api/v1/usuarios", {"admin"}),
]


@pytest.mark.parametrize("method,path,allowed", MATRIX)
def test_role_matrix(client, users, auth, method, path, allowed):
    for i, rol in enumerate(ROLES):
        unidad = "3301" if rol == "operativo" else "NC"
        _uid, token = users(f"u{i}.{rol}", [rol], unidad)
        body = {"nombre": f"nuevo{i}", "roles": ["consultor"], "unidad": "NC"} if method == "POST" else None
        response = client.open(path, method=method, json=body, headers=auth(token))
        if rol in allowed:
            assert response.status_code in (200, 201), (rol, path, response.get_json())
        else:
            assert response.status_code == 403, (rol, path)
            assert response.get_json()["message"] == "No tiene permiso para realizar esta acción."
    assert client.open(path, method=method).status_code == 401


def test_denied_access_is_audited(app, client, users, auth):
    _uid, token = users("ana", ["operativo"], "3301")
    assert client.get("/api/v1/auditoria", headers=auth(token)).status_code == 403
    rows = audit_rows(app, accion="acceso_denegado")
    assert len(rows) == 1 and rows[0].actor == "ana" and rows[0].resultado == "denegado"


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/no-existe")
    assert response.status_code == 404
    assert response.get_json()["message"] == "El recurso solicitado no existe."


def test_unknown_page_is_html_404(client):
    response = client.get("/no-existe")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "El recurso solicitado no existe." in response.get_data(as_text=True)


def test_body_over_limit_is_413(make_app, users, auth):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    client = app.test_client()
    _uid, token = users("jefa", ["admin"], "NC")
    body = {"nombre": "grande", "roles": ["consultor"], "nombre_completo": "x" * 5000}
    response = client.post("/api/v1/usuarios", json=body, headers=auth(token))
    assert response.status_code == 413
    assert response.get_json()["max_bytes"] == 1024
    assert client.get("/api/v1/usuarios?rol=consultor", headers=auth(token)).get_json()["total"] == 0


def test_form_data_and_broken_json_on_json_endpoint(client, users, auth):
    _uid, token = users("jefa", ["admin"], "NC")
    form = client.post("/api/v1/usuarios", data={"nombre": "x", "roles": "consultor"}, headers=auth(token))
    assert form.status_code == 415
    assert "JSON" in form.get_json()["message"]
    broken = client.post("/api/v1/usuarios", data='{"nombre": "x",', content_type="application/json",
                         headers=auth(token))
    assert broken.status_code == 400
    assert broken.get_json()["message"]
    not_object = client.post("/api/v1/usuarios", json=["x"], headers=auth(token))
    assert not_object.status_code in (400, 422)
    assert client.get("/api/v1/usuarios", headers=auth(token)).get_json()["total"] == 1


def test_security_headers_and_request_id(client):
    response = client.get("/healthz", headers={"X-Request-ID": "abcDEF123456"})
    assert response.get_json() == {"status": "ok"}
    headers = response.headers
    assert headers["X-Request-ID"] == "abcDEF123456"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert forged.headers["X-Request-ID"] != "<script>alert(1)</script>"


def test_unexpected_error_is_generic_json_500(app, client):
    from docs_service.core.access import PUBLIC, policy

    @app.route("/api/v1/explota")
    @policy(PUBLIC)
    def explota():
        raise RuntimeError("secreto interno /etc/passwd")
    response = client.get("/api/v1/explota")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "secreto" not in text and "Traceback" not in text
    assert response.get_json()["request_id"]


def test_api_docs_served_locally_and_not_anonymous(client, users, auth):
    assert client.get("/api/v1/openapi.json").status_code == 401
    _uid, token = users("ana", ["consultor"], "NC")
    spec = client.get("/api/v1/openapi.json", headers=auth(token))
    assert spec.status_code == 200 and "/api/v1/usuarios" in spec.get_json()["paths"]
    page = client.get("/api/v1/docs", headers=auth(token)).get_data(as_text=True)
    assert "/api/v1/docs-assets/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    asset = client.get("/api/v1/docs-assets/swagger-ui-bundle.js", headers=auth(token))
    assert asset.status_code == 200 and len(asset.data) > 100000


def test_csrf_required_for_session_posts(client, users, login):
    users("jefa", ["admin"], "NC")
    login("jefa")
    response = client.post("/admin/usuarios/nuevo", data={"nombre": "sin.csrf", "roles": "consultor"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    api = client.post("/api/v1/usuarios", data="nombre=x", content_type="text/plain")
    assert api.status_code in (400, 415)
    assert client.get("/api/v1/usuarios?por_pagina=100").get_json()["total"] == 1


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "/\\evil.example",
                                    "/%5Cevil.example", "/%09/evil.example", "javascript:alert(1)"])
def test_login_next_never_leaves_the_site(client, users, target):
    users("ana", ["consultor"], "NC")
    page = client.get("/login")
    response = client.post("/login", data={"nombre": "ana", "password": "contrasena-de-prueba", "next": target,
                                           "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_session_cookie_flags_and_payload(make_app, users):
    app = make_app(COOKIE_SECURE=True)
    client = app.test_client()
    users("ana", ["consultor"], "NC")
    page = client.get("/login", base_url="https://localhost")
    response = client.post("/login", base_url="https://localhost", headers={"Referer": "https://localhost/login"}, data={
        "nombre": "ana", "password": "contrasena-de-prueba", "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("normateca_sesion=")][-1]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    raw = cookie.split("=", 1)[1].split(";")[0]
    payload = app.session_interface.get_signing_serializer(app).loads(raw)
    assert set(payload) <= {"_user_id", "_fresh", "_id", "csrf_token", "_permanent"}
    assert "consultor" not in str(payload) and "ana" not in payload.values()


def test_failed_login_is_401_and_audited(app, client, users):
    users("ana", ["consultor"], "NC")
    page = client.get("/login")
    response = client.post("/login", data={"nombre": "ana", "password": "incorrecta-123",
                                           "csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 401
    assert "Usuario o contraseña incorrectos." in response.get_data(as_text=True)
    assert len(audit_rows(app, accion="inicio_sesion_fallido")) == 1
