"""Load a format's version for download (the one in force today, or one of its history) and the
file response, shared by the API and the pages."""
from datetime import date
from urllib.parse import quote

from flask import Response, g

from ..core.access import require
from ..core.db import write_apart
from ..core.fechas import hoy
from ..core.errors import NotFound
from ..documents import queries as doc_queries
from ..documents.models import Document, Version
from . import operations as ops
from .models import FormatVersion

MIMETYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "pdf": "application/pdf"}
PUBLISHED = ("publicado", "sustituido", "abrogado")


def downloadable(format_id: int, numero: int | None = None) -> tuple[Document, Version, FormatVersion, date]:
    """The version in force today (or `numero`, from the history: published ones for everyone,
    drafts for the workflow's roles); 404 when there is none."""
    document = ops.get_format(format_id)
    today = hoy()  # vigencias are Mexico City days
    if numero is None:
        version = doc_queries.version_in_force(document, today)
    else:
        version = next((v for v in document.versions if v.numero == numero), None)
        if version is not None:
            require(version.estado in PUBLISHED or doc_queries.sees_drafts(g.user), hide=True)
    spec = ops.spec_of(version) if version is not None else None
    if version is None or spec is None:
        raise NotFound("El formato no tiene una versión vigente." if numero is None else None)
    return document, version, spec, today


def file_response(version: Version, data: bytes, kind: str, mode: str, vigente: bool) -> Response:
    suffix = "" if mode == "blanco" else "_prellenado"
    historic = "" if vigente else "_NO_VIGENTE"
    name = f"{version.document.clave}_v{version.numero}{suffix}{historic}.{kind}"
    response = Response(data, mimetype=MIMETYPES[kind])
    response.headers["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Formato-Vigente"] = "si" if vigente else "no"
    return response


def produce(format_id: int, numero: int | None, kind: str, data) -> Response:
    """Validate (when pre-filling), render, count and answer the file (routes marked @writes_apart)."""
    _document, version, spec, today = downloadable(format_id, numero)
    clean = ops.validate_data(spec, data) if data is not None else None
    content = ops.render(version, spec, kind, clean, today)
    mode = "blanco" if data is None else "prellenado"
    count(version, kind, mode)
    return file_response(version, content, kind, mode, version.in_force_on(today))


def count(version: Version, kind: str, mode: str) -> None:
    """The download row, in a short write of its own once the file is rendered (routes marked
    `@writes_apart`): no render ever holds the database's write lock."""
    with write_apart():
        ops.record_download(g.user, version, kind, mode)

