"""Trámites: aclaración (suspends the term; procedente cancels), convenio (RCV only diferido),
cancelación en cuentas (Acuerdo 469/2005) and its reactivation, resolution once."""
from datetime import timedelta

from docs_service.core.fechas import hoy

from .helpers import act, get, load, row


def h(token, **extra):
    return {"Authorization": f"Bearer {token}", **extra}


def file(client, token, numero, **body):
    return client.post(f"/api/v1/creditos/{numero}/tramites", headers=h(token), json=body)


def resolve(client, token, tramite, **body):
    etag = client.get(f"/api/v1/tramites/{tramite['id']}", headers=h(token)).headers["ETag"]
    return client.post(f"/api/v1/tramites/{tramite['id']}/resolucion", headers=h(token, **{"If-Match": etag}), json=body)


def test_aclaracion_in_time_suspends_then_procedente_cancels(client, staff):
    notified = (hoy() - timedelta(days=1)).isoformat()
    load(client, staff["oscar"], [row(1, fecha_notificacion=notified)])
    numero = "268000001"
    created = file(client, staff["oscar"], numero, tipo="aclaracion")
    assert created.status_code == 201, created.get_json()
    assert get(client, staff["oscar"], numero).get_json()["en_aclaracion"] is True
    again = file(client, staff["oscar"], numero, tipo="aclaracion")
    assert again.status_code == 409
    done = resolve(client, staff["oscar"], created.get_json(), resultado="procedente",
                   resolucion="Error aritmético en la cédula; procede la cancelación.")
    assert done.status_code == 200, done.get_json()
    credit = get(client, staff["oscar"], numero).get_json()
    assert (credit["fase"], credit["motivo"], credit["en_aclaracion"]) == ("CANCELADO", "aclaracion_procedente", False)
    twice = resolve(client, staff["oscar"], created.get_json(), resultado="improcedente", resolucion="x")
    assert twice.status_code == 409


def test_aclaracion_partial_adjusts_the_amount(client, staff):
    load(client, staff["oscar"], [row(1)])
    tramite = file(client, staff["oscar"], "268000001", tipo="aclaracion").get_json()
    done = resolve(client, staff["oscar"], tramite, resultado="parcial", resolucion="Procede en parte.", importe="900.00")
    assert done.status_code == 200, done.get_json()
    credit = get(client, staff["oscar"], "268000001").get_json()
    assert (credit["importe_total"], credit["saldo"], credit["fase"]) == ("900.00", "900.00", "NOTIFICADO")


def test_convenio_rules(client, staff):
    load(client, staff["oscar"], [row(1), row(2, concepto="RCV", periodo="202402")])
    rcv = file(client, staff["oscar"], "268000002", tipo="convenio", modalidad="parcialidades", parcialidades=12)
    assert rcv.status_code == 422 and rcv.get_json()["error"] == "convenio_rcv_diferido"
    short = file(client, staff["oscar"], "268000001", tipo="convenio", modalidad="parcialidades", parcialidades=12,
                 pago_inicial="10.00")
    assert short.status_code == 422 and short.get_json()["error"] == "pago_inicial_insuficiente"
    too_many = file(client, staff["oscar"], "268000001", tipo="convenio", modalidad="parcialidades", parcialidades=49)
    assert too_many.status_code == 422
    ok = file(client, staff["oscar"], "268000001", tipo="convenio", modalidad="parcialidades", parcialidades=12,
              pago_inicial="230.00")
    assert ok.status_code == 201
    done = resolve(client, staff["oscar"], ok.get_json(), resultado="procedente", resolucion="Autorizado.")
    assert done.status_code == 200
    credit = get(client, staff["oscar"], "268000001").get_json()
    assert (credit["fase"], credit["inc"]) == ("CONVENIO", "52")


def test_cancelacion_469_and_reactivation(client, staff):
    load(client, staff["oscar"], [row(1, fase="NO_LOCALIZADO", fecha_notificacion="")])
    numero = "268000001"
    missing = file(client, staff["oscar"], numero, tipo="cancelacion_469")
    assert missing.status_code == 422
    tramite = file(client, staff["oscar"], numero, tipo="cancelacion_469", motivo="no_localizacion").get_json()
    assert resolve(client, staff["oscar"], tramite, resultado="procedente", resolucion="Acuerdo 469/2005.").status_code == 200
    assert get(client, staff["oscar"], numero).get_json()["fase"] == "CANCELADO_EN_CUENTAS"
    back = act(client, staff["oscar"], numero, "reactivar", comentario="Patrón localizado con bienes.")
    assert back.status_code == 200 and back.get_json()["fase"] == "EXIGIBLE"


def test_prescripcion_tramite_respects_the_guard(client, staff):
    load(client, staff["oscar"], [row(1, fase="EXIGIBLE")])
    tramite = file(client, staff["oscar"], "268000001", tipo="cancelacion_prescripcion").get_json()
    refused = resolve(client, staff["oscar"], tramite, resultado="procedente", resolucion="Solicitud del patrón.")
    assert refused.status_code == 409 and refused.get_json()["error"] == "condicion_no_cumplida"
    assert client.get(f"/api/v1/tramites/{tramite['id']}", headers=h(staff["oscar"])).get_json()["estado"] == "en_tramite"
