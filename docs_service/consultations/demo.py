"""Demo consultas (idempotent): a patrón's situation routed to Subdelegación 3301 (answered there by
consultor.3301), with a date of the facts when the first version of the prescripción criterion was
in force, and a general question from 3301 that the División answers (consultor.demo)."""
from datetime import timedelta

import click
from sqlalchemy import select

from ..accounts.demo import demo_user
from ..core.db import db, transaction
from ..core.fechas import hoy
from . import operations as ops
from .models import Consulta

DEMO = [
    ("consultor.demo", dict(
        tipo="patron", solicitante="33", competente="3301", nrp="Y5412345101", fecha_hechos=700,
        asunto="Prescripción de un crédito de un patrón (demostración)",
        descripcion="Patrón sintético de la demostración. El crédito se notificó hace casi dos años y desde "
                    "entonces no hubo gestión de cobro. ¿Desde cuándo corre el término de prescripción?")),
    ("consultor.3301", dict(
        tipo="general", solicitante="3301",
        asunto="Anticipación del citatorio (demostración)",
        descripcion="¿Con cuánta anticipación debe dejarse el citatorio antes de la diligencia de notificación?")),
]


def load() -> None:
    created = 0
    with transaction():
        for author, data in DEMO:
            if db.session.scalar(select(Consulta.id).where(Consulta.asunto == data["asunto"])) is not None:
                continue
            extra = {"fecha_hechos": hoy() - timedelta(days=data["fecha_hechos"])} if "fecha_hechos" in data else {}
            ops.register(demo_user(author), **{**data, **extra})
            created += 1
    click.echo(f"Consultas de demostración creadas: {created}.")
