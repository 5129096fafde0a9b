"""What runs inside the bounded render workers (core.isolation): the untrusted part of a download —
the sandboxed Jinja of the version's templates, WeasyPrint for the PDF, docxtpl for the DOCX — and
the warm-up that leaves each worker with WeasyPrint imported, the fonts loaded and FORM_CSS parsed.
Arguments and results are plain data (the schema dataclasses, strings, bytes)."""
from dataclasses import dataclass

from .fields import FormSchema

WARM_SCHEMA = {"campos": [
    {"nombre": "nombre", "etiqueta": "Nombre", "tipo": "texto", "requerido": True, "longitud_max": 200},
    {"nombre": "tipo", "etiqueta": "Tipo", "tipo": "opcion", "opciones": [{"valor": "a", "etiqueta": "A"}]},
    {"nombre": "importe", "etiqueta": "Importe", "tipo": "importe"},
    {"nombre": "filas", "etiqueta": "Filas", "tipo": "filas", "filas_max": 2,
     "campos": [{"nombre": "numero", "etiqueta": "Número", "tipo": "texto"}]},
]}
WARM_HTML = ('<h1>{{ formato.titulo }}</h1><h2>I</h2>{{ campo("nombre") }}{{ campo("tipo") }}{{ campo("importe") }}'
             '{{ filas("filas") }}<p class="letra"><strong>{{ letra.importe }}</strong> <em>i</em></p>'
             '<div class="firma">Firma</div>')


@dataclass
class Spec:
    """A version's definition as the renderers read it (.schema, .plantilla_html, .instructivo)."""
    schema: FormSchema
    plantilla_html: str
    instructivo: str


def render_pdf(spec: Spec, meta: dict, data: dict, fillable: bool) -> bytes:
    from .pdf import render
    return render(spec, meta, data, fillable)


def render_docx(template: bytes, schema: FormSchema, data: dict, meta: dict, blank: bool) -> bytes:
    """The DOCX, unchecked: the web process checks it (no external relationship) before it leaves."""
    from .docx import render_docx_unchecked
    return render_docx_unchecked(template, schema, data, meta, blank)


def render_docx_context(template: bytes, context: dict) -> bytes:
    """A DOCX template with a ready context (another area's), unchecked like render_docx."""
    from .docx import render_context
    return render_context(template, context)


def warm_up() -> None:
    """One blank and one pre-filled render of a small format, PDF and DOCX, in this worker."""
    from .docx_build import build_template
    schema = FormSchema.parse(WARM_SCHEMA)
    spec = Spec(schema, WARM_HTML, "Llene con letra de molde.\nFirme.")
    meta = {"clave": "0000-000-000", "titulo": "Calentamiento", "version": 1, "vigente_desde": "01/01/2026"}
    data = {"nombre": "Ñandú Álvarez", "tipo": "a", "importe": "1250.50", "filas": [{"numero": "1"}]}
    render_pdf(spec, meta, {}, True)
    render_pdf(spec, meta, schema.validate(data).data, False)
    template = build_template(schema, "Calentamiento", spec.instructivo)
    render_docx(template, schema, schema.validate(data).data, meta, False)
