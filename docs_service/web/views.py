"""Home page (what each role can do), health check, and Swagger UI assets served locally."""
from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, g, jsonify, render_template, send_from_directory

from ..core.access import AUTHENTICATED, PUBLIC, policy

bp = Blueprint("web", __name__)
SWAGGER_DIST = Path(flask_swagger_ui.__file__).parent / "dist"

# What each role may do, as shown on the home page (one place for this Spanish text).
CAPABILITIES = {
    "admin": [("Administrar usuarios, roles y tokens", "accounts_pages.users")],
    "normativo": [("Registrar documentos normativos y cargar versiones", "documents_pages.new_document"),
                  ("Enviar a revisión y publicar versiones aprobadas", "workflow_pages.inbox"),
                  ("Seguir la difusión y los acuses de cada publicación", "workflow_pages.coverage")],
    "revisor": [("Revisar versiones: aprobar la revisión o devolver con comentarios", "workflow_pages.inbox")],
    "titular": [("Aprobar o rechazar versiones; abrogar documentos", "workflow_pages.inbox")],
    "validador": [("Validar formatos aprobados", "workflow_pages.inbox")],
    "operativo": [("Consultar la normatividad vigente", "documents_pages.catalog"),
                  ("Acusar recibo de las publicaciones dirigidas a su unidad", "workflow_pages.acuses")],
    "consultor": [("Consultar el catálogo normativo vigente a una fecha", "documents_pages.catalog")],
    "auditor": [("Consultar la normateca, la difusión y los acuses", "workflow_pages.coverage")],
}


@bp.route("/")
@policy(AUTHENTICATED)
def home():
    from flask import current_app
    cards = []
    for rol in g.user.roles:
        for label, endpoint in CAPABILITIES.get(rol, []):
            if endpoint in current_app.view_functions and (label, endpoint) not in cards:
                cards.append((label, endpoint))
    return render_template("home.html", cards=cards)


@bp.route("/healthz")
@policy(PUBLIC)
def healthz():
    return jsonify(status="ok")


@bp.route("/api/v1/docs-assets/<path:filename>")
@policy(AUTHENTICATED)
def docs_assets(filename):
    return send_from_directory(SWAGGER_DIST, filename, max_age=3600)
