"""Input and output schemas of the accounts API."""
from marshmallow import Schema, fields, validate

from ..core.api_helpers import PageQuery, StrictSchema
from .catalog import UNIT_KEY_HELP, UNIT_KEY_PATTERN
from .models import ROLES

UNIT_KEY = validate.Regexp(UNIT_KEY_PATTERN, error=UNIT_KEY_HELP)


class UnitOut(Schema):
    clave = fields.String()
    nombre = fields.String()
    tipo = fields.String()
    ooad_clave = fields.String(allow_none=True, metadata={"description": "OOAD de una Subdelegación."})


class UnitQuery(PageQuery):
    tipo = fields.String(validate=validate.OneOf(["central", "ooad", "subdelegacion"]))
    ooad = fields.String(validate=validate.Regexp(r"^\d{2}$"))


class UserOut(Schema):
    id = fields.Integer()
    nombre = fields.String()
    nombre_completo = fields.String()
    roles = fields.List(fields.String())
    unidad = fields.Function(lambda u: u.unidad.clave if u.unidad else None)
    activo = fields.Boolean()
    creado = fields.DateTime()
    tiene_contrasena = fields.Function(lambda u: u.password_hash is not None)


class UserCreate(StrictSchema):
    nombre = fields.String(required=True, validate=validate.Length(min=2, max=64))
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True,
                        validate=validate.Length(min=1))
    unidad = fields.String(load_default=None, allow_none=True, validate=UNIT_KEY,
                           metadata={"description": UNIT_KEY_HELP})
    nombre_completo = fields.String(load_default="", validate=validate.Length(max=200))
    password = fields.String(load_default=None, allow_none=True, load_only=True,
                             validate=validate.Length(max=200))


class UserUpdate(StrictSchema):
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), validate=validate.Length(min=1))
    unidad = fields.String(allow_none=True, validate=validate.Regexp(r"^$|" + UNIT_KEY_PATTERN, error=UNIT_KEY_HELP),
                           metadata={"description": UNIT_KEY_HELP + " Vacía o null: sin unidad."})
    activo = fields.Boolean()
    nombre_completo = fields.String(validate=validate.Length(max=200))


class UserQuery(PageQuery):
    rol = fields.String(validate=validate.OneOf(ROLES))
    unidad = fields.String(validate=UNIT_KEY)
    activo = fields.Boolean()


class TokenCreate(StrictSchema):
    descripcion = fields.String(load_default="", validate=validate.Length(max=120))
    expira = fields.DateTime(load_default=None, allow_none=True,
                             metadata={"description": "Fecha y hora UTC de expiración (opcional)."})


class TokenOut(Schema):
    id = fields.Integer()
    prefijo = fields.String()
    descripcion = fields.String()
    creado = fields.DateTime()
    expira = fields.DateTime(allow_none=True)
    revocado = fields.DateTime(allow_none=True)
    usuario = fields.Function(lambda t: t.usuario.nombre)


class TokenCreated(TokenOut):
    token = fields.String(metadata={"description": "El secreto; se muestra solo esta vez."})
