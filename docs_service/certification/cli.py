"""`docs-service constancias emitir …` (batch emission with a progress bar, resumable) and
`docs-service constancias lote N` (its state)."""
import json
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from ..core.cli import command_errors
from ..core.db import db, transaction
from . import batch


@click.group("constancias", help="Constancias certificadas.")
def constancias_group():
    pass


@constancias_group.command("emitir")
@click.option("--unidad", required=True, help="Clave de la Subdelegación (DDSS): una constancia por patrón.")
@click.option("--fecha-corte", required=True, help="Fecha de corte AAAA-MM-DD.")
@click.option("--procesos", type=int, default=0, help="Procesos de render y firma (0: uno por núcleo).")
@click.option("--bloque", type=click.IntRange(1, 500), default=batch.CHUNK, show_default=True,
              help="Constancias por transacción (lo que se rehace si el proceso muere).")
@with_appcontext
@command_errors
def emitir(unidad, fecha_corte, procesos, bloque):
    """Emite la constancia de situación de créditos de cada patrón de una Subdelegación a una fecha de
    corte. Si un lote igual quedó interrumpido, lo reanuda; si ya terminó, no hace nada."""
    try:
        corte = date.fromisoformat(fecha_corte)
    except ValueError:
        raise click.BadParameter("use AAAA-MM-DD", param_hint="--fecha-corte") from None
    with transaction():
        lote, created = batch.find_or_create(None, unidad.strip(), corte)
        lote_id, total, estado = lote.id, lote.total, lote.estado
    if estado == "terminado":
        click.echo(f"El lote {lote_id} ({unidad} al {corte}) ya terminó: nada que hacer.")
        return
    with transaction():
        done = batch.status(lote_id)["por_estado"].get("emitido", 0)
    click.echo(f"{'Lote nuevo' if created else 'Reanudando el lote'} {lote_id}: {total} constancias "
               f"({done} ya emitidas).")
    processes = procesos if procesos > 0 else batch.processes_for(current_app)
    with click.progressbar(length=total, label="Emitiendo", show_pos=True, show_eta=True) as bar:
        bar.update(done)
        batch.run(lote_id, processes=processes, chunk=bloque, progress=bar.update)
    with transaction():
        result = batch.status(lote_id)
    click.echo(f"Lote {lote_id} terminado: {result['por_estado'].get('emitido', 0)} emitidas, "
               f"{result['por_estado'].get('error', 0)} con error, {result['folios_distintos']} folios distintos.")


@constancias_group.command("lote")
@click.argument("lote_id", type=int)
@with_appcontext
@command_errors
def lote_status(lote_id):
    """Estado de un lote (JSON)."""
    with transaction():
        click.echo(json.dumps(batch.status(lote_id), ensure_ascii=False))
