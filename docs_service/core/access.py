"""Who is calling, and may they call this endpoint. Deny by default: an endpoint without a declared
policy refuses everyone (and a test fails). Object-level rules live as predicates on the models."""
import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, g, redirect, request, url_for
from flask_login import current_user

from .db import utcnow
from .errors import NotAllowed, NotFound, Unauthorized


@dataclass(frozen=True)
class Policy:
    """Who may reach an endpoint: nobody but the listed roles (any authenticated user when roles is
    empty and public is False; anyone when public is True)."""
    name: str
    roles: tuple = ()
    public: bool = False

    def allows(self, user) -> bool:
        if self.public:
            return True
        if user is None:
            return False
        return not self.roles or user.has_role(*self.roles)


PUBLIC = Policy("publico", public=True)
AUTHENTICATED = Policy("autenticado")


def roles(*names: str) -> Policy:
    return Policy("roles:" + ",".join(names), roles=tuple(names))


def policy(p: Policy):
    """Declare the policy of a view function or a MethodView method."""
    def decorate(func):
        func._policy = p
        return func
    return decorate


# Endpoints registered by libraries, whose functions we do not decorate.
LIBRARY_POLICIES = {
    "static": PUBLIC,
    "api-docs.openapi_json": AUTHENTICATED,
    "api-docs.openapi_swagger_ui": AUTHENTICATED,
}


def accepts_multipart(func):
    """Mark an API handler that takes a multipart upload instead of JSON."""
    func._multipart = True
    return func


def stateless(func):
    """Mark a public POST that changes nothing and reads no session (e.g. checking an uploaded file):
    it needs no CSRF token, so a third party can call it without a session."""
    func._stateless = True
    return func


def view_attr(app, endpoint: str, method: str, name: str):
    """An attribute set by our decorators on a view function or on a MethodView's method."""
    view = app.view_functions.get(endpoint)
    if view is None:
        return None
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        handler = getattr(view_class, method.lower(), None)
        if handler is None and method == "HEAD":
            handler = getattr(view_class, "get", None)
        return getattr(handler, name, None)
    return getattr(view, name, None)


def endpoint_policy(app, endpoint: str, method: str) -> Policy | None:
    if method == "OPTIONS":
        return PUBLIC  # answered by Flask itself with the Allow header; no data
    if endpoint in LIBRARY_POLICIES:
        return LIBRARY_POLICIES[endpoint]
    return view_attr(app, endpoint, method, "_policy")


def check_content_type():
    """API writes take JSON (or multipart where the handler says so); anything else is 415."""
    if not request.path.startswith("/api/") or request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if not request.content_length and not request.headers.get("Transfer-Encoding"):
        return
    multipart = view_attr(current_app, request.endpoint, request.method, "_multipart")
    if request.mimetype == ("multipart/form-data" if multipart else "application/json"):
        return
    from .errors import UnsupportedType
    if multipart:
        expected, label = "multipart/form-data", "un formulario multipart/form-data con el archivo"
    else:
        expected, label = "application/json", "JSON (application/json)"
    raise UnsupportedType(f"Tipo de contenido no aceptado; envíe {label}.", esperado=expected)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


class Principal:
    """The authenticated caller, read from the database on every request with two small queries.
    Common attributes are plain; anything else falls back to the full `User` model, loaded lazily."""
    is_authenticated = True
    is_anonymous = False
    is_active = True

    def __init__(self, id, nombre, unidad_id, unidad_clave, roles):
        self.id, self.nombre, self.unidad_id, self.unidad_clave = id, nombre, unidad_id, unidad_clave
        self.roles = sorted(roles)

    def get_id(self) -> str:
        return str(self.id)

    def has_role(self, *names: str) -> bool:
        return any(r in names for r in self.roles)

    @property
    def model(self):
        """The full user row, loaded on first use by the accounts area's loader."""
        if "_model" not in self.__dict__:
            self.__dict__["_model"] = current_app.extensions["docs_auth"].user_model(self.id)
        return self.__dict__["_model"]

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.model, name)


def load_principal(user_id: int | None = None, token_hash: str | None = None):
    """Returns (Principal or None when inactive, the matched row or None). The lookup itself belongs
    to the accounts area, which registers it as `app.extensions["docs_auth"]` (see its setup)."""
    row, roles = current_app.extensions["docs_auth"].lookup(user_id=user_id, token_hash=token_hash)
    if row is None:
        return None, None
    principal = Principal(row.id, row.nombre, row.unidad_id, row.clave, roles) if row.activo else None
    return principal, row


def _user_from_bearer(header: str):
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > 200:
        raise Unauthorized("El encabezado Authorization debe ser «Bearer <token>».", code="token_invalido")
    principal, row = load_principal(token_hash=hash_token(secret))
    if row is None:
        raise Unauthorized("El token no es válido.", code="token_invalido")
    if row.revocado is not None:
        raise Unauthorized("El token fue revocado.", code="token_revocado")
    if row.expira is not None and row.expira <= utcnow():
        raise Unauthorized("El token expiró.", code="token_expirado")
    if principal is None:
        raise Unauthorized("La cuenta está desactivada.", code="cuenta_inactiva")
    return principal


def authenticate():
    """Resolve g.user from a Bearer token (API) or the session (pages); g.via tells which."""
    ctx, req = g._get_current_object(), request._get_current_object()  # once: this runs on every request
    user, via = None, None
    header = req.headers.get("Authorization")
    if header and req.path.startswith("/api/"):
        user, via = _user_from_bearer(header), "token"
    elif current_user and current_user.is_authenticated:
        user, via = current_user._get_current_object(), "sesion"
    ctx.user, ctx.via = user, via
    ctx.user_name = user.nombre if user is not None else None


def init_app(app):
    from ..extensions import csrf

    @app.before_request
    def _authorize():
        ctx, req, app_ = g._get_current_object(), request._get_current_object(), current_app._get_current_object()
        endpoint, method = req.endpoint, req.method
        if endpoint is None:  # routing will answer 404/405
            if not req.path.startswith("/api/"):
                authenticate()  # a signed-in person keeps the menu on the error page
            return None
        p = endpoint_policy(app_, endpoint, method)
        if p is None:
            raise NotAllowed("Esta ruta no tiene una política de acceso declarada.", code="sin_politica")
        check_content_type()
        declared = view_attr(app_, endpoint, method, "_writes")
        if declared is not None:  # @writes (a GET that writes) or @writes_apart (a POST that reads)
            ctx.write_intent = declared
        authenticate()
        if ctx.user is None and not p.public:
            if req.path.startswith("/api/"):
                raise Unauthorized()
            return redirect(url_for("accounts_pages.login", next=safe_next(req.full_path)))
        if ctx.via != "token" and method not in ("GET", "HEAD", "OPTIONS") \
                and not (p.public and view_attr(app_, endpoint, method, "_stateless")):
            csrf.protect()
        if p.allows(ctx.user):
            return None
        raise NotAllowed()


def require(condition: bool, hide: bool = False, message: str | None = None, code: str | None = None):
    """Object-level check: 404 when existence must not leak, 403 otherwise; audited either way."""
    if condition:
        return
    if hide:
        raise NotFound(refusal="acceso_denegado")
    raise NotAllowed(message, code=code)


def safe_next(target: str | None) -> str:
    """Only same-site paths may be redirected to after login; anything else goes home."""
    if not target or any(ord(c) < 32 or c == "\\" for c in target):
        return "/"
    from urllib.parse import unquote
    decoded = unquote(target)
    if "\\" in decoded or any(ord(c) < 32 for c in decoded):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    if target.endswith("?"):
        target = target[:-1]
    return target
