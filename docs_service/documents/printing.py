"""A version as PDF: institution header, clave, título, versión, vigencia and estado on every page,
"Página X de Y", the sections with their numerales and the SHA-256 of the original file. What is not
in force today (drafts, replaced, abrogated or not yet in force) carries a visible mark on every page.
Rendered by the shared `core.pdf` renderer; this module only composes the HTML."""
from datetime import date
from pathlib import Path
from urllib.parse import quote

from flask import Response, g, render_template

from ..core import signals
from ..core.fechas import hoy
from ..core.pdf import render_pdf
from ..workflow.states import IN_PROGRESS, STATES
from .models import Version

ASSETS = Path(__file__).parent / "pdf"
STYLESHEET = (ASSETS / "version.css").read_text(encoding="utf-8")

MARK_DRAFT = "SIN VALIDEZ OFICIAL — BORRADOR"
MARK_NOT_IN_FORCE = "SIN VALIDEZ OFICIAL — NO VIGENTE"


def validity_mark(version: Version, today: date) -> str | None:
    """The mark a printed version carries, or None when it is the version in force today."""
    if version.estado in IN_PROGRESS:
        return MARK_DRAFT
    if not version.in_force_on(today):
        return MARK_NOT_IN_FORCE
    return None


def pdf_filename(version: Version) -> str:
    return f"{version.document.clave}_v{version.numero}.pdf"


def version_pdf(version: Version, today: date) -> bytes:
    """The PDF of one version as it stands on `today`."""
    html = render_template("documents/version_pdf.html", v=version, doc=version.document,
                           estado=STATES.get(version.estado, version.estado),
                           marca=validity_mark(version, today), hoy=today)
    return render_pdf(html, stylesheets=(STYLESHEET,), assets=ASSETS)


def pdf_response(version: Version) -> Response:
    """The version's PDF as an audited download (like the original file)."""
    data = version_pdf(version, hoy())
    signals.file_downloaded.send(version, actor=g.user, documento=version.document.clave, numero=version.numero,
                                 sha256=version.sha256, formato="pdf")
    name = pdf_filename(version)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
