"""The phase machine: allowed paths, guards (días hábiles, prescripción, caducidad), 409 with the
allowed actions, If-Match against lost updates, the event log."""
import re
from datetime import timedelta

import pytest

from docs_service.core.fechas import hoy
from docs_service.credits import rules

from .helpers import act, get, load, row


@pytest.fixture
def credits(client, staff):
    today = hoy()
    load(client, staff["oscar"], [
        row(1),                                                           # notified 40 days ago
        row(2, fecha_notificacion=today.isoformat()),                     # notified today
        row(3, fase="EMITIDO", fecha_notificacion=""),
        row(4, fase="EXIGIBLE", periodo="201801", fecha_emision="2018-03-20", fecha_notificacion="2018-04-02"),
        row(5, fase="EMITIDO", fecha_notificacion="", periodo="201902", fecha_emision="2025-01-10"),
    ])
    return {"viejo": "268000001", "hoy": "268000002", "emitido": "268000003", "antiguo": "268000004",
            "tardio": "268000005"}


def test_notificado_exigible_pae_with_events(client, staff, credits):
    """GIVEN a credit notified 40 days ago WHEN it is declared exigible and then requerido THEN each
    step is recorded with its INC code, and the phase follows."""
    numero = credits["viejo"]
    first = act(client, staff["oscar"], numero, "declarar_exigible")
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["fase"] == "EXIGIBLE"
    second = act(client, staff["oscar"], numero, "requerir", fundamento="LSS art. 291")
    assert second.status_code == 200 and second.get_json()["fase"] == "PAE_REQUERIDO"
    assert second.get_json()["inc"] == "31"
    events = client.get(f"/api/v1/creditos/{numero}/eventos", headers={"Authorization": f"Bearer {staff['oscar']}"}).get_json()
    assert [(e["accion"], e["fase_de"], e["fase_a"], e["inc"]) for e in events] == [
        ("declarar_exigible", "NOTIFICADO", "EXIGIBLE", None), ("requerir", "EXIGIBLE", "PAE_REQUERIDO", "31")]
    assert events[1]["actor"] == "oscar" and events[1]["unidad"] == "3301" and events[1]["fundamento"] == "LSS art. 291"


def test_term_of_15_business_days_is_a_guard(client, staff, credits):
    response = act(client, staff["oscar"], credits["hoy"], "declarar_exigible")
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "condicion_no_cumplida" and "15 días hábiles" in body["message"]
    # the day as people write it (27/11/2026), not the ISO form
    assert re.search(r"vence el \d{2}/\d{2}/\d{4};", body["message"]), body["message"]
    assert get(client, staff["oscar"], credits["hoy"]).get_json()["fase"] == "NOTIFICADO"


def test_invalid_transition_names_the_allowed_ones(client, staff, credits):
    response = act(client, staff["oscar"], credits["emitido"], "requerir")
    assert response.status_code == 409
    body = response.get_json()
    assert body["error"] == "transicion_invalida"
    assert "iniciar_notificacion" in body["permitidas"] and "requerir" not in body["permitidas"]
    # the message names the action and the allowed ones as the credit's page does, never by code
    assert body["message"].startswith("No se puede «Requerir pago (mandamiento de ejecución)» un crédito en fase «Emitido». "
                                      "Acciones permitidas ahora: «")
    assert "requerir" not in body["message"] and "iniciar_notificacion" not in body["message"]


def test_notification_date_cannot_be_future(client, staff, credits):
    numero = credits["emitido"]
    assert act(client, staff["oscar"], numero, "iniciar_notificacion").status_code == 200
    future = (hoy() + timedelta(days=3)).isoformat()
    response = act(client, staff["oscar"], numero, "notificar", fecha=future)
    assert response.status_code == 409 and "futura" in response.get_json()["message"]
    ok = act(client, staff["oscar"], numero, "notificar", fecha=hoy().isoformat())
    assert ok.status_code == 200
    body = ok.get_json()
    assert body["fecha_exigibilidad"] == rules.exigibilidad(hoy()).isoformat()


def test_if_match_required_and_stale_etag_refused(client, staff, credits):
    numero = credits["viejo"]
    token = staff["oscar"]
    missing = client.post(f"/api/v1/creditos/{numero}/transiciones", json={"accion": "declarar_exigible"},
                          headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 428
    etag = get(client, token, numero).headers["ETag"]
    assert act(client, token, numero, "declarar_exigible", etag=etag).status_code == 200
    # a second user who loaded the same version loses: 409, nothing applied twice
    late = act(client, token, numero, "requerir", etag=etag)
    assert late.status_code == 409 and late.get_json()["error"] == "conflicto_de_version"
    assert get(client, token, numero).get_json()["fase"] == "EXIGIBLE"


def test_prescripcion_only_after_five_years_without_interruption(client, staff, credits):
    """A credit exigible since 2018 prescribes; one whose collection was interrupted recently does not."""
    old = credits["antiguo"]
    assert act(client, staff["oscar"], credits["viejo"], "declarar_exigible").status_code == 200
    recent = act(client, staff["oscar"], credits["viejo"], "prescribir")
    assert recent.status_code == 409 and "prescripción" in recent.get_json()["message"]
    assert re.search(r"se cumple el \d{2}/\d{2}/\d{4} ", recent.get_json()["message"]), recent.get_json()
    assert act(client, staff["oscar"], old, "requerir").status_code == 200  # interrupts prescription today
    interrupted = act(client, staff["oscar"], old, "prescribir")
    assert interrupted.status_code == 409


def test_prescripcion_of_old_credit(client, staff, credits):
    response = act(client, staff["oscar"], credits["antiguo"], "prescribir")
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["fase"], response.get_json()["motivo"]) == ("CANCELADO", "prescripcion")
    assert act(client, staff["oscar"], credits["antiguo"], "requerir").status_code == 409


def test_caducidad_when_determined_after_five_years(client, staff, credits):
    assert act(client, staff["oscar"], credits["tardio"], "caducar").status_code == 200
    recent = act(client, staff["oscar"], credits["emitido"], "caducar")
    assert recent.status_code == 409 and "caducan" in recent.get_json()["message"]
    assert re.search(r"caducan el \d{2}/\d{2}/\d{4};", recent.get_json()["message"]), recent.get_json()


def test_embargo_needs_its_type_and_records_its_inc(client, staff, credits):
    numero = credits["antiguo"]
    assert act(client, staff["oscar"], numero, "requerir").status_code == 200
    missing = act(client, staff["oscar"], numero, "embargar")
    assert missing.status_code == 422
    done = act(client, staff["oscar"], numero, "embargar", tipo_embargo="inmuebles")
    assert done.status_code == 200 and done.get_json()["inc"] == "34"


def test_auditor_reads_but_cannot_act(client, staff, credits):
    assert get(client, staff["auditor"], credits["viejo"]).status_code == 200
    assert get(client, staff["auditor"], credits["viejo"]).get_json()["acciones_permitidas"] == []
    response = act(client, staff["auditor"], credits["viejo"], "declarar_exigible")
    assert response.status_code == 403


def test_two_people_at_once_one_gets_409(app, client, staff, users, credits):
    """GIVEN two operativos of 3301 who read the same credit WHEN both apply an action at the same
    moment THEN exactly one succeeds and the other gets 409; one event is recorded."""
    import threading
    _id, other = users("omar", ["operativo"], "3301", password=None)
    numero = credits["viejo"]
    etag = get(client, staff["oscar"], numero).headers["ETag"]
    barrier, results = threading.Barrier(2), []

    def apply(token, accion):
        own = app.test_client()
        barrier.wait()
        results.append(act(own, token, numero, accion, etag=etag).status_code)

    threads = [threading.Thread(target=apply, args=(staff["oscar"], "declarar_exigible")),
               threading.Thread(target=apply, args=(other, "declarar_exigible"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [200, 409]
    events = client.get(f"/api/v1/creditos/{numero}/eventos", headers={"Authorization": f"Bearer {staff['oscar']}"})
    assert [e["accion"] for e in events.get_json()] == ["declarar_exigible"]
