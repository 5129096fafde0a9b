"""Renders of a format's untrusted templates, bounded in time and memory (SECURITY B): they run in
the long-lived, warmed workers of core.isolation (settings RENDER_PROCESOS, RENDER_TIEMPO_S,
RENDER_MEMORIA_MB); a render past a bound is stopped, its worker replaced, and the request gets
`LimiteExcedido` (422, in Spanish) while the service keeps answering."""
from flask import current_app

from ..core.isolation import LimitExceeded, pool
from . import jobs
from .docx import check_no_external
from .templating import TemplateRefused


class RenderLimit(TemplateRefused):
    """The template (with this data) needs more time or memory than a render is allowed."""


def _workers():
    config = current_app.config
    return pool("formatos", preload=("weasyprint", "docxtpl", "docs_service.formats.jobs"),
                warm_up="docs_service.formats.jobs:warm_up", processes=config["DOCS_RENDER_PROCESOS"],
                memory_mb=config["DOCS_RENDER_MEMORIA_MB"])


def start() -> None:
    """Fork and warm the workers now (the web process does it when it starts serving)."""
    _workers().start()


def _run(func, *args):
    config = current_app.config
    try:
        return _workers().run(func, *args, timeout=config["DOCS_RENDER_TIEMPO_S"])
    except LimitExceeded as err:
        if err.kind == "tiempo":
            bound = f"el tiempo permitido ({config['DOCS_RENDER_TIEMPO_S']:g} s)"
        else:
            bound = f"la memoria permitida ({config['DOCS_RENDER_MEMORIA_MB']} MB)"
        raise RenderLimit(f"El formato no se pudo generar: su plantilla excede {bound} para producir el "
                          "documento. Se detuvo la generación; avise al área normativa.") from None


def pdf(spec, meta: dict, data: dict, fillable: bool) -> bytes:
    """`spec` has .schema, .plantilla_html and .instructivo (a FormatVersion or a jobs.Spec)."""
    plain = jobs.Spec(spec.schema, spec.plantilla_html, spec.instructivo or "")
    return _run(jobs.render_pdf, plain, meta, data, fillable)


def docx(template: bytes, schema, data: dict, meta: dict, blank: bool) -> bytes:
    result = _run(jobs.render_docx, template, schema, data, meta, blank)
    check_no_external(result)
    return result


def docx_context(template: bytes, context: dict) -> bytes:
    """A DOCX template rendered with a ready context in the same bounded workers (for areas whose
    templates are not a format's, e.g. a constancia's working copy); checked before it leaves."""
    result = _run(jobs.render_docx_context, template, context)
    check_no_external(result)
    return result
