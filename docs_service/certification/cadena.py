"""The cadena original: the canonical, versioned serialisation of a constancia that the sello digital
signs. Specification (published at /firma/cadena-original): docs/cadena_original.md.

Version 1:  ||1|tipo|folio|emitida|fecha_corte|unidad|rfc|nrp|plantilla|serie_certificado|sha256_datos||
- fields in that order, separated by `|`, the whole wrapped in `||`;
- each field: Unicode NFC, whitespace runs collapsed to one space, trimmed, `|` replaced by `/`;
  an absent field is empty (positions never move);
- emitida: UTC, `YYYY-MM-DDTHH:MM:SSZ`; fecha_corte: `YYYY-MM-DD`;
- sha256_datos: SHA-256 (hex) of the data snapshot as canonical JSON (keys sorted, separators
  `,` and `:`, UTF-8 without escaping, amounts as strings with two decimals).
"""
import hashlib
import json
import re
import unicodedata
from datetime import date, datetime

VERSION = "1"
FIELDS = ("version", "tipo", "folio", "emitida", "fecha_corte", "unidad", "rfc", "nrp", "plantilla",
          "serie_certificado", "sha256_datos")
_SPACES = re.compile(r"\s+")


def canonical_json(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def data_digest(data) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def _field(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.strftime("%Y-%m-%dT%H:%M:%SZ")
    elif isinstance(value, date):
        value = value.isoformat()
    text = unicodedata.normalize("NFC", str(value))
    return _SPACES.sub(" ", text).strip().replace("|", "/")


def build(*, tipo: str, folio: str, emitida: datetime, fecha_corte: date | None, unidad: str,
          rfc: str | None, nrp: str | None, plantilla: str, serie_certificado: str, datos: dict) -> str:
    """The cadena original (v1) of one constancia; `emitida` is naive UTC."""
    values = (VERSION, tipo, folio, emitida, fecha_corte, unidad, rfc, nrp, plantilla, serie_certificado,
              data_digest(datos))
    return "||" + "|".join(_field(v) for v in values) + "||"


def parse(cadena: str) -> dict:
    """Split a v1 cadena back into its named fields (for verification and tests)."""
    if not (cadena.startswith("||") and cadena.endswith("||")):
        raise ValueError("no es una cadena original")
    parts = cadena[2:-2].split("|")
    if len(parts) != len(FIELDS) or parts[0] != VERSION:
        raise ValueError("versión o número de campos desconocidos")
    return dict(zip(FIELDS, parts))


def wrap(text: str, width: int = 110) -> list[str]:
    """Fixed-width lines for printing (monospace): one text box per line keeps rendering cheap."""
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]
