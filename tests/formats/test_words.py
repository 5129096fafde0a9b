"""Amounts in words, es-MX, as printed on forms (the cases num2words gets wrong)."""
import pytest

from docs_service.formats.words import amount_in_words, format_amount


@pytest.mark.parametrize("amount, words", [
    ("1", "UN PESO 00/100 M.N."),
    ("21", "VEINTIÚN PESOS 00/100 M.N."),
    ("100", "CIEN PESOS 00/100 M.N."),
    ("1000000.50", "UN MILLÓN DE PESOS 50/100 M.N."),
    ("21000000", "VEINTIÚN MILLONES DE PESOS 00/100 M.N."),
    ("21031000.10", "VEINTIÚN MILLONES TREINTA Y UN MIL PESOS 10/100 M.N."),
    ("0", "CERO PESOS 00/100 M.N."),
    ("101000", "CIENTO UN MIL PESOS 00/100 M.N."),
    ("1001", "MIL UN PESOS 00/100 M.N."),
    ("16.5", "DIECISÉIS PESOS 50/100 M.N."),
    ("222", "DOSCIENTOS VEINTIDÓS PESOS 00/100 M.N."),
    ("500700", "QUINIENTOS MIL SETECIENTOS PESOS 00/100 M.N."),
    ("2000000001", "DOS MIL MILLONES UN PESOS 00/100 M.N."),
    ("1,250.999", "MIL DOSCIENTOS CINCUENTA Y UN PESOS 00/100 M.N."),
])
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


@pytest.mark.parametrize("bad", ["-1", "abc", "NaN", "Infinity", "1e20", ""])
def test_bad_amounts_refused(bad):
    with pytest.raises(ValueError):
        amount_in_words(bad)


def test_format_amount():
    assert format_amount("21031000.1") == "$21,031,000.10"
