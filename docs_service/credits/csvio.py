"""Streaming CSV input shared by the credit and payment imports: encoding (UTF-8 with or without
BOM, else Latin-1), delimiter (`,` or `;`), header names normalised, required columns checked.
Problems that make the whole file unreadable raise InvalidUpload (nothing is loaded)."""
import codecs
import csv
import io
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from ..core.errors import InvalidUpload

SAMPLE = 1 << 16


class RowError(ValueError):
    """One field of one row is wrong; the row is reported and skipped."""

    def __init__(self, campo: str, mensaje: str):
        super().__init__(mensaje)
        self.campo, self.mensaje = campo, mensaje


def normalise_header(name: str) -> str:
    name = unicodedata.normalize("NFKD", name.strip().lower())
    name = "".join(c for c in name if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_")


def detect_encoding(stream) -> str:
    """Scan the whole file once (constant memory): 'utf-8-sig', 'utf-8' or 'latin-1'."""
    stream.seek(0)
    head = stream.read(4)
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or b"\x00" in head:
        raise InvalidUpload("El archivo no es texto UTF-8 ni Latin-1 (¿UTF-16 o binario?).", code="codificacion_no_admitida")
    else:
        encoding = "utf-8"
    stream.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    while True:
        chunk = stream.read(SAMPLE)
        if b"\x00" in chunk:
            raise InvalidUpload("El archivo contiene bytes nulos: no es un CSV de texto.", code="codificacion_no_admitida")
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            encoding = "latin-1"
            if head.startswith(codecs.BOM_UTF8):
                raise InvalidUpload("El archivo declara UTF-8 (BOM) pero contiene bytes no válidos.",
                                    code="codificacion_no_admitida") from None
            break
        if not chunk:
            break
    stream.seek(0)
    return encoding


class CountingReader(io.RawIOBase):
    """Wraps a binary stream and counts the bytes read (for progress bars)."""

    def __init__(self, stream, progress=None):
        self.stream, self.progress, self.done = stream, progress, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.stream.read(len(buffer))
        buffer[:len(data)] = data
        self.done += len(data)
        if self.progress:
            self.progress(len(data))
        return len(data)


def open_rows(stream, required: tuple, optional: tuple = (), aliases: dict | None = None, progress=None):
    """Returns (encoding, delimiter, row iterator). Each item is (line number, {column: value},
    ragged: the row has more or fewer fields than the header)."""
    encoding, delimiter, names, lists = open_lists(stream, required, optional, aliases, progress)
    keep = set(required) | set(optional)
    pairs = [(i, n) for i, n in enumerate(names) if n in keep]

    def rows():
        for line, values, ragged in lists:
            yield line, {n: values[i] for i, n in pairs if i < len(values)}, ragged

    return encoding, delimiter, rows()


def open_lists(stream, required: tuple, optional: tuple = (), aliases: dict | None = None, progress=None):
    """Like open_rows, for callers that index the fields themselves (large imports): returns
    (encoding, delimiter, normalised header names, iterator of (line number, stripped values, ragged))."""
    encoding = detect_encoding(stream)
    text = io.TextIOWrapper(io.BufferedReader(CountingReader(stream, progress), SAMPLE), encoding=encoding,
                            newline="")
    header_line = text.readline()
    if not header_line.strip():
        raise InvalidUpload("El archivo está vacío o no tiene encabezado.", code="csv_sin_encabezado")
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    if header_line.count(delimiter) == 0:
        raise InvalidUpload("No se reconoce el delimitador: use coma (,) o punto y coma (;).", code="csv_delimitador")
    names = [normalise_header(n) for n in next(csv.reader([header_line], delimiter=delimiter))]
    names = [(aliases or {}).get(n, n) for n in names]
    missing = [c for c in required if c not in names]
    if missing:
        raise InvalidUpload("Faltan columnas obligatorias: " + ", ".join(missing) + ".", code="csv_columnas_faltantes",
                            faltantes=missing)
    width = len(names)
    strip = str.strip

    def rows():
        line = 1
        for values in csv.reader(text, delimiter=delimiter):
            line += 1
            values = list(map(strip, values))
            if not any(values):
                continue
            yield line, values, len(values) != width

    return encoding, delimiter, names, rows()


def money(value: str, campo: str, *, required: bool = True, centavos: bool = False) -> Decimal:
    """Non-negative amount with at most two decimals ('1234.5', '1,234.50', '1.234,50' or '1234,50')."""
    raw = (value or "").strip().replace("$", "").replace(" ", "")
    if not raw:
        if required:
            raise RowError(campo, "Importe obligatorio.")
        return Decimal("0.00")
    if "," in raw and "." in raw:  # the last separator is the decimal one: 1,234.50 or 1.234,50
        raw = raw.replace(",", "") if raw.rfind(".") > raw.rfind(",") else raw.replace(".", "").replace(",", ".")
    elif "," in raw:
        raw = raw.replace(",", ".") if len(raw.rsplit(",", 1)[1]) <= 2 else raw.replace(",", "")
    try:
        amount = Decimal(raw)
    except InvalidOperation:
        raise RowError(campo, f"«{value[:20]}» no es un importe numérico.") from None
    if not amount.is_finite():
        raise RowError(campo, "Importe no válido.")
    if centavos:
        if amount != amount.to_integral_value():
            raise RowError(campo, "El importe en centavos debe ser entero.")
        amount = amount / 100
    if amount < 0:
        raise RowError(campo, "El importe no puede ser negativo.")
    if amount != amount.quantize(Decimal("0.01")):
        raise RowError(campo, "El importe admite a lo más dos decimales.")
    if amount >= Decimal("1e12"):
        raise RowError(campo, "El importe excede el máximo admitido.")
    return amount.quantize(Decimal("0.01"))


def parse_date(value: str, campo: str, *, required: bool = True, today: date | None = None) -> date | None:
    """AAAA-MM-DD, DD/MM/AAAA or AAAAMMDD; never in the future."""
    raw = (value or "").strip()
    if not raw:
        if required:
            raise RowError(campo, "Fecha obligatoria.")
        return None
    day = None
    if len(raw) == 10 and raw[4] == "-":
        try:
            day = date.fromisoformat(raw)  # the common case, ~20× faster than strptime
        except ValueError:
            pass
    for fmt in ("%d/%m/%Y", "%Y%m%d") if day is None else ():
        try:
            day = datetime.strptime(raw, fmt).date()
            break
        except ValueError:
            continue
    if day is None:
        raise RowError(campo, f"«{raw[:20]}» no es una fecha (AAAA-MM-DD o DD/MM/AAAA).")
    if today is not None and day > today:
        raise RowError(campo, "La fecha no puede ser futura.")
    if day.year < 1980:
        raise RowError(campo, "Fecha anterior a 1980.")
    return day
