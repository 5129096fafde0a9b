"""The workflow table in action: roles, segregation of duties, comments, If-Match, concurrency."""
import threading

import pytest

from tests.conftest import audit_rows
from tests.documents.helpers import act, approve, create_document, upload


@pytest.fixture
def draft(client, staff):
    doc = create_document(client, staff["normativo"])
    assert upload(client, staff["normativo"], doc).status_code == 201
    return doc


def test_full_path_is_logged_and_audited(app, client, staff, auth, draft):
    approve(client, staff, draft, 1)
    log = client.get(f"/api/v1/documentos/{draft}/versiones/1/transiciones", headers=auth(staff["auditor"])).get_json()
    assert [(t["accion"], t["de_estado"], t["a_estado"], t["actor"]) for t in log] == [
        ("enviar_revision", "borrador", "en_revision", "nora"),
        ("aprobar_revision", "en_revision", "en_aprobacion", "rita"),
        ("aprobar", "en_aprobacion", "aprobado", "tito")]
    audited = audit_rows(app, accion="version_transicion")
    assert [a.actor for a in audited] == ["nora", "rita", "tito"]


def test_publishing_a_draft_is_409_naming_the_allowed_actions(client, staff, draft):
    response = act(client, staff["normativo"], draft, 1, "publicar", destinatarios={"todas": True})
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "transicion_invalida" and body["permitidas"] == ["enviar_revision"]
    assert body["message"] == "No se puede «Publicar» una versión en estado «Borrador»."  # labels, not codes


@pytest.mark.parametrize("rol,accion", [("revisor", "enviar_revision"), ("titular", "enviar_revision"),
                                        ("operativo", "enviar_revision"), ("consultor", "enviar_revision")])
def test_wrong_role_is_403(client, staff, draft, rol, accion):
    assert act(client, staff[rol], draft, 1, accion).status_code == 403


def test_author_may_not_review_or_approve_even_holding_the_role(client, users, staff):
    _uid, both = users("doble", ["normativo", "revisor", "titular"], "NC", password=None)
    doc = create_document(client, both)
    upload(client, both, doc)
    assert act(client, both, doc, 1, "enviar_revision").status_code == 200
    review = act(client, both, doc, 1, "aprobar_revision")
    assert review.status_code == 403 and review.get_json()["error"] == "autor_no_puede_aprobar"
    assert act(client, staff["revisor"], doc, 1, "aprobar_revision").status_code == 200
    approval = act(client, both, doc, 1, "aprobar")
    assert approval.status_code == 403 and approval.get_json()["error"] == "autor_no_puede_aprobar"


def test_return_needs_a_comment_and_goes_back_to_borrador(client, staff, auth, draft):
    act(client, staff["normativo"], draft, 1, "enviar_revision")
    silent = act(client, staff["revisor"], draft, 1, "devolver")
    assert silent.status_code == 422 and "comentario" in silent.get_json()["errors"]
    returned = act(client, staff["revisor"], draft, 1, "devolver", comentario="Precisar el numeral 3.2.")
    assert returned.status_code == 200 and returned.get_json()["estado"] == "borrador"
    log = client.get(f"/api/v1/documentos/{draft}/versiones/1/transiciones", headers=auth(staff["normativo"])).get_json()
    assert log[-1]["comentario"] == "Precisar el numeral 3.2."


def test_if_match_required_and_stale_etag_conflicts(client, staff, auth, draft):
    headers = auth(staff["normativo"])
    url = f"/api/v1/documentos/{draft}/versiones/1/transiciones"
    assert client.post(url, json={"accion": "enviar_revision"}, headers=headers).status_code == 428
    stale = client.get(f"/api/v1/documentos/{draft}/versiones/1", headers=headers).headers["ETag"]
    assert act(client, staff["normativo"], draft, 1, "enviar_revision").status_code == 200
    response = client.post(url, json={"accion": "aprobar_revision"}, headers={**auth(staff["revisor"]), "If-Match": stale})
    assert response.status_code == 409 and response.get_json()["error"] == "conflicto_de_version"


def test_unknown_action_and_extra_fields_are_422(client, staff, draft):
    assert act(client, staff["normativo"], draft, 1, "borrar").status_code == 422
    assert act(client, staff["normativo"], draft, 1, "enviar_revision", estado="publicado").status_code == 422


def test_second_version_waits_for_the_first(client, staff, draft):
    response = upload(client, staff["normativo"], draft, resumen="otra")
    assert response.status_code == 409 and response.get_json()["error"] == "version_en_tramite"


def test_two_approvers_at_once_one_wins(app, client, staff, users, draft):
    _uid, second_titular = users("tere", ["titular"], "NC", password=None)
    act(client, staff["normativo"], draft, 1, "enviar_revision")
    act(client, staff["revisor"], draft, 1, "aprobar_revision")
    etag = client.get(f"/api/v1/documentos/{draft}/versiones/1",
                      headers={"Authorization": f"Bearer {staff['titular']}"}).headers["ETag"]
    results = []
    barrier = threading.Barrier(2)

    def approve_as(token):
        local = app.test_client()
        barrier.wait()
        response = local.post(f"/api/v1/documentos/{draft}/versiones/1/transiciones", json={"accion": "aprobar"},
                              headers={"Authorization": f"Bearer {token}", "If-Match": etag})
        results.append(response.status_code)
    threads = [threading.Thread(target=approve_as, args=(t,)) for t in (staff["titular"], second_titular)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200, 409]
    assert len(audit_rows(app, accion="version_transicion")) == 3


def test_version_page_and_inbox_offer_the_author_no_review(client, users, staff, login):
    """GIVEN a version sent to review by a person who also holds the reviewer role WHEN that person
    opens the version page and the inbox THEN neither offers review or return (one predicate,
    `can_apply`, for operation, inbox and page); another reviewer is offered both."""
    _uid, both = users("doble", ["normativo", "revisor"], "NC")
    doc = create_document(client, both)
    upload(client, both, doc)
    assert act(client, both, doc, 1, "enviar_revision").status_code == 200
    login("doble")
    page = client.get(f"/documentos/{doc}/versiones/1").get_data(as_text=True)
    assert 'data-accion="aprobar_revision"' not in page and 'data-accion="devolver"' not in page
    assert f"/documentos/{doc}/versiones/1" not in client.get("/bandeja").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": __import__("tests.conftest", fromlist=["csrf_from"]).csrf_from(page)})
    users("rosa", ["revisor"], "NC")
    login("rosa")
    page = client.get(f"/documentos/{doc}/versiones/1").get_data(as_text=True)
    assert 'data-accion="aprobar_revision"' in page and 'data-accion="devolver"' in page
    assert f"/documentos/{doc}/versiones/1" in client.get("/bandeja").get_data(as_text=True)
