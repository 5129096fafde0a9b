"""Payments API: payments and their conciliation, payment files (PROCESAR-like, SIPARE-like), and
the certificación de pagos no captados (request with evidence, review, certification)."""
from flask import g
from flask.views import MethodView
from flask_smorest.fields import Upload

from ..core.access import accepts_multipart, policy, require, roles
from ..core.blueprint import MULTIPART, Blueprint
from ..core.api_helpers import etag_of, list_schema, paginate, require_if_match
from ..core.db import db
from ..core.errors import InvalidInput, NotFound
from . import operations as ops
from . import payments as pay
from . import queries
from .loaders import PAYMENT_COLUMNS, csv_response, visible_patron
from .models import PaymentFile
from .schemas import (CertificationIn, CertificationOut, CreditDocumentForm, CreditDocumentOut, PaymentFileOut,
                      PaymentOut, PaymentQuery, PaymentUploadForm, ReviewIn)

blp = Blueprint("pagos", __name__, url_prefix="/api/v1",
                description="Pagos, conciliación con los créditos y certificación de pagos no captados.")
READ = roles(*ops.VIEWERS)
OPERATIVO = roles("operativo")


class PaymentFileUpload(PaymentUploadForm):
    archivo = Upload(required=True, metadata={"description": "CSV de pagos (columnas en docs/creditos.md)."})


class EvidenceUpload(CreditDocumentForm):
    archivo = Upload(required=True, metadata={"description": "Evidencia: PDF, PNG o JPEG."})


def visible_certification(cert_id: int):
    cert = pay.get_certification(cert_id)
    require(ops.reads_all(g.user) or g.user.unidad_id == cert.unidad_id, hide=True)
    return cert


def cert_etag(cert) -> str:
    return etag_of("certificacion", cert.id, cert.lock)


def _filters(args):
    return {k: v for k, v in args.items() if k not in ("pagina", "por_pagina")}


@blp.route("/pagos")
class Payments(MethodView):
    @policy(READ)
    @blp.arguments(PaymentQuery, location="query")
    @blp.response(200, list_schema(PaymentOut, "PaymentList"))
    def get(self, args):
        """Pagos (de los patrones o créditos de la unidad de quien llama), con su estado de conciliación"""
        total, items = paginate(queries.payments_stmt(g.user, **_filters(args)), args["pagina"], args["por_pagina"])
        return {"total": total, "items": items}


@blp.route("/pagos/exportacion")
class PaymentExport(MethodView):
    @policy(READ)
    @blp.arguments(PaymentQuery, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, args):
        """Exportar a CSV (en flujo) los pagos que cumplen los filtros"""
        return csv_response(queries.payments_stmt(g.user, **_filters(args)), PAYMENT_COLUMNS, "pagos.csv")


@blp.route("/pagos/archivos")
class PaymentFiles(MethodView):
    @policy(OPERATIVO)
    @accepts_multipart
    @blp.arguments(PaymentFileUpload, location=MULTIPART)
    @blp.response(201, PaymentFileOut)
    def post(self, form):
        """Importar y conciliar un archivo de pagos; el mismo archivo dos veces responde 409"""
        archivo = form["archivo"]
        return pay.import_payments(g.user, archivo.stream, archivo.filename, form["formato"])


@blp.route("/pagos/archivos/<int:file_id>")
class PaymentFileItem(MethodView):
    @policy(READ)
    @blp.response(200, PaymentFileOut)
    def get(self, file_id):
        """Resultado de la conciliación de un archivo"""
        record = db.session.get(PaymentFile, file_id) if 0 < file_id < 2**63 else None
        if record is None:
            raise NotFound()
        return record


@blp.route("/pagos/certificaciones")
class Certifications(MethodView):
    @policy(READ)
    @blp.arguments(PaymentQuery, location="query")
    @blp.response(200, list_schema(CertificationOut, "CertificationList"))
    def get(self, args):
        """Solicitudes de certificación de pagos no captados de la unidad de quien llama"""
        from sqlalchemy import select

        from .models import PaymentCertification
        stmt = select(PaymentCertification).order_by(PaymentCertification.id)
        if not ops.reads_all(g.user):
            stmt = stmt.where(PaymentCertification.unidad_id == g.user.unidad_id)
        total, items = paginate(stmt, args["pagina"], args["por_pagina"])
        return {"total": total, "items": items}

    @policy(OPERATIVO)
    @blp.arguments(CertificationIn)
    @blp.response(201, CertificationOut)
    def post(self, data):
        """Solicitar la certificación de un pago no captado (después, adjunte la evidencia)"""
        patron = visible_patron(data.pop("nrp").replace("-", "").upper())
        numero = data.pop("credito", None)
        credit = None
        if numero:
            credit = ops.get_credit(numero)
            if not ops.can_view_credit(g.user, credit):
                raise InvalidInput("El crédito no existe.", errors={"credito": ["No existe."]})
        cert = pay.request_certification(g.user, patron, credit=credit, **data)
        return cert, 201, {"ETag": cert_etag(cert)}


@blp.route("/pagos/certificaciones/<int:cert_id>")
class CertificationItem(MethodView):
    @policy(READ)
    @blp.response(200, CertificationOut)
    def get(self, cert_id):
        """Una solicitud de certificación (ETag para revisarla y certificarla)"""
        cert = visible_certification(cert_id)
        return cert, 200, {"ETag": cert_etag(cert)}


@blp.route("/pagos/certificaciones/<int:cert_id>/evidencias")
class CertificationEvidence(MethodView):
    @policy(OPERATIVO)
    @accepts_multipart
    @blp.arguments(EvidenceUpload, location=MULTIPART)
    @blp.response(201, CreditDocumentOut)
    def post(self, form, cert_id):
        """Adjuntar evidencia (comprobante bancario, estado de cuenta; PDF, PNG o JPEG)"""
        from .models import CreditDocument
        cert = visible_certification(cert_id)
        pay._same_unit(g.user, cert)
        archivo = form["archivo"]
        stored = ops.store_document(form["tipo"], archivo.filename, archivo.read())
        document = CreditDocument(patron_id=cert.patron_id, credito_id=cert.credito_id, certificacion_id=cert.id,
                                  subido_por_id=g.user.id, **stored)
        db.session.add(document)
        db.session.flush()
        return document


@blp.route("/pagos/certificaciones/<int:cert_id>/revision")
class CertificationReview(MethodView):
    @policy(OPERATIVO)
    @blp.if_match
    @blp.arguments(ReviewIn)
    @blp.response(200, CertificationOut)
    def post(self, data, cert_id):
        """Revisar la evidencia: procedente (lista para certificar) o rechazada (requiere If-Match)"""
        cert = visible_certification(cert_id)
        require_if_match(cert_etag(cert))
        pay.review_certification(g.user, cert, **data)
        return cert, 200, {"ETag": cert_etag(cert)}


@blp.route("/pagos/certificaciones/<int:cert_id>/certificacion")
class CertificationCertify(MethodView):
    @policy(OPERATIVO)
    @blp.if_match
    @blp.response(200, CertificationOut)
    def post(self, cert_id):
        """Certificar el pago (otra persona que quien lo solicitó; requiere If-Match): se aplica al crédito"""
        cert = visible_certification(cert_id)
        require_if_match(cert_etag(cert))
        pay.certify(g.user, cert)
        return cert, 200, {"ETag": cert_etag(cert)}
