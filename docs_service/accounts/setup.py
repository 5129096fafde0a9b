"""Wiring of the accounts area: the caller lookup for core.access, the session user loader, and
what `docs-service init` creates (the organisational catalog and the first admin)."""
import secrets

import click
from flask import current_app
from sqlalchemy import select

from ..core.access import load_principal
from ..core.db import db
from ..extensions import login_manager
from . import labels
from . import operations as ops
from .auth import AccountsAuth
from .catalog import CENTRAL_CLAVE
from .models import User


def connect(app):
    labels.register(app)
    app.extensions["docs_auth"] = AccountsAuth()
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(user_id):
        if not str(user_id).isdigit():
            return None
        return load_principal(user_id=int(user_id))[0]


def init():
    changed = ops.load_catalog()
    click.echo(f"Base de datos al día. Unidades actualizadas: {changed}.")
    if db.session.scalar(select(User.id).where(User.nombre == "admin")) is not None:
        return
    password = current_app.config["DOCS_ADMIN_PASSWORD"] or None
    generated = None
    if password is None:
        generated = password = secrets.token_urlsafe(12)
    ops.create_user(None, nombre="admin", roles=["admin"], unidad=CENTRAL_CLAVE,
                    nombre_completo="Administración del servicio", password=password)
    db.session.flush()
    if generated:
        click.echo(f"Usuario admin creado. Contraseña inicial (se muestra una sola vez): {generated}")
