"""A constancia de situación lists only the credits the issuing unit answers for at emission: after an
accepted traslado the credit leaves the old Subdelegación's constancia and enters the new one's, and
each total equals the balance the patrón page shows that unit (the credits area's rule)."""
import json
from decimal import Decimal

from sqlalchemy import select

from docs_service.certification.models import Constancia
from docs_service.core.db import db
from docs_service.core.fechas import hoy
from tests.credits.helpers import get, load, row

from .helpers import emit


def h(token):
    return {"Authorization": f"Bearer {token}"}


def _situacion(app, client, token, nrp):
    response = emit(client, token, {"tipo": "situacion_creditos", "nrp": nrp, "fecha_corte": hoy().isoformat()})
    assert response.status_code == 201, response.get_json()
    with app.app_context():
        datos = json.loads(db.session.scalar(select(Constancia.datos).where(
            Constancia.folio == response.get_json()["folio"])))
    return [c["numero"] for c in datos["creditos"]], Decimal(datos["total"])


def _page_balance(client, token, nrp):
    patron = client.get(f"/api/v1/patrones/{nrp}", headers=h(token))
    assert patron.status_code == 200, patron.get_json()
    return Decimal(str(patron.get_json()["saldos"]["saldo"]))


def test_accepted_traslado_moves_the_credit_between_constancias(app, client, staff, runner):
    load(client, staff["oscar"], [row(1), row(1, numero="268000002", periodo="202402", importe_total="2000.00",
                                               importe_historico="2000.00", actualizacion="0", recargos="0")])
    nrp = get(client, staff["oscar"], "268000001").get_json()["nrp"]
    sent = client.post("/api/v1/creditos/268000002/traslados", headers=h(staff["oscar"]),
                       json={"tipo": "cambio_subdelegacion", "unidad_destino": "3333", "motivo": "Cambio de domicilio"})
    assert sent.status_code == 201, sent.get_json()
    # Pending: the old unit still answers for it.
    assert _situacion(app, client, staff["oscar"], nrp)[0] == ["268000001", "268000002"]
    accepted = client.post(f"/api/v1/traslados/{sent.get_json()['id']}/aceptacion", headers=h(staff["olga"]), json={})
    assert accepted.status_code == 200, accepted.get_json()

    old, old_total = _situacion(app, client, staff["oscar"], nrp)
    assert old == ["268000001"] and old_total == Decimal("1150.00")
    assert old_total == _page_balance(client, staff["oscar"], nrp)
    new, new_total = _situacion(app, client, staff["olga"], nrp)
    assert new == ["268000002"] and new_total == Decimal("2000.00")
    assert new_total == _page_balance(client, staff["olga"], nrp)

    # A lote of the new unit covers the patrón through the credit it received.
    result = runner.invoke(args=["constancias", "emitir", "--unidad", "3333", "--fecha-corte", hoy().isoformat(),
                                 "--procesos", "1"])
    assert result.exit_code == 0 and "1 emitidas" in result.output, result.output
    with app.app_context():
        lote = db.session.scalars(select(Constancia).where(Constancia.lote_id.is_not(None))).all()
        assert [(c.nrp, [x["numero"] for x in json.loads(c.datos)["creditos"]]) for c in lote] == [(nrp, ["268000002"])]
