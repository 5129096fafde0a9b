"""The tuned request path keeps its guarantees: roles are read from the database on every request (all
of them, in one lookup), API calls without cookies get no session cookie, pages still do, and every
response carries each security header once."""
from sqlalchemy import delete

from docs_service.accounts.models import UserRole
from docs_service.core.db import db, transaction


def test_every_role_every_request(app, client, users, auth):
    uid, token = users("multi", ["revisor", "consultor", "auditor"], "NC")
    assert client.get("/api/v1/yo", headers=auth(token)).get_json()["roles"] == ["auditor", "consultor", "revisor"]
    assert client.get("/api/v1/auditoria", headers=auth(token)).status_code == 200
    with app.app_context(), transaction():
        db.session.execute(delete(UserRole).where(UserRole.usuario_id == uid, UserRole.rol == "auditor"))
    # The very next request sees the change: nothing about the caller is cached between requests.
    assert client.get("/api/v1/yo", headers=auth(token)).get_json()["roles"] == ["consultor", "revisor"]
    assert client.get("/api/v1/auditoria", headers=auth(token)).status_code == 403


def test_api_call_without_cookies_sets_none_and_pages_still_do(client, users, auth, login):
    _uid, token = users("ana", ["consultor"], "NC")
    response = client.get("/api/v1/unidades/3301", headers=auth(token))
    assert response.status_code == 200 and response.get_json()["clave"] == "3301"
    assert "Set-Cookie" not in response.headers
    assert client.get("/api/v1/unidades/9999", headers=auth(token)).status_code == 404
    login("ana")
    assert client.get("/").status_code == 200  # the session cookie set by the login is read back


def test_security_headers_once_each(client, users, auth):
    _uid, token = users("ana", ["consultor"], "NC")
    for response in (client.get("/api/v1/unidades/3301", headers=auth(token)), client.get("/login")):
        for name in ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Strict-Transport-Security",
                     "Content-Security-Policy", "X-Request-ID"):
            assert len(response.headers.getlist(name)) == 1, name
    assert client.get("/api/v1/unidades/3301", headers=auth(token)).headers["Cache-Control"] == "no-store"
