"""Users and tokens through the API: validation, conflicts, If-Match, and nothing changed on error."""
import json
import logging

import pytest

from tests.conftest import audit_rows


def count_users(client, auth, token):
    return client.get("/api/v1/usuarios?por_pagina=100", headers=auth(token)).get_json()["total"]


def test_admin_creates_operativo_and_token_reads_within_rights(client, users, auth, app):
    _aid, admin = users("jefa", ["admin"], "NC")
    created = client.post("/api/v1/usuarios", headers=auth(admin), json={
        "nombre": "ana.lopez", "roles": ["operativo"], "unidad": "3301", "nombre_completo": "Ana López"})
    assert created.status_code == 201, created.get_json()
    uid = created.get_json()["id"]
    issued = client.post(f"/api/v1/usuarios/{uid}/tokens", headers=auth(admin), json={"descripcion": "captura"})
    assert issued.status_code == 201
    secret = issued.get_json()["token"]
    me = client.get("/api/v1/yo", headers=auth(secret)).get_json()
    assert me["nombre"] == "ana.lopez" and me["unidad"] == "3301" and me["roles"] == ["operativo"]
    assert client.get("/api/v1/usuarios", headers=auth(secret)).status_code == 403
    listed = client.get(f"/api/v1/usuarios/{uid}/tokens", headers=auth(admin)).get_json()
    assert len(listed) == 1 and "token" not in listed[0] and listed[0]["prefijo"] == secret[:10]
    assert [r.accion for r in audit_rows(app, objeto_id=str(uid), objeto_tipo="usuarios")] == ["usuario_creado"]


@pytest.mark.parametrize("body,field", [
    ({"nombre": "o'brien", "roles": ["consultor"]}, "nombre"),
    ({"nombre": "x; DROP TABLE usuarios;--", "roles": ["consultor"]}, "nombre"),
    ({"nombre": "ana\r\n2025-01-01 INFO aprobado por admin", "roles": ["consultor"]}, "nombre"),
    ({"nombre": "ana\x1b[31m", "roles": ["consultor"]}, "nombre"),
    ({"nombre": "ana", "roles": ["superusuario"]}, "roles"),
    ({"nombre": "ana", "roles": []}, "roles"),
    ({"nombre": "ana", "roles": ["operativo"]}, "unidad"),
    ({"nombre": "ana", "roles": ["operativo"], "unidad": "9999"}, "unidad"),
    ({"nombre": "ana", "roles": ["consultor"], "password": "corta"}, "password"),
    ({"nombre": "ana", "roles": ["consultor"], "estado": "aprobado"}, "estado"),
    ({"roles": ["consultor"]}, "nombre"),
])
def test_bad_user_input_is_422_in_spanish_and_changes_nothing(client, users, auth, app, body, field):
    _aid, admin = users("jefa", ["admin"], "NC")
    before = count_users(client, auth, admin)
    audit_before = len(audit_rows(app))
    response = client.post("/api/v1/usuarios", headers=auth(admin), json=body)
    assert response.status_code == 422, response.get_json()
    payload = response.get_json()
    assert field in json.dumps(payload.get("errors", {})) or field in payload["message"]
    assert payload["message"] and "Missing" not in json.dumps(payload) and "Unknown" not in json.dumps(payload)
    assert count_users(client, auth, admin) == before
    assert len(audit_rows(app)) == audit_before


def test_sql_fragments_and_quotes_in_full_name_stored_literally(client, users, auth):
    _aid, admin = users("jefa", ["admin"], "NC")
    name = "Robert'); DROP TABLE usuarios;-- \"Bobby\" <b>"
    response = client.post("/api/v1/usuarios", headers=auth(admin),
                           json={"nombre": "bobby", "roles": ["consultor"], "nombre_completo": name})
    assert response.status_code == 201
    uid = response.get_json()["id"]
    assert client.get(f"/api/v1/usuarios/{uid}", headers=auth(admin)).get_json()["nombre_completo"] == name
    assert count_users(client, auth, admin) == 2


def test_control_characters_rejected_and_logs_stay_one_line(client, users, auth, caplog):
    _aid, admin = users("jefa", ["admin"], "NC")
    evil = "Ana\r\n2025-01-01 INFO aprobado por admin"
    response = client.post("/api/v1/usuarios", headers=auth(admin),
                           json={"nombre": "ana", "roles": ["consultor"], "nombre_completo": evil})
    assert response.status_code == 422
    from docs_service.core.http import JsonFormatter
    record = logging.LogRecord("docs_service", logging.INFO, __file__, 1, "login %s", (evil,), None)
    line = JsonFormatter().format(record)
    assert "\n" not in line and "\r" not in line and json.loads(line)["msg"].endswith("por admin")


def test_duplicate_user_is_409(client, users, auth):
    _aid, admin = users("jefa", ["admin"], "NC")
    users("ana", ["consultor"], "NC")
    response = client.post("/api/v1/usuarios", headers=auth(admin), json={"nombre": "ana", "roles": ["consultor"]})
    assert response.status_code == 409
    assert "Ya existe" in response.get_json()["message"]


def test_patch_requires_if_match_and_detects_lost_update(client, users, auth):
    _aid, admin = users("jefa", ["admin"], "NC")
    uid, _ = users("ana", ["consultor"], "NC")
    assert client.patch(f"/api/v1/usuarios/{uid}", headers=auth(admin), json={"roles": ["auditor"]}).status_code == 428
    etag = client.get(f"/api/v1/usuarios/{uid}", headers=auth(admin)).headers["ETag"]
    first = client.patch(f"/api/v1/usuarios/{uid}", headers={**auth(admin), "If-Match": etag}, json={"roles": ["auditor"]})
    assert first.status_code == 200 and first.get_json()["roles"] == ["auditor"]
    second = client.patch(f"/api/v1/usuarios/{uid}", headers={**auth(admin), "If-Match": etag},
                          json={"roles": ["revisor"]})
    assert second.status_code == 409 and second.get_json()["error"] == "conflicto_de_version"
    assert client.get(f"/api/v1/usuarios/{uid}", headers=auth(admin)).get_json()["roles"] == ["auditor"]


def test_mass_assignment_refused(client, users, auth):
    _aid, admin = users("jefa", ["admin"], "NC")
    uid, _ = users("ana", ["consultor"], "NC")
    etag = client.get(f"/api/v1/usuarios/{uid}", headers=auth(admin)).headers["ETag"]
    response = client.patch(f"/api/v1/usuarios/{uid}", headers={**auth(admin), "If-Match": etag},
                            json={"password_hash": "x", "id": 1, "roles": ["admin"]})
    assert response.status_code == 422
    assert client.get(f"/api/v1/usuarios/{uid}", headers=auth(admin)).get_json()["roles"] == ["consultor"]


def test_token_revocation_by_owner_and_by_others(client, users, auth):
    uid, token = users("ana", ["consultor"], "NC")
    _oid, other = users("beto", ["consultor"], "NC")
    _aid, admin = users("jefa", ["admin"], "NC")
    token_id = client.get(f"/api/v1/usuarios/{uid}/tokens", headers=auth(admin)).get_json()[0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=auth(other)).status_code == 404
    assert client.get("/api/v1/yo", headers=auth(token)).status_code == 200
    revoked = client.delete(f"/api/v1/tokens/{token_id}", headers=auth(token))
    assert revoked.status_code == 200 and revoked.get_json()["revocado"]
    assert client.get("/api/v1/yo", headers=auth(token)).status_code == 401


def test_expiring_token_in_the_past_is_422(client, users, auth):
    _aid, admin = users("jefa", ["admin"], "NC")
    uid, _ = users("ana", ["consultor"], "NC")
    response = client.post(f"/api/v1/usuarios/{uid}/tokens", headers=auth(admin),
                           json={"expira": "2020-01-01T00:00:00+00:00"})
    assert response.status_code == 422
    assert len(client.get(f"/api/v1/usuarios/{uid}/tokens", headers=auth(admin)).get_json()) == 1
