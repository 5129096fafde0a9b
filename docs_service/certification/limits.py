"""Rate limits of the public verification (Flask-Limiter): per client address and a global cap.
Storage in memory by default; DOCS_SERVICE_RATELIMIT_STORAGE_URI (e.g. redis://host:6379/0) shares
the counters across workers and servers."""
from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True,
                  storage_uri="memory://", strategy="fixed-window")


def per_client() -> str:
    return current_app.config["DOCS_VERIFICACION_LIMITE"]


def global_cap() -> str:
    return current_app.config["DOCS_VERIFICACION_LIMITE_GLOBAL"]


verification_limits = [
    limiter.shared_limit(per_client, scope="verificacion"),
    limiter.shared_limit(global_cap, scope="verificacion_global", key_func=lambda: "todos"),
]


def limited(func):
    for decorate in verification_limits:
        func = decorate(func)
    return func


def init_app(app) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = app.config["DOCS_RATELIMIT_STORAGE_URI"]
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    limiter.init_app(app)
    # Every limit here is a decorator on its view, which checks itself when called; the middleware
    # check Flask-Limiter adds to every request serves only default and blueprint limits, which this
    # service does not use, so it is taken off the hot path of every other request.
    hooks = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in hooks:
        hooks.remove(limiter._check_request_limit)
