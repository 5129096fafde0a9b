"""Documents: registration, metadata with If-Match, versions, vigencia "vigente al", diff."""
from datetime import timedelta

import pytest

from docs_service.core.fechas import hoy
from tests.conftest import audit_rows
from tests.documents.helpers import MANUAL_V1, MANUAL_V2, act, approve, create_document, upload


def publish(client, staff, doc, numero, **body):
    body.setdefault("destinatarios", {"ooad": ["33"]})
    response = act(client, staff["normativo"], doc, numero, "publicar", **body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_upload_extracts_sections_by_numeral(client, staff, auth):
    doc = create_document(client, staff["normativo"])
    response = upload(client, staff["normativo"], doc)
    assert response.status_code == 201
    body = response.get_json()
    assert body["numero"] == 1 and body["estado"] == "borrador" and len(body["sha256"]) == 64
    version = client.get(f"/api/v1/documentos/{doc}/versiones/1", headers=auth(staff["revisor"])).get_json()
    numerales = [s["numeral"] for s in version["secciones"]]
    assert numerales == ["", "1", "2", "3", "3.1", "3.2", "10", "10 a)", "10 b)"]
    by_numeral = {s["numeral"]: s for s in version["secciones"]}
    assert by_numeral["1"]["titulo"] == "Objetivo"
    assert by_numeral["10 a)"]["texto"] == "Identificarse con credencial vigente."
    original = client.get(f"/api/v1/documentos/{doc}/versiones/1/archivo", headers=auth(staff["revisor"]))
    assert original.data == MANUAL_V1.encode()
    assert original.headers["Content-Disposition"].startswith("attachment;")
    assert original.headers["X-Content-Type-Options"] == "nosniff"


def test_docx_upload_keeps_headings_and_numerals(client, staff, auth):
    import io

    from docx import Document
    document = Document()
    document.add_heading("Instructivo de llenado del acta", level=1)
    document.add_paragraph("1. Objetivo")
    document.add_paragraph("Orientar el llenado del acta de notificación.")
    document.add_heading("7.3.1.1 Datos del patrón", level=2)
    document.add_paragraph("Se anota el registro patronal a 11 posiciones.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "Campo", "NRP"
    buffer = io.BytesIO()
    document.save(buffer)
    doc = create_document(client, staff["normativo"], clave="9312-004-001", tipo="instructivo")
    assert upload(client, staff["normativo"], doc, buffer.getvalue(), filename="instructivo.docx").status_code == 201
    sections = client.get(f"/api/v1/documentos/{doc}/versiones/1", headers=auth(staff["revisor"])).get_json()["secciones"]
    assert [(s["numeral"], s["titulo"]) for s in sections] == [
        ("", "Instructivo de llenado del acta"), ("1", "Objetivo"), ("7.3.1.1", "Datos del patrón")]
    assert "Campo | NRP" in sections[-1]["texto"]


def test_pdf_upload_is_extracted_in_a_subprocess(client, staff, auth):
    from tests.documents.pdfs import simple_pdf
    doc = create_document(client, staff["normativo"], clave="9312-003-014")
    response = upload(client, staff["normativo"], doc, simple_pdf(["1. Objetivo", "Aclarar pagos patronales.",
                                                                   "2. Politicas"]), filename="p.pdf")
    assert response.status_code == 201, response.get_json()
    sections = client.get(f"/api/v1/documentos/{doc}/versiones/1", headers=auth(staff["revisor"])).get_json()["secciones"]
    assert [s["numeral"] for s in sections] == ["1", "2"]


def test_duplicate_clave_is_409_and_bad_clave_422(client, staff, auth):
    create_document(client, staff["normativo"])
    dup = client.post("/api/v1/documentos", headers=auth(staff["normativo"]),
                      json={"clave": "9312-003-012", "titulo": "Otro", "tipo": "instructivo", "area": "X"})
    assert dup.status_code == 409 and "9312-003-012" in dup.get_json()["message"]
    bad = client.post("/api/v1/documentos", headers=auth(staff["normativo"]),
                      json={"clave": "manual-1", "titulo": "Otro", "tipo": "instructivo", "area": "X"})
    assert bad.status_code == 422 and "clave" in bad.get_json()["errors"]
    assert client.get("/api/v1/documentos", headers=auth(staff["normativo"])).get_json()["total"] == 1


def test_only_normativo_registers_documents(client, staff, auth):
    for rol in ("revisor", "titular", "operativo", "consultor", "auditor"):
        response = client.post("/api/v1/documentos", headers=auth(staff[rol]),
                               json={"clave": "9312-003-099", "titulo": "X", "tipo": "instructivo", "area": "X"})
        assert response.status_code == 403, rol


def test_metadata_lost_update_and_mass_assignment(client, staff, auth):
    doc = create_document(client, staff["normativo"])
    headers = auth(staff["normativo"])
    etag = client.get(f"/api/v1/documentos/{doc}", headers=headers).headers["ETag"]
    first = client.patch(f"/api/v1/documentos/{doc}", json={"titulo": "Primero"}, headers={**headers, "If-Match": etag})
    assert first.status_code == 200
    second = client.patch(f"/api/v1/documentos/{doc}", json={"titulo": "Segundo"}, headers={**headers, "If-Match": etag})
    assert second.status_code == 409 and second.get_json()["error"] == "conflicto_de_version"
    etag = first.headers["ETag"]
    mass = client.patch(f"/api/v1/documentos/{doc}", headers={**headers, "If-Match": etag},
                        json={"estado": "aprobado", "aprobado_por": 1, "version_id": 99})
    assert mass.status_code == 422
    assert client.get(f"/api/v1/documentos/{doc}", headers=headers).get_json()["titulo"] == "Primero"


def test_vigente_al_shows_previous_then_new_version(client, staff, auth):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    approve(client, staff, doc, 1)
    publish(client, staff, doc, 1)
    assert upload(client, staff["normativo"], doc, MANUAL_V2, resumen="Precisa plazos").status_code == 201
    approve(client, staff, doc, 2)
    start = hoy() + timedelta(days=20)
    published = publish(client, staff, doc, 2, vigente_desde=start.isoformat())
    assert published["estado"] == "publicado" and published["vigente_desde"] == start.isoformat()
    for day, numero in ((hoy(), 1), (start - timedelta(days=1), 1), (start, 2), (start + timedelta(days=400), 2)):
        items = client.get(f"/api/v1/documentos?vigente_al={day}", headers=auth(staff["consultor"])).get_json()["items"]
        assert [i["version_vigente"]["numero"] for i in items] == [numero], day
    before = client.get(f"/api/v1/documentos?vigente_al={hoy() - timedelta(days=1)}",
                        headers=auth(staff["consultor"])).get_json()
    assert before["total"] == 0
    v1 = client.get(f"/api/v1/documentos/{doc}/versiones/1", headers=auth(staff["consultor"])).get_json()
    assert v1["estado"] == "sustituido" and v1["vigente_hasta"] == (start - timedelta(days=1)).isoformat()


def test_vigencia_validation(client, staff):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    approve(client, staff, doc, 1)
    today = hoy()
    bad_range = act(client, staff["normativo"], doc, 1, "publicar", destinatarios={"todas": True},
                    vigente_desde=(today + timedelta(days=5)).isoformat(), vigente_hasta=today.isoformat())
    assert bad_range.status_code == 422 and "vigente_hasta" in bad_range.get_json()["errors"]
    past = act(client, staff["normativo"], doc, 1, "publicar", destinatarios={"todas": True},
               vigente_desde=(today - timedelta(days=1)).isoformat())
    assert past.status_code == 422
    nobody = act(client, staff["normativo"], doc, 1, "publicar")
    assert nobody.status_code == 422 and nobody.get_json()["error"] == "destinatarios_requeridos"
    unknown = act(client, staff["normativo"], doc, 1, "publicar", destinatarios={"unidades": ["9999"]})
    assert unknown.status_code == 422
    state = act(client, staff["normativo"], doc, 1, "enviar_revision")
    assert state.status_code == 409 and state.get_json()["permitidas"] == ["publicar"]


def _abrogation_in_ten_days(client, staff):
    """Criterio 03/2014 published, then Criterio 01/2026 published to start in ten days abrogating
    it; returns (old id, new id, start day)."""
    old = create_document(client, staff["normativo"], clave="9300-006-014", tipo="criterio_normativo",
                          titulo="Criterio 03/2014")
    upload(client, staff["normativo"], old)
    approve(client, staff, old, 1)
    publish(client, staff, old, 1)
    new = create_document(client, staff["normativo"], clave="9300-006-026", tipo="criterio_normativo",
                          titulo="Criterio 01/2026", relaciones=[{"tipo": "abroga", "clave": "9300-006-014"}])
    upload(client, staff["normativo"], new)
    approve(client, staff, new, 1)
    start = hoy() + timedelta(days=10)
    publish(client, staff, new, 1, vigente_desde=start.isoformat(), destinatarios={"todas": True})
    return old, new, start


def test_publishing_an_abrogating_document_ends_the_other(client, staff, auth):
    old, new, start = _abrogation_in_ten_days(client, staff)
    detail = client.get(f"/api/v1/documentos/{old}", headers=auth(staff["consultor"])).get_json()
    assert detail["abrogado_desde"] == start.isoformat() and detail["abrogado_por"] == "9300-006-026"
    on = lambda day: {i["clave"] for i in client.get(f"/api/v1/documentos?vigente_al={day}",  # noqa: E731
                                                     headers=auth(staff["consultor"])).get_json()["items"]}
    assert on(hoy()) == {"9300-006-014"}
    assert on(start) == {"9300-006-026"}
    relations = client.get(f"/api/v1/documentos/{new}", headers=auth(staff["consultor"])).get_json()["relaciones"]
    assert relations == [{"tipo": "abroga", "clave": "9300-006-014", "documento_id": old, "numerales": ""}]


def test_titular_abrogates(client, staff, auth, app):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    approve(client, staff, doc, 1)
    publish(client, staff, doc, 1)
    assert act(client, staff["normativo"], doc, 1, "abrogar", comentario="x").status_code == 403
    no_reason = act(client, staff["titular"], doc, 1, "abrogar")
    assert no_reason.status_code == 422
    done = act(client, staff["titular"], doc, 1, "abrogar", comentario="Queda sin efectos por reforma.")
    assert done.status_code == 200 and done.get_json()["estado"] == "abrogado"
    today = hoy().isoformat()
    assert client.get(f"/api/v1/documentos?vigente_al={today}", headers=auth(staff["consultor"])).get_json()["total"] == 0
    assert upload(client, staff["normativo"], doc, MANUAL_V2).status_code == 409
    assert audit_rows(app, accion="documento_abrogado")


def test_diff_shows_exactly_the_changed_numerales(client, staff, auth):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    approve(client, staff, doc, 1)
    publish(client, staff, doc, 1)
    upload(client, staff["normativo"], doc, MANUAL_V2, resumen="Cambios")
    diff = client.get(f"/api/v1/documentos/{doc}/diff?de=1&a=2", headers=auth(staff["revisor"])).get_json()
    assert diff["resumen"] == {"agregada": 1, "eliminada": 1, "modificada": 1}
    changes = {s["numeral"]: s for s in diff["secciones"]}
    assert set(changes) == {"2", "3.2", "4"}
    assert changes["2"]["cambio"] == "eliminada" and changes["4"]["cambio"] == "agregada"
    words = changes["3.2"]["palabras"]
    assert {"op": "agregado", "texto": "día hábil de la diligencia."} in words
    assert {"op": "eliminado", "texto": "día."} in words
    draft_for_operativo = client.get(f"/api/v1/documentos/{doc}/diff?de=1&a=2", headers=auth(staff["operativo"]))
    assert draft_for_operativo.status_code == 404
    same = client.get(f"/api/v1/documentos/{doc}/diff?de=1&a=1", headers=auth(staff["revisor"]))
    assert same.status_code == 422


@pytest.mark.parametrize("path", ["", "/versiones/1", "/versiones/1/archivo", "/versiones", "/diff?de=1&a=1"])
def test_drafts_are_invisible_to_operativos(client, staff, auth, app, path):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    response = client.get(f"/api/v1/documentos/{doc}{path}", headers=auth(staff["operativo"]))
    assert response.status_code == 404
    assert b"Objetivo" not in response.data


def test_id_scan_reveals_nothing(client, staff, auth):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    bodies = set()
    for i in range(1, 30):
        response = client.get(f"/api/v1/documentos/{i}/versiones/1/archivo", headers=auth(staff["operativo"]))
        assert response.status_code == 404
        body = response.get_json()
        bodies.add((body["error"], body["message"]))
    assert len(bodies) == 1


def test_operations_in_one_transaction_see_their_own_versions(app):
    """GIVEN a document whose two versions are uploaded and published in one transaction (as the
    demo and bulk loads do) THEN publishing v2 ends v1: only one version is in force."""
    from docs_service.core.access import load_principal
    from docs_service.core.db import transaction
    from docs_service.documents import operations as ops
    from docs_service.workflow import operations as flow
    from tests.documents.helpers import MANUAL_V1, MANUAL_V2
    from docs_service.accounts import operations as accounts
    with app.app_context(), transaction():
        people = {rol: accounts.create_user(None, nombre=f"p.{rol}", roles=[rol], unidad="NC")
                  for rol in ("normativo", "revisor", "titular")}
        actor = {rol: load_principal(user_id=u.id)[0] for rol, u in people.items()}
        document = ops.create_document(actor["normativo"], clave="9312-003-012", titulo="M", tipo="instructivo", area="A")
        start = flow.today() + timedelta(days=5)
        for text, desde in ((MANUAL_V1, None), (MANUAL_V2, start)):
            version = ops.upload_version(actor["normativo"], document, filename="m.md", data=text.encode(), resumen="r")
            for rol, action in (("normativo", "enviar_revision"), ("revisor", "aprobar_revision"), ("titular", "aprobar")):
                flow.transition(actor[rol], version, action)
            flow.transition(actor["normativo"], version, "publicar", destinatarios={"ooad": ["33"]}, vigente_desde=desde)
        assert [v.estado for v in document.versions] == ["sustituido", "publicado"]
        assert [v.numero for v in document.versions if v.in_force_on(flow.today())] == [1]
        assert [v.numero for v in document.versions if v.in_force_on(start)] == [2]


def test_catalog_search_ignores_case_and_accents(client, staff, auth):
    """«notificacion», «NOTIFICACIÓN» and the area without accents find «Manual de notificación»."""
    from tests.documents.helpers import create_document
    create_document(client, staff["normativo"])  # «Manual de notificación», area «División de Registro»
    for query in ({"q": "notificacion"}, {"q": "NOTIFICACIÓN"}, {"area": "division de registro"}):
        items = client.get("/api/v1/documentos", query_string=query, headers=auth(staff["normativo"])).get_json()["items"]
        assert [i["clave"] for i in items] == ["9312-003-012"], query
    assert client.get("/api/v1/documentos", query_string={"q": "notif%cion"},
                      headers=auth(staff["normativo"])).get_json()["items"] == []


def test_the_page_of_an_abrogated_document_names_who_abrogated_it_once(client, staff, users, login):
    """«Abrogado desde … por 9300-006-026 (Criterio 01/2026).», not followed by the same words again
    from the stored reason; a titular's own reason is shown as written."""
    import re
    old, new, start = _abrogation_in_ten_days(client, staff)
    users("lupe", ["consultor"], "NC")
    login("lupe")

    def abrogated(doc):
        html = client.get(f"/documentos/{doc}").get_data(as_text=True)
        return re.sub(r"<[^>]+>|\s+", lambda m: " " if m.group(0).strip() == "" else "",
                      re.search(r"<dt>Abrogado</dt><dd>(.*?)</dd>", html, re.S).group(1)).strip()

    assert abrogated(old) == f"desde {start.strftime('%d/%m/%Y')} por 9300-006-026 (Criterio 01/2026)."
    third = create_document(client, staff["normativo"], clave="9312-003-099")
    upload(client, staff["normativo"], third)
    approve(client, staff, third, 1)
    publish(client, staff, third, 1)
    assert act(client, staff["titular"], third, 1, "abrogar", comentario="Queda sin efectos por reforma.").status_code == 200
    assert abrogated(third) == f"desde {hoy().strftime('%d/%m/%Y')}. Queda sin efectos por reforma."
