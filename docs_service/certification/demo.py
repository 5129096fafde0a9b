"""Demo constancias: operativo.3301 issues the constancia de situación of two of its patrones and a
copia certificada of a published manual (idempotent: nothing is issued when some exist)."""
import click
from sqlalchemy import func, select

from ..core.access import load_principal
from ..core.db import db, transaction
from ..core.errors import DomainError
from ..core.fechas import hoy
from .models import Constancia


def load():
    from ..accounts.models import User
    from ..documents.models import PUBLISHED_STATES, Document, Version
    from . import operations as ops
    with transaction():
        if db.session.scalar(select(func.count()).select_from(Constancia)):
            click.echo("Constancias de demostración: ya emitidas.")
            return
        user_id = db.session.scalar(select(User.id).where(User.nombre == "operativo.3301"))
        if user_id is None:
            return
        user, _row = load_principal(user_id=user_id)
        requests = []
        version = db.session.execute(select(Document.clave, Version.numero).join(Version)
                                     .where(Version.estado.in_(PUBLISHED_STATES))
                                     .order_by(Document.clave, Version.numero)).first()
        if version is not None:
            requests.append(("copia_certificada", {"clave": version.clave, "version": version.numero}))
        try:
            from ..credits.models import Patron
            nrps = db.session.scalars(select(Patron.nrp).where(Patron.unidad_id == user.unidad_id)
                                      .order_by(Patron.nrp).limit(2)).all()
        except ImportError:
            nrps = []
        requests += [("situacion_creditos", {"nrp": nrp, "fecha_corte": hoy()}) for nrp in nrps]
        issued = []
        for tipo, params in requests:
            try:
                constancia, _ = ops.emit(user, tipo, params)
            except DomainError as err:
                click.echo(f"Constancia de demostración no emitida ({tipo}): {err.message}")
                continue
            issued.append(constancia.folio)
    click.echo(f"Constancias de demostración emitidas: {', '.join(issued) or 'ninguna'}.")
