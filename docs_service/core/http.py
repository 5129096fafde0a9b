"""Request ids, the transaction boundary, security headers and structured (injection-safe) logs."""
import json
import logging
import re
import secrets
import time

from flask import current_app, g, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
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
        if not hasattr(record, "request_id") and has_request_context():
            record.request_id = g.get("request_id")  # every line logged during a request names it
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


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions without per-request waste on API calls: the signing serializer
    is built once per set of keys (Flask builds it on every request), a request without cookies gets
    an empty session without parsing headers, and a session nobody touched is not saved. Same
    behaviour otherwise."""

    def get_signing_serializer(self, app):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = app.extensions.get("docs_session_serializer")
        if cached is None or cached[0] != keys:
            cached = app.extensions["docs_session_serializer"] = (keys, super().get_signing_serializer(app))
        return cached[1]

    def open_session(self, app, request):
        if "HTTP_COOKIE" not in request.environ and app.secret_key:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if not session and not session.modified:
            # What Flask concludes for an empty, untouched session, without reading seven cookie
            # settings first: nothing to store; if it was read, the answer varies with the cookie.
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def init_app(app):
    configure_logging(app.config["DOCS_LOG_LEVEL"])
    app.session_interface = SessionInterface()

    @app.before_request
    def _start():
        ctx = g._get_current_object()
        incoming = request.headers.get("X-Request-ID", "")
        ctx.request_id = incoming if REQUEST_ID.match(incoming) else secrets.token_hex(12)
        ctx.started = time.perf_counter()

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


SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                    ("Referrer-Policy", "same-origin"),
                    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))


def _harden(response):
    headers = response.headers
    headers["X-Request-ID"] = g.get("request_id", "")
    present = {name.lower() for name, _value in headers.items()}  # one pass, not one scan per header
    for name, value in SECURITY_HEADERS:
        if name.lower() not in present:
            headers.add(name, value)
    path = request.path
    if "content-security-policy" not in present:
        headers.add("Content-Security-Policy", CSP_DOCS if path.startswith("/api/v1/docs") else CSP)
    if "cache-control" not in present and path.startswith("/api/"):
        headers.add("Cache-Control", "no-store")
    if log.isEnabledFor(logging.INFO):
        for redact in current_app.extensions.get("docs_log_redactors", ()):  # areas hide secrets in paths
            path = redact(path)
        log.info("%s %s %s", request.method, path, response.status_code, extra={
            "request_id": g.get("request_id"), "method": request.method, "path": path,
            "status": response.status_code, "user": g.get("user_name"),
            "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1)})
    return response
