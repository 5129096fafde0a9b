"""PDF of a format through the shared WeasyPrint renderer (core.pdf): the version's HTML template
inside an official page (institution header, clave and version on every page, page X of Y,
instructivo), blank with AcroForm fields (`appearance: auto`, fillable offline) or pre-filled.
A filled PDF is read back with pypdf into the same data the web form would send."""
import io
import re

from markupsafe import Markup

from ..core.errors import InvalidUpload
from ..core.pdf import render_pdf
from ..documents.uploads import check_pdf_bytes
from .fields import FormSchema
from .templating import render_html_body

FORM_CSS = """
@page { size: letter; margin: 30mm 16mm 20mm 16mm;
  @top-left { content: "INSTITUTO MEXICANO DEL SEGURO SOCIAL\\A Coordinación de Cobranza"; white-space: pre;
              font-size: 8pt; font-weight: bold; color: #13322b; }
  @top-right { content: element(clave); }
  @bottom-left { content: element(vigencia); }
  @bottom-right { content: "Página " counter(page) " de " counter(pages); font-size: 8pt; } }
body { font-size: 9pt; line-height: 1.3; color: #111; }
.clave { position: running(clave); font-size: 8pt; color: #13322b; text-align: right; }
.vigencia { position: running(vigencia); font-size: 7pt; color: #555; }
h1 { font-size: 12pt; text-align: center; margin: 0 0 4mm; text-transform: uppercase; }
h2 { font-size: 9.5pt; background: #13322b; color: #fff; padding: 1mm 2mm; margin: 4mm 0 2mm; }
.caja { display: inline-block; width: 47%; margin: 0 1.5% 2mm 0; border: 0.6pt solid #333; padding: 1mm 1.5mm;
        vertical-align: top; min-height: 9mm; box-sizing: border-box; }
.caja.ancha { width: 96%; }
.etiqueta { display: block; font-size: 6.5pt; text-transform: uppercase; color: #333; }
.valor { display: block; font-size: 9.5pt; min-height: 4mm; }
.ayuda { display: block; font-size: 6pt; color: #666; }
input, select, textarea { appearance: auto; display: block; width: 100%; height: 5mm; border: none;
        background: #eef3ff; font-size: 9pt; }
textarea { height: 14mm; }
table.filas { width: 100%; border-collapse: collapse; table-layout: fixed; margin-bottom: 2mm; }
table.filas caption { text-align: left; font-weight: bold; font-size: 8pt; padding-bottom: 1mm; }
table.filas th, table.filas td { border: 0.6pt solid #333; padding: 0.8mm 1mm; font-size: 8pt; }
table.filas th { background: #e8ecea; font-size: 6.5pt; text-transform: uppercase; }
.letra { border: 0.6pt dashed #333; padding: 1.5mm; }
.firma { margin-top: 14mm; border-top: 0.6pt solid #333; width: 60%; margin-left: 20%; text-align: center;
         padding-top: 1mm; font-size: 8pt; }
.instructivo { page-break-before: always; }
.instructivo h2 { background: #555; }
.instructivo p { margin: 0 0 1.5mm; }
.no-vigente { border: 1pt solid #9b2c2c; color: #9b2c2c; text-align: center; font-weight: bold; padding: 1mm;
              margin-bottom: 3mm; }
"""
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}(?:__\d{1,2}__[a-z][a-z0-9_]{0,39})?")
MAX_FILLED_PDF = 10 * 1024 * 1024


def page_html(spec, meta: dict, data: dict, fillable: bool) -> str:
    """`spec` has .esquema (FormSchema), .plantilla_html and .instructivo; meta: clave, titulo, version,
    vigente_desde and vigente (False for a superseded version, printed as not in force)."""
    body = render_html_body(spec.plantilla_html, spec.schema, data, meta, fillable)
    clave = f"Clave {meta['clave']} · versión {meta['version']}"
    vigencia = f"Vigente desde {meta['vigente_desde']}" if meta.get("vigente_desde") else "Versión sin publicar"
    warning = ""
    if not meta.get("vigente", True):
        warning = Markup('<p class="no-vigente">VERSIÓN NO VIGENTE — solo para consulta histórica</p>')
    instructions = Markup("").join(Markup("<p>{}</p>").format(line.strip())
                                   for line in spec.instructivo.splitlines() if line.strip())
    return str(Markup(
        '<!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="keywords" content="formato:{clave_raw}:v{version}"></head><body>'
        '<span class="clave">{clave}</span><span class="vigencia">{vigencia}</span>{warning}{body}'
        '<section class="instructivo"><h2>Instructivo de llenado</h2>{instructions}</section></body></html>'
    ).format(title=meta["titulo"], clave_raw=meta["clave"], version=meta["version"], clave=clave,
             vigencia=vigencia, warning=warning, body=Markup(body), instructions=instructions))


def render(spec, meta: dict, data: dict, fillable: bool) -> bytes:
    return render_pdf(page_html(spec, meta, data, fillable), stylesheets=(FORM_CSS,))


def read_filled(data: bytes, schema: FormSchema) -> tuple[dict, str | None]:
    """Field values of a filled PDF as the web form's data; also the `formato:CLAVE:vN` keyword."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.startswith(b"%PDF-"):
        raise InvalidUpload("El archivo no es un PDF.", code="tipo_no_coincide")
    if len(data) > MAX_FILLED_PDF:
        raise InvalidUpload("El PDF excede 10 MB.", code="archivo_demasiado_grande")
    check_pdf_bytes(data)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        fields = reader.get_fields() or {}
        keywords = (reader.metadata or {}).get("/Keywords")
    except (PyPdfError, ValueError, KeyError, TypeError, RecursionError, OSError):
        raise InvalidUpload("El PDF está dañado o no se puede leer.", code="pdf_corrupto") from None
    if not fields:
        raise InvalidUpload("El PDF no tiene campos de formulario; descargue el formato en blanco y llénelo.",
                            code="pdf_sin_campos")
    values = {}
    for name, field in list(fields.items())[:2000]:
        if not isinstance(name, str) or not FIELD_NAME.fullmatch(name):
            continue
        value = field.get("/V") if isinstance(field, dict) else None
        values[name] = str(value)[:5000] if value not in (None, "") else ""
    if not any(v.strip() for v in values.values()):
        # the blank format as downloaded: one clear answer instead of an error per required field
        raise InvalidUpload("El PDF no contiene datos capturados: llene el formato y vuelva a subirlo.",
                            code="pdf_sin_datos")
    return to_form_data(values, schema), str(keywords)[:200] if keywords else None


def to_form_data(flat: dict, schema: FormSchema) -> dict:
    """{"nrp": …, "creditos__1__numero": …} -> {"nrp": …, "creditos": [{"numero": …}]}. Trailing empty rows
    are dropped; an empty row before a filled one stays, so that each row keeps its number (row 3 is «fila 3»
    in an error and goes back to row 3 of the form)."""
    data = {}
    for f in schema.campos:
        if f.tipo != "filas":
            if f.nombre in flat:
                data[f.nombre] = flat[f.nombre]
            continue
        rows = [{c.nombre: flat.get(f"{f.nombre}__{i}__{c.nombre}", "") for c in f.campos}
                for i in range(1, f.filas_max + 1)]
        while rows and not any(rows[-1].values()):
            rows.pop()
        data[f.nombre] = rows
    return data


def text_of(pdf: bytes) -> str:
    from pypdf import PdfReader
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)

