"""Pages: compare any two versions from the document page; edit metadata and relations."""
import re

from tests.conftest import audit_rows, csrf_from
from tests.documents.helpers import MANUAL_V1, MANUAL_V2, approve, act, create_document, upload


def _two_versions(client, staff):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc, MANUAL_V1)
    approve(client, staff, doc, 1)
    act(client, staff["normativo"], doc, 1, "publicar", destinatarios={"ooad": ["33"]})
    upload(client, staff["normativo"], doc, MANUAL_V2, resumen="Precisa el acta")
    return doc


def test_document_page_compares_any_two_versions(client, staff, users, login):
    doc = _two_versions(client, staff)
    users("rosa", ["revisor"], "NC")
    login("rosa")
    page = client.get(f"/documentos/{doc}").get_data(as_text=True)
    form = page.split('data-testid="comparar"')[1].split("</form>")[0]
    assert 'name="de"' in form and 'name="a"' in form
    assert re.search(r'<select id="cmp-de" name="de"><option value="1" selected>', form)
    diff = client.get(f"/documentos/{doc}/diff", query_string={"de": 2, "a": 1})
    html = diff.get_data(as_text=True)
    assert diff.status_code == 200 and "Cambios de la versión 2 a la 1" in html and 'data-testid="comparar"' in html
    same = client.get(f"/documentos/{doc}/diff", query_string={"de": 1, "a": 1})
    assert same.status_code == 303
    assert "Elija dos versiones distintas" in client.get(same.headers["Location"]).get_data(as_text=True)


def test_operativo_compares_only_published_versions(client, staff, users, login):
    doc = _two_versions(client, staff)
    users("oli", ["operativo"], "3301")
    login("oli")
    page = client.get(f"/documentos/{doc}").get_data(as_text=True)
    assert 'data-testid="comparar"' not in page  # only one version is visible to an operativo
    assert client.get(f"/documentos/{doc}/diff", query_string={"de": 1, "a": 2}).status_code == 404


def test_edit_metadata_from_the_page(app, client, staff, users, login):
    doc = create_document(client, staff["normativo"])
    users("nina", ["normativo"], "NC")
    login("nina")
    page = client.get(f"/documentos/{doc}").get_data(as_text=True)
    assert f'href="/documentos/{doc}/editar"' in page
    form = client.get(f"/documentos/{doc}/editar").get_data(as_text=True)
    lock = re.search(r'name="lock" value="(\d+)"', form).group(1)
    data = {"csrf_token": csrf_from(form), "lock": lock, "titulo": "Manual de notificación actualizado",
            "area": "División de Registro", "fundamento": "Ley del Seguro Social, art. 291", "palabras_clave": ""}
    saved = client.post(f"/documentos/{doc}/editar", data=data)
    assert saved.status_code == 303
    detail = client.get(f"/api/v1/documentos/{doc}", headers={"Authorization": f"Bearer {staff['normativo']}"}).get_json()
    assert detail["titulo"] == "Manual de notificación actualizado" and detail["fundamento"].endswith("art. 291")
    assert audit_rows(app, accion="documento_modificado")[-1].detalle == '{"campos":["fundamento","titulo"]}'
    # The same form sent again (stale lock) is refused and changes nothing.
    stale = client.post(f"/documentos/{doc}/editar", data={**data, "titulo": "Otro título"})
    assert stale.status_code == 409 and "Otra persona modificó el documento" in stale.get_data(as_text=True)
    assert 'value="Otro título"' in stale.get_data(as_text=True)  # what was typed is kept
    # A required field left empty: 422, nothing changes.
    fresh = client.get(f"/documentos/{doc}/editar").get_data(as_text=True)
    lock = re.search(r'name="lock" value="(\d+)"', fresh).group(1)
    empty = client.post(f"/documentos/{doc}/editar", data={**data, "lock": lock, "titulo": "  "})
    assert empty.status_code == 422
    detail = client.get(f"/api/v1/documentos/{doc}", headers={"Authorization": f"Bearer {staff['normativo']}"}).get_json()
    assert detail["titulo"] == "Manual de notificación actualizado"


def test_add_relation_from_the_page(app, client, staff, users, login):
    old = create_document(client, staff["normativo"], clave="9312-003-001", titulo="Criterio anterior")
    doc = create_document(client, staff["normativo"], clave="9312-003-002", titulo="Criterio nuevo")
    users("nina", ["normativo"], "NC")
    login("nina")
    form = client.get(f"/documentos/{doc}/editar").get_data(as_text=True)
    token = csrf_from(form)
    added = client.post(f"/documentos/{doc}/relaciones", data={"csrf_token": token, "tipo": "modifica",
                                                               "clave": "9312-003-001", "numerales": "3.1"})
    assert added.status_code == 303
    page = client.get(f"/documentos/{doc}").get_data(as_text=True)
    assert f'href="/documentos/{old}">9312-003-001</a> Criterio anterior (numerales 3.1)' in page
    assert audit_rows(app, accion="documento_relacionado")[-1].detalle.startswith('{"destino":"9312-003-001"')
    for bad, message in (({"tipo": "modifica", "clave": "9312-003-001"}, "La relación ya existe."),
                         ({"tipo": "abroga", "clave": "9999-999-999"}, "No existe el documento con clave 9999-999-999."),
                         ({"tipo": "anula", "clave": "9312-003-001"}, "Tipo de relación no válido.")):
        refused = client.post(f"/documentos/{doc}/relaciones", data={"csrf_token": token, **bad})
        assert refused.status_code == 303
        assert message in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert len(audit_rows(app, accion="documento_relacionado")) == 1
    client.post("/logout", data={"csrf_token": token})
    users("oli", ["operativo"], "3301")
    login("oli")
    assert client.get(f"/documentos/{doc}/editar").status_code == 403


def test_new_document_form_is_shown_again_after_a_failed_flush(app, client, users, login):
    """A refusal raised inside a flush leaves the session unusable; the page still draws the form with
    what was typed (no 500) and nothing is kept."""
    from sqlalchemy import event, select
    from sqlalchemy.orm import Session

    from docs_service.core.db import db
    from docs_service.core.errors import Unavailable
    from docs_service.documents.models import Document

    users("nora", ["normativo"], "NC")
    login("nora")
    form = client.get("/documentos/nuevo").get_data(as_text=True)
    # the type is chosen, never taken silently from the list's first entry
    assert '<select name="tipo" required><option value="" selected>Elija el tipo de documento</option>' in form

    def refuse_in_flush(session, _context):
        if any(isinstance(obj, Document) for obj in session.new):
            raise Unavailable("La bitácora no está disponible; no se guardó nada.")

    event.listen(Session, "after_flush", refuse_in_flush)
    try:
        answer = client.post("/documentos/nuevo", data={
            "csrf_token": csrf_from(form), "clave": "9312-777-001", "titulo": "Criterio en prueba",
            "tipo": "criterio_normativo", "area": "División de Registro"})
    finally:
        event.remove(Session, "after_flush", refuse_in_flush)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 503 and "La bitácora no está disponible" in page
    assert 'value="Criterio en prueba"' in page
    with app.app_context():
        assert db.session.scalar(select(Document.id).where(Document.clave == "9312-777-001")) is None
