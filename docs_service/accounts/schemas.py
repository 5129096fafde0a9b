"""Input and output schemas of the accounts API."""
from marshmallow import Schema, fields, validate

from ..core.api_helpers import PageQuery, StrictSchema
from ..core.fields import SINGLE_LINE, DateTime, Pattern
from .catalog import UNIT_KEY_HELP, UNIT_KEY_PATTERN
from .models import ROLES
from .operations import MIN_PASSWORD, USERNAME

UNIT_KEY = Pattern(UNIT_KEY_PATTERN, error=UNIT_KEY_HELP)


class UnitOut(Schema):
    clave = fields.String()
    nombre = fields.String()
    tipo = fields.String()
    ooad_clave = fields.String(allow_none=True, metadata={"description": "OOAD de una Subdelegación."})


class UnitQuery(PageQuery):
    tipo = fields.String(validate=validate.OneOf(["central", "ooad", "subdelegacion"]))
    ooad = fields.String(validate=Pattern(r"^[0-9]{2}$"))


class UserOut(Schema):
    id = fields.Integer()
    nombre = fields.String()
    nombre_completo = fields.String()
    roles = fields.List(fields.String())
    unidad = fields.Function(lambda u: u.unidad.clave if u.unidad else None)
    activo = fields.Boolean()
    creado = DateTime()
    tiene_contrasena = fields.Function(lambda u: u.password_hash is not None)


class UserCreate(StrictSchema):
    nombre = fields.String(required=True, validate=Pattern(USERNAME.pattern), metadata={
        "description": "Minúsculas, dígitos, punto, guion y guion bajo; empieza con letra o dígito (2 a 64)."})
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), required=True,
                        validate=validate.Length(min=1))
    unidad = fields.String(load_default=None, allow_none=True, validate=UNIT_KEY,
                           metadata={"description": UNIT_KEY_HELP + " Obligatoria para el rol operativo."})
    nombre_completo = fields.String(load_default="", validate=[validate.Length(max=200), Pattern(SINGLE_LINE)])
    password = fields.String(load_default=None, allow_none=True, load_only=True,
                             validate=validate.Length(min=MIN_PASSWORD, max=200))


class UserUpdate(StrictSchema):
    roles = fields.List(fields.String(validate=validate.OneOf(ROLES)), validate=validate.Length(min=1))
    unidad = fields.String(allow_none=True, validate=Pattern(f"^$|{UNIT_KEY_PATTERN}", error=UNIT_KEY_HELP),
                           metadata={"description": UNIT_KEY_HELP + " Vacía o null: sin unidad (no a un operativo)."})
    activo = fields.Boolean()
    nombre_completo = fields.String(validate=[validate.Length(max=200), Pattern(SINGLE_LINE)])


class UserQuery(PageQuery):
    rol = fields.String(validate=validate.OneOf(ROLES))
    unidad = fields.String(validate=UNIT_KEY)
    activo = fields.Boolean()


class TokenCreate(StrictSchema):
    descripcion = fields.String(load_default="", validate=[validate.Length(max=120), Pattern(SINGLE_LINE)])
    expira = DateTime(load_default=None, allow_none=True,
                             metadata={"description": "Fecha y hora de expiración, con su desfase (p. ej. `2027-01-31T18:00:00-06:00`); futura."})


class TokenOut(Schema):
    id = fields.Integer()
    prefijo = fields.String()
    descripcion = fields.String()
    creado = DateTime()
    expira = DateTime(allow_none=True)
    revocado = DateTime(allow_none=True)
    usuario = fields.Function(lambda t: t.usuario.nombre)


class TokenCreated(TokenOut):
    token = fields.String(metadata={"description": "El secreto; se muestra solo esta vez."})
