"""Dates as read in Mexico City, es-MX: stored naive UTC timestamps become local time."""
from datetime import date, datetime

from docs_service.core import fechas


def test_a_utc_evening_timestamp_is_the_local_day_before():
    # 03:30 UTC on 28 Nov is 21:30 of 27 Nov in Mexico City (UTC-6, no DST since 2022).
    stored = datetime(2026, 11, 28, 3, 30)
    assert fechas.fecha_hora(stored) == "27/11/2026 21:30"
    assert fechas.fecha(stored) == "27/11/2026"
    assert fechas.fecha_larga(stored) == "27 de noviembre de 2026"
    assert fechas.iso_local(stored) == "2026-11-27T21:30:00-06:00"


def test_calendar_dates_are_not_shifted_and_afternoon_is_24_hour():
    assert fechas.fecha(date(2026, 1, 5)) == "05/01/2026"
    assert fechas.fecha_larga(date(2026, 1, 5)) == "5 de enero de 2026"
    assert fechas.fecha_hora(datetime(2026, 7, 1, 20, 5)) == "01/07/2026 14:05"
    assert fechas.fecha(None) == "—"
