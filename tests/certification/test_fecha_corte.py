"""A cut-off date after today (the Mexico City day) is refused everywhere a constancia de situación
is asked for: the API and the page (one constancia), the API job, the page and the command (a lote).
Refused with 422 and a message naming the field; nothing issued, no folio consumed, no lote created.
A batch for a unit that is not in the catalog says so, and the pages call a batch «lote de constancias»
(«lote» alone is also a credit import)."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from docs_service.certification.models import Constancia, FolioCounter, Lote
from docs_service.core.db import db
from docs_service.core.fechas import hoy
from tests.conftest import csrf_from
from tests.credits.helpers import clock_at, get, load, row

from .helpers import emit


def _nothing_written(app):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Constancia)) == 0
        assert db.session.scalar(select(func.coalesce(func.sum(FolioCounter.ultimo), 0))) == 0
        assert db.session.scalar(select(func.count()).select_from(Lote)) == 0


def _nrp(client, staff):
    load(client, staff["oscar"], [row(1)])
    return get(client, staff["oscar"], "268000001").get_json()["nrp"]


def test_api_refuses_a_future_cut_off_and_issues_nothing(app, client, staff, auth):
    nrp = _nrp(client, staff)
    tomorrow = (hoy() + timedelta(days=1)).isoformat()
    for corte in (tomorrow, "2030-01-01"):
        response = emit(client, staff["oscar"], {"tipo": "situacion_creditos", "nrp": nrp, "fecha_corte": corte},
                        key=f"futura-{corte}")
        body = response.get_json()
        assert response.status_code == 422, body
        assert body["error"] == "fecha_corte_futura" and "fecha de corte" in body["message"]
        assert "fecha_corte" in body["errors"]
    lote = client.post("/api/v1/constancias/lotes", json={"unidad": "3301", "fecha_corte": tomorrow},
                       headers=auth(staff["oscar"]))
    assert lote.status_code == 422 and lote.get_json()["error"] == "fecha_corte_futura"
    _nothing_written(app)
    today = emit(client, staff["oscar"], {"tipo": "situacion_creditos", "nrp": nrp, "fecha_corte": hoy().isoformat()})
    assert today.status_code == 201, today.get_json()


def test_the_day_is_the_mexico_city_day(monkeypatch, app, client, staff):
    """GIVEN 2026-12-02 03:00 UTC, still 1 December at 21:00 in Mexico City WHEN a constancia is asked
    at 2 December THEN it is a future cut-off."""
    nrp = _nrp(client, staff)
    clock_at(monkeypatch, datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc))
    response = emit(client, staff["oscar"], {"tipo": "situacion_creditos", "nrp": nrp, "fecha_corte": "2026-12-02"})
    assert response.status_code == 422 and "1 de diciembre de 2026" in response.get_json()["message"]
    _nothing_written(app)


def test_pages_refuse_a_future_cut_off(app, client, staff, users, login):
    nrp = _nrp(client, staff)
    users("opa", ["operativo"], "3301")
    login("opa")
    token = csrf_from(client.get("/constancias").get_data(as_text=True))
    future = (hoy() + timedelta(days=1)).isoformat()
    single = client.post("/constancias", data={"csrf_token": token, "tipo": "situacion_creditos", "nrp": nrp,
                                                "fecha_corte": future, "idempotencia": "pagina-futura-1"})
    assert single.status_code == 422 and "La fecha de corte no puede ser posterior a hoy" in single.get_data(as_text=True)
    # next to the field, the day as people write it
    assert f"Debe ser hoy, {hoy().strftime('%d/%m/%Y')}, o anterior." in single.get_data(as_text=True)
    batch = client.post("/constancias/lotes", data={"csrf_token": token, "unidad": "3301", "fecha_corte": future})
    assert batch.status_code == 422 and "La fecha de corte no puede ser posterior a hoy" in batch.get_data(as_text=True)
    _nothing_written(app)


def test_command_refuses_a_future_cut_off(app, client, staff, runner):
    load(client, staff["oscar"], [row(1)])
    result = runner.invoke(args=["constancias", "emitir", "--unidad", "3301", "--fecha-corte", "2030-01-01"])
    assert result.exit_code == 1 and "La fecha de corte no puede ser posterior a hoy" in result.output
    ooad = runner.invoke(args=["constancias", "emitir", "--unidad", "33", "--fecha-corte", hoy().isoformat()])
    assert ooad.exit_code == 1 and "La unidad 33 no es una Subdelegación" in ooad.output
    _nothing_written(app)


def test_batch_for_an_unknown_unit_says_so(app, client, staff, auth, users, login):
    load(client, staff["oscar"], [row(1)])
    body = {"unidad": "9999", "fecha_corte": hoy().isoformat()}
    unknown = client.post("/api/v1/constancias/lotes", json=body, headers=auth(staff["titular"]))
    assert unknown.status_code == 404 and unknown.get_json()["message"].startswith("No existe la unidad 9999")
    foreign = client.post("/api/v1/constancias/lotes", json={**body, "unidad": "3301"}, headers=auth(staff["olga"]))
    assert foreign.status_code == 403 and "su unidad" in foreign.get_json()["message"]
    users("opa", ["operativo"], "3301")
    login("opa")
    listing = client.get("/constancias/lotes").get_data(as_text=True)
    assert "<h1>Lotes de constancias</h1>" in listing and "Emisión por lotes" not in listing
    assert f'max="{hoy().isoformat()}"' in listing and f'value="{hoy().isoformat()}"' in listing
    assert ">Lotes de constancias</a>" in client.get("/constancias").get_data(as_text=True)
    token = csrf_from(listing)
    page = client.post("/constancias/lotes", data={"csrf_token": token, **body})
    assert page.status_code == 404 and "No existe la unidad 9999" in page.get_data(as_text=True)
    _nothing_written(app)
