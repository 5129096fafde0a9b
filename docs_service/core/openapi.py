"""The OpenAPI document tells the truth: the error body as it is sent, the bearer scheme (so the
docs page's *Authorize* works), which operations are public, and what ids a path accepts."""
import flask_smorest
from apispec import BasePlugin
from marshmallow import INCLUDE, Schema, fields

from .access import endpoint_policy
from .routing import IdConverter

BEARER = "bearer"


class ErrorOut(Schema):
    """Every error answer (JSON): flask-smorest's shape plus a stable Spanish key and the request id."""

    class Meta:
        unknown = INCLUDE  # some errors add context (see the optional fields below)

    code = fields.Integer(required=True, metadata={"description": "El estado HTTP."})
    status = fields.String(required=True, metadata={"description": "Nombre del estado HTTP."})
    error = fields.String(required=True, metadata={"description": "Clave estable del error (p. ej. `conflicto_de_version`)."})
    message = fields.String(required=True, metadata={"description": "Mensaje en español para la persona usuaria."})
    errors = fields.Dict(keys=fields.String(), metadata={
        "description": "Por campo (o por ubicación: `json`, `query`, `_schema` para el cuerpo entero): "
                       "lista de mensajes, u objeto anidado para campos anidados."})
    request_id = fields.String(required=True, metadata={"description": "Identificador de la petición (también en X-Request-ID)."})
    permitidas = fields.List(fields.String(), metadata={"description": "409 de flujo: acciones permitidas ahora."})
    etag_actual = fields.String(metadata={"description": "409 `conflicto_de_version`: la ETag vigente."})
    max_bytes = fields.Integer(metadata={"description": "413: tamaño máximo aceptado."})
    esperado = fields.String(metadata={"description": "415: tipo de contenido esperado."})
    elementos = fields.List(fields.String(), metadata={"description": "422 de archivo: elementos rechazados."})


class Api(flask_smorest.Api):
    ERROR_SCHEMA = ErrorOut


class AccessPlugin(BasePlugin):
    """Marks each operation with who may call it, read from its `@policy` (public ones need no token)."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def operation_helper(self, path=None, operations=None, **kwargs):
        rule = kwargs.get("rule")
        if rule is None or not operations:
            return
        for method, operation in operations.items():
            policy = endpoint_policy(self.app, rule.endpoint, method.upper())
            if policy is None:
                continue
            if policy.public:
                operation["security"] = []
                access = "Público (sin token)."
            elif policy.roles:
                access = "Roles: " + ", ".join(policy.roles) + "."
            else:
                access = "Cualquier usuario autenticado."
            description = operation.get("description", "")
            operation["description"] = f"{description}\n\n{access}".strip()


def decimal_fields(self, field, ret, **kwargs):
    """Decimals as they travel. In an input schema (StrictSchema) a JSON number, with its bounds as
    numbers (apispec would copy Decimal bounds, which reach the JSON as strings); in an answer, the
    text marshmallow writes for `as_string` decimals."""
    from decimal import Decimal

    from .api_helpers import StrictSchema
    if not isinstance(field, fields.Decimal):
        return {}
    if isinstance(field.parent, StrictSchema) or not field.as_string:
        for key in ("minimum", "maximum"):
            if isinstance(ret.get(key), (Decimal, str)):
                ret[key] = float(ret[key])
        return {}
    ret.pop("minimum", None)
    ret.pop("maximum", None)
    return {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"}


def init_app(app, api):
    """Bind the Api to the app with our plugin, scheme and converter (before blueprints register)."""
    api.init_app(app, spec_kwargs={
        "extra_plugins": [AccessPlugin(app)],
        "security": [{BEARER: []}],
    })
    api.spec.components.security_scheme(BEARER, {
        "type": "http", "scheme": "bearer",
        "description": "Token de API (`docs-service tokens create NOMBRE`), como `Authorization: Bearer <token>`.",
    })
    api.register_converter(IdConverter, _id_schema)
    api.ma_plugin.converter.add_attribute_function(decimal_fields)


def _id_schema(converter):
    return {"type": "integer", "minimum": 0, "maximum": converter.max, "format": "int32"}
