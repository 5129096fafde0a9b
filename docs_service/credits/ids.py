"""Identifier rules of DOMAIN.md §3: NRP, RFC and CURP (python-stdnum), NSS (Luhn), número de
crédito, periodo. Each check returns the normalised value or raises IdError with a Spanish message;
`rfc` also reports a wrong check digit as a warning (≈1.5 % of real RFCs fail it, DOMAIN §3.2)."""
import re
from datetime import date
from functools import lru_cache

from stdnum import luhn
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.mx import curp as _curp
from stdnum.mx import rfc as _rfc

from ..core.fechas import hoy

NRP_RE = re.compile(r"^[A-Z0-9][0-9]{2}[0-9]{5}[0-9]{2}[0-9]$")
NUMERO_RE = re.compile(r"^[0-9]{9}$")
PERIODO_RE = re.compile(r"^(19[89][0-9]|20[0-9]{2})(0[1-9]|1[0-2])$")
# Municipality prefixes reserved for synthetic data ("Z" + 2 digits): never a real NRP.
SYNTHETIC_PREFIX = "Z"
MODALIDADES = {"10": "Trabajadores permanentes y eventuales de la ciudad", "13": "Trabajadores del campo",
               "17": "Reversión de cuotas por subrogación de servicios"}
DIGIT_MAP = {c: str(i % 10) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_TO_DIGITS = str.maketrans(DIGIT_MAP)
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)  # Luhn: a doubled digit, its two digits summed


class IdError(ValueError):
    """A value that does not meet its identifier rule; the message is for the user."""


def _clean(value) -> str:
    return re.sub(r"[\s\-]", "", str(value or "")).upper()


def synthetic_nrp_dv(nrp10: str) -> str:
    """The documented synthetic check digit: Luhn over the 10 chars with letters mapped to digits
    (the real algorithm is not public, DOMAIN §3.1)."""
    digits = nrp10.translate(_TO_DIGITS)
    # stdnum's luhn.calc_check_digit(digits), unrolled: an import checks every distinct NRP of the file
    # (tests/credits/test_ids.py holds the two equal).
    total = 0
    for i, c in enumerate(reversed(digits)):
        total += _DOUBLED[ord(c) - 48] if i % 2 == 0 else ord(c) - 48
    return str(-total % 10)


def nrp(value) -> str:
    """11-char NRP (10 + DV); dashes and spaces ignored. A 10-char NRP is refused: the DV is opaque,
    so it cannot be completed here. Synthetic NRPs (prefix Z) must carry the synthetic DV."""
    return _nrp_checked(_clean(value))


@lru_cache(maxsize=1 << 16)
def _nrp_checked(v: str) -> str:
    if len(v) != 11:
        raise IdError(f"El NRP debe tener 11 caracteres (tiene {len(v)}).")
    if not NRP_RE.match(v):
        raise IdError("El NRP debe ser letra o dígito seguido de 10 dígitos (municipio, consecutivo, modalidad, DV).")
    if v.startswith(SYNTHETIC_PREFIX) and synthetic_nrp_dv(v[:10]) != v[10]:
        raise IdError("El dígito verificador del NRP sintético no es válido.")
    return v


def is_synthetic_nrp(value: str) -> bool:
    return value.startswith(SYNTHETIC_PREFIX)


def rfc(value) -> tuple[str, str | None]:
    """(normalised RFC, warning or None). Format errors raise; a wrong DV is only a warning."""
    return _rfc_checked(_clean(value))


@lru_cache(maxsize=1 << 16)  # an import repeats each patrón's RFC on every one of its credits
def _rfc_checked(v: str) -> tuple[str, str | None]:
    if v in ("XAXX010101000", "XEXX010101000"):
        return v, None
    try:
        return _rfc.validate(v, validate_check_digits=True), None
    except InvalidChecksum:
        pass
    except ValidationError:
        try:
            return _rfc.validate(v, validate_check_digits=False), None
        except ValidationError:
            raise IdError("El RFC no tiene un formato válido (12 caracteres persona moral, 13 persona física).") from None
    return _rfc.validate(v, validate_check_digits=False), \
        "El dígito verificador del RFC no coincide (se acepta con advertencia)."


def tipo_persona_of(rfc_value: str) -> str:
    return "M" if len(rfc_value) == 12 else "F"


def curp(value) -> str:
    v = _clean(value)
    try:
        return _curp.validate(v)
    except InvalidChecksum:
        raise IdError("El dígito verificador de la CURP no es válido.") from None
    except ValidationError:
        raise IdError("La CURP no tiene un formato válido (18 caracteres).") from None


def nss(value) -> str:
    v = _clean(value)
    if not re.fullmatch(r"[0-9]{11}", v):
        raise IdError("El NSS debe tener 11 dígitos.")
    if not luhn.is_valid(v):
        raise IdError("El dígito verificador del NSS (Luhn) no es válido.")
    return v


def numero_credito(value) -> str:
    v = _clean(value)
    if not NUMERO_RE.match(v):
        raise IdError("El número de crédito debe tener 9 dígitos.")
    return v


def periodo(value, concepto: str | None = None, today: date | None = None) -> str:
    """YYYYMM; RCV (bimestral) only in even months; never a future month."""
    v = _clean(value).replace("/", "")
    if not PERIODO_RE.match(v):
        raise IdError("El periodo debe ser AAAAMM con un mes de 01 a 12.")
    if concepto == "RCV" and int(v[4:]) % 2:
        raise IdError("Un periodo RCV es bimestral: debe terminar en mes par (02, 04, …, 12).")
    today = today or hoy()
    if (int(v[:4]), int(v[4:])) > (today.year, today.month):
        raise IdError("El periodo no puede ser futuro.")
    return v


def subdelegacion_of_nrp(value: str) -> str:
    """The municipality prefix (first three characters)."""
    return value[:3]
