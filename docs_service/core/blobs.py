"""Blob maintenance: garbage collection of orphans after a grace period, and reconciliation of the
blobs the database references. Each area declares which columns hold blob keys (`Area.blob_columns`)."""
import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select, union

from .cli import command_errors
from .db import db, transaction
from .storage import storage


def referenced_keys() -> set[str]:
    from flask import current_app

    from .areas import blob_columns
    query = union(*[select(column.label("k")) for column in blob_columns(current_app)])
    return set(db.session.scalars(query))


def collect_garbage(grace_hours: float) -> tuple[int, int]:
    """Delete unreferenced blobs last written more than `grace_hours` ago. Returns (deleted, kept young).
    The grace period covers uploads whose row is not committed yet."""
    referenced = referenced_keys()
    cutoff = time.time() - grace_hours * 3600
    deleted = young = 0
    for key, written in list(storage().stored()):
        if key in referenced:
            continue
        if written > cutoff:
            young += 1
            continue
        storage().delete(key)
        deleted += 1
    return deleted, young


def reconcile() -> dict[str, list[str]]:
    """Referenced blobs that are missing or fail their SHA-256."""
    problems = {"faltantes": [], "corruptos": []}
    for key in sorted(referenced_keys()):
        if not storage().exists(key):
            problems["faltantes"].append(key)
        elif not storage().verify(key):
            problems["corruptos"].append(key)
    return problems


@click.group("blobs", help="Mantenimiento del almacén de archivos.")
def blobs_group():
    pass


@blobs_group.command("gc")
@click.option("--gracia-horas", type=click.FloatRange(min=0), default=24.0, show_default=True,
              help="Solo se borran los huérfanos escritos hace más de estas horas.")
@with_appcontext
@command_errors
def gc_command(gracia_horas):
    """Borra los archivos que ninguna fila referencia (huérfanos), pasado el periodo de gracia."""
    with transaction():
        deleted, young = collect_garbage(gracia_horas)
    click.echo(f"Huérfanos borrados: {deleted}; huérfanos recientes conservados: {young}.")


@blobs_group.command("verificar")
@with_appcontext
@command_errors
def verify_command():
    """Comprueba que cada archivo referenciado exista e íntegro; termina con error si no."""
    with transaction():
        problems = reconcile()
    for kind, keys in problems.items():
        for key in keys:
            click.echo(f"{kind[:-1]}: {key}", err=True)
    if any(problems.values()):
        click.echo(f"Archivos con problemas: {sum(map(len, problems.values()))}.", err=True)
        raise SystemExit(1)
    click.echo("Todos los archivos referenciados existen y coinciden con su SHA-256.")
