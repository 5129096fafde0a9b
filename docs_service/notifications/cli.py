"""`docs-service notificaciones vencidos|enviar|correo`."""
import click
from flask import current_app
from flask.cli import with_appcontext

from ..core.cli import command_errors
from ..core.db import transaction
from ..core.fechas import hoy
from . import operations as ops
from .mail import deliver_due


@click.group("notificaciones", help="Notificaciones: acuses vencidos y envío de correos.")
def notifications_group():
    pass


@notifications_group.command("vencidos")
@with_appcontext
@command_errors
def overdue():
    """Notifica a las unidades cuyos acuses vencieron (una vez por acuse; para cron diario)."""
    with transaction():
        created = ops.notify_overdue_acuses(hoy())
    click.echo(f"Notificaciones de acuses vencidos: {created}.")


@notifications_group.command("enviar")
@with_appcontext
@command_errors
def send():
    """Envía los correos pendientes cuyo reintento ya venció (para cron; sin SMTP no hace nada)."""
    if not current_app.config.get("DOCS_SMTP_URL"):
        click.echo("DOCS_SERVICE_SMTP_URL no está definido: no se envían correos.")
        return
    counts = deliver_due(current_app._get_current_object())
    click.echo(f"Enviados: {counts['enviados']}; por reintentar: {counts['reintentos']}; fallidos: {counts['fallidos']}.")
