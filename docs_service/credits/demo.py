"""Demo credits: a few thousand synthetic credits over the demo units, loaded through the importer
(idempotent: a second run finds them 'sin cambios'), one pending traslado and one payment file."""
import io
from itertools import islice

import click
from sqlalchemy import func, select

from ..core.db import db, transaction
from .generator import COLUMNS, PAYMENT_COLUMNS, credit_rows, payment_rows, write_csv
from .importer import import_credits
from .models import Credit

DEMO_N, DEMO_SEED, DEMO_UNITS = 3000, 2026, ("3301", "3333", "1601")


def _csv(rows, columns) -> io.BytesIO:
    text = io.StringIO()
    write_csv(rows, columns, text)
    return io.BytesIO(text.getvalue().encode("utf-8"))


def load():
    with transaction():
        if db.session.scalar(select(func.count(Credit.id)).where(Credit.sintetico.is_(True))) >= DEMO_N:
            click.echo("Créditos de demostración: ya cargados.")
            return
        batch = import_credits(None, _csv(credit_rows(DEMO_N, DEMO_SEED, DEMO_UNITS), COLUMNS), "demo-creditos.csv")
        from .payments import import_payments
        sample = list(islice(credit_rows(DEMO_N, DEMO_SEED, DEMO_UNITS), 300))
        payments = import_payments(None, _csv(payment_rows(sample, DEMO_SEED, share=0.3), PAYMENT_COLUMNS),
                                   "demo-pagos-procesar.csv", "procesar")
    click.echo(f"Créditos de demostración: {batch.cargadas} cargados; pagos conciliados: {payments.aplicados}.")
