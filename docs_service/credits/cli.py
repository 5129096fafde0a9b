"""`docs-service creditos import FILE`, `creditos generar --n N --seed S`, `creditos pagos FILE`."""
import os
import sys

import click
from flask.cli import with_appcontext

from ..core.cli import command_errors
from ..core.db import transaction


@click.group("creditos")
def creditos_group():
    """Créditos fiscales: importación masiva, datos sintéticos y archivos de pagos."""


def _progress_import(path, label, work):
    size = os.path.getsize(path)
    with open(path, "rb") as stream, click.progressbar(length=size, label=label, file=sys.stderr,
                                                       show_percent=True) as bar:
        return work(stream, bar.update)


@creditos_group.command("import")
@click.argument("archivo", type=click.Path(exists=True, dir_okay=False))
@click.option("--unidad", help="Subdelegación (DDSS) de las filas que no la indican.")
@with_appcontext
@command_errors
def import_command(archivo, unidad):
    """Importa créditos de un CSV (todo o nada ante un error fatal; las filas inválidas se reportan)."""
    from .importer import import_credits
    with transaction():
        batch = _progress_import(archivo, "Importando créditos",
                                 lambda stream, progress: import_credits(None, stream, os.path.basename(archivo),
                                                                         unidad=unidad, progress=progress))
        summary = (f"Lote {batch.id}: {batch.filas} filas, {batch.cargadas} cargadas, {batch.sin_cambios} sin cambios, "
                   f"{batch.rechazadas} rechazadas, {batch.advertencias} advertencias.")
        import json
        report = json.loads(batch.reporte)
    click.echo(summary)
    for item in report[:50]:
        click.echo(f"  fila {item['fila']}: [{item['nivel']}] {item['campo'] or ''} {item['mensaje']}")
    if len(report) > 50:
        click.echo(f"  … {len(report) - 50} observaciones más (ver el lote {batch.id}).")


@creditos_group.command("generar")
@click.option("--n", "n", type=click.IntRange(1, 20_000_000), required=True, help="Número de créditos.")
@click.option("--seed", type=int, default=1, show_default=True, help="Semilla (misma semilla, mismos datos).")
@click.option("--salida", type=click.Path(dir_okay=False, writable=True), help="Archivo CSV (por omisión, salida estándar).")
@click.option("--unidades", default="3301,3333,1601", show_default=True, help="Subdelegaciones (DDSS) separadas por coma.")
@click.option("--errores", is_flag=True, help="Inyecta errores (RFC 1 %, NRP 0.2 %) para probar la validación.")
@click.option("--pagos", type=click.Path(dir_okay=False, writable=True), help="También un archivo de pagos PROCESAR.")
@command_errors
def generate_command(n, seed, salida, unidades, errores, pagos):
    """Genera créditos sintéticos deterministas (DOMAIN §8) en el formato de importación."""
    from .generator import COLUMNS, PAYMENT_COLUMNS, credit_rows, payment_rows, write_csv
    units = tuple(u.strip() for u in unidades.split(",") if u.strip())
    if not units or not all(u.isdigit() and len(u) == 4 for u in units):
        raise click.BadParameter("use claves DDSS separadas por coma", param_hint="--unidades")
    out = open(salida, "w", encoding="utf-8", newline="") if salida else sys.stdout
    try:
        with click.progressbar(credit_rows(n, seed, units, errores), length=n, label="Generando", file=sys.stderr) as rows:
            write_csv(rows, COLUMNS, out)
    finally:
        if salida:
            out.close()
    if pagos:
        with open(pagos, "w", encoding="utf-8", newline="") as stream:
            write_csv(payment_rows(credit_rows(n, seed, units, errores), seed), PAYMENT_COLUMNS, stream)
    if salida:
        click.echo(f"{n} créditos sintéticos escritos en {salida}.", err=True)


@creditos_group.command("pagos")
@click.argument("archivo", type=click.Path(exists=True, dir_okay=False))
@click.option("--formato", type=click.Choice(["procesar", "sipare"]), required=True)
@with_appcontext
@command_errors
def payments_command(archivo, formato):
    """Importa y concilia un archivo de pagos (un archivo ya importado no se aplica dos veces)."""
    from .payments import import_payments
    with transaction():
        record = _progress_import(archivo, "Conciliando pagos",
                                  lambda stream, progress: import_payments(None, stream, os.path.basename(archivo),
                                                                           formato, progress=progress))
        summary = (f"Archivo {record.id}: {record.filas} filas, {record.aplicados} aplicados, {record.sin_credito} "
                   f"sin crédito, {record.duplicados} duplicados, {record.rechazados} rechazados.")
    click.echo(summary)
