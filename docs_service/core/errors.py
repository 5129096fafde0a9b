"""Typed domain errors, raised by operations and mapped once to JSON (/api/*) or an HTML page."""
import logging
from contextlib import contextmanager
from http import HTTPStatus

from flask import g, has_request_context, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from . import signals
from .db import mark_failed

log = logging.getLogger(__name__)


class DomainError(Exception):
    status = 400
    code = "solicitud_invalida"
    message = "La solicitud no es válida."
    refusal: str | None = None   # audit action written (after the rollback) when a request fails with it

    def __init__(self, message: str | None = None, *, code: str | None = None, errors=None,
                 refusal: str | None = None, audit: dict | None = None, **extra):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.code = code or self.code
        self.errors = errors
        self.extra = extra
        self.audit = audit or {}   # extra detail for the refusal's audit row (never sent to the client)
        if refusal is not None:
            self.refusal = refusal


class InvalidInput(DomainError):
    status, code, message = 422, "datos_invalidos", "Los datos enviados no son válidos."


class Unauthorized(DomainError):
    status, code, message = 401, "no_autenticado", "Se requiere autenticación válida."


class NotAllowed(DomainError):
    status, code, message = 403, "sin_permiso", "No tiene permiso para realizar esta acción."
    refusal = "acceso_denegado"


class NotFound(DomainError):
    status, code, message = 404, "no_encontrado", "El recurso solicitado no existe."


class Conflict(DomainError):
    status, code, message = 409, "conflicto", "La operación entra en conflicto con el estado actual."


class InvalidTransition(Conflict):
    code, message = "transicion_invalida", "La transición no está permitida en el estado actual."


class StaleVersion(Conflict):
    code, message = "conflicto_de_version", "El recurso cambió desde que lo consultó; vuelva a cargarlo."


class PreconditionRequired(DomainError):
    status, code, message = 428, "if_match_requerido", "Envíe el encabezado If-Match con la ETag vigente."


class TooLarge(DomainError):
    status, code, message = 413, "archivo_demasiado_grande", "El contenido excede el tamaño permitido."
    refusal = "upload_rechazado"


class UnsupportedType(DomainError):
    status, code, message = 415, "tipo_no_soportado", "El tipo de contenido no es aceptado."


class InvalidUpload(DomainError):
    status, code, message = 422, "archivo_invalido", "El archivo no es válido."
    refusal = "upload_rechazado"


class Unavailable(DomainError):
    status, code, message = 503, "servicio_no_disponible", "El servicio no está disponible; intente más tarde."


class Gone(DomainError):
    status, code, message = 410, "no_disponible", "El recurso ya no está disponible."


HTTP_MESSAGES = {
    400: "La solicitud no es válida.",
    401: "Se requiere autenticación válida.",
    403: "No tiene permiso para realizar esta acción.",
    404: "El recurso solicitado no existe.",
    405: "Método no permitido para este recurso.",
    406: "Formato de respuesta no aceptable.",
    409: "La operación entra en conflicto con el estado actual.",
    412: "La versión indicada en If-Match ya no es la vigente.",
    413: "El contenido excede el tamaño permitido.",
    415: "El tipo de contenido no es aceptado; envíe JSON.",
    422: "Los datos enviados no son válidos.",
    428: "Envíe el encabezado If-Match con la ETag vigente.",
    429: "Demasiadas solicitudes; espere antes de reintentar.",
    500: "Error interno del servicio.",
    503: "El servicio no está disponible; intente más tarde.",
}

HTTP_CODES = {
    400: "solicitud_invalida", 401: "no_autenticado", 403: "sin_permiso", 404: "no_encontrado",
    405: "metodo_no_permitido", 406: "no_aceptable", 409: "conflicto", 412: "precondicion_fallida",
    413: "archivo_demasiado_grande", 415: "tipo_no_soportado", 422: "datos_invalidos",
    428: "if_match_requerido", 429: "demasiadas_solicitudes", 500: "error_interno",
    503: "servicio_no_disponible",
}

# marshmallow / webargs messages, in Spanish for the user.
FIELD_MESSAGES = {
    "Missing data for required field.": "Este dato es obligatorio.",
    "Unknown field.": "Campo no permitido.",
    "Not a valid string.": "Debe ser texto.",
    "Not a valid integer.": "Debe ser un número entero.",
    "Not a valid boolean.": "Debe ser verdadero o falso.",
    "Not a valid date.": "Debe ser una fecha AAAA-MM-DD.",
    "Not a valid datetime.": "Debe ser una fecha y hora ISO 8601.",
    "Not a valid list.": "Debe ser una lista.",
    "Not a valid mapping type.": "Debe ser un objeto.",
    "Field may not be null.": "No puede ser nulo.",
    "Invalid input type.": "Tipo de dato no válido.",
    "Invalid value.": "Valor no válido.",
    "Not a valid email address.": "Correo electrónico no válido.",
    "Invalid JSON body.": "El cuerpo no es JSON válido.",
}


def translate(messages):
    if isinstance(messages, dict):
        return {k: translate(v) for k, v in messages.items()}
    if isinstance(messages, list):
        return [translate(m) for m in messages]
    if isinstance(messages, str):
        if messages in FIELD_MESSAGES:
            return FIELD_MESSAGES[messages]
        if messages.startswith("Must be one of:"):
            return "Debe ser uno de:" + messages[len("Must be one of:"):]
        if messages.startswith("Length must be") or messages.startswith("Shorter than") or messages.startswith("Longer than"):
            return "Longitud fuera del intervalo permitido."
        if messages.startswith("Must be greater") or messages.startswith("Must be less"):
            return "Valor fuera del intervalo permitido."
    return messages


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_body(status: int, code: str, message: str, errors=None, **extra) -> dict:
    body = {"code": status, "status": HTTPStatus(status).phrase, "error": code, "message": message}
    if errors:
        body["errors"] = errors
    body.update(extra)
    body["request_id"] = g.get("request_id")
    return body


@contextmanager
def refused_as(accion: str, **audit):
    """Any domain error raised inside is a refusal audited as `accion` (e.g. every refused upload)."""
    try:
        yield
    except DomainError as err:
        err.refusal = err.refusal or accion
        err.audit = {**audit, **err.audit}
        raise


def fail(err: DomainError | None = None, *, refusal: str | None = None, code: str | None = None) -> None:
    """The one place a failed request is settled: its transaction will roll back, and a refusal
    (denied access, rejected upload, too large…) is audited after that rollback, via a signal."""
    mark_failed()
    accion = refusal or (err.refusal if err is not None else None)
    if accion and has_request_context():
        signals.request_refused.send(
            None, accion=accion, resultado="denegado" if accion == "acceso_denegado" else "rechazado",
            detalle={"ruta": request.path[:200], "metodo": request.method,
                     "motivo": code or (err.code if err is not None else None),
                     **(err.audit if err is not None else {})})


def render_error(status: int, code: str, message: str, errors=None, headers=None, **extra):
    mark_failed()
    if wants_json():
        response = jsonify(error_body(status, code, message, errors, **extra))
    else:
        response = make_response(render_template("errors.html", status=status, message=message,
                                                 request_id=g.get("request_id")), status)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def init_app(app):
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        fail(err)
        headers = {}
        if err.status == 503:
            headers["Retry-After"] = "30"
        return render_error(err.status, err.code, err.message, err.errors, headers=headers, **err.extra)

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        status = err.code or 500
        data = getattr(err, "data", None) or {}
        errors = translate(data.get("messages")) if data.get("messages") else None
        # One location's field errors come unwrapped ({campo: [...]}); a message about the whole
        # body stays under its location ({"json": [...]}): `errors` is always an object.
        if errors and isinstance(errors, dict) and set(errors) <= {"json", "form", "query", "files", "headers", "querystring"} and len(errors) == 1 \
                and isinstance(next(iter(errors.values())), dict):
            errors = next(iter(errors.values()))
        message = HTTP_MESSAGES.get(status, err.description or "Error.")
        if status == 400 and data.get("messages", {}).get("json") == {"_schema": ["Invalid input type."]}:
            message = "El cuerpo debe ser un objeto JSON."
        extra = {}
        if status == 413:
            extra["max_bytes"] = app.config["MAX_CONTENT_LENGTH"]
            fail(refusal="upload_rechazado" if request.mimetype == "multipart/form-data" else "solicitud_rechazada",
                 code="archivo_demasiado_grande")
        headers = dict(err.get_headers()) if status == 405 else {}
        allow = {k: v for k, v in headers.items() if k.lower() == "allow"}
        return render_error(status, HTTP_CODES.get(status, "error"), message, errors, headers=allow, **extra)

    from sqlalchemy.orm.exc import StaleDataError

    @app.errorhandler(StaleDataError)
    def _stale(_err):
        return render_error(409, StaleVersion.code, StaleVersion.message)

    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def _csrf(_err):
        return render_error(400, "csrf_invalido",
                            "El formulario expiró o no es válido (token CSRF). Recargue la página e intente de nuevo.")

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        log.exception("unhandled error", extra={"request_id": g.get("request_id")})
        return render_error(500, "error_interno", HTTP_MESSAGES[500])
