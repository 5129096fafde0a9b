"""`docs-service consultas citas`."""
import click
from flask.cli import with_appcontext

from ..core.cli import command_errors
from ..core.db import transaction
from ..core.fechas import hoy
from . import operations as ops


@click.group("consultas", help="Consultas: revisión diaria de las citas.")
def consultations_group():
    pass


@consultations_group.command("citas")
@with_appcontext
@command_errors
def ended_citations():
    """Marca las consultas respondidas que citan una versión cuya vigencia terminó después de la
    respuesta (una sucesora publicada con fecha posterior ya entró en vigor, o su vigencia concluyó)
    y avisa a sus autores; para cron diario."""
    with transaction():
        flagged = ops.flag_ended(hoy())
    folios = ", ".join(c.folio for c in flagged)
    click.echo(f"Consultas con citas desactualizadas: {len(flagged)}" + (f" ({folios})." if folios else "."))
