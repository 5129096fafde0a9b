"""A flagged answer (a cited version was superseded) can be dealt with: its answerer or author moves
the citations to the version now in force, confirms that the answer still applies, or answers again.
Each clears the flag and is audited; anyone else, or an impossible update, changes nothing."""
import json
from datetime import timedelta

import pytest

from tests.conftest import audit_rows
from tests.consultations.test_consultas import h, people, register, turn_and_analyse  # noqa: F401 (fixture)
from tests.documents.helpers import act, approve, upload
from tests.search.corpus import MANUAL_V2, load


@pytest.fixture
def flagged(app, client, users, people):  # noqa: F811
    """A consulta registered by cony, answered by cruz citing 7.3.1.1 and 10 of the manual's v2."""
    corpus = load(app, users)
    doc = corpus["ids"]["manual"]
    folio = register(client, people["cony"]).get_json()["folio"]
    etag = turn_and_analyse(client, people, folio)
    cites = [{"documento_id": doc, "version": 2, "numeral": n} for n in ("7.3.1.1", "10")]
    answered = client.post(f"/api/v1/consultas/{folio}/respuesta", headers=h(people["cruz"], etag),
                           json={"respuesta": "Cuarenta y ocho horas.", "citas": cites})
    assert answered.status_code == 200, answered.get_json()
    return {"folio": folio, "doc": doc, "corpus": corpus}


def publish(client, people, doc, text):
    tokens = {"normativo": people["nora"], "revisor": people["rita"], "titular": people["tito"]}
    numero = upload(client, people["nora"], doc, content=text).get_json()["numero"]
    approve(client, tokens, doc, numero)
    published = act(client, people["nora"], doc, numero, "publicar", destinatarios={"unidades": ["3301"]})
    assert published.status_code == 200, published.get_json()
    return numero


def read(client, token, folio):
    response = client.get(f"/api/v1/consultas/{folio}", headers=h(token))
    return response.get_json(), response.headers["ETag"]


def review(client, token, folio, accion, etag):
    return client.post(f"/api/v1/consultas/{folio}/revision", json={"accion": accion}, headers=h(token, etag))


def test_citations_updated_to_the_version_in_force(app, client, users, people, flagged):  # noqa: F811
    folio = flagged["folio"]
    users("cora", ["consultor"], "NC")
    cora = users("cora2", ["consultor"], "NC")[1]
    body, etag = read(client, people["cony"], folio)
    early = review(client, people["cruz"], folio, "confirmar", etag)
    assert early.status_code == 409  # nothing to review yet
    numero = publish(client, people, flagged["doc"], MANUAL_V2.replace("cuarenta y ocho", "setenta y dos"))
    before, etag = read(client, people["cony"], folio)
    assert before["citas_desactualizadas"] is True
    for who in ("cony", "cruz"):  # its author and its answerer are told
        notices = client.get("/api/v1/notificaciones", headers=h(people[who])).get_json()["items"]
        assert [n["tipo"] for n in notices if folio in n["titulo"]] == ["cita_desactualizada"], who
    assert review(client, cora, folio, "actualizar_citas", etag).status_code == 403
    assert review(client, people["cruz"], folio, "borrar", etag).status_code == 422
    assert review(client, people["cruz"], folio, "actualizar_citas", '"consulta-1-v1"').status_code == 409
    assert read(client, people["cony"], folio)[0] == before
    updated = review(client, people["cruz"], folio, "actualizar_citas", etag)
    assert updated.status_code == 200, updated.get_json()
    body = updated.get_json()
    assert body["citas_desactualizadas"] is False
    assert [(c["version"], c["numeral"], c["desactualizada"]) for c in body["citas"]] == [(numero, "7.3.1.1", False),
                                                                                        (numero, "10", False)]
    assert [json.loads(r.detalle)["accion"] for r in audit_rows(app, accion="consulta_revisada")] == ["actualizar_citas"]
    assert client.get("/api/v1/consultas?desactualizadas=true", headers=h(people["cony"])).get_json()["total"] == 0


def test_an_update_that_cannot_be_made_changes_nothing_confirm_clears(app, client, people, flagged):  # noqa: F811
    folio = flagged["folio"]
    publish(client, people, flagged["doc"], MANUAL_V2.replace("7.3.1.1 El citatorio", "7.3.1.2 El citatorio"))
    before, etag = read(client, people["cony"], folio)
    refused = review(client, people["cony"], folio, "actualizar_citas", etag)
    assert refused.status_code == 422 and refused.get_json()["error"] == "cita_no_actualizable"
    assert "7.3.1.1" in refused.get_json()["message"]
    assert read(client, people["cony"], folio)[0] == before
    confirmed = review(client, people["cony"], folio, "confirmar", etag)  # the author confirms
    assert confirmed.status_code == 200, confirmed.get_json()
    body = confirmed.get_json()
    assert body["citas_desactualizadas"] is False and body["confirmada"]
    assert body["confirmada_por"]["usuario"] == "cony"
    assert all(c["desactualizada"] for c in body["citas"])  # the citations still say what they cite
    again = review(client, people["cony"], folio, "confirmar", confirmed.headers["ETag"])
    assert again.status_code == 409
    assert [json.loads(r.detalle)["accion"] for r in audit_rows(app, accion="consulta_revisada")] == ["confirmar"]


def test_answered_again_replacing_text_and_citations(client, people, flagged):  # noqa: F811
    folio = flagged["folio"]
    _, etag = read(client, people["cony"], folio)
    not_flagged = client.post(f"/api/v1/consultas/{folio}/respuesta", headers=h(people["cruz"], etag),
                              json={"respuesta": "Otra.", "citas": []})
    assert not_flagged.status_code == 409
    numero = publish(client, people, flagged["doc"], MANUAL_V2.replace("cuarenta y ocho", "setenta y dos"))
    before, etag = read(client, people["cony"], folio)
    bad = client.post(f"/api/v1/consultas/{folio}/respuesta", headers=h(people["cruz"], etag),
                      json={"respuesta": "Setenta y dos horas.",
                            "citas": [{"documento_id": flagged["doc"], "version": numero, "numeral": "99"}]})
    assert bad.status_code == 422 and read(client, people["cony"], folio)[0] == before
    again = client.post(f"/api/v1/consultas/{folio}/respuesta", headers=h(people["cruz"], etag),
                        json={"respuesta": "Setenta y dos horas.",
                              "citas": [{"documento_id": flagged["doc"], "version": numero, "numeral": "7.3.1.1"}]})
    assert again.status_code == 200, again.get_json()
    body = again.get_json()
    assert body["respuesta"] == "Setenta y dos horas." and body["citas_desactualizadas"] is False
    assert [(c["version"], c["numeral"]) for c in body["citas"]] == [(numero, "7.3.1.1")]
    assert body["respondida_por"]["usuario"] == "cruz"


def test_an_abrogated_document_cannot_be_moved_to(client, people, flagged):  # noqa: F811
    abrogated = act(client, people["tito"], flagged["doc"], 2, "abrogar", comentario="Queda sin efectos.")
    assert abrogated.status_code == 200, abrogated.get_json()
    before, etag = read(client, people["cony"], flagged["folio"])
    assert before["citas_desactualizadas"] is True and before["citas"][0]["motivo"] == "documento abrogado"
    refused = review(client, people["cruz"], flagged["folio"], "actualizar_citas", etag)
    assert refused.status_code == 422 and "abrogado" in refused.get_json()["message"]
    assert read(client, people["cony"], flagged["folio"])[0] == before


def test_a_version_cited_for_the_date_of_the_facts_is_flagged_by_the_next_publication(
        app, client, users, people):  # noqa: F811
    """Citing the version in force on the date of the facts (already superseded today) is allowed and
    is not out of date when answered; publishing a new version flags it and tells its author, as
    for any other citation."""
    corpus = load(app, users)
    doc = corpus["ids"]["manual"]
    folio = register(client, people["cony"], fecha_hechos=(corpus["today"] - timedelta(days=500)).isoformat()
                     ).get_json()["folio"]
    etag = turn_and_analyse(client, people, folio)
    answered = client.post(f"/api/v1/consultas/{folio}/respuesta", headers=h(people["cruz"], etag), json={
        "respuesta": "Veinticuatro horas, según el texto vigente en la fecha de los hechos.",
        "citas": [{"documento_id": doc, "version": 1, "numeral": "7.3.1.1"}]})
    assert answered.status_code == 200, answered.get_json()
    body = answered.get_json()
    assert body["citas_desactualizadas"] is False
    assert (body["citas"][0]["version"], body["citas"][0]["desactualizada"], body["citas"][0]["motivo"]) == (1, False, None)

    publish(client, people, doc, MANUAL_V2.replace("cuarenta y ocho", "setenta y dos"))
    after, _ = read(client, people["cony"], folio)
    assert after["citas_desactualizadas"] is True
    assert (after["citas"][0]["desactualizada"], after["citas"][0]["motivo"]) == (True, "versión sustituida")
    outdated = client.get("/api/v1/consultas?desactualizadas=true", headers=h(people["cony"])).get_json()
    assert folio in [c["folio"] for c in outdated["items"]]
    notices = client.get("/api/v1/notificaciones", headers=h(people["cony"])).get_json()["items"]
    assert [n["tipo"] for n in notices if folio in n["titulo"]] == ["cita_desactualizada"]


def test_a_citation_is_flagged_the_day_its_successor_takes_effect(monkeypatch, app, client, users,
                                                                  people):  # noqa: F811
    """GIVEN v3 of the manual published to take effect in 5 days, and then an answer citing v2 (still
    in force today) and v1 (the text of the date of the facts, ended before the answer) WHEN the daily
    check runs before that day THEN nothing is flagged; WHEN it runs on that day THEN the consulta is
    flagged for v2 only, its author is told once, and running it again flags nothing more."""
    from docs_service.consultations import cli as consultas_cli
    from docs_service.consultations import operations as consultas
    from docs_service.core.db import db, transaction
    corpus = load(app, users)
    doc, today = corpus["ids"]["manual"], corpus["today"]
    tokens = {"normativo": people["nora"], "revisor": people["rita"], "titular": people["tito"]}
    numero = upload(client, people["nora"], doc, content=MANUAL_V2.replace("cuarenta y ocho", "setenta y dos")
                    ).get_json()["numero"]
    approve(client, tokens, doc, numero)
    starts = today + timedelta(days=5)
    published = act(client, people["nora"], doc, numero, "publicar", vigente_desde=starts.isoformat(),
                    destinatarios={"unidades": ["3301"]})
    assert published.status_code == 200, published.get_json()
    folio = register(client, people["cony"]).get_json()["folio"]
    etag = turn_and_analyse(client, people, folio)
    answered = client.post(f"/api/v1/consultas/{folio}/respuesta", headers=h(people["cruz"], etag), json={
        "respuesta": "Cuarenta y ocho horas.", "citas": [{"documento_id": doc, "version": 2, "numeral": "7.3.1.1"},
                                                         {"documento_id": doc, "version": 1, "numeral": "7.3.1.1"}]})
    assert answered.status_code == 200, answered.get_json()
    with app.app_context():
        with transaction():
            assert consultas.flag_ended(starts - timedelta(days=1)) == []
        db.session.close()
    assert read(client, people["cony"], folio)[0]["citas_desactualizadas"] is False

    monkeypatch.setattr(consultas_cli, "hoy", lambda: starts)  # the cron's day: the successor is in force
    result = app.test_cli_runner().invoke(args=["consultas", "citas"])
    again = app.test_cli_runner().invoke(args=["consultas", "citas"])
    assert result.exit_code == 0 and f"1 ({folio})" in result.output, result.output
    assert again.exit_code == 0 and "desactualizadas: 0." in again.output, again.output
    body, _ = read(client, people["cony"], folio)
    assert body["citas_desactualizadas"] is True
    by_version = {c["version"]: (c["desactualizada"], c["motivo"]) for c in body["citas"]}
    assert by_version == {2: (True, "versión sustituida"), 1: (False, None)}
    notices = client.get("/api/v1/notificaciones", headers=h(people["cony"])).get_json()["items"]
    assert [n["tipo"] for n in notices if folio in n["titulo"]] == ["cita_desactualizada"]


def test_the_daily_check_compares_the_answer_s_mexico_city_day_in_one_query(app, people, flagged):  # noqa: F811
    """GIVEN the cited version's vigencia ended on a day D WHEN the answer was given at 01:00 of D+1 in
    Mexico City (07:00 UTC) THEN the version had already ended: the daily check reads no row to flag,
    in one query; WHEN it was given at 21:00 of D (03:00 UTC of D+1) THEN both citations are flagged."""
    from datetime import datetime

    from sqlalchemy import event, select

    from docs_service.consultations import operations as consultas
    from docs_service.consultations.models import Consulta
    from docs_service.core.db import db, transaction
    from docs_service.documents.models import Version

    ended = flagged["corpus"]["today"] - timedelta(days=10)

    def answered_at(moment):
        with app.app_context(), transaction():
            consulta = db.session.scalar(select(Consulta).where(Consulta.folio == flagged["folio"]))
            consulta.respondida = moment
            version = db.session.scalar(select(Version).where(Version.documento_id == flagged["doc"],
                                                              Version.numero == 2))
            version.vigente_hasta = ended

    def run():
        statements = []
        with app.app_context():
            engine = db.session.get_bind()
            record = lambda _c, _cur, sql, *_a: statements.append(sql)  # noqa: E731
            event.listen(engine, "before_cursor_execute", record)
            try:
                with transaction():
                    folios = [c.folio for c in consultas.flag_ended(flagged["corpus"]["today"])]
            finally:
                event.remove(engine, "before_cursor_execute", record)
            db.session.close()
        return folios, [s for s in statements if s.lstrip().upper().startswith("SELECT")]

    next_day = ended + timedelta(days=1)
    answered_at(datetime(next_day.year, next_day.month, next_day.day, 7, 0))
    folios, selects = run()
    assert folios == [] and len(selects) == 1, selects
    answered_at(datetime(next_day.year, next_day.month, next_day.day, 3, 0))
    folios, selects = run()
    assert folios == [flagged["folio"]]
    assert "dia_local" in selects[0] or "America/Mexico_City" in selects[0]
    with app.app_context():
        consulta = db.session.scalar(select(Consulta).where(Consulta.folio == flagged["folio"]))
        assert [(c.desactualizada, c.motivo) for c in consulta.citas] == [(True, "vigencia concluida")] * 2
