"""List pages read their `desde`/`hasta` days the same way: bad days and reversed intervals are
left out with a Spanish note, good ones become dates."""
from datetime import date

from docs_service.core.pages import day_range


def test_good_days_become_dates():
    filters, problems = {}, []
    day_range({"desde": "2026-11-01", "hasta": "2026-11-30"}, filters, problems)
    assert filters == {"desde": date(2026, 11, 1), "hasta": date(2026, 11, 30)} and problems == []


def test_a_malformed_day_is_left_out_and_named():
    filters, problems = {}, []
    day_range({"desde": "2026-02-30", "hasta": " "}, filters, problems, "Emitidas desde", "Emitidas hasta")
    assert filters == {} and problems == ["La fecha «Emitidas desde» no es válida (AAAA-MM-DD); se omitió."]


def test_a_reversed_interval_is_explained():
    filters, problems = {}, []
    day_range({"desde": "2026-12-01", "hasta": "2026-11-01"}, filters, problems, empty="no hay movimientos en ese intervalo")
    assert problems == ["«Hasta» es anterior a «Desde»: no hay movimientos en ese intervalo."]
