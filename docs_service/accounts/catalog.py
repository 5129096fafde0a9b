"""The organisational catalog shipped with the service: the official OOAD and Subdelegaciones
(`unidades.csv`, source named in its header) plus the central level, which is not an OOAD.

Pure data: no Flask, no database, so migrations can read it too."""
import csv
import re
from dataclasses import dataclass
from pathlib import Path

CATALOG_FILE = Path(__file__).with_name("unidades.csv")

# The central level (Coordinación de Cobranza and its Divisiones). OOAD keys are two digits and
# Subdelegación keys four, so a non-numeric key can never collide with either.
CENTRAL_CLAVE = "NC"
CENTRAL_NOMBRE = "Nivel central — Coordinación de Cobranza"

UNIT_KEY = re.compile(r"^([0-9]{2}|[0-9]{4}|NC)$")
UNIT_KEY_PATTERN = UNIT_KEY.pattern
UNIT_KEY_HELP = "Clave de OOAD (DD), de Subdelegación (DDSS) o NC (nivel central)."


@dataclass(frozen=True)
class CatalogUnit:
    clave: str
    nombre: str
    tipo: str  # central | ooad | subdelegacion
    ooad_clave: str | None = None


def read_catalog(path: Path = CATALOG_FILE) -> list[CatalogUnit]:
    """The central level, every OOAD, then every Subdelegación, checked for consistency."""
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    ooads: dict[str, str] = {}
    subs: list[CatalogUnit] = []
    for row in rows:
        ooad, name = row["ooad_clave"].strip(), row["ooad_nombre"].strip()
        sub, sub_name = row["subdelegacion_clave"].strip(), row["subdelegacion_nombre"].strip()
        if not re.fullmatch(r"[0-9]{2}", ooad) or not re.fullmatch(r"[0-9]{4}", sub) or not sub.startswith(ooad):
            raise ValueError(f"{path.name}: clave inválida en la fila {ooad},{sub}")
        if ooads.setdefault(ooad, name) != name:
            raise ValueError(f"{path.name}: el OOAD {ooad} tiene dos nombres")
        subs.append(CatalogUnit(sub, sub_name, "subdelegacion", ooad))
    if len({s.clave for s in subs}) != len(subs):
        raise ValueError(f"{path.name}: claves de Subdelegación repetidas")
    return ([CatalogUnit(CENTRAL_CLAVE, CENTRAL_NOMBRE, "central")]
            + [CatalogUnit(k, v, "ooad") for k, v in sorted(ooads.items())]
            + sorted(subs, key=lambda s: s.clave))
