"""Difusión and acuses: recipients, idempotent acknowledgement, coverage, overdue."""
from datetime import timedelta

from tests.documents.helpers import act, approve, create_document, upload


def published(client, staff, destinatarios):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    approve(client, staff, doc, 1)
    response = act(client, staff["normativo"], doc, 1, "publicar", destinatarios=destinatarios)
    assert response.status_code == 200, response.get_json()
    return doc


def test_ooad_recipients_get_pending_acuses_and_acknowledge_once(app, client, staff, auth):
    doc = published(client, staff, {"ooad": ["33"]})
    url = f"/api/v1/documentos/{doc}/versiones/1/acuses"
    coverage = client.get(url, headers=auth(staff["normativo"])).get_json()
    assert [i["unidad"] for i in coverage["items"]] == ["3301", "3333"]
    assert coverage["cobertura"]["pendientes"] == 2 and coverage["cobertura"]["recibidos"] == 0
    first = client.post(url, headers=auth(staff["oscar"]))
    assert first.status_code == 201 and first.get_json()["estado"] == "recibido"
    second = client.post(url, headers=auth(staff["oscar"]))
    assert second.status_code == 200 and second.get_json()["fecha"] == first.get_json()["fecha"]
    after = client.get(url, headers=auth(staff["auditor"])).get_json()["cobertura"]
    assert after == {"total": 2, "recibidos": 1, "pendientes": 1, "vencidos": 0, "porcentaje": 50.0,
                     "unidades_pendientes": ["3333"]}
    from tests.conftest import audit_rows
    assert len(audit_rows(app, accion="acuse_registrado")) == 1


def test_acuse_of_another_units_version_is_404(client, staff, auth):
    doc = published(client, staff, {"ooad": ["33"]})
    response = client.post(f"/api/v1/documentos/{doc}/versiones/1/acuses", headers=auth(staff["otto"]))
    assert response.status_code == 404
    assert client.get(f"/api/v1/documentos/{doc}/versiones/1/acuses", headers=auth(staff["otto"])).status_code == 403


def test_explicit_unit_list_and_all_units(client, staff, auth):
    doc = published(client, staff, {"unidades": ["1601", "16"]})
    items = client.get(f"/api/v1/documentos/{doc}/versiones/1/acuses", headers=auth(staff["normativo"])).get_json()["items"]
    assert [i["unidad"] for i in items] == ["16", "1601"]
    mine = client.get("/api/v1/acuses", headers=auth(staff["otto"])).get_json()
    assert len(mine) == 1 and mine[0]["estado"] == "pendiente" and mine[0]["clave"] == "9312-003-012"


def test_all_units_means_every_ooad_and_subdelegacion(client, staff, auth, users):
    _uid, token = users("nico", ["normativo"], "NC", password=None)
    doc = create_document(client, token, clave="9300-005-001", tipo="lineamiento")
    upload(client, token, doc)
    approve(client, {**staff, "normativo": token}, doc, 1)
    act(client, token, doc, 1, "publicar", destinatarios={"todas": True})
    coverage = client.get(f"/api/v1/documentos/{doc}/versiones/1/acuses", headers=auth(token)).get_json()["cobertura"]
    assert coverage["total"] == 35 + 133


def test_overdue_after_business_days(app, client, staff, auth):
    from docs_service.core.db import db, transaction
    from docs_service.workflow.models import Acuse
    doc = published(client, staff, {"ooad": ["33"]})
    with app.app_context(), transaction():
        for acuse in db.session.query(Acuse).all():
            acuse.fecha_limite = acuse.fecha_envio - timedelta(days=1)
    coverage = client.get(f"/api/v1/documentos/{doc}/versiones/1/acuses", headers=auth(staff["normativo"])).get_json()
    assert coverage["cobertura"]["vencidos"] == 2 and all(i["vencido"] for i in coverage["items"])


def test_business_days_skip_weekends_and_mexican_holidays():
    from datetime import date

    from docs_service.workflow.calendar import add_business_days
    assert add_business_days(date(2026, 11, 13), 1) == date(2026, 11, 17)  # Monday 16 = Revolution Day (observed)
    assert add_business_days(date(2026, 12, 24), 1) == date(2026, 12, 28)  # Christmas, weekend


def test_a_units_acuses_list_the_pending_ones_first(client, staff, auth):
    """GIVEN two publications to 3301, the first already acknowledged WHEN its operativo lists its acuses
    (the API; the page reads the same list) THEN the pending one comes first, the received after it."""
    first = create_document(client, staff["normativo"], clave="9312-003-001")
    for doc in (first, create_document(client, staff["normativo"], clave="9312-003-002")):
        upload(client, staff["normativo"], doc)
        approve(client, staff, doc, 1)
        assert act(client, staff["normativo"], doc, 1, "publicar", destinatarios={"unidades": ["3301"]}).status_code == 200
    client.post(f"/api/v1/documentos/{first}/versiones/1/acuses", headers=auth(staff["oscar"]))
    mine = client.get("/api/v1/acuses", headers=auth(staff["oscar"])).get_json()
    assert [(a["clave"], a["estado"]) for a in mine] == [("9312-003-002", "pendiente"), ("9312-003-001", "recibido")]
