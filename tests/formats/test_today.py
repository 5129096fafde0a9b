"""The catalog's "in force today" is the Mexico City day, as in the Normateca."""
from datetime import datetime, timezone

from tests.credits.helpers import clock_at

from .helpers import load_aclaracion, people


def test_catalog_today_is_the_mexico_city_day(monkeypatch, app, client, auth, users):
    """GIVEN it is 2026-12-02 03:00 UTC (21:00 of 1 December in Mexico City) and a format published
    in force from tomorrow WHEN the catalog is listed without a date THEN it is not there yet (it is
    still 1 December), and listed in force on 2 December it is."""
    tokens = people(users)
    clock_at(monkeypatch, datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc))
    load_aclaracion(app, desde_dias=1)
    op = auth(tokens["operativo.3301"])
    assert client.get("/api/v1/formatos", headers=op).get_json()["total"] == 0
    assert client.get("/api/v1/formatos?vigente_al=2026-12-02", headers=op).get_json()["total"] == 1
