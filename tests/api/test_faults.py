"""Faults found by fuzzing and probing from outside (issue 6), each fixed at its root and pinned here."""
import io
import json
import logging
import re

import pytest

from docs_service.accounts.models import ROLES
from docs_service.core.access import view_attr
from docs_service.core.http import JsonFormatter
from tests.documents.helpers import MANUAL_V1, act, approve, create_document, upload
from tests.documents.test_uploads import docx

HUGE_IDS = ("99999999999999999999", "9223372036854775808", "2147483648")


@pytest.fixture
def everyone(users, login):
    """A user holding every role: no policy stops a request before the part under test."""
    _uid, token = users("todo", list(ROLES), "3301")
    login("todo")
    return token


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        converters = {name: type(conv).__name__ for name, conv in rule._converters.items()}
        ints = [name for name, kind in converters.items() if kind.endswith("IntegerConverter") or kind == "IdConverter"]
        if ints:
            yield rule, ints


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_an_id_beyond_64_bits_is_404_on_every_route(app, client, everyone, auth, huge):
    """GIVEN every route with an integer id (API and pages) WHEN the id is larger than 2^31 − 1 (32-bit columns on PostgreSQL)
    THEN 404, never a 500 from the database driver."""
    checked = 0
    for rule, ints in _int_rules(app):
        path = rule.rule
        for name in ints:
            path = re.sub(rf"<int(\([^)]*\))?:{name}>", huge, path)
        path = re.sub(r"<[^>]+>", "x", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            headers = auth(everyone) if path.startswith("/api/") else {}
            response = client.open(path, method=method, headers=headers, json={} if method != "GET" else None)
            assert response.status_code == 404, (method, path, response.status_code, response.get_data()[:200])
            checked += 1
    assert checked >= 20


def test_json_nested_thousands_of_levels_is_400_on_every_json_write(app, client, everyone, auth):
    """GIVEN every API write that takes JSON WHEN the body nests 50 000 arrays THEN 400 with a
    Spanish message (json_demasiado_anidado), not a RecursionError turned 500."""
    body = "[" * 50_000 + "]" * 50_000
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH"}):
            doc = view_attr(app, rule.endpoint, method, "_apidoc") or {}
            if not any(p.get("in") == "json" for p in doc.get("arguments", {}).get("parameters", [])):
                continue  # takes no JSON body: nothing is parsed
            path = re.sub(r"<string\((?:min)?length=(\d+)\):[^>]+>", lambda m: "1" * int(m.group(1)), rule.rule)
            path = re.sub(r"<[^>]+>", "1", path)
            response = client.open(path, method=method, data=body, content_type="application/json",
                                   headers={**auth(everyone), "If-Match": '"x"'})
            assert response.status_code == 400, (method, path, response.status_code, response.get_data()[:200])
            assert response.get_json()["error"] == "json_demasiado_anidado"
            checked += 1
    assert checked >= 5


EXTERNAL_TEMPLATE = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
    'Target="http://127.0.0.1:9/t.dotm" TargetMode{mode}/></Relationships>')


@pytest.mark.parametrize("mode", ["='External'", ' = "External"', '="External" ', "=\"external\""])
def test_external_relationship_is_refused_however_the_attribute_is_written(client, staff, auth, mode):
    doc = create_document(client, staff["normativo"])
    data = docx({"word/_rels/settings.xml.rels": EXTERNAL_TEMPLATE.format(mode=mode).encode()})
    response = upload(client, staff["normativo"], doc, content=data, filename="plantilla.docx")
    assert response.status_code == 422 and response.get_json()["error"] == "relacion_externa_no_permitida"
    assert client.get(f"/api/v1/documentos/{doc}/versiones", headers=auth(staff["normativo"])).get_json() == []


def test_external_hyperlink_is_an_ordinary_link(client, staff):
    doc = create_document(client, staff["normativo"])
    rels = EXTERNAL_TEMPLATE.format(mode='="External"').replace("attachedTemplate", "hyperlink")
    types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             b'<Override PartName="/word/document.xml" '
             b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    data = docx({"[Content_Types].xml": types, "word/_rels/document.xml.rels": rels.encode()})
    response = upload(client, staff["normativo"], doc, content=data, filename="con_liga.docx")
    assert response.status_code == 201, response.get_json()


def test_a_doctype_in_utf16_is_found_by_parsing(client, staff):
    doc = create_document(client, staff["normativo"])
    xml = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           '<x>&e;</x>').encode("utf-16")
    response = upload(client, staff["normativo"], doc, content=docx({"word/styles.xml": xml}), filename="u16.docx")
    assert response.status_code == 422 and response.get_json()["error"] == "xml_con_doctype_no_permitido"


def test_macro_content_type_is_found_whatever_its_case(client, staff):
    doc = create_document(client, staff["normativo"])
    types = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             b'<Override PartName="/word/document.xml" '
             b'ContentType="application/vnd.ms-word.document.MACROENABLED.main+xml"/></Types>')
    response = upload(client, staff["normativo"], doc, content=docx({"[Content_Types].xml": types}), filename="m.docx")
    assert response.status_code == 422 and response.get_json()["error"] == "macros_no_permitidas"


def test_pdf_active_content_behind_hex_escaped_names_is_refused(client, staff):
    from tests.documents.pdfs import simple_pdf
    pdf = simple_pdf(["1. Objetivo"]) + b"\n99 0 obj << /S /J#61vaScript /J#53 (app.alert(1)) >> endobj\n"
    doc = create_document(client, staff["normativo"])
    response = upload(client, staff["normativo"], doc, content=pdf, filename="activo.pdf")
    assert response.status_code == 422 and response.get_json()["error"] == "pdf_contenido_activo"


def test_operativo_sees_published_states_only_in_filters_and_counts(client, staff, auth):
    """GIVEN a document with v1 published and v2 in review WHEN an operativo filters by en_revision
    THEN nothing is listed, and the document shows 1 version, not 2 (normativo sees both)."""
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    approve(client, staff, doc, 1)
    assert act(client, staff["normativo"], doc, 1, "publicar", destinatarios={"todas": True}).status_code == 200
    assert upload(client, staff["normativo"], doc, content=MANUAL_V1 + "\n4. Nuevo\nTexto.\n").status_code == 201
    assert act(client, staff["normativo"], doc, 2, "enviar_revision").status_code == 200

    hidden = client.get("/api/v1/documentos?estado=en_revision", headers=auth(staff["operativo"])).get_json()
    assert hidden == {"total": 0, "items": []}
    listed = client.get("/api/v1/documentos", headers=auth(staff["operativo"])).get_json()["items"]
    assert [d["versiones"] for d in listed] == [1]
    assert client.get(f"/api/v1/documentos/{doc}", headers=auth(staff["operativo"])).get_json()["versiones"] == 1
    staff_view = client.get("/api/v1/documentos?estado=en_revision", headers=auth(staff["normativo"])).get_json()
    assert staff_view["total"] == 1 and staff_view["items"][0]["versiones"] == 2
    page = client.get("/api/v1/documentos?estado=publicado", headers=auth(staff["operativo"])).get_json()
    assert page["total"] == 1


def test_if_match_star_does_not_bypass_the_lost_update_check(client, staff, auth):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    star = {**auth(staff["normativo"]), "If-Match": "*"}
    patched = client.patch(f"/api/v1/documentos/{doc}", json={"titulo": "Otro"}, headers=star)
    assert patched.status_code == 428 and patched.get_json()["error"] == "if_match_requerido"
    moved = client.post(f"/api/v1/documentos/{doc}/versiones/1/transiciones", json={"accion": "enviar_revision"},
                        headers=star)
    assert moved.status_code == 428
    current = client.get(f"/api/v1/documentos/{doc}", headers=auth(staff["normativo"])).get_json()
    assert current["titulo"] == "Manual de notificación"
    version = client.get(f"/api/v1/documentos/{doc}/versiones/1", headers=auth(staff["normativo"])).get_json()
    assert version["estado"] == "borrador"


def test_if_match_star_on_a_user_is_428(client, users, auth):
    uid, admin = users("jefa", ["admin"], "NC", password=None)
    response = client.patch(f"/api/v1/usuarios/{uid}", json={"nombre_completo": "Otra"},
                            headers={**auth(admin), "If-Match": "*"})
    assert response.status_code == 428


def test_revoking_someone_elses_token_answers_like_a_missing_one(app, client, users, auth):
    _a, ana = users("ana", ["consultor"], "NC", password=None)
    _b, beto = users("beto", ["consultor"], "NC", password=None)
    from docs_service.accounts.models import ApiToken
    from docs_service.core.db import db
    with app.app_context():
        betos = db.session.query(ApiToken).join(ApiToken.usuario).filter_by(nombre="beto").one().id
        missing = db.session.query(db.session.query(ApiToken.id).order_by(ApiToken.id.desc()).limit(1)
                                   .subquery()).scalar() + 100
        db.session.close()
    others = client.delete(f"/api/v1/tokens/{betos}", headers=auth(ana))
    absent = client.delete(f"/api/v1/tokens/{missing}", headers=auth(ana))
    assert others.status_code == absent.status_code == 404
    strip = lambda r: {k: v for k, v in r.get_json().items() if k != "request_id"}  # noqa: E731
    assert strip(others) == strip(absent)
    assert client.get("/api/v1/yo", headers=auth(beto)).status_code == 200  # still valid


def test_the_log_line_of_an_unhandled_error_names_its_request(app, client):
    from docs_service.core.access import PUBLIC, policy

    @app.route("/api/v1/falla")
    @policy(PUBLIC)
    def falla():
        raise RuntimeError("falla interna")

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("docs_service")
    logger.addHandler(handler)
    try:
        response = client.get("/api/v1/falla")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    failure = next(line for line in lines if line["level"] == "ERROR")
    assert failure["request_id"] == response.get_json()["request_id"] == response.headers["X-Request-ID"]


def test_stored_file_names_lose_bidi_controls_and_keep_their_extension(client, staff, auth):
    doc = create_document(client, staff["normativo"])
    tricky = "manual\u202egpj.\u2066md\u2069.md"
    assert upload(client, staff["normativo"], doc, filename=tricky).status_code == 201
    stored = client.get(f"/api/v1/documentos/{doc}/versiones/1", headers=auth(staff["normativo"])).get_json()
    assert stored["nombre_archivo"] == "manualgpj.md.md"
    act(client, staff["normativo"], doc, 1, "enviar_revision")
    act(client, staff["revisor"], doc, 1, "devolver", comentario="Otra")
    other = create_document(client, staff["normativo"], clave="9312-003-099")
    long_name = "a" * 300 + ".md"
    assert upload(client, staff["normativo"], other, filename=long_name).status_code == 201
    cut = client.get(f"/api/v1/documentos/{other}/versiones/1", headers=auth(staff["normativo"])).get_json()
    assert len(cut["nombre_archivo"]) == 255 and cut["nombre_archivo"].endswith(".md")


def test_a_docx_without_its_main_document_relationship_is_422(client, staff):
    """Found while writing the tests above: python-docx raised KeyError (500) for such a package."""
    doc = create_document(client, staff["normativo"])
    empty = b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'
    response = upload(client, staff["normativo"], doc, content=docx({"_rels/.rels": empty}), filename="sin.docx")
    assert response.status_code == 422 and response.get_json()["error"] == "docx_corrupto"


def test_a_docx_without_the_content_type_of_its_main_part_is_422(client, staff):
    doc = create_document(client, staff["normativo"])
    response = upload(client, staff["normativo"], doc, content=docx({}), filename="sin_tipo.docx")
    assert response.status_code == 422 and response.get_json()["error"] == "docx_corrupto"
