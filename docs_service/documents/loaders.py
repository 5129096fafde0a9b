"""Load → check for documents and versions, shared by the API and the pages (404 when hidden, so
existence never leaks), and the original-file response."""
from urllib.parse import quote

from flask import Response, g

from ..core import signals
from ..core.access import require
from ..core.storage import storage
from . import operations as ops
from . import queries

MIMETYPES = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "pdf": "application/pdf", "md": "text/markdown; charset=utf-8"}


def visible_document(document_id: int):
    document = ops.get_document(document_id)
    require(queries.can_view_document(g.user, document), hide=True)
    return document


def visible_version(document_id: int, numero: int):
    document = visible_document(document_id)
    version = ops.get_version(document, numero)
    require(queries.can_view_version(g.user, version), hide=True)
    return version


def original_file(version) -> Response:
    """The stored bytes (verified on read), as an audited attachment download."""
    data = storage().open(version.sha256)
    signals.file_downloaded.send(version, actor=g.user, documento=version.document.clave, numero=version.numero,
                                 sha256=version.sha256)
    name = f"{version.document.clave}_v{version.numero}.{version.tipo_archivo}"
    response = Response(data, mimetype=MIMETYPES[version.tipo_archivo])
    response.headers["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
