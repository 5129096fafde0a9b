"""Home page (what each role can do), health check, and Swagger UI assets served locally."""
from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, current_app, g, jsonify, render_template, send_from_directory

from ..core.access import AUTHENTICATED, PUBLIC, policy
from ..core.areas import hooks

bp = Blueprint("web", __name__)
SWAGGER_DIST = Path(flask_swagger_ui.__file__).parent / "dist"

@bp.route("/")
@policy(AUTHENTICATED)
def home():
    """What this person can do, and what waits for them: each area contributes its entries."""
    cards = []
    for _area, entries in hooks(current_app, "home"):
        for entry in entries(g.user):
            if entry.endpoint in current_app.view_functions and entry not in cards:
                cards.append(entry)
    return render_template("home.html", cards=cards)


@bp.route("/healthz")
@policy(PUBLIC)
def healthz():
    return jsonify(status="ok")


@bp.route("/api/v1/docs-assets/<path:filename>")
@policy(AUTHENTICATED)
def docs_assets(filename):
    return send_from_directory(SWAGGER_DIST, filename, max_age=3600)
