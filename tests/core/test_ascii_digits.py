"""Identifiers take ASCII digits only: Python's `\\d` (and `int`) accept other scripts' digits, so an NSS
or a periodo written in Arabic-Indic digits used to pass validation and be stored as such."""
import pytest

from docs_service.accounts.catalog import UNIT_KEY
from docs_service.formats import identifiers

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_nss_and_periodo_refuse_non_ascii_digits():
    assert identifiers.nss("12345678903")[0] == "12345678903"  # a valid NSS (Luhn) in ASCII
    with pytest.raises(ValueError):
        identifiers.nss("12345678903".translate(ARABIC_INDIC))
    assert identifiers.periodo("202506")[0] == "202506"
    with pytest.raises(ValueError):
        identifiers.periodo("202506".translate(ARABIC_INDIC))


def test_unit_keys_are_ascii():
    assert UNIT_KEY.match("3301") and UNIT_KEY.match("NC")
    assert not UNIT_KEY.match("3301".translate(ARABIC_INDIC))
