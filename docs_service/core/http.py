"""Request ids, the transaction boundary, security headers and structured (injection-safe) logs."""
import json
import logging
import re
import secrets
import time

from flask import current_app, g, request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from . import db as dbmod
from .errors import render_error

log = logging.getLogger("docs_service.access")
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI boots from an inline script and inline styles (its own assets are still served by us).
CSP_DOCS = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: user-controlled text can never forge another log line."""

    def format(self, record):
        entry = {"ts": self.formatTime(record), "level": record.levelname, "logger": record.name,
                 "msg": record.getMessage()}
        for key in ("request_id", "method", "path", "status", "ms", "user"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=True)


def configure_logging(level: str) -> None:
    root = logging.getLogger("docs_service")
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "Task queue depth" is load, not a fault


def init_app(app):
    configure_logging(app.config["DOCS_LOG_LEVEL"])

    @app.before_request
    def _start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if REQUEST_ID.match(incoming) else secrets.token_hex(12)
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        try:
            dbmod.finish(not dbmod.request_failed())
        except (StaleDataError, IntegrityError) as err:
            logging.getLogger(__name__).warning("commit conflict: %s", type(err).__name__)
            response = render_error(409, "conflicto_de_version",
                                    "Otra persona modificó el recurso al mismo tiempo; vuelva a cargarlo.")
        except Exception:
            logging.getLogger(__name__).exception("commit failed")
            response = render_error(503, "servicio_no_disponible",
                                    "No se pudo guardar el cambio; no se aplicó. Intente de nuevo.",
                                    headers={"Retry-After": "5"})
        return _harden(response)

    return app


def _harden(response):
    headers = response.headers
    headers["X-Request-ID"] = g.get("request_id", "")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    docs = request.path.startswith("/api/v1/docs")
    headers.setdefault("Content-Security-Policy", CSP_DOCS if docs else CSP)
    if request.path.startswith("/api/") and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    path = request.path
    for redact in current_app.extensions.get("docs_log_redactors", ()):  # areas hide secrets in paths
        path = redact(path)
    log.info("%s %s %s", request.method, path, response.status_code, extra={
        "request_id": g.get("request_id"), "method": request.method, "path": path,
        "status": response.status_code, "user": g.get("user_name"),
        "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1)})
    return response
