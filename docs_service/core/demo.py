"""`docs-service demo`: demo users of every role, then each area's demo data. Idempotent."""
import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from .cli import command_errors
from .db import db, transaction

DEMO_PASSWORD = "demo-normateca-2026"  # demo only; documented in the README
DEMO_USERS = [
    ("admin.demo", ["admin"], "09", "Administración (demostración)"),
    ("normativo.demo", ["normativo"], "09", "Analista normativo (demostración)"),
    ("normativo2.demo", ["normativo"], "09", "Segundo analista normativo (demostración)"),
    ("revisor.demo", ["revisor"], "09", "Revisión jurídico-normativa (demostración)"),
    ("titular.demo", ["titular"], "09", "Persona titular de la Coordinación (demostración)"),
    ("validador.demo", ["validador"], "09", "Unidad validadora (demostración)"),
    ("operativo.3301", ["operativo"], "3301", "Operativo Mérida Norte (demostración)"),
    ("operativo.3302", ["operativo"], "3302", "Operativo Mérida Sur (demostración)"),
    ("operativo.1601", ["operativo"], "1601", "Operativo Toluca (demostración)"),
    ("consultor.demo", ["consultor"], "09", "Consultas normativas (demostración)"),
    ("auditor.demo", ["auditor"], "09", "Auditoría (demostración)"),
]


def load_users():
    from ..accounts import operations as accounts
    from ..accounts.models import User
    created = 0
    for nombre, roles, unidad, completo in DEMO_USERS:
        if db.session.scalar(select(User).where(User.nombre == nombre)) is None:
            accounts.create_user(None, nombre=nombre, roles=roles, unidad=unidad,
                                 nombre_completo=completo, password=DEMO_PASSWORD)
            created += 1
    return created


@click.command("demo")
@with_appcontext
@command_errors
def demo_command():
    """Carga los datos de demostración (usuarios de cada rol y la normateca de ejemplo)."""
    with transaction():
        created = load_users()
    click.echo(f"Usuarios de demostración creados: {created} (contraseña: {DEMO_PASSWORD}).")
    for loader in current_app.extensions.get("docs_demo_loaders", []):
        loader()
