"""The transaction outcome is explicit: a request that failed rolls back even when the page answers
a redirect, and its refusal is audited after the rollback (API and pages alike)."""
from flask import Blueprint, g
from sqlalchemy import select

from docs_service.accounts import operations as accounts
from docs_service.accounts.models import User
from docs_service.core.access import AUTHENTICATED, policy
from docs_service.core.db import db, writes
from docs_service.core.errors import InvalidUpload, NotAllowed
from docs_service.core.pages import refuse
from tests.conftest import audit_rows


def _probe_routes(app):
    """Routes that flush a change (a new user, audited) and then refuse."""
    bp = Blueprint("prueba", __name__)

    @bp.route("/prueba/rechazo")
    @policy(AUTHENTICATED)
    @writes
    def page_refusal():
        accounts.create_user(g.user, nombre="fantasma", roles=["consultor"], unidad="NC")
        return refuse(InvalidUpload("Archivo rechazado en la prueba."), "/")

    @bp.route("/api/v1/prueba/rechazo", methods=["POST"])
    @policy(AUTHENTICATED)
    def api_refusal():
        accounts.create_user(g.user, nombre="fantasma", roles=["consultor"], unidad="NC")
        raise NotAllowed()

    app.register_blueprint(bp)


def _ghost_exists(app):
    with app.app_context():
        found = db.session.scalar(select(User.id).where(User.nombre == "fantasma"))
        db.session.close()
        return found is not None


def test_page_refusal_redirects_rolls_back_and_is_audited(app, client, users, login):
    """GIVEN a page that flushed a change and then refused WHEN it answers 303 THEN nothing it flushed
    is kept, the refusal is in the audit trail, and the flushed change's own audit row is not."""
    _probe_routes(app)
    users("ana", ["admin"], "NC")
    login("ana")
    response = client.get("/prueba/rechazo")
    assert response.status_code == 303
    assert not _ghost_exists(app)
    refused = audit_rows(app, accion="upload_rechazado")
    assert len(refused) == 1 and refused[0].actor == "ana" and '"motivo":"archivo_invalido"' in refused[0].detalle
    assert [r for r in audit_rows(app, accion="usuario_creado") if "fantasma" in (r.detalle or "")] == []


def test_api_refusal_rolls_back_and_is_audited(app, client, users, auth):
    _probe_routes(app)
    _uid, token = users("ana", ["admin"], "NC")
    response = client.post("/api/v1/prueba/rechazo", headers=auth(token))
    assert response.status_code == 403
    assert response.get_json()["error"] == "sin_permiso"
    assert not _ghost_exists(app)
    assert len(audit_rows(app, accion="acceso_denegado")) == 1


def test_refused_upload_on_the_page_is_audited(app, client, users, auth, login):
    """GIVEN a normativo on the document page WHEN the upload is refused (not a DOCX/PDF/Markdown)
    THEN the page redirects with the Spanish reason, no version exists, and the refusal is audited."""
    _uid, token = users("nora", ["normativo"], "NC")
    created = client.post("/api/v1/documentos", headers=auth(token), json={
        "clave": "9312-003-099", "titulo": "Manual de prueba", "tipo": "instructivo", "area": "Cobranza"})
    assert created.status_code == 201, created.get_json()
    doc_id = created.get_json()["id"]
    login("nora")
    page = client.get(f"/documentos/{doc_id}").get_data(as_text=True)
    from tests.conftest import csrf_from
    response = client.post(f"/documentos/{doc_id}/versiones", data={
        "csrf_token": csrf_from(page), "resumen": "x", "archivo": (__import__("io").BytesIO(b"MZ\x90\x00binario"), "virus.exe")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    assert client.get(f"/api/v1/documentos/{doc_id}/versiones", headers=auth(token)).get_json() == []
    rows = audit_rows(app, accion="upload_rechazado")
    assert len(rows) == 1 and rows[0].actor == "nora" and f'"documento_id":{doc_id}' in rows[0].detalle
