"""`docs-service constancias emitir …` (batch emission with a progress bar, resumable),
`docs-service constancias lote N` (its state) and `docs-service constancias trabajador` (a worker of
the task queue, when DOCS_SERVICE_LOTE_COLA=procrastinate)."""
import json
import time
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from ..accounts.labels import unit_label
from ..core.cli import command_errors
from ..core.db import db, transaction
from ..core.errors import InvalidInput, NotFound
from ..core.fechas import fecha
from . import batch, lotes
from .models import Lote
from .operations import open_lote


@click.group("constancias", help="Constancias certificadas.")
def constancias_group():
    pass


def _lote(unidad, fecha_corte, lote_id):
    """(lote_id, created) of the lote named by --lote, or found/created by --unidad and --fecha-corte."""
    if lote_id is not None:
        if unidad or fecha_corte:
            raise click.UsageError("use --lote, o bien --unidad y --fecha-corte")
        with transaction():
            if db.session.get(Lote, lote_id) is None:
                raise NotFound(f"No existe el lote de constancias {lote_id}.")
        return lote_id, False
    if not unidad or not fecha_corte:
        raise click.UsageError("indique --unidad y --fecha-corte (o --lote)")
    try:
        corte = date.fromisoformat(fecha_corte)
    except ValueError:
        raise click.BadParameter("use AAAA-MM-DD", param_hint="--fecha-corte") from None
    with transaction():
        lote, created = open_lote(None, unidad.strip(), corte)
        return lote.id, created


def _emitted(lote_id) -> tuple[dict, Lote]:
    with transaction():
        return batch.status(lote_id), db.session.get(Lote, lote_id)


@constancias_group.command("emitir")
@click.option("--unidad", help="Clave de la Subdelegación (DDSS): una constancia por patrón.")
@click.option("--fecha-corte", help="Fecha de corte AAAA-MM-DD.")
@click.option("--lote", "lote_id", type=click.IntRange(1, 2**31 - 1),
              help="Número de un lote ya registrado (el que crea la API o la página).")
@click.option("--procesos", type=int, default=0, help="Procesos de render y firma (0: uno por núcleo).")
@click.option("--bloque", type=click.IntRange(1, 500), default=batch.CHUNK, show_default=True,
              help="Constancias por transacción (lo que se rehace si el proceso muere).")
@click.option("--cola/--local", "en_cola", default=None,
              help="Encolar los bloques en procrastinate y seguir el avance (por omisión, según "
                   "DOCS_SERVICE_LOTE_COLA) o emitir en este proceso.")
@click.option("--esperar/--no-esperar", default=True, show_default=True,
              help="Con --cola: seguir el avance hasta que el lote termine.")
@with_appcontext
@command_errors
def emitir(unidad, fecha_corte, lote_id, procesos, bloque, en_cola, esperar):
    """Emite la constancia de situación de créditos de cada patrón de una Subdelegación a una fecha de
    corte (o el lote --lote). Si el lote quedó interrumpido, lo reanuda; si ya terminó, no hace nada."""
    lote_id, created = _lote(unidad, fecha_corte, lote_id)
    state, lote = _emitted(lote_id)
    label = f"{lote_id} ({unit_label(lote.unidad)}, corte al {fecha(lote.fecha_corte)})"
    if state["estado"] == "terminado":
        click.echo(f"El lote de constancias {label} ya terminó: nada que hacer.")
        return
    done = state["por_estado"].get("emitido", 0)
    start = "Lote de constancias nuevo" if created else "Reanudando el lote de constancias"
    click.echo(f"{start} {label}: {state['total']} constancias "
               f"({done} ya emitidas).")
    if en_cola is None:
        en_cola = lotes.runner(current_app) == "procrastinate"
    if en_cola:
        _follow_queue(lote_id, state, esperar)
    else:
        processes = procesos if procesos > 0 else batch.processes_for(current_app)
        with lotes.held(current_app, lote_id), \
                click.progressbar(length=state["total"], label="Emitiendo", show_pos=True, show_eta=True) as bar:
            bar.update(done)
            batch.run(lote_id, processes=processes, chunk=bloque, progress=bar.update)
    result, _lote_row = _emitted(lote_id)
    if result["estado"] != "terminado":
        return
    click.echo(f"Lote de constancias {lote_id} terminado: {result['por_estado'].get('emitido', 0)} emitidas, "
               f"{result['por_estado'].get('error', 0)} con error, {result['folios_distintos']} folios distintos.")


def _follow_queue(lote_id, state, esperar):
    from . import cola
    queued = cola.enqueue(current_app, lote_id)
    click.echo(f"{queued} bloques encolados en procrastinate; los emiten los procesos "
               "`docs-service constancias trabajador`.")
    if not esperar:
        return
    finished = ("emitido", "error")
    with click.progressbar(length=state["total"], label="Emitiendo", show_pos=True) as bar:
        shown = sum(state["por_estado"].get(k, 0) for k in finished)
        bar.update(shown)
        while state["estado"] != "terminado":
            time.sleep(1)
            state, _lote_row = _emitted(lote_id)
            now = sum(state["por_estado"].get(k, 0) for k in finished)
            bar.update(now - shown)
            shown = now


@constancias_group.command("trabajador")
@click.option("--concurrencia", type=click.IntRange(1, 16), default=1, show_default=True,
              help="Bloques a la vez en este proceso (para usar varios núcleos, corra varios procesos).")
@click.option("--hasta-vaciar", is_flag=True, help="Terminar cuando la cola quede vacía.")
@with_appcontext
@command_errors
def trabajador(concurrencia, hasta_vaciar):
    """Procesa los bloques de lotes encolados en procrastinate (DOCS_SERVICE_LOTE_COLA=procrastinate)."""
    from . import cola
    if lotes.runner(current_app) != "procrastinate":
        raise InvalidInput("DOCS_SERVICE_LOTE_COLA no es procrastinate: los lotes los emite un proceso local.",
                           code="cola_no_configurada")
    cola.work(current_app, concurrency=concurrencia, wait=not hasta_vaciar)


@constancias_group.command("lote")
@click.argument("lote_id", type=int)
@with_appcontext
@command_errors
def lote_status(lote_id):
    """Estado de un lote (JSON)."""
    with transaction():
        click.echo(json.dumps(batch.status(lote_id), ensure_ascii=False))
