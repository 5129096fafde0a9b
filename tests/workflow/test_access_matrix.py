"""Every role (and anonymous) against the Normateca endpoints, on a published version."""
import io

import pytest

from docs_service.accounts.models import ROLES
from tests.documents.helpers import act, approve, create_document, upload

STAFF = {"normativo", "revisor", "titular", "validador", "auditor", "admin"}


@pytest.fixture
def published(client, staff):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    approve(client, staff, doc, 1)
    assert act(client, staff["normativo"], doc, 1, "publicar", destinatarios={"ooad": ["33"]}).status_code == 200
    return doc


def cases(doc):
    base = f"/api/v1/documentos/{doc}/versiones/1"
    return [
        ("GET", "/api/v1/documentos", None, set(ROLES)),
        ("GET", f"/api/v1/documentos/{doc}", None, set(ROLES)),
        ("GET", base, None, set(ROLES)),
        ("GET", base + "/archivo", None, set(ROLES)),
        ("GET", f"/api/v1/documentos/{doc}/versiones", None, set(ROLES)),
        ("GET", base + "/transiciones", None, set(ROLES)),
        ("GET", base + "/acuses", None, STAFF),
        ("POST", base + "/acuses", None, {"operativo"}),
        ("GET", "/api/v1/acuses", None, {"operativo"}),
        ("POST", "/api/v1/documentos", {"clave": "9312-003-777", "titulo": "T", "tipo": "instructivo", "area": "A"},
         {"normativo"}),
    ]


def test_role_matrix_on_normateca_endpoints(client, users, auth, published):
    for method, path, body, allowed in cases(published):
        for i, rol in enumerate(ROLES):
            unidad = "3301" if rol == "operativo" else "NC"
            _uid, token = users(f"m{i}.{rol}.{len(path)}.{method.lower()}", [rol], unidad, password=None)
            if body and "clave" in body:
                body = {**body, "clave": f"9312-{i:03d}-{len(path) % 1000:03d}"}
            response = client.open(path, method=method, json=body, headers=auth(token))
            if rol in allowed:
                assert response.status_code in (200, 201), (rol, method, path, response.get_json())
            else:
                assert response.status_code == 403, (rol, method, path, response.status_code)
        assert client.open(path, method=method, json=body).status_code == 401, path


def test_transitions_need_a_workflow_role(client, users, auth, published):
    for rol in ("operativo", "consultor", "auditor", "admin"):
        _uid, token = users(f"x.{rol}", [rol], "3301" if rol == "operativo" else "NC", password=None)
        response = client.post(f"/api/v1/documentos/{published}/versiones/1/transiciones",
                               json={"accion": "abrogar", "comentario": "x"}, headers={**auth(token), "If-Match": "*"})
        assert response.status_code == 403, rol


def test_huge_text_field_in_upload_is_413(make_app, users):
    app = make_app()
    client = app.test_client()
    _uid, token = users("nora", ["normativo"], "NC", password=None)
    doc = create_document(client, token)
    response = client.post(f"/api/v1/documentos/{doc}/versiones", headers={"Authorization": f"Bearer {token}"},
                           content_type="multipart/form-data",
                           data={"resumen": "x" * (10 * 1024 * 1024), "archivo": (io.BytesIO(b"1. Objetivo"), "m.md")})
    assert response.status_code == 413
    assert app.extensions["docs_storage"].blobs == {}
