"""Consultas: register with folio and due date in días hábiles, route, turn, analyse, answer citing
exact versions found by search; a later publication flags the answer (the issue's "done when")."""
from datetime import timedelta

import pytest

from docs_service.workflow.calendar import add_business_days
from tests.documents.helpers import act, approve, upload
from tests.search.corpus import MANUAL_V2, load


@pytest.fixture
def people(users):
    return {name: users(name, roles, unit, password=None)[1]
            for name, roles, unit in (("cony", ["consultor"], "NC"), ("cruz", ["consultor"], "NC"),
                                      ("nora", ["normativo"], "NC"), ("rita", ["revisor"], "NC"),
                                      ("tito", ["titular"], "NC"), ("aldo", ["auditor"], "NC"),
                                      ("oscar", ["operativo"], "3301"))}


def h(token, etag=None):
    headers = {"Authorization": f"Bearer {token}"}
    if etag:
        headers["If-Match"] = etag
    return headers


def register(client, token, **body):
    payload = {"tipo": "general", "asunto": "Plazo del citatorio",
               "descripcion": "¿Con cuánta anticipación se entrega el citatorio?", "solicitante": "3301", **body}
    return client.post("/api/v1/consultas", json=payload, headers=h(token))


def turn_and_analyse(client, people, folio):
    etag = client.get(f"/api/v1/consultas/{folio}", headers=h(people["cony"])).headers["ETag"]
    turned = client.post(f"/api/v1/consultas/{folio}/transiciones", json={"accion": "turnar", "asignado": "cruz"},
                         headers=h(people["cony"], etag))
    assert turned.status_code == 200 and turned.get_json()["estado"] == "turnada"
    analysed = client.post(f"/api/v1/consultas/{folio}/transiciones", json={"accion": "analizar"},
                           headers=h(people["cruz"], turned.headers["ETag"]))
    assert analysed.status_code == 200 and analysed.get_json()["estado"] == "en_analisis"
    return analysed.headers["ETag"]


def test_register_gives_folio_due_date_and_routing(client, people):
    general = register(client, people["cony"])
    assert general.status_code == 201, general.get_json()
    body = general.get_json()
    assert body["folio"].startswith("CON-") and body["folio"].endswith("000001")
    assert body["estado"] == "recibida" and body["competente"]["clave"] == "NC"
    from datetime import date
    received = date.fromisoformat(body["fecha_recepcion"])
    assert date.fromisoformat(body["fecha_limite"]) == add_business_days(received, 15)
    patron = register(client, people["cony"], tipo="patron", competente="3333", nrp="Y5412345101")
    assert patron.status_code == 201 and patron.get_json()["competente"]["clave"] == "3333"
    assert patron.get_json()["folio"].endswith("000002")
    for bad, field in (({"tipo": "patron", "nrp": "Y5412345101"}, "competente"),
                       ({"tipo": "patron", "competente": "33", "nrp": "Y5412345101"}, "competente"),
                       ({"tipo": "patron", "competente": "3333", "nrp": "x"}, "nrp"),
                       ({"solicitante": "7777"}, "solicitante"), ({"asunto": ""}, "asunto"),
                       # a general question goes to the División: a Subdelegación or NRP given with it is
                       # refused (likely a patrón's situation with the wrong type), not silently dropped
                       ({"competente": "3333"}, "competente"), ({"nrp": "Y5412345101"}, "nrp")):
        refused = register(client, people["cony"], **bad)
        assert refused.status_code == 422 and field in refused.get_json()["errors"], (bad, refused.get_json())
    assert client.get("/api/v1/consultas", headers=h(people["cony"])).get_json()["total"] == 2
    assert register(client, people["oscar"]).status_code == 403
    assert client.get("/api/v1/consultas", headers=h(people["oscar"])).status_code == 403


def test_found_cited_and_flagged_when_a_new_version_is_published(app, client, users, people):
    """The issue's scenario: find the numeral with search, read it as in force on a past date, answer
    citing it; the titular's chain publishes a new version and the consulta is flagged."""
    corpus = load(app, users)
    past = (corpus["today"] - timedelta(days=50)).isoformat()
    found = client.get("/api/v1/busqueda", query_string={"q": "citatorio horas", "vigente_al": past},
                       headers=h(people["cruz"])).get_json()
    item = next(i for i in found["items"] if i["numeral"] == "7.3.1.1")
    assert item["version"] == 2 and "cuarenta y ocho" in item["fragmento"]
    folio = register(client, people["cony"]).get_json()["folio"]
    etag = turn_and_analyse(client, people, folio)
    answer = {"respuesta": "Con cuarenta y ocho horas de anticipación.",
              "citas": [{"documento_id": item["documento_id"], "version": item["version"], "numeral": item["numeral"]}]}
    assert client.post(f"/api/v1/consultas/{folio}/respuesta", json=answer, headers=h(people["cruz"])).status_code == 428
    stale = client.post(f"/api/v1/consultas/{folio}/respuesta", json=answer, headers=h(people["cruz"], '"consulta-1-v1"'))
    assert stale.status_code == 409
    answered = client.post(f"/api/v1/consultas/{folio}/respuesta", json=answer, headers=h(people["cruz"], etag))
    assert answered.status_code == 200, answered.get_json()
    body = answered.get_json()
    assert body["estado"] == "respondida" and body["citas_desactualizadas"] is False
    assert body["citas"][0]["clave"] == "9312-003-012" and body["citas"][0]["numeral"] == "7.3.1.1"
    cited_by = client.get(f"/api/v1/documentos/{item['documento_id']}/versiones/2/citas", headers=h(people["aldo"]))
    assert cited_by.get_json() == [{"folio": folio, "asunto": "Plazo del citatorio", "estado": "respondida",
                                    "numeral": "7.3.1.1", "desactualizada": False}]
    # a new version is published: the answer's citation is out of date
    doc = item["documento_id"]
    tokens = {"normativo": people["nora"], "revisor": people["rita"], "titular": people["tito"]}
    assert upload(client, people["nora"], doc, content=MANUAL_V2.replace("cuarenta y ocho", "setenta y dos")).status_code == 201
    approve(client, tokens, doc, 3)
    published = act(client, people["nora"], doc, 3, "publicar", destinatarios={"unidades": ["3301"]})
    assert published.status_code == 200, published.get_json()
    flagged = client.get(f"/api/v1/consultas/{folio}", headers=h(people["cony"])).get_json()
    assert flagged["citas_desactualizadas"] is True
    assert flagged["citas"][0]["desactualizada"] is True and flagged["citas"][0]["motivo"] == "versión sustituida"
    outdated = client.get("/api/v1/consultas?desactualizadas=true", headers=h(people["aldo"])).get_json()
    assert [c["folio"] for c in outdated["items"]] == [folio]
    from sqlalchemy import select
    from docs_service.accounts.models import User
    from docs_service.core.db import db
    from docs_service.notifications.models import Notification
    with app.app_context():
        author = db.session.scalar(select(User.id).where(User.nombre == "cony"))
        notices = db.session.execute(select(Notification.tipo, Notification.titulo)
                                     .where(Notification.usuario_id == author)).all()
        db.session.close()
    assert [tipo for tipo, titulo in notices if folio in titulo and "ya no está vigente" in titulo] == ["cita_desactualizada"]
    inbox = client.get("/api/v1/notificaciones", headers=h(people["cony"])).get_json()["items"]
    assert {n["tipo_nombre"] for n in inbox if folio in n["titulo"]} == {"Cita desactualizada"}


def test_answer_rules(app, client, users, people):
    corpus = load(app, users)
    folio = register(client, people["cony"]).get_json()["folio"]
    etag = client.get(f"/api/v1/consultas/{folio}", headers=h(people["cony"])).headers["ETag"]
    early = client.post(f"/api/v1/consultas/{folio}/respuesta", json={"respuesta": "x", "citas": []},
                        headers=h(people["cony"], etag))
    assert early.status_code == 409 and early.get_json()["permitidas"] == ["turnar"]
    etag = turn_and_analyse(client, people, folio)
    other = client.post(f"/api/v1/consultas/{folio}/respuesta", json={"respuesta": "x", "citas": []},
                        headers=h(people["cony"], etag))
    assert other.status_code == 403 and other.get_json()["error"] == "no_asignado"
    draft = {"documento_id": corpus["ids"]["borrador"], "version": 1, "numeral": "1"}
    missing = {"documento_id": 999, "version": 1, "numeral": "1"}
    answers = [({"citas": [draft]}, "cita_invalida"), ({"citas": [missing]}, "cita_invalida"),
               ({"citas": [{"documento_id": corpus["ids"]["manual"], "version": 2, "numeral": "99.9"}]}, "cita_invalida"),
               ({"citas": []}, "sin_citas")]
    for extra, error in answers:
        refused = client.post(f"/api/v1/consultas/{folio}/respuesta", json={"respuesta": "Texto.", **extra},
                              headers=h(people["cruz"], etag))
        assert refused.status_code == 422 and refused.get_json()["error"] == error, (extra, refused.get_json())
    draft_refusal = client.post(f"/api/v1/consultas/{folio}/respuesta", json={"respuesta": "T", "citas": [draft]},
                                headers=h(people["cruz"], etag)).get_json()
    missing_refusal = client.post(f"/api/v1/consultas/{folio}/respuesta", json={"respuesta": "T", "citas": [missing]},
                                  headers=h(people["cruz"], etag)).get_json()
    assert draft_refusal["message"] == missing_refusal["message"]  # a draft is indistinguishable from nothing
    assert client.get(f"/api/v1/consultas/{folio}", headers=h(people["cony"])).get_json()["estado"] == "en_analisis"


def test_no_criterion_starts_a_criterio_normativo_draft(app, client, users, people):
    load(app, users)
    folio = register(client, people["cony"]).get_json()["folio"]
    etag = turn_and_analyse(client, people, folio)
    answered = client.post(f"/api/v1/consultas/{folio}/respuesta",
                           json={"respuesta": "Se emitirá criterio sobre el plazo del citatorio electrónico.",
                                 "criterio": {"clave": "9300-006-030", "titulo": "Citatorio electrónico"}},
                           headers=h(people["cruz"], etag))
    assert answered.status_code == 200, answered.get_json()
    doc_id = answered.get_json()["criterio_documento_id"]
    document = client.get(f"/api/v1/documentos/{doc_id}/versiones/1", headers=h(people["nora"])).get_json()
    assert document["estado"] == "borrador" and folio in document["secciones"][0]["texto"] + document["secciones"][0]["titulo"] + str(document["secciones"])
    drafts = client.get("/api/v1/busqueda", query_string={"q": "citatorio electrónico", "borradores": "true"},
                        headers=h(people["nora"])).get_json()
    assert any(i["documento_id"] == doc_id for i in drafts["items"])
