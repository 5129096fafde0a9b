"""Routing is real: a consultor belongs to a unit. The central level's consultores see every
consulta; a Subdelegación's see those its unit answers and those they registered; anything else is
404, exactly like an unknown folio. A consulta is turned only to a consultor of the unit that
answers it, by the central level or that unit."""
import pytest

from tests.consultations.test_consultas import h, register


@pytest.fixture
def people(users):
    return {name: users(name, roles, unit, password=None)[1]
            for name, roles, unit in (("cony", ["consultor"], "NC"), ("sofi", ["consultor"], "3301"),
                                      ("saul", ["consultor"], "3333"), ("aldo", ["auditor"], "NC"),
                                      ("oscar", ["operativo"], "3301"))}


def folios(client, token):
    response = client.get("/api/v1/consultas", headers=h(token))
    assert response.status_code == 200, response.get_json()
    return {c["folio"] for c in response.get_json()["items"]}


def etag(client, token, folio):
    return client.get(f"/api/v1/consultas/{folio}", headers=h(token)).headers["ETag"]


def test_each_consultor_sees_what_its_unit_answers_or_registered(client, people):
    patron = register(client, people["cony"], tipo="patron", competente="3301", nrp="Y5412345101").get_json()["folio"]
    general = register(client, people["cony"]).get_json()["folio"]
    other = register(client, people["cony"], tipo="patron", competente="3333", nrp="Y5412345101").get_json()["folio"]
    own = register(client, people["sofi"], solicitante="3301")
    assert own.status_code == 201 and own.get_json()["competente"]["clave"] == "NC"
    own = own.get_json()["folio"]
    assert folios(client, people["cony"]) == {patron, general, other, own}
    assert folios(client, people["aldo"]) == {patron, general, other, own}
    assert folios(client, people["sofi"]) == {patron, own}
    assert folios(client, people["saul"]) == {other}
    unknown = client.get("/api/v1/consultas/CON-2026-999999", headers=h(people["sofi"]))
    hidden = client.get(f"/api/v1/consultas/{general}", headers=h(people["sofi"]))
    assert unknown.status_code == hidden.status_code == 404
    assert unknown.get_json()["message"] == hidden.get_json()["message"]
    for path in (f"/api/v1/consultas/{patron}", f"/api/v1/consultas/{patron}/consultores"):
        assert client.get(path, headers=h(people["saul"])).status_code == 404
    assert client.get("/api/v1/consultas", headers=h(people["oscar"])).status_code == 403


def test_turned_only_to_a_consultor_of_the_unit_that_answers(app, client, users, people):
    from sqlalchemy import select

    from docs_service.accounts.models import User
    from docs_service.core.db import db, transaction
    with app.app_context(), transaction():
        db.session.scalar(select(User).where(User.nombre == "sofi")).nombre_completo = "Sofía Pech"
    patron = register(client, people["cony"], tipo="patron", competente="3301", nrp="Y5412345101").get_json()["folio"]
    general = register(client, people["cony"]).get_json()["folio"]
    offered = client.get(f"/api/v1/consultas/{patron}/consultores", headers=h(people["cony"])).get_json()
    assert [(p["usuario"], p["nombre"], p["unidad"]["clave"]) for p in offered] == [("sofi", "Sofía Pech", "3301")]
    assert [p["usuario"] for p in client.get(f"/api/v1/consultas/{general}/consultores",
                                             headers=h(people["cony"])).get_json()] == ["cony"]
    before = client.get(f"/api/v1/consultas/{patron}", headers=h(people["cony"])).get_json()
    for wrong in ("cony", "saul", "oscar", "nadie"):
        refused = client.post(f"/api/v1/consultas/{patron}/transiciones", json={"accion": "turnar", "asignado": wrong},
                              headers=h(people["cony"], etag(client, people["cony"], patron)))
        assert refused.status_code == 422 and refused.get_json()["error"] == "asignado_invalido", refused.get_json()
        assert "3301" in refused.get_json()["message"]
    assert client.get(f"/api/v1/consultas/{patron}", headers=h(people["cony"])).get_json() == before
    # a unit that does not answer it cannot see it, let alone turn it; one that registered it but does not answer it cannot turn it
    assert client.post(f"/api/v1/consultas/{patron}/transiciones", json={"accion": "turnar", "asignado": "sofi"},
                       headers=h(people["saul"], '"consulta-1-v1"')).status_code == 404
    own = register(client, people["sofi"], solicitante="3301").get_json()["folio"]
    not_theirs = client.post(f"/api/v1/consultas/{own}/transiciones", json={"accion": "turnar", "asignado": "cony"},
                             headers=h(people["sofi"], etag(client, people["sofi"], own)))
    assert not_theirs.status_code == 403 and not_theirs.get_json()["error"] == "no_turna"
    assert client.get(f"/api/v1/consultas/{own}", headers=h(people["sofi"])).get_json()["estado"] == "recibida"
    # the Subdelegación turns its own consulta to its consultor, who takes it into analysis
    turned = client.post(f"/api/v1/consultas/{patron}/transiciones", json={"accion": "turnar", "asignado": "sofi"},
                         headers=h(people["sofi"], etag(client, people["sofi"], patron)))
    assert turned.status_code == 200, turned.get_json()
    body = turned.get_json()
    assert body["asignado"] == "sofi" and body["asignado_persona"]["nombre"] == "Sofía Pech"
    assert body["asignado_persona"]["unidad"]["clave"] == "3301"
    analysed = client.post(f"/api/v1/consultas/{patron}/transiciones", json={"accion": "analizar"},
                           headers=h(people["sofi"], turned.headers["ETag"]))
    assert analysed.status_code == 200 and analysed.get_json()["estado"] == "en_analisis"


def test_date_of_the_facts(client, people):
    from datetime import timedelta

    from docs_service.core.fechas import hoy
    made = register(client, people["cony"], fecha_hechos="2024-03-15")
    assert made.status_code == 201 and made.get_json()["fecha_hechos"] == "2024-03-15"
    future = register(client, people["cony"], fecha_hechos=(hoy() + timedelta(days=3)).isoformat())
    assert future.status_code == 422 and "posterior a hoy" in future.get_json()["message"]
    assert register(client, people["cony"], fecha_hechos="15/03/2024").status_code == 422
    assert client.get("/api/v1/consultas", headers=h(people["cony"])).get_json()["total"] == 1
