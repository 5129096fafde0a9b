"""Demo: the workflow's demo already produced notifications through the signals; this adds the
overdue-acuse notices the daily `notificaciones vencidos` would create."""
import click

from ..core.db import transaction
from ..core.fechas import hoy
from . import operations as ops


def load() -> None:
    with transaction():
        created = ops.notify_overdue_acuses(hoy())
    click.echo(f"Notificaciones de acuses vencidos: {created}.")
