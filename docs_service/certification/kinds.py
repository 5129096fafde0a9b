"""The kinds of constancia, each defined by a folder of `certificaciones/` (reached through
DOCS_SERVICE_CERTIFICACIONES_DIR): definicion.json, plantilla.html (sandboxed Jinja extending
_base.html), fundamento.txt and, for a kind whose definicion.json says `"docx": true`, the
plantilla.docx of its editable working copy. Loaded once per process and folder."""
import functools
import json
from dataclasses import dataclass
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

TIPOS = ("situacion_creditos", "certificacion_pago", "copia_certificada")
ETIQUETAS = {"situacion_creditos": "Constancia de situación de créditos",
             "certificacion_pago": "Certificación de pago",
             "copia_certificada": "Copia certificada"}


@dataclass(frozen=True)
class Kind:
    tipo: str
    titulo: str
    prefijo: str
    version: str
    fecha_corte: bool
    datos: tuple
    fundamento: str
    folder: str
    docx: bool = False  # has an editable DOCX working copy (plantilla.docx)

    @property
    def plantilla(self) -> str:
        return f"{self.tipo}@{self.version}"

    @property
    def plantilla_docx(self) -> Path:
        return Path(self.folder) / "plantilla.docx"

    def folio(self, anio: int, consecutivo: int) -> str:
        return f"{self.prefijo}-{anio}-{consecutivo:06d}"


@functools.cache
def load_kinds(folder: str) -> dict[str, Kind]:
    root = Path(folder)
    kinds = {}
    for tipo in TIPOS:
        base = root / tipo
        spec = json.loads((base / "definicion.json").read_text(encoding="utf-8"))
        if spec["tipo"] != tipo:
            raise RuntimeError(f"{base}/definicion.json declara otro tipo")
        if spec.get("docx") and not (base / "plantilla.docx").is_file():
            raise RuntimeError(f"{base}/definicion.json declara una variante DOCX y falta plantilla.docx")
        kinds[tipo] = Kind(tipo=tipo, titulo=spec["titulo"], prefijo=spec["prefijo"], version=str(spec["version"]),
                           fecha_corte=bool(spec["fecha_corte"]), datos=tuple(spec["datos"]),
                           fundamento=(base / "fundamento.txt").read_text(encoding="utf-8").strip(),
                           folder=str(base), docx=bool(spec.get("docx", False)))
    return kinds


@functools.cache
def environment(folder: str) -> SandboxedEnvironment:
    """Sandboxed, strict: a template cannot reach Python internals, and a missing value is an error."""
    return SandboxedEnvironment(loader=FileSystemLoader(folder), undefined=StrictUndefined, autoescape=True,
                                trim_blocks=False, auto_reload=False)


@functools.cache
def stylesheet(folder: str) -> str:
    return (Path(folder) / "_estilo.css").read_text(encoding="utf-8")


def kinds_of(app) -> dict[str, Kind]:
    return load_kinds(app.config["DOCS_CERTIFICACIONES_DIR"])
