"""`docs-service audit verify`."""
import sys

import click
from flask.cli import with_appcontext

from ..core.cli import command_errors
from ..core.db import transaction
from .operations import verify


@click.group("audit", help="Bitácora de auditoría.")
def audit_group():
    pass


@audit_group.command("verify")
@with_appcontext
@command_errors
def verify_command():
    """Verifica la cadena de hashes de la bitácora; termina con error en la primera fila alterada."""
    with transaction() as session:
        checked, broken, reason = verify(session)
    if reason:
        where = f"fila {broken}" if broken is not None else "final de la cadena"
        click.echo(f"Bitácora ALTERADA: {where}: {reason} ({checked} filas íntegras antes).", err=True)
        sys.exit(1)
    click.echo(f"Bitácora íntegra: {checked} filas verificadas.")
