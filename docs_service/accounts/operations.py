"""Business rules for accounts. Functions validate, mutate, flush and signal; they never commit."""
import re
import secrets
import unicodedata
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified
from werkzeug.security import check_password_hash, generate_password_hash

from ..core import signals
from ..core.access import hash_token
from ..core.db import db, utcnow
from ..core.errors import Conflict, InvalidInput, NotFound
from .catalog import UNIT_KEY_HELP, read_catalog
from .models import ROLES, ApiToken, Unit, User, UserRole

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10


def load_catalog(actor=None) -> int:
    """Insert or update the official catalog (central level, OOAD, Subdelegaciones); returns how many
    rows changed. Units are never deleted here: keys that leave the catalog need a migration."""
    session = db.session
    existing = {u.clave: u for u in session.scalars(select(Unit))}
    changed = 0
    for row in read_catalog():
        values = dict(nombre=row.nombre, tipo=row.tipo, ooad_clave=row.ooad_clave)
        unit = existing.get(row.clave)
        if unit is None:
            session.add(Unit(clave=row.clave, **values))
            changed += 1
        elif any(getattr(unit, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(unit, k, v)
            changed += 1
    session.flush()
    if changed:
        signals.catalog_loaded.send(None, actor=actor, cambios=changed)
    return changed


def unit_by_clave(clave: str | None) -> Unit | None:
    if not clave:
        return None
    unit = db.session.scalar(select(Unit).where(Unit.clave == clave))
    if unit is None:
        raise InvalidInput(f"La unidad «{clave[:8]}» no existe en el catálogo.", code="unidad_inexistente",
                           errors={"unidad": ["No existe en el catálogo. " + UNIT_KEY_HELP]})
    return unit


def _check_roles(roles: list[str]) -> list[str]:
    roles = sorted(set(roles))
    bad = [r for r in roles if r not in ROLES]
    if not roles or bad:
        raise InvalidInput("Rol no válido.", code="rol_invalido",
                           errors={"roles": [f"Debe ser uno o varios de: {', '.join(ROLES)}."]})
    return roles


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"La contraseña debe tener al menos {MIN_PASSWORD} caracteres.",
                           code="contrasena_debil", errors={"password": ["Demasiado corta."]})


def normalize_username(name: str) -> str:
    return unicodedata.normalize("NFC", name or "").strip()


def create_user(actor, *, nombre: str, roles: list[str], unidad: str | None = None,
                nombre_completo: str = "", password: str | None = None) -> User:
    nombre = normalize_username(nombre)
    if not USERNAME.match(nombre):
        raise InvalidInput("El nombre de usuario solo admite minúsculas, dígitos, punto, guion y guion bajo "
                           "(2 a 64 caracteres).", code="nombre_invalido",
                           errors={"nombre": ["Formato no válido."]})
    roles = _check_roles(roles)
    unit = unit_by_clave(unidad)
    if "operativo" in roles and (unit is None or unit.tipo == "central"):
        raise InvalidInput("Un usuario operativo debe pertenecer a un OOAD o a una Subdelegación.",
                           code="unidad_requerida", errors={"unidad": ["Obligatoria para el rol operativo."]})
    if any(ord(c) < 32 or ord(c) == 127 for c in nombre_completo):
        raise InvalidInput("El nombre completo contiene caracteres de control.", code="nombre_invalido",
                           errors={"nombre_completo": ["Caracteres no permitidos."]})
    if db.session.scalar(select(User).where(User.nombre == nombre)) is not None:
        raise Conflict(f"Ya existe el usuario «{nombre}».", code="usuario_duplicado")
    user = User(nombre=nombre, nombre_completo=nombre_completo.strip()[:200], unidad=unit, activo=True,
                role_rows=[UserRole(rol=r) for r in roles])
    if password is not None:
        _check_password(password)
        user.password_hash = generate_password_hash(password)
    db.session.add(user)
    db.session.flush()
    signals.user_created.send(user, actor=actor, nombre=user.nombre, roles=roles,
                              unidad=unit.clave if unit else None)
    return user


def update_user(actor, user: User, *, roles: list[str] | None = None, unidad: str | None = None,
                activo: bool | None = None, nombre_completo: str | None = None) -> User:
    changes = {}
    if roles is not None:
        roles = _check_roles(roles)
        if user.id == actor.id and "admin" in user.roles and "admin" not in roles:
            raise Conflict("No puede quitarse a sí mismo el rol admin.", code="autobloqueo")
        user.role_rows = [r for r in user.role_rows if r.rol in roles] + \
            [UserRole(rol=r) for r in roles if r not in user.roles]
        changes["roles"] = roles
    if unidad is not None:
        user.unidad = unit_by_clave(unidad) if unidad else None
        changes["unidad"] = unidad or None
    if activo is not None:
        if user.id == actor.id and not activo:
            raise Conflict("No puede desactivar su propia cuenta.", code="autobloqueo")
        user.activo = activo
        changes["activo"] = activo
    if nombre_completo is not None:
        user.nombre_completo = nombre_completo.strip()[:200]
        changes["nombre_completo"] = True
    if "operativo" in user.roles and (user.unidad is None or user.unidad.tipo == "central"):
        raise InvalidInput("Un usuario operativo debe pertenecer a un OOAD o a una Subdelegación.",
                           code="unidad_requerida", errors={"unidad": ["Obligatoria para el rol operativo."]})
    flag_modified(user, "nombre_completo")  # always bump the row's version, even for role-only changes
    db.session.flush()
    signals.user_updated.send(user, actor=actor, **changes)
    return user


def set_password(actor, user: User, password: str) -> None:
    _check_password(password)
    user.password_hash = generate_password_hash(password)
    db.session.flush()
    signals.password_changed.send(user, actor=actor)


def check_login(nombre: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.nombre == normalize_username(nombre)))
    if user is None or not user.activo or not user.password_hash:
        check_password_hash(_DUMMY_HASH, password or "")  # same cost whether or not the user exists
        return None
    return user if check_password_hash(user.password_hash, password or "") else None


_DUMMY_HASH = generate_password_hash("x" * 16)


def create_token(actor, user: User, *, descripcion: str = "", expira: datetime | None = None) -> tuple[ApiToken, str]:
    """Returns (token row, secret). The secret is never stored, only its SHA-256."""
    if not user.activo:
        raise Conflict("La cuenta está desactivada.", code="cuenta_inactiva")
    if expira is not None and expira.tzinfo is not None:
        expira = expira.astimezone(timezone.utc).replace(tzinfo=None)
    if expira is not None and expira <= utcnow():
        raise InvalidInput("La expiración debe ser futura.", code="expiracion_invalida",
                           errors={"expira": ["Debe ser una fecha futura."]})
    secret = "nc_" + secrets.token_urlsafe(32)
    token = ApiToken(usuario=user, prefijo=secret[:10], token_hash=hash_token(secret),
                     descripcion=(descripcion or "").strip()[:120], expira=expira)
    db.session.add(token)
    db.session.flush()
    signals.token_created.send(token, actor=actor, usuario=user.nombre, prefijo=token.prefijo)
    return token, secret


def revoke_token(actor, token: ApiToken) -> ApiToken:
    if token.revocado is None:
        token.revocado = utcnow()
        db.session.flush()
        signals.token_revoked.send(token, actor=actor, usuario=token.usuario.nombre, prefijo=token.prefijo)
    return token


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("El usuario no existe.")
    return user
