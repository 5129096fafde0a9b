"""Shared pieces of the formats tests: the shipped aclaración format loaded through the real
workflow (as the demo does), valid data for it, and filling a blank PDF offline with pypdf."""
import io
from pathlib import Path

from docs_service.config import PROJECT_ROOT

WORKFLOW = (("normativo.demo", "normativo", "NC"), ("revisor.demo", "revisor", "NC"), ("titular.demo", "titular", "NC"),
            ("validador.demo", "validador", "NC"), ("operativo.3301", "operativo", "3301"),
            ("operativo.1601", "operativo", "1601"), ("auditor.demo", "auditor", "NC"))
ACLARACION = PROJECT_ROOT / "formatos" / "aclaracion-administrativa"

VALID = {
    "razon_social": "Comercializadora Peninsular del Sureste, S.A. de C.V.",
    "nrp": "A1234567101",
    "rfc": "GODE561231GR8",
    "domicilio": "Calle 60 número 512, Centro, Mérida, Yucatán",
    "representante": "",
    "curp_representante": "",
    "creditos": [{"numero": "258123456", "periodo": "202504", "concepto": "RCV", "importe": "21031000.10"}],
    "importe_total": "21031000.10",
    "motivo": "El pago del bimestre se realizó en tiempo y no fue aplicado.",
    "fecha": "2026-11-30",
}


def people(users) -> dict:
    """The demo names the loader acts as, plus their tokens."""
    return {nombre: users(nombre, [rol], unidad)[1] for nombre, rol, unidad in WORKFLOW}


def load_aclaracion(app, desde_dias: int = -30) -> int:
    """Registers and publishes the shipped aclaración format; returns its id."""
    from docs_service.core.db import transaction
    from docs_service.formats import catalog, demo
    item = next(i for i in catalog.shipped(Path(PROJECT_ROOT / "formatos")) if i.folder == ACLARACION)
    with app.app_context(), transaction():
        version = demo.load_one(item) if desde_dias == 0 else _load(item, demo, desde_dias)
        return version.documento_id


def _load(item, demo, desde_dias):
    from docs_service.formats import operations as ops
    from docs_service.accounts.demo import demo_user
    meta = item.meta
    version = ops.create_format(demo_user("normativo.demo"), clave=meta["clave"], titulo=meta["titulo"],
                                area=meta["area"], tema=meta["tema"], palabras_clave=meta["palabras_clave"],
                                esquema=meta["esquema"], plantilla_html=item.html, instructivo=meta["instructivo"],
                                docx=item.docx, nombre_archivo="aclaracion.docx", resumen="Versión 1.")
    demo.walk_to_published(version, desde_dias=desde_dias, destinatarios={"unidades": ["3301"]})
    return version


def fill_pdf(blank: bytes, values: dict) -> bytes:
    """What a person does offline: type into the blank PDF's fields."""
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(blank)))
    for page in writer.pages:
        if page.get("/Annots"):
            writer.update_page_form_field_values(page, values, auto_regenerate=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flat(data: dict) -> dict:
    """Form data as the PDF's field names (rows as creditos__1__numero)."""
    out = {}
    for key, value in data.items():
        if isinstance(value, list):
            for i, row in enumerate(value, start=1):
                for col, cell in row.items():
                    out[f"{key}__{i}__{col}"] = cell
        else:
            out[key] = value
    return out


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
