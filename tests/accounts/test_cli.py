"""`users create` and `tokens create` from the command line."""
from tests.conftest import audit_rows


def test_users_and_tokens_create(runner, client, app):
    result = runner.invoke(args=["users", "create", "ana.lopez", "--rol", "operativo", "--unidad", "3301"])
    assert result.exit_code == 0, result.output
    assert "ana.lopez" in result.output
    token = runner.invoke(args=["tokens", "create", "ana.lopez"])
    assert token.exit_code == 0
    secret = token.output.strip().splitlines()[-1]
    me = client.get("/api/v1/yo", headers={"Authorization": f"Bearer {secret}"}).get_json()
    assert me["nombre"] == "ana.lopez" and me["unidad"] == "3301"
    assert {r.accion for r in audit_rows(app)} >= {"usuario_creado", "token_creado"}


def test_password_from_stdin_allows_login(runner, client):
    result = runner.invoke(args=["users", "create", "beto", "--rol", "revisor,consultor", "--unidad", "NC",
                                 "--password-stdin"], input="una-contrasena-larga\n")
    assert result.exit_code == 0, result.output
    assert "consultor, revisor" in result.output
    page = client.get("/login").get_data(as_text=True)
    from tests.conftest import csrf_from
    response = client.post("/login", data={"nombre": "beto", "password": "una-contrasena-larga",
                                           "csrf_token": csrf_from(page)})
    assert response.status_code == 302


def test_errors_exit_non_zero_with_one_spanish_line(runner):
    bad_role = runner.invoke(args=["users", "create", "ana", "--rol", "jefe"])
    assert bad_role.exit_code == 1 and bad_role.output.strip().startswith("Error: Rol no válido")
    no_unit = runner.invoke(args=["users", "create", "ana", "--rol", "operativo", "--unidad", "9999"])
    assert no_unit.exit_code == 1 and "no existe en el catálogo" in no_unit.output
    assert len(no_unit.output.strip().splitlines()) == 1
    missing = runner.invoke(args=["tokens", "create", "nadie"])
    assert missing.exit_code == 1 and "no existe" in missing.output
    runner.invoke(args=["users", "create", "ana", "--rol", "consultor"])
    dup = runner.invoke(args=["users", "create", "ana", "--rol", "consultor"])
    assert dup.exit_code == 1 and "Ya existe" in dup.output


def test_token_with_expiry(runner, client, app):
    runner.invoke(args=["users", "create", "ana", "--rol", "consultor", "--unidad", "NC"])
    result = runner.invoke(args=["tokens", "create", "ana", "--expira-dias", "30"])
    assert result.exit_code == 0
    secret = result.output.strip().splitlines()[-1]
    assert client.get("/api/v1/yo", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    from docs_service.accounts.models import ApiToken
    from docs_service.core.db import db, utcnow
    with app.app_context():
        token = db.session.query(ApiToken).one()
        assert 29 <= (token.expira - utcnow()).days <= 30
    bad = runner.invoke(args=["tokens", "create", "ana", "--expira-dias", "0"])
    assert bad.exit_code != 0
