"""Identifier rules that the import evaluates in a fast form stay equal to the library's."""
import random

from stdnum import luhn

from docs_service.credits import ids


def test_synthetic_nrp_check_digit_equals_stdnum_luhn():
    rng = random.Random(7)
    for _ in range(5000):
        nrp10 = rng.choice("Z0123456789ABC") + "".join(rng.choice("0123456789") for _ in range(9))
        digits = "".join(ids.DIGIT_MAP.get(c, c) for c in nrp10)
        assert ids.synthetic_nrp_dv(nrp10) == luhn.calc_check_digit(digits), nrp10
