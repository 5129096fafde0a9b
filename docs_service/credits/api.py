"""Créditos API: search and detail of credits and patrones, CSV exports, phase transitions with
If-Match, supporting documents, bulk import."""
from urllib.parse import quote

from flask import Response, g
from flask.views import MethodView
from flask_smorest.fields import Upload

from ..core.access import accepts_multipart, policy, require, roles
from ..core.blueprint import MULTIPART, Blueprint
from ..core.api_helpers import StrictSchema, list_schema, paginate, require_if_match
from ..core import signals
from ..core.db import db, writes
from ..core.errors import NotFound
from ..core.storage import storage
from . import operations as ops
from . import queries
from .importer import import_credits
from .loaders import (CREDIT_COLUMNS, PATRON_COLUMNS, credit_etag, csv_response, visible_credit,
                      visible_patron)
from .models import CreditDocument, ImportBatch
from .schemas import (CreditDetail, CreditOut, CreditQuery, CreditDocumentForm, CreditDocumentOut, EventOut,
                      ExportCreditQuery, ImportOut, PatronDetail, PatronOut, PatronQuery, CreditTransitionIn)

blp = Blueprint("creditos", __name__, url_prefix="/api/v1", description="Créditos fiscales y patrones.")
READ = roles(*ops.VIEWERS)
OPERATIVO = roles("operativo")


class CreditFileForm(StrictSchema):
    archivo = Upload(required=True, metadata={"description": "Archivo CSV o documento (PDF, PNG, JPEG)."})


class CreditDocumentUpload(CreditDocumentForm):
    archivo = Upload(required=True, metadata={"description": "Documento de soporte (PDF, PNG o JPEG)."})


def detail(credit):
    credit.acciones_permitidas = [a for a, _step in ops.available_actions(g.user, credit)]
    return credit


def _filters(args):
    return {k: v for k, v in args.items() if k not in ("pagina", "por_pagina")}


@blp.route("/creditos")
class Credits(MethodView):
    @policy(READ)
    @blp.arguments(CreditQuery, location="query")
    @blp.response(200, list_schema(CreditOut, "CreditList"))
    def get(self, args):
        """Buscar créditos por NRP, número, RFC, razón social, fase, unidad, concepto o periodo"""
        total, items = paginate(queries.credits_stmt(g.user, **_filters(args)), args["pagina"], args["por_pagina"])
        return {"total": total, "items": items}


@blp.route("/creditos/exportacion")
class CreditExport(MethodView):
    @policy(READ)
    @blp.arguments(ExportCreditQuery, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, args):
        """Exportar a CSV (en flujo) los créditos que cumplen los filtros"""
        return csv_response(queries.credits_stmt(g.user, **args), CREDIT_COLUMNS, "creditos.csv")


@blp.route("/creditos/<string(length=9):numero>")
class CreditItem(MethodView):
    @policy(READ)
    @blp.response(200, CreditDetail)
    def get(self, numero):
        """Un crédito con las acciones que quien llama puede aplicar ahora (ETag para transiciones)"""
        credit = visible_credit(numero)
        return detail(credit), 200, {"ETag": credit_etag(credit)}


@blp.route("/creditos/<string(length=9):numero>/eventos")
class CreditEvents(MethodView):
    @policy(READ)
    @blp.response(200, EventOut(many=True))
    def get(self, numero):
        """Bitácora de eventos del crédito (fases, INC, fundamento, actor, unidad)"""
        return queries.timeline(visible_credit(numero))


@blp.route("/creditos/<string(length=9):numero>/transiciones")
class CreditTransitions(MethodView):
    @policy(OPERATIVO)
    @blp.if_match
    @blp.arguments(CreditTransitionIn)
    @blp.response(200, CreditDetail)
    def post(self, data, numero):
        """Aplicar una acción de cobro (requiere If-Match); 409 con las acciones permitidas"""
        credit = visible_credit(numero)
        require_if_match(credit_etag(credit))
        accion = data.pop("accion")
        ops.transition(g.user, credit, accion, **data)
        return detail(credit), 200, {"ETag": credit_etag(credit)}


@blp.route("/creditos/<string(length=9):numero>/documentos")
class CreditDocuments(MethodView):
    @policy(READ)
    @blp.response(200, CreditDocumentOut(many=True))
    def get(self, numero):
        """Documentos de soporte del crédito"""
        return queries.documents(visible_credit(numero))

    @policy(OPERATIVO)
    @accepts_multipart
    @blp.arguments(CreditDocumentUpload, location=MULTIPART)
    @blp.response(201, CreditDocumentOut)
    def post(self, form, numero):
        """Adjuntar un documento de soporte (PDF, PNG o JPEG; hasta 10 MB)"""
        credit = visible_credit(numero)
        archivo = form["archivo"]
        return ops.attach_document(g.user, credit, form["tipo"], archivo.filename, archivo.read())


@blp.route("/creditos/<string(length=9):numero>/documentos/<int:document_id>/archivo")
class CreditDocumentFile(MethodView):
    @policy(READ)
    @writes
    @blp.response(200, content_type="application/octet-stream")
    def get(self, numero, document_id):
        """Descargar un documento de soporte"""
        credit = visible_credit(numero)
        document = db.session.get(CreditDocument, document_id) if 0 < document_id < 2**63 else None
        if document is None or document.credito_id != credit.id:
            raise NotFound()
        data = storage().open(document.blob_key)
        signals.file_downloaded.send(document, actor=g.user, credito=credit.numero, sha256=document.blob_key)
        response = Response(data, mimetype=document.tipo_mime)
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(document.nombre)}"
        response.headers["Cache-Control"] = "private, no-store"
        return response


@blp.route("/creditos/importaciones")
class CreditImports(MethodView):
    @policy(OPERATIVO)
    @accepts_multipart
    @blp.arguments(CreditFileForm, location="files")
    @blp.response(201, ImportOut)
    def post(self, files):
        """Importar créditos de un CSV (UTF-8 o Latin-1; coma o punto y coma) con reporte por fila"""
        archivo = files["archivo"]
        return import_credits(g.user, archivo.stream, archivo.filename)


@blp.route("/creditos/importaciones/<int:batch_id>")
class CreditImportItem(MethodView):
    @policy(READ)
    @blp.response(200, ImportOut)
    def get(self, batch_id):
        """Reporte de una importación"""
        batch = db.session.get(ImportBatch, batch_id) if 0 < batch_id < 2**63 else None
        if batch is None:
            raise NotFound()
        require(ops.reads_all(g.user) or batch.unidad_id == g.user.unidad_id, hide=True)
        return batch


@blp.route("/patrones")
class Patrones(MethodView):
    @policy(READ)
    @blp.arguments(PatronQuery, location="query")
    @blp.response(200, list_schema(PatronOut, "PatronList"))
    def get(self, args):
        """Buscar patrones por NRP, RFC, razón social o Subdelegación"""
        total, items = paginate(queries.patrones_stmt(g.user, **_filters(args)), args["pagina"], args["por_pagina"])
        return {"total": total, "items": items}


@blp.route("/patrones/exportacion")
class PatronExport(MethodView):
    @policy(READ)
    @blp.arguments(PatronQuery, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, args):
        """Exportar a CSV (en flujo) los patrones que cumplen los filtros"""
        return csv_response(queries.patrones_stmt(g.user, **_filters(args)), PATRON_COLUMNS, "patrones.csv")


@blp.route("/patrones/<nrp>")
class PatronItem(MethodView):
    @policy(READ)
    @blp.response(200, PatronDetail)
    def get(self, nrp):
        """Un patrón con sus créditos visibles y sus saldos"""
        patron = visible_patron(nrp)
        patron.saldos = queries.balances(g.user, patron)
        patron.creditos = db.session.scalars(queries.credits_stmt(g.user, nrp=patron.nrp).limit(500)).all()
        return patron

