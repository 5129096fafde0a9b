"""`docs-service search reindex [--verify]`."""
import sys

import click
from flask.cli import with_appcontext

from ..core.cli import command_errors
from . import operations


@click.group("search", help="Índice de búsqueda (proyección de la normatividad).")
def search_group():
    pass


@search_group.command("reindex")
@click.option("--verify", "only_verify", is_flag=True,
              help="No reconstruye: compara el índice con la base de datos y reporta diferencias.")
@with_appcontext
@command_errors
def reindex_command(only_verify):
    """Reconstruye el índice desde la base de datos en una carpeta nueva y la activa de forma atómica."""
    if only_verify:
        report = operations.verify()
        differences = {k: v for k, v in report.items() if k != "entradas" and v}
        if differences:
            for kind, ids in differences.items():
                click.echo(f"{kind}: {len(ids)} ({', '.join(ids[:10])}{' …' if len(ids) > 10 else ''})", err=True)
            click.echo(f"Error: el índice NO coincide con la base de datos ({report['entradas']} entradas esperadas); "
                       "ejecute «docs-service search reindex».", err=True)
            sys.exit(1)
        click.echo(f"Índice verificado: {report['entradas']} entradas, sin diferencias con la base de datos.")
        return
    count = operations.reindex()
    click.echo(f"Índice reconstruido: {count} entradas.")
