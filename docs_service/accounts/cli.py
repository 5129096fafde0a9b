"""`docs-service users create` and `docs-service tokens create`."""
import sys

import click
from flask.cli import with_appcontext

from ..core.cli import command_errors
from ..core.db import transaction
from ..core.errors import NotFound
from . import operations as ops
from .catalog import UNIT_KEY_HELP
from .models import ROLES


@click.group("users", help="Usuarios.")
def users_group():
    pass


@users_group.command("create")
@click.argument("nombre")
@click.option("--rol", "roles", required=True, multiple=True,
              help=f"Rol (repetible o separado por comas): {', '.join(ROLES)}.")
@click.option("--unidad", default=None, help=UNIT_KEY_HELP)
@click.option("--nombre-completo", default="", help="Nombre de la persona.")
@click.option("--password-stdin", is_flag=True, help="Lee la contraseña de la entrada estándar.")
@with_appcontext
@command_errors
def create_user(nombre, roles, unidad, nombre_completo, password_stdin):
    """Crea un usuario; sin --password-stdin solo podrá usar tokens de API."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    role_list = [r.strip() for item in roles for r in item.split(",") if r.strip()]
    with transaction():
        user = ops.create_user(None, nombre=nombre, roles=role_list, unidad=unidad,
                               nombre_completo=nombre_completo, password=password)
        summary = f"Usuario «{user.nombre}» creado (roles: {', '.join(user.roles)}" + \
                  (f"; unidad {user.unidad.clave})." if user.unidad else ").")
    click.echo(summary)


@click.group("tokens", help="Tokens de API.")
def tokens_group():
    pass


@tokens_group.command("create")
@click.argument("nombre")
@click.option("--descripcion", default="creado por línea de comandos")
@click.option("--expira-dias", type=click.IntRange(min=1, max=3650), default=None,
              help="Días de validez (sin esta opción el token no expira; se puede revocar).")
@with_appcontext
@command_errors
def create_token(nombre, descripcion, expira_dias):
    """Emite un token para el usuario; el token queda solo en la última línea."""
    from datetime import timedelta

    from ..core.db import utcnow
    from sqlalchemy import select
    from ..core.db import db
    from .models import User
    with transaction():
        user = db.session.scalar(select(User).where(User.nombre == ops.normalize_username(nombre)))
        if user is None:
            raise NotFound(f"El usuario «{nombre[:64]}» no existe.")
        expira = utcnow() + timedelta(days=expira_dias) if expira_dias else None
        _token, secret = ops.create_token(None, user, descripcion=descripcion, expira=expira)
    click.echo(f"Token para «{user.nombre}» (guárdelo; no se volverá a mostrar):")
    click.echo(secret)
