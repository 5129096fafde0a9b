"""Amounts in words, es-MX, as written on Mexican forms and cheques ("importe con letra"):
21031000.10 -> "VEINTIÚN MILLONES TREINTA Y UN MIL PESOS 10/100 M.N.". Written here because
num2words reads integers as cents in currency mode, writes "veintiuno mil" and omits "de pesos"."""
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

UNITS = ("", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve", "diez", "once", "doce",
         "trece", "catorce", "quince", "dieciséis", "diecisiete", "dieciocho", "diecinueve", "veinte",
         "veintiuno", "veintidós", "veintitrés", "veinticuatro", "veinticinco", "veintiséis", "veintisiete",
         "veintiocho", "veintinueve")
TENS = ("", "", "", "treinta", "cuarenta", "cincuenta", "sesenta", "setenta", "ochenta", "noventa")
HUNDREDS = ("", "ciento", "doscientos", "trescientos", "cuatrocientos", "quinientos", "seiscientos",
            "setecientos", "ochocientos", "novecientos")
MAX = Decimal("999999999999.99")


def _below_thousand(n: int, apocope: bool) -> str:
    """0 < n < 1000. `apocope`: the number precedes a noun (mil, millones, pesos): uno -> un."""
    if n == 100:
        return "cien"
    hundreds, rest = divmod(n, 100)
    parts = [HUNDREDS[hundreds]] if hundreds else []
    if rest:
        if rest < 30:
            word = UNITS[rest]
        else:
            tens, unit = divmod(rest, 10)
            word = TENS[tens] + (" y " + UNITS[unit] if unit else "")
        if apocope and word.endswith("uno"):
            word = word[:-3] + ("ún" if word == "veintiuno" else "un")
        parts.append(word)
    return " ".join(parts)


def _below_million(n: int, apocope: bool) -> str:
    thousands, rest = divmod(n, 1000)
    parts = []
    if thousands:
        parts.append("mil" if thousands == 1 else _below_thousand(thousands, True) + " mil")
    if rest:
        parts.append(_below_thousand(rest, apocope))
    return " ".join(parts)


def integer_words(n: int, apocope: bool = True) -> str:
    """0 <= n < 10**12, in lowercase words."""
    if n == 0:
        return "cero"
    millions, rest = divmod(n, 1_000_000)
    parts = []
    if millions:
        parts.append("un millón" if millions == 1 else _below_million(millions, True) + " millones")
    if rest:
        parts.append(_below_million(rest, apocope))
    return " ".join(parts)


def to_decimal(value) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValueError("Importe no válido.") from None
    if not amount.is_finite() or amount < 0 or amount > MAX:
        raise ValueError("El importe debe estar entre 0 y 999,999,999,999.99.")
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def amount_in_words(value) -> str:
    """"UN PESO 00/100 M.N.", "CIEN PESOS 00/100 M.N.", "UN MILLÓN DE PESOS 50/100 M.N."."""
    amount = to_decimal(value)
    pesos = int(amount)
    cents = int((amount - pesos) * 100)
    words = integer_words(pesos)
    if pesos == 1:
        currency = "peso"
    elif pesos and pesos % 1_000_000 == 0:
        currency = "de pesos"
    else:
        currency = "pesos"
    return f"{words} {currency} {cents:02d}/100 M.N.".upper()


def format_amount(value) -> str:
    """$21,031,000.10"""
    return f"${to_decimal(value):,.2f}"
