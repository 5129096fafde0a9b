"""Traslados and trámites API: send a credit to another unit and accept/reject it there; file and
resolve trámites with their documents."""
from decimal import Decimal

from flask import g
from flask.views import MethodView

from ..core.access import policy, require, roles
from ..core.blueprint import Blueprint
from ..core.api_helpers import etag_of, list_schema, paginate, require_if_match
from ..core.db import db
from . import operations as ops
from . import transfers
from . import tramites as tr
from .loaders import visible_credit
from .models import Tramite, Transfer
from .schemas import (TramiteIn, TramiteOut, TramiteResolutionIn, TransferIn, TransferOut, TransferQuery,
                      TransferResolution)

blp = Blueprint("traslados_tramites", __name__, url_prefix="/api/v1",
                description="Traslados de créditos entre unidades y trámites (aclaración, devolución, cancelación…).")
READ = roles(*ops.VIEWERS)
OPERATIVO = roles("operativo")


def visible_transfer(transfer_id: int) -> Transfer:
    transfer = transfers.get_transfer(transfer_id)
    require(transfers.can_view_transfer(g.user, transfer), hide=True)
    return transfer


def visible_tramite(tramite_id: int) -> Tramite:
    tramite = tr.get_tramite(tramite_id)
    if tramite.credito is not None:
        require(ops.can_view_credit(g.user, tramite.credito), hide=True)
    else:
        require(ops.reads_all(g.user) or g.user.unidad_id == tramite.unidad_id, hide=True)
    return tramite


def tramite_etag(tramite) -> str:
    return etag_of("tramite", tramite.id, tramite.lock)


@blp.route("/creditos/<string(length=9):numero>/traslados")
class CreditTransfers(MethodView):
    @policy(READ)
    @blp.response(200, TransferOut(many=True))
    def get(self, numero):
        """Traslados del crédito"""
        from . import queries
        return queries.transfers_of(visible_credit(numero))

    @policy(OPERATIVO)
    @blp.arguments(TransferIn)
    @blp.response(201, TransferOut)
    def post(self, data, numero):
        """Enviar el crédito a otra unidad (procuración de cobro o cambio de Subdelegación)"""
        return transfers.request_transfer(g.user, visible_credit(numero), **data)


@blp.route("/traslados")
class Transfers(MethodView):
    @policy(READ)
    @blp.arguments(TransferQuery, location="query")
    @blp.response(200, list_schema(TransferOut, "TransferList"))
    def get(self, args):
        """Traslados recibidos (por omisión) o enviados por la unidad de quien llama"""
        from sqlalchemy import select
        stmt = select(Transfer).order_by(Transfer.id)
        if not ops.reads_all(g.user):
            column = Transfer.unidad_destino_id if args["direccion"] == "recibidos" else Transfer.unidad_origen_id
            stmt = stmt.where(column == g.user.unidad_id)
        if args.get("estado"):
            stmt = stmt.where(Transfer.estado == args["estado"])
        total, items = paginate(stmt, args["pagina"], args["por_pagina"])
        return {"total": total, "items": items}


@blp.route("/traslados/<int:transfer_id>")
class TransferItem(MethodView):
    @policy(READ)
    @blp.response(200, TransferOut)
    def get(self, transfer_id):
        """Un traslado"""
        return visible_transfer(transfer_id)


@blp.route("/traslados/<int:transfer_id>/aceptacion")
class TransferAccept(MethodView):
    @policy(OPERATIVO)
    @blp.arguments(TransferResolution)
    @blp.response(200, TransferOut)
    def post(self, data, transfer_id):
        """Aceptar el traslado (unidad destino): la unidad pasa a ser responsable del crédito"""
        return transfers.resolve_transfer(g.user, visible_transfer(transfer_id), aceptar=True, **data)


@blp.route("/traslados/<int:transfer_id>/rechazo")
class TransferReject(MethodView):
    @policy(OPERATIVO)
    @blp.arguments(TransferResolution)
    @blp.response(200, TransferOut)
    def post(self, data, transfer_id):
        """Rechazar el traslado con su motivo (el crédito vuelve a la unidad de origen)"""
        return transfers.resolve_transfer(g.user, visible_transfer(transfer_id), aceptar=False, **data)


@blp.route("/creditos/<string(length=9):numero>/tramites")
class CreditTramites(MethodView):
    @policy(READ)
    @blp.response(200, TramiteOut(many=True))
    def get(self, numero):
        """Trámites del crédito"""
        credit = visible_credit(numero)
        from sqlalchemy import select
        return db.session.scalars(select(Tramite).where(Tramite.credito_id == credit.id).order_by(Tramite.id)).all()

    @policy(OPERATIVO)
    @blp.arguments(TramiteIn)
    @blp.response(201, TramiteOut)
    def post(self, data, numero):
        """Registrar un trámite sobre el crédito"""
        credit = visible_credit(numero)
        tipo, fecha, formato = data.pop("tipo"), data.pop("fecha_presentacion", None), data.pop("formato", None)
        datos = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in data.items()}
        tramite = tr.file_tramite(g.user, tipo=tipo, patron=credit.patron, credit=credit, fecha_presentacion=fecha,
                                  datos=datos, formato=formato)
        return tramite, 201, {"ETag": tramite_etag(tramite)}


@blp.route("/tramites/<int:tramite_id>")
class TramiteItem(MethodView):
    @policy(READ)
    @blp.response(200, TramiteOut)
    def get(self, tramite_id):
        """Un trámite (ETag para resolverlo)"""
        tramite = visible_tramite(tramite_id)
        return tramite, 200, {"ETag": tramite_etag(tramite)}


@blp.route("/tramites/<int:tramite_id>/resolucion")
class TramiteResolution(MethodView):
    @policy(OPERATIVO)
    @blp.if_match
    @blp.arguments(TramiteResolutionIn)
    @blp.response(200, TramiteOut)
    def post(self, data, tramite_id):
        """Resolver el trámite (requiere If-Match); si procede, aplica su efecto sobre el crédito"""
        tramite = visible_tramite(tramite_id)
        require_if_match(tramite_etag(tramite))
        tr.resolve_tramite(g.user, tramite, **data)
        return tramite, 200, {"ETag": tramite_etag(tramite)}
