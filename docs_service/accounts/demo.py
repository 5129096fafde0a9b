"""Demo users of every role (idempotent); the other areas' demo data acts as them."""
import click
from sqlalchemy import select

from ..core.db import db, transaction
from . import operations as ops
from .models import User

DEMO_PASSWORD = "demo-normateca-2026"  # demo only; documented in the README
DEMO_USERS = [
    ("admin.demo", ["admin"], "NC", "Administración (demostración)"),
    ("normativo.demo", ["normativo"], "NC", "Analista normativo (demostración)"),
    ("normativo2.demo", ["normativo"], "NC", "Segundo analista normativo (demostración)"),
    ("revisor.demo", ["revisor"], "NC", "Revisión jurídico-normativa (demostración)"),
    ("titular.demo", ["titular"], "NC", "Persona titular de la Coordinación (demostración)"),
    ("validador.demo", ["validador"], "NC", "Unidad validadora (demostración)"),
    ("operativo.3301", ["operativo"], "3301", "Operativo de cobranza (demostración)"),
    ("operativo.3333", ["operativo"], "3333", "Operativo de cobranza (demostración)"),
    ("operativo.1601", ["operativo"], "1601", "Operativo de cobranza (demostración)"),
    ("consultor.demo", ["consultor"], "NC", "Consultas normativas (demostración)"),
    ("consultor.3301", ["consultor"], "3301", "Consultas de la Subdelegación (demostración)"),
    ("auditor.demo", ["auditor"], "NC", "Auditoría (demostración)"),
]


def load():
    created = 0
    with transaction():
        for nombre, roles, unidad, completo in DEMO_USERS:
            if db.session.scalar(select(User).where(User.nombre == nombre)) is None:
                ops.create_user(None, nombre=nombre, roles=roles, unidad=unidad,
                                nombre_completo=completo, password=DEMO_PASSWORD)
                created += 1
    click.echo(f"Usuarios de demostración creados: {created} (contraseña: {DEMO_PASSWORD}).")


def demo_user(nombre: str):
    """The demo user as a principal, for other areas' demo loaders."""
    from ..core.access import load_principal
    from ..core.errors import DomainError
    user_id = db.session.scalar(select(User.id).where(User.nombre == nombre))
    if user_id is None:
        raise DomainError(f"Falta el usuario de demostración «{nombre}»; ejecute primero la carga de usuarios.")
    return load_principal(user_id=user_id)[0]
