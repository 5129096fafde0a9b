"""Wiring of the certification area: the embedded seal at `init`, the rate limiter, labels and the
redaction of verification codes from the access log."""
import re
from pathlib import Path

from flask import current_app

from . import limits
from .signing import FOLDER, generate_embedded

CODE_IN_PATH = re.compile(r"^(/v/|/api/v1/verificacion/)([A-Za-z0-9_-]{0,6})[^/]*")


def init():
    """`docs-service init`: procrastinate's tables when lotes go to that queue; the embedded default
    generates its CA and seal certificate once (production sets DOCS_SERVICE_SIGNING_P12 and nothing
    is generated)."""
    from .lotes import runner
    if runner(current_app) == "procrastinate":
        from .cola import ensure_schema
        ensure_schema(current_app)
    if current_app.config.get("DOCS_SIGNING_P12"):
        return
    if generate_embedded(Path(current_app.config["DOCS_INSTANCE"]) / FOLDER):
        print("Se generaron la autoridad certificadora y el certificado del sello en la instancia (firma/).")


def redact(path: str) -> str:
    """Access logs keep only the first characters of a verification code (SECURITY F-34)."""
    return CODE_IN_PATH.sub(lambda m: f"{m.group(1)}{m.group(2)}…", path)


def connect(app):
    limits.init_app(app)
    app.extensions.setdefault("docs_log_redactors", []).append(redact)
    from .views import template_filters
    template_filters(app)
