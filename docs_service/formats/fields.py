"""Field schemas of a format version and the validation of data against them.

A schema is `{"campos": [field, ...]}`; a field has `nombre` (identifier), `etiqueta` (Spanish
label), `tipo` (see TYPES), `requerido`, `longitud_min`/`longitud_max`, `patron` (regular expression
the whole value must match), `opciones` ([{valor, etiqueta}], for `opcion`), `ayuda`, `minimo`/`maximo`
(numbers and amounts), `bimestral` (periodo) and, for `filas` (repeating rows), `campos` and
`filas_max`. Schemas come from normative staff (uploads) and are checked like any input."""
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from . import identifiers, patterns
from .words import to_decimal

TYPES = {
    "texto": "Texto", "numero": "Número", "importe": "Importe", "fecha": "Fecha", "opcion": "Opción",
    "rfc": "RFC", "curp": "CURP", "nrp": "Registro patronal", "nss": "NSS", "periodo": "Periodo (AAAAMM)",
    "filas": "Filas",
}
NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,39}")
RESERVED = {"formato", "letra", "importe_letra", "loop", "range", "self", "true", "false", "none"}
MAX_FIELDS, MAX_ROWS, MAX_TEXT, MAX_PATTERN = 80, 50, 2000, patterns.MAX_PATTERN
FIXED_LENGTH = {"rfc": 13, "curp": 18, "nrp": 11, "nss": 11, "periodo": 6, "fecha": 10}


class SchemaError(ValueError):
    """The schema itself is malformed (a normative upload), with a Spanish message."""


@dataclass
class Field:
    nombre: str
    etiqueta: str
    tipo: str
    requerido: bool = False
    longitud_min: int | None = None
    longitud_max: int | None = None
    patron: str | None = None
    opciones: list = field(default_factory=list)  # [(valor, etiqueta)]
    ayuda: str = ""
    minimo: Decimal | None = None
    maximo: Decimal | None = None
    bimestral: bool = False
    campos: list = field(default_factory=list)  # rows: the columns
    filas_max: int = 10

    @property
    def max_length(self) -> int:
        if self.tipo in FIXED_LENGTH:
            return FIXED_LENGTH[self.tipo]
        return self.longitud_max or (MAX_TEXT if self.tipo == "texto" else 40)

    def as_dict(self) -> dict:
        out = {"nombre": self.nombre, "etiqueta": self.etiqueta, "tipo": self.tipo, "requerido": self.requerido,
               "ayuda": self.ayuda}
        for key in ("longitud_min", "longitud_max", "patron"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        for key in ("minimo", "maximo"):
            if getattr(self, key) is not None:
                out[key] = str(getattr(self, key))
        if self.tipo == "opcion":
            out["opciones"] = [{"valor": v, "etiqueta": e} for v, e in self.opciones]
        if self.tipo == "periodo":
            out["bimestral"] = self.bimestral
        if self.tipo == "filas":
            out["filas_max"] = self.filas_max
            out["campos"] = [c.as_dict() for c in self.campos]
        return out


def _text(value, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise SchemaError(f"{what}: debe ser texto de 1 a {limit} caracteres.")
    return value.strip()


def _int(value, what: str, low: int, high: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SchemaError(f"{what}: debe ser un entero entre {low} y {high}.")
    return value


def parse_field(raw, nested: bool = False) -> Field:
    if not isinstance(raw, dict):
        raise SchemaError("Cada campo debe ser un objeto.")
    nombre = raw.get("nombre")
    if not isinstance(nombre, str) or not NAME_RE.fullmatch(nombre) or nombre in RESERVED:
        raise SchemaError(f"Nombre de campo no válido: {str(nombre)[:40]!r} (minúsculas, dígitos y _; "
                          "no reservado).")
    where = f"Campo «{nombre}»"
    unknown = set(raw) - {"nombre", "etiqueta", "tipo", "requerido", "longitud_min", "longitud_max", "patron",
                          "opciones", "ayuda", "minimo", "maximo", "bimestral", "campos", "filas_max"}
    if unknown:
        raise SchemaError(f"{where}: atributos desconocidos {', '.join(sorted(unknown))[:100]}.")
    tipo = raw.get("tipo")
    if tipo not in TYPES or (nested and tipo == "filas"):
        raise SchemaError(f"{where}: tipo no válido (use {', '.join(t for t in TYPES if not nested or t != 'filas')}).")
    spec = Field(nombre=nombre, etiqueta=_text(raw.get("etiqueta"), f"{where}, etiqueta", 200), tipo=tipo,
                 requerido=bool(raw.get("requerido", False)), ayuda=str(raw.get("ayuda", ""))[:1000],
                 longitud_min=_int(raw.get("longitud_min"), f"{where}, longitud_min", 0, MAX_TEXT),
                 longitud_max=_int(raw.get("longitud_max"), f"{where}, longitud_max", 1, MAX_TEXT),
                 bimestral=bool(raw.get("bimestral", False)))
    patron = raw.get("patron")
    if patron is not None:
        patron = _text(patron, f"{where}, patrón", MAX_PATTERN)
        try:
            patterns.check(patron)
        except patterns.PatternRefused as err:
            raise SchemaError(f"{where}: el patrón {err}") from None
        spec.patron = patron
    for key in ("minimo", "maximo"):
        if raw.get(key) is not None:
            try:
                setattr(spec, key, Decimal(str(raw[key])))
            except ArithmeticError:
                raise SchemaError(f"{where}: {key} no es un número.") from None
    if tipo == "opcion":
        opciones = raw.get("opciones")
        if not isinstance(opciones, list) or not 1 <= len(opciones) <= 100:
            raise SchemaError(f"{where}: indique de 1 a 100 opciones.")
        for item in opciones:
            if not isinstance(item, dict):
                raise SchemaError(f"{where}: cada opción es {{valor, etiqueta}}.")
            spec.opciones.append((_text(item.get("valor"), f"{where}, valor", 60),
                                  _text(item.get("etiqueta", item.get("valor")), f"{where}, etiqueta", 200)))
    if tipo == "filas":
        spec.filas_max = _int(raw.get("filas_max", 10), f"{where}, filas_max", 1, MAX_ROWS)
        columns = raw.get("campos")
        if not isinstance(columns, list) or not 1 <= len(columns) <= 12:
            raise SchemaError(f"{where}: las filas llevan de 1 a 12 columnas.")
        spec.campos = [parse_field(c, nested=True) for c in columns]
        _unique(spec.campos)
    return spec


def _unique(fields: list) -> None:
    seen = set()
    for f in fields:
        if f.nombre in seen:
            raise SchemaError(f"Campo repetido: «{f.nombre}».")
        seen.add(f.nombre)


@dataclass
class FormSchema:
    campos: list

    @classmethod
    def parse(cls, raw) -> "FormSchema":
        if not isinstance(raw, dict) or not isinstance(raw.get("campos"), list):
            raise SchemaError("El esquema debe ser un objeto con la lista «campos».")
        if not 1 <= len(raw["campos"]) <= MAX_FIELDS:
            raise SchemaError(f"El esquema lleva de 1 a {MAX_FIELDS} campos.")
        fields = [parse_field(f) for f in raw["campos"]]
        _unique(fields)
        return cls(fields)

    def as_dict(self) -> dict:
        return {"campos": [f.as_dict() for f in self.campos]}

    @property
    def amount_fields(self) -> list:
        return [f for f in self.campos if f.tipo == "importe"]

    def validate(self, data) -> "Result":
        """Check and normalise `data` ({nombre: value}); unknown names are errors too."""
        result = Result()
        if not isinstance(data, dict):
            result.errors["_esquema"] = ["Los datos deben ser un objeto {campo: valor}."]
            return result
        known = {f.nombre for f in self.campos}
        for name in sorted(set(data) - known)[:20]:
            result.errors[str(name)[:60]] = ["Campo que no pertenece a este formato."]
        for f in self.campos:
            if f.tipo == "filas":
                _validate_rows(f, data.get(f.nombre), result)
            else:
                _validate_into(f, data.get(f.nombre), f.nombre, f.etiqueta, result, result.data)
        return result

    def blank(self) -> dict:
        return {f.nombre: ([] if f.tipo == "filas" else "") for f in self.campos}


@dataclass
class Result:
    data: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    warnings: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _validate_rows(f: Field, value, result: Result) -> None:
    rows = value if value not in (None, "") else []
    if not isinstance(rows, list):
        result.errors[f.nombre] = [f"«{f.etiqueta}»: debe ser una lista de filas."]
        return
    # empty rows are skipped, the others keep their number (the form's row, the list's position)
    rows = [(i, r) for i, r in enumerate(rows, start=1)
            if not (isinstance(r, dict) and all(v in (None, "") for v in r.values()))]
    if f.requerido and not rows:
        result.errors[f.nombre] = [f"«{f.etiqueta}»: capture al menos una fila."]
    if len(rows) > f.filas_max:
        result.errors[f.nombre] = [f"«{f.etiqueta}»: máximo {f.filas_max} filas."]
        return
    clean_rows = []
    for i, row in rows:
        if not isinstance(row, dict):
            result.errors[f"{f.nombre}.{i}"] = [f"«{f.etiqueta}», fila {i}: debe ser un objeto."]
            continue
        clean = {}
        known = {c.nombre for c in f.campos}
        for name in sorted(set(row) - known)[:20]:
            result.errors[f"{f.nombre}.{i}.{str(name)[:40]}"] = [f"«{f.etiqueta}», fila {i}: campo desconocido."]
        for c in f.campos:
            _validate_into(c, row.get(c.nombre), f"{f.nombre}.{i}.{c.nombre}", f"{f.etiqueta}, fila {i}, {c.etiqueta}",
                           result, clean)
        clean_rows.append(clean)
    result.data[f.nombre] = clean_rows


def _validate_into(f: Field, value, key: str, label: str, result: Result, target: dict) -> None:
    try:
        clean, warning = check_value(f, value)
    except ValueError as err:
        result.errors[key] = [f"«{label}»: {err}"]
        return
    target[f.nombre] = clean
    if warning:
        result.warnings[key] = [f"«{label}»: {warning}"]


def check_value(f: Field, value):
    """Returns (normalised value, warning); "" when empty and optional; raises ValueError."""
    if isinstance(value, bool) or isinstance(value, (list, dict)):
        raise ValueError("tipo de dato no válido.")
    if value is None:
        value = ""
    text = str(value).strip()
    if any(ord(c) < 32 and c not in "\n\t\r" for c in text):
        raise ValueError("contiene caracteres de control.")
    if not text:
        if f.requerido:
            raise ValueError("este dato es obligatorio.")
        return "", None
    if len(text) > max(f.max_length, 40) + 10:
        raise ValueError(f"máximo {f.max_length} caracteres.")
    warning = None
    if f.tipo == "texto":
        if f.longitud_max and len(text) > f.longitud_max:
            raise ValueError(f"máximo {f.longitud_max} caracteres.")
        clean = text
    elif f.tipo in ("numero", "importe"):
        try:
            number = to_decimal(text.replace("$", "")) if f.tipo == "importe" else Decimal(text.replace(",", ""))
        except (ValueError, ArithmeticError):
            raise ValueError("debe ser un número." if f.tipo == "numero" else "debe ser un importe en pesos, "
                             "p. ej. 1250.50 (hasta 999,999,999,999.99).") from None
        if not number.is_finite():
            raise ValueError("debe ser un número.")
        if f.minimo is not None and number < f.minimo:
            raise ValueError(f"debe ser al menos {f.minimo}.")
        if f.maximo is not None and number > f.maximo:
            raise ValueError(f"debe ser como máximo {f.maximo}.")
        clean = f"{number:.2f}" if f.tipo == "importe" else format(number.normalize(), "f")
    elif f.tipo == "fecha":
        clean = _parse_date(text).isoformat()
    elif f.tipo == "opcion":
        values = {v: v for v, _e in f.opciones} | {e.lower(): v for v, e in f.opciones}
        clean = values.get(text) or values.get(text.lower())
        if clean is None:
            raise ValueError("elija una de: " + ", ".join(e for _v, e in f.opciones)[:300] + ".")
    elif f.tipo == "periodo":
        clean, warning = identifiers.periodo(text, bimestral=f.bimestral)
    else:  # rfc, curp, nrp, nss
        clean, warning = getattr(identifiers, f.tipo)(text)
    if f.longitud_min and len(clean) < f.longitud_min:
        raise ValueError(f"mínimo {f.longitud_min} caracteres.")
    if f.patron and not patterns.fullmatch(f.patron, clean):
        raise ValueError("no tiene el formato esperado" + (f" ({f.ayuda})." if f.ayuda else "."))
    return clean, warning


def _parse_date(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            day = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if 1900 <= day.year <= 2100:
            return day
    raise ValueError("debe ser una fecha AAAA-MM-DD o DD/MM/AAAA.")
