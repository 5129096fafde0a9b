"""Identifier checks for format fields (DOMAIN §3): RFC and CURP through python-stdnum, NRP, NSS
(Luhn) and periodo. Each check returns (normalised value, warning or None) or raises ValueError with
a Spanish message."""
import re

from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.mx import curp as stdnum_curp
from stdnum.mx import rfc as stdnum_rfc

GENERIC_RFC = ("XAXX010101000", "XEXX010101000")  # público en general / extranjeros: DV intentionally off
NRP_RE = re.compile(r"[A-Z0-9][0-9]{2}[0-9]{5}[0-9]{2}[0-9]?")  # municipio, consecutivo, modalidad, DV
NRP_MODALIDADES = ("10", "13", "17")


def _compact(value: str) -> str:
    return re.sub(r"[\s\-.]", "", value or "").upper()


def rfc(value: str):
    """12 (moral) or 13 (física) characters; a wrong check digit is a warning (stdnum: ~1.5 % of real
    RFCs fail it), a wrong structure or date an error."""
    number = _compact(value)
    if number in GENERIC_RFC:
        return number, None
    try:
        stdnum_rfc.validate(number, validate_check_digits=False)
    except ValidationError:
        raise ValueError("RFC no válido: 3 o 4 letras, fecha AAMMDD y homoclave de 3 caracteres.") from None
    try:
        stdnum_rfc.validate(number, validate_check_digits=True)
    except InvalidChecksum:
        return number, "El dígito verificador del RFC no coincide; verifíquelo con la constancia del SAT."
    except ValidationError:
        pass
    return number, None


def curp(value: str):
    number = _compact(value)
    try:
        return stdnum_curp.validate(number), None
    except InvalidChecksum:
        raise ValueError("CURP no válida: el dígito verificador no coincide.") from None
    except ValidationError:
        raise ValueError("CURP no válida: deben ser 18 caracteres (letras, fecha, sexo, entidad).") from None


def luhn_ok(digits: str) -> bool:
    total = 0
    for k, ch in enumerate(reversed(digits)):
        x = int(ch) * (2 if k % 2 else 1)
        total += x - 9 if x > 9 else x
    return total % 10 == 0


def nss(value: str):
    """11 digits; the last is Luhn over the first 10 (DOMAIN §3.4)."""
    number = _compact(value)
    if not re.fullmatch(r"[0-9]{11}", number):
        raise ValueError("NSS no válido: deben ser 11 dígitos.")
    if not luhn_ok(number):
        raise ValueError("NSS no válido: el dígito verificador no coincide.")
    return number, None


def nrp(value: str):
    """10 characters (without DV, as internal systems carry it) or 11 (with DV). The DV algorithm is
    not public (DOMAIN §3.1): it is kept, not checked; a modalidad outside 10/13/17 is a warning."""
    number = _compact(value)
    if not NRP_RE.fullmatch(number):
        raise ValueError("Registro patronal no válido: letra o dígito y 2 dígitos de municipio, "
                         "5 de consecutivo y 2 de modalidad (10 u 11 caracteres).")
    if number[8:10] not in NRP_MODALIDADES:
        return number, f"Modalidad {number[8:10]} poco común (vigentes: 10, 13, 17)."
    return number, None


def periodo(value: str, bimestral: bool = False):
    """AAAAMM; RCV/INFONAVIT periods are bimonthly (even months only)."""
    number = _compact(value).replace("/", "")
    if not re.fullmatch(r"[0-9]{6}", number):
        raise ValueError("Periodo no válido: use AAAAMM (p. ej. 202506).")
    year, month = int(number[:4]), int(number[4:])
    if not 1997 <= year <= 2100 or not 1 <= month <= 12:
        raise ValueError("Periodo no válido: año desde 1997 y mes de 01 a 12.")
    if bimestral and month % 2:
        raise ValueError("Periodo no válido: los periodos bimestrales (RCV) terminan en mes par.")
    return number, None
