"""DOCX of a format: the version's file is a docxtpl template (Word document with {{ campo }} tags),
rendered with the same sandboxed Jinja environment as the HTML. Templates are checked when they
enter (upload checks of the documents area, plus: no external relationship of any kind, no macros,
sandbox-clean) and every produced DOCX is checked again before it leaves."""
import io
import re
import zipfile

from docxtpl import DocxTemplate

from ..core.errors import InvalidUpload
from ..documents.uploads import check_docx
from .fields import FormSchema
from .templating import TemplateRefused, check_source, context_for, render_capped, sandbox

DOCXTPL_TAGS = re.compile(r"(\{%|\{\{)(?:tr|tc|p|r)\s")
TEMPLATE_PARTS = re.compile(r"word/(document|header\d*|footer\d*|footnotes)\.xml")


def check_no_external(data: bytes) -> None:
    """Stricter than document uploads: a format carries no external relationship at all."""
    check_docx(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.filename.endswith(".rels") and b'TargetMode="External"' in zf.read(info):
                raise InvalidUpload("El formato contiene relaciones externas (vínculos, imágenes o plantillas "
                                    "remotas); no se permiten.", code="relacion_externa_no_permitida")


def check_template(data: bytes, schema: FormSchema, meta: dict) -> None:
    """Refuse a DOCX template that breaks the sandbox or references anything outside."""
    check_template_source(data)
    render_docx(data, schema, schema.blank(), meta, blank=True)


def check_template_source(data: bytes) -> None:
    """The checks that do not render: relationships, macros, sandbox-clean tags in every part."""
    check_no_external(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            if TEMPLATE_PARTS.fullmatch(name):
                text = re.sub(r"<[^>]+>", "", zf.read(name).decode("utf-8", "replace"))
                text = DOCXTPL_TAGS.sub(lambda m: m.group(1) + " ", text)  # {%tr for …%} -> {% for …%}
                check_source(text, "La plantilla DOCX")


def render_docx(template: bytes, schema: FormSchema, data: dict, meta: dict, blank: bool = False) -> bytes:
    result = render_docx_unchecked(template, schema, data, meta, blank)
    check_no_external(result)
    return result


def render_docx_unchecked(template: bytes, schema: FormSchema, data: dict, meta: dict, blank: bool = False) -> bytes:
    """The untrusted part (runs in the bounded workers, formats.jobs); the caller checks the result."""
    return render_context(template, context_for(schema, data, meta, blank_rows=3 if blank else 0))


def render_context(template: bytes, context: dict) -> bytes:
    """A docxtpl template rendered with a ready context in the sandboxed, capped Jinja environment
    (unchecked: the caller runs `check_no_external` on the result). Also used by other areas whose
    DOCX templates take their own context (the working copy of a constancia)."""
    doc = DocxTemplate(io.BytesIO(template))
    env = sandbox(autoescape=True)
    original = env.from_string

    def capped_from_string(source, *args, **kwargs):
        compiled = original(source, *args, **kwargs)
        compiled.render = lambda *a, **kw: render_capped(compiled, dict(*a, **kw))
        return compiled

    env.from_string = capped_from_string
    try:
        doc.render(context, jinja_env=env, autoescape=True)
    except (TemplateRefused, MemoryError):
        raise
    except Exception as err:  # docxtpl raises plain exceptions on broken tags
        raise TemplateRefused(f"La plantilla DOCX no se pudo procesar: {str(err)[:200]}") from None
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
