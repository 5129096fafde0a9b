"""Loads the shipped formats (formatos/) through the real workflow: normativo.demo registers and
uploads, revisor.demo reviews, titular.demo approves, validador.demo validates and normativo.demo
publishes to every unit. Idempotent: formats whose clave exists are left alone."""
from datetime import timedelta

import click
from sqlalchemy import select

from ..accounts.demo import demo_user as _user
from ..core.db import db, transaction
from ..core.fechas import hoy
from ..documents.models import Document
from ..workflow import operations as flow
from . import catalog
from . import operations as ops


def load() -> None:
    formats = catalog.shipped()
    created = 0
    for item in formats:
        with transaction():
            if db.session.scalar(select(Document.id).where(Document.clave == item.meta["clave"])) is None:
                load_one(item)
                created += 1
    click.echo(f"Formatos oficiales de demostración cargados: {created} de {len(formats)}.")


def load_one(item: catalog.ShippedFormat):
    meta = item.meta
    normativo = _user("normativo.demo")
    version = ops.create_format(normativo, clave=meta["clave"], titulo=meta["titulo"], area=meta["area"],
                                tema=meta.get("tema", ""), palabras_clave=meta.get("palabras_clave", ""),
                                fundamento=meta.get("fundamento", ""), norma=meta.get("norma"),
                                esquema=meta["esquema"], plantilla_html=item.html,
                                instructivo=meta.get("instructivo", ""), docx=item.docx,
                                nombre_archivo=f"{meta['clave']}.docx", resumen=meta.get("resumen", "Versión inicial."))
    walk_to_published(version, desde_dias=meta.get("desde_dias", 0))
    return version


def walk_to_published(version, desde_dias: int = 0, destinatarios=None):
    steps = [("normativo.demo", "enviar_revision"), ("revisor.demo", "aprobar_revision"), ("titular.demo", "aprobar"),
             ("validador.demo", "validar")]
    for nombre, accion in steps:
        flow.transition(_user(nombre), version, accion, comentario="Carga de demostración.")
    start = hoy() + timedelta(days=desde_dias)
    flow.transition(_user("normativo.demo"), version, "publicar", vigente_desde=start,
                    destinatarios=destinatarios or {"todas": True}, historico=start < hoy(),
                    comentario="Carga de demostración.")
