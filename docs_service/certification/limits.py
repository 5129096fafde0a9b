"""Rate limits of the public verification (Flask-Limiter): per client address and a global cap.
Storage in memory by default; DOCS_SERVICE_RATELIMIT_STORAGE_URI (e.g. redis://host:6379/0) shares
the counters across workers and servers."""
from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from ..core.access import view_attr

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
    func._rate_limited = True
    return func


def _only_where_limited(hook):
    """Flask-Limiter's response and teardown hooks serve the limited views only (their headers and
    per-request state); every other request skips them."""
    limited = {}  # (endpoint, method) -> bool, filled as routes are first served

    def run(value):
        req = request._get_current_object()
        key = (req.endpoint, req.method)
        if key not in limited:
            limited[key] = bool(key[0] and view_attr(current_app, key[0], key[1], "_rate_limited"))
        return hook(value) if limited[key] else value
    return run


def init_app(app) -> None:
    app.config["RATELIMIT_STORAGE_URI"] = app.config["DOCS_RATELIMIT_STORAGE_URI"]
    app.config["RATELIMIT_HEADERS_ENABLED"] = True
    lists = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
    known = [list(hooks.get(None, ())) for hooks in lists]
    limiter.init_app(app)
    # Every limit here is a decorator on its view, which checks itself when called. The hooks
    # Flask-Limiter adds to every request: its middleware check serves only default and blueprint
    # limits (none here), so it goes; its response and teardown hooks run for the limited views only.
    before, after, teardown = ([f for f in hooks.get(None, ()) if f not in old] for hooks, old in zip(lists, known))
    for hook in before:
        app.before_request_funcs[None].remove(hook)
    for hooks, added in ((app.after_request_funcs[None], after), (app.teardown_request_funcs[None], teardown)):
        for hook in added:
            hooks[hooks.index(hook)] = _only_where_limited(hook)
