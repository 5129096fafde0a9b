"""The OpenAPI document says what the service does (the schema fuzzer checks behaviour against it;
these pin the pieces the issue named)."""
import re

import pytest

from docs_service.core.blueprint import Blueprint
from tests.documents.helpers import create_document


@pytest.fixture
def spec(client, users, auth):
    _uid, token = users("lectora", ["consultor"], "NC", password=None)
    return client.get("/api/v1/openapi.json", headers=auth(token)).get_json()


def _schema(spec, name):
    return spec["components"]["schemas"][name]


def test_error_schema_is_the_body_actually_sent(spec, client):
    error = _schema(spec, "ErrorOut")
    assert set(error["required"]) == {"code", "status", "error", "message", "request_id"}
    assert error["properties"]["errors"]["type"] == "object"
    body = client.get("/api/v1/yo").get_json()
    assert set(body) >= {"code", "status", "error", "message", "request_id"}


def test_a_malformed_body_answers_errors_as_an_object(client, users, auth):
    """400 used to send `errors` as a list where the schema says object."""
    _uid, admin = users("jefa", ["admin"], "NC", password=None)
    response = client.post("/api/v1/usuarios", data="{no es json", content_type="application/json",
                           headers=auth(admin))
    assert response.status_code == 400
    assert isinstance(response.get_json()["errors"], dict)


def test_date_times_carry_a_utc_offset(client, users, auth, spec):
    _uid, token = users("ana", ["consultor"], "NC", password=None)
    creado = client.get("/api/v1/yo", headers=auth(token)).get_json()["creado"]
    assert re.search(r"\+00:00$", creado), creado
    assert _schema(spec, "UserOut")["properties"]["creado"]["format"] == "date-time"


def test_token_expiry_needs_an_offset_and_is_stored_as_utc(client, users, auth):
    uid, admin = users("jefa", ["admin"], "NC", password=None)
    naive = client.post(f"/api/v1/usuarios/{uid}/tokens", json={"expira": "2099-01-01T00:00:00"}, headers=auth(admin))
    assert naive.status_code == 422
    local = client.post(f"/api/v1/usuarios/{uid}/tokens", json={"expira": "2099-01-01T00:00:00-06:00"},
                        headers=auth(admin))
    assert local.status_code == 201 and local.get_json()["expira"] == "2099-01-01T06:00:00+00:00"


def test_multipart_fields_are_in_the_request_body(spec):
    upload = spec["paths"]["/api/v1/documentos/{document_id}/versiones"]["post"]
    assert all(p["in"] != "formData" for p in upload.get("parameters", []))
    schema = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    form = _schema(spec, schema["$ref"].rsplit("/", 1)[-1])
    assert set(form["properties"]) == {"archivo", "resumen"} and set(form["required"]) == {"archivo", "resumen"}
    assert form["properties"]["archivo"]["format"] == "binary"


@pytest.mark.parametrize("path,method", [("/api/v1/usuarios/{user_id}", "patch"),
                                         ("/api/v1/documentos/{document_id}", "patch"),
                                         ("/api/v1/documentos/{document_id}/versiones/{numero}/transiciones", "post")])
def test_if_match_is_declared_where_it_is_required(spec, path, method):
    params = spec["paths"][path][method]["parameters"]
    if_match = next(p for p in params if p["in"] == "header" and p["name"] == "If-Match")
    assert if_match["required"] is True
    assert not re.fullmatch(if_match["schema"]["pattern"], "*")
    assert re.fullmatch(if_match["schema"]["pattern"], '"version-3-v2"')


def test_patterns_of_clave_and_user_names_are_published_and_enforced(spec, client, staff, users, auth):
    clave = _schema(spec, "DocumentCreate")["properties"]["clave"]["pattern"]
    nombre = _schema(spec, "UserCreate")["properties"]["nombre"]["pattern"]
    assert re.fullmatch(clave, "9312-003-012") and not re.fullmatch(clave, "9312-3-12")
    assert re.fullmatch(nombre, "operativo.3301") and not re.fullmatch(nombre, "Ana López")
    bad = client.post("/api/v1/documentos", headers=auth(staff["normativo"]),
                      json={"clave": " 9312-003-012", "titulo": "T", "tipo": "instructivo", "area": "A"})
    assert bad.status_code == 422 and "clave" in bad.get_json()["errors"]
    _uid, admin = users("jefa", ["admin"], "NC", password=None)
    refused = client.post("/api/v1/usuarios", json={"nombre": "Ana", "roles": ["consultor"]}, headers=auth(admin))
    assert refused.status_code == 422 and "nombre" in refused.get_json()["errors"]


def test_a_configured_clave_pattern_is_the_one_published(make_app, users):
    app = make_app(CLAVE_PATTERN=r"[A-Z]{3}-[0-9]{2}")
    client = app.test_client()
    from docs_service.accounts import operations as ops
    from docs_service.core.db import transaction
    with app.app_context(), transaction():
        user = ops.create_user(None, nombre="nadia", roles=["normativo"], unidad="NC")
        token = ops.create_token(None, user)[1]
    headers = {"Authorization": f"Bearer {token}"}
    published = client.get("/api/v1/openapi.json", headers=headers).get_json()
    assert published["components"]["schemas"]["DocumentCreate"]["properties"]["clave"]["pattern"] == \
        "^(?:[A-Z]{3}-[0-9]{2})$"
    assert create_document(client, token, clave="ABC-12")


def test_bodies_required_where_they_are(spec):
    assert spec["paths"]["/api/v1/usuarios"]["post"]["requestBody"]["required"] is True
    assert spec["paths"]["/api/v1/usuarios/{user_id}/tokens"]["post"]["requestBody"]["required"] is False


def test_a_token_without_a_body_is_issued(client, users, auth):
    uid, admin = users("jefa", ["admin"], "NC", password=None)
    response = client.post(f"/api/v1/usuarios/{uid}/tokens", headers=auth(admin))
    assert response.status_code == 201 and response.get_json()["token"]


def test_bearer_scheme_and_public_operations(spec):
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": spec["components"]["securitySchemes"]["bearer"]["description"]}
    assert spec["security"] == [{"bearer": []}]
    assert "Roles: admin." in spec["paths"]["/api/v1/usuarios"]["post"]["description"]


def test_ids_in_paths_are_bounded_to_32_bits(spec):
    param = spec["paths"]["/api/v1/usuarios/{user_id}"]["parameters"][0]
    assert param["schema"]["maximum"] == 2**31 - 1


def test_every_api_blueprint_uses_the_core_blueprint(app):
    """So every area gets the parser (deep JSON → 400, multipart in one location) and if_match."""
    blueprints = [bp for bp in app.blueprints.values() if hasattr(bp, "_docs")]  # flask-smorest's
    assert len(blueprints) >= 4
    assert all(isinstance(bp, Blueprint) for bp in blueprints), [bp.name for bp in blueprints]


def test_try_it_out_writes_with_the_session(client, users, login):
    """The docs page hands Swagger UI the CSRF token; a write with the session and that header works."""
    users("jefa", ["admin"], "NC")
    login("jefa")
    page = client.get("/api/v1/docs").get_data(as_text=True)
    token = re.search(r'data-csrf-token="([^"]+)"', page).group(1)
    assert "<script>" not in page  # boots from docs.js, no inline script
    assert "X-CSRFToken" in client.get("/static/docs.js").get_data(as_text=True)
    without = client.post("/api/v1/usuarios", json={"nombre": "nuevo", "roles": ["consultor"]})
    assert without.status_code == 400 and without.get_json()["error"] == "csrf_invalido"
    created = client.post("/api/v1/usuarios", json={"nombre": "nuevo", "roles": ["consultor"]},
                          headers={"X-CSRFToken": token})
    assert created.status_code == 201, created.get_json()


def test_every_write_that_checks_if_match_declares_it(app, spec):
    """Found by reading the source of every API handler: one that calls require_if_match must
    declare the header (`@blp.if_match`), or clients cannot know it is required."""
    import inspect

    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            view = app.view_functions[rule.endpoint]
            handler = getattr(getattr(view, "view_class", None), method.lower(), None)
            if handler is None or "require_if_match(" not in inspect.getsource(inspect.unwrap(handler)):
                continue
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            params = spec["paths"][path][method.lower()].get("parameters", [])
            assert any(p["in"] == "header" and p["name"] == "If-Match" and p["required"] for p in params), (method, path)
            checked += 1
    assert checked >= 3
