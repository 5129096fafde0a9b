"""Loads the demo Normateca from the manuales/ folder through the real workflow, with demo users:
normativo.demo uploads and publishes, revisor.demo reviews, titular.demo approves, and some
operativos acknowledge. Idempotent: documents whose clave exists are left alone."""
import json
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from ..accounts.demo import demo_user as _user
from ..core.db import db, transaction
from ..documents import operations as ops
from ..documents.models import Document
from . import operations as flow


def load() -> None:
    folder = Path(current_app.config["DOCS_MANUALES_DIR"])
    manifest = json.loads((folder / "catalogo.json").read_text(encoding="utf-8"))
    documents = manifest["documentos"]
    created = 0
    with click.progressbar(documents, label="Normateca de demostración", show_pos=True) as bar:
        for spec in bar:
            with transaction():
                if db.session.scalar(select(Document.id).where(Document.clave == spec["clave"])) is None:
                    _load_document(folder, spec)
                    created += 1
    click.echo(f"Documentos de demostración cargados: {created} de {len(documents)}.")


def _load_document(folder: Path, spec: dict) -> None:
    normativo, revisor, titular = _user("normativo.demo"), _user("revisor.demo"), _user("titular.demo")
    document = ops.create_document(normativo, clave=spec["clave"], titulo=spec["titulo"], tipo=spec["tipo"],
                                   area=spec["area"], fundamento=spec.get("fundamento", ""),
                                   palabras_clave=spec.get("palabras_clave", ""),
                                   relaciones=spec.get("relaciones", []))
    for entry in spec["versiones"]:
        path = folder / entry["archivo"]
        version = ops.upload_version(normativo, document, filename=path.name, data=path.read_bytes(),
                                     resumen=entry["resumen"])
        target = entry.get("en_tramite")
        steps = [(normativo, "enviar_revision"), (revisor, "aprobar_revision"), (titular, "aprobar")]
        for actor, action in steps:
            if target is not None and version.estado == target:
                break
            flow.transition(actor, version, action, comentario="Carga de demostración.")
        publication = entry.get("publicar")
        if publication is None:
            continue
        start = flow.today() + timedelta(days=publication["desde_dias"])
        flow.transition(normativo, version, "publicar", vigente_desde=start,
                        destinatarios=publication["destinatarios"], historico=start < flow.today(),
                        comentario="Carga de demostración.")
        for unidad in publication.get("acuses", []):
            flow.acknowledge(_user(f"operativo.{unidad}"), version)
