"""The editable working copy (DOCX) of an issued constancia, for the kinds whose definicion.json says
`"docx": true`. It is rendered on each download from the constancia's stored data snapshot (never from
live data) with the kind's plantilla.docx (docxtpl), in the formats area's bounded render workers,
and checked like every produced DOCX (no macros, no external relationship). It has no certification
value and says so on its first page: the certified document stays the signed PDF."""
import json
from urllib.parse import quote

from flask import Response, current_app

from ..core import fechas
from ..core.errors import DomainError, NotFound
from ..formats import rendering
from ..formats.templating import TemplateRefused
from .kinds import kinds_of
from .models import Constancia
from .signals import constancia_docx_downloaded

MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class NoDocxVariant(NotFound):
    code = "sin_copia_docx"


class DocxUnavailable(DomainError):
    status, code = 503, "copia_docx_no_disponible"
    message = ("La copia de trabajo en Word no pudo generarse en este momento; el PDF firmado sigue disponible. "
               "Intente más tarde o avise a soporte.")


def estado_aviso(c: Constancia, url: str) -> str | None:
    """The warning a revoked or substituted constancia's copy carries under the first notice."""
    if c.estado == "VIGENTE":
        return None
    cuando = fechas.fecha_hora(c.revocada) if c.revocada else ""
    texto = f"CONSTANCIA REVOCADA el {cuando}".strip()
    if c.estado == "SUSTITUIDA" and c.sustituida_por is not None:
        texto += f" y SUSTITUIDA por la constancia con folio {c.sustituida_por.folio}"
    if c.motivo_revocacion:
        texto += f". Motivo: {c.motivo_revocacion}"
    return texto + f". Esta constancia ya no tiene validez; consulte su estado en {url}."


def context(c: Constancia, kind) -> dict:
    url = f"{current_app.config['DOCS_PUBLIC_URL'].rstrip('/')}/v/{c.codigo}"
    # the title, unit name and legal basis its PDF printed; only a constancia issued before they were
    # stored (migrations 0012 and 0013) takes the kind's current text and the unit's current name
    unidad = f"{c.unidad.clave} {c.unidad_nombre or c.unidad.nombre}" if c.unidad is not None else ""
    return {
        "k": {"titulo": c.titulo or kind.titulo, "fundamento": c.fundamento or kind.fundamento},
        "c": {"folio": c.folio, "url": url, "unidad": unidad, "emitida_local": fechas.fecha_hora(c.emitida),
              "fecha_corte": fechas.fecha_larga(c.fecha_corte) if c.fecha_corte else "",
              "estado": c.estado, "aviso_estado": estado_aviso(c, url)},
        "d": json.loads(c.datos),
    }


def render(c: Constancia) -> bytes:
    kind = kinds_of(current_app).get(c.tipo)
    if kind is None or not kind.docx:
        raise NoDocxVariant("Este tipo de constancia no tiene copia de trabajo en Word: el documento es solo el "
                            "PDF firmado. Descargue el PDF.")
    try:
        return rendering.docx_context(kind.plantilla_docx.read_bytes(), context(c, kind))
    except TemplateRefused as err:
        current_app.logger.error("copia DOCX de %s no generada: %s", c.folio, err)
        raise DocxUnavailable() from None


def docx_response(c: Constancia, actor) -> Response:
    """The working copy as an attachment; audited like the PDF download."""
    data = render(c)
    constancia_docx_downloaded.send(c, actor=actor, folio=c.folio, estado=c.estado, tamano=len(data))
    name = f"{c.folio}-copia-de-trabajo.docx"
    response = Response(data, mimetype=MIMETYPE)
    response.headers["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
