"""Constancias API: emission (with Idempotency-Key), list, detail, PDF, DOCX working copy, revocation;
and the public verification by code and by uploaded PDF."""
from urllib.parse import quote

from flask import Response, g, jsonify
from flask.views import MethodView
from flask_smorest.fields import Upload
from sqlalchemy import select

from ..core.blueprint import Blueprint
from ..core.access import PUBLIC, accepts_multipart, policy, require, roles, stateless
from ..core.api_helpers import StrictSchema, list_schema, paginate
from ..core.db import db, writes
from ..core.errors import error_body
from ..core.storage import storage
from . import operations as ops
from . import queries, verify
from .copia_docx import MIMETYPE as DOCX_MIMETYPE, docx_response
from .verify import utc
from .limits import limited
from .models import Constancia
from .schemas import (ConstanciaIn, ConstanciaOut, ConstanciaQuery, IdempotencyHeader, PublicNotFound, RevocacionIn,
                      VerificacionArchivoOut, VerificacionOut)
from .signals import constancia_downloaded

blp = Blueprint("constancias", __name__, url_prefix="/api/v1",
                description="Constancias certificadas: emisión, registro, revocación y verificación pública.")
LECTORES = roles("operativo", "titular", "admin", "auditor")
MAX_PDF = 10 * 1024 * 1024


def present(c: Constancia) -> dict:
    from flask import current_app
    return {"folio": c.folio, "codigo": c.codigo, "sha256": c.sha256,
            "url_verificacion": f"{current_app.config['DOCS_PUBLIC_URL'].rstrip('/')}/v/{c.codigo}",
            "tipo": c.tipo, "estado": c.estado, "emitida": utc(c.emitida), "fecha_corte": c.fecha_corte,
            "unidad": verify.issuing_unit(c), "nrp": c.nrp, "referencia": c.referencia,
            "revocada": utc(c.revocada), "motivo_revocacion": c.motivo_revocacion,
            "sustituida_por": c.sustituida_por.folio if c.sustituida_por else None}


def visible(folio: str) -> Constancia:
    c = db.session.scalar(select(Constancia).where(Constancia.folio == folio[:32]))
    require(c is not None and ops.can_see(g.user, c), hide=True)
    return c


def pdf_response(c: Constancia) -> Response:
    data = storage().open(c.sha256)
    constancia_downloaded.send(c, actor=g.user, folio=c.folio, sha256=c.sha256)
    name = f"{c.folio}.pdf"
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["ETag"] = f'"{c.sha256}"'
    return response


@blp.route("/constancias")
class Constancias(MethodView):
    @policy(LECTORES)
    @blp.arguments(ConstanciaQuery, location="query")
    @blp.response(200, list_schema(ConstanciaOut, "ConstanciaList"))
    def get(self, args):
        """Constancias emitidas (un operativo ve solo las de su unidad)"""
        stmt = queries.constancias_stmt(g.user, **{k: args.get(k) for k in queries.FILTERS})
        total, items = paginate(stmt, args["pagina"], args["por_pagina"])
        return {"total": total, "items": [present(c) for c in items]}

    @policy(roles(*ops.EMISORES))
    @blp.arguments(IdempotencyHeader, location="headers")
    @blp.arguments(ConstanciaIn)
    @blp.response(201, ConstanciaOut)
    @blp.alt_response(200, schema=ConstanciaOut, description="Reintento con la misma Idempotency-Key: la misma constancia.")
    def post(self, headers, data):
        """Emitir una constancia: situación de créditos, certificación de pago o copia certificada"""
        tipo = data.pop("tipo")
        constancia, again = ops.emit(g.user, tipo, data, headers.get("idempotency_key"))
        return present(constancia), 200 if again else 201, {"Idempotent-Replayed": "true" if again else "false"}


@blp.route("/constancias/<string(minlength=8):folio>")
class ConstanciaItem(MethodView):
    @policy(LECTORES)
    @blp.response(200, ConstanciaOut)
    def get(self, folio):
        """Una constancia del registro"""
        return present(visible(folio))


@blp.route("/constancias/<string(minlength=8):folio>/pdf")
class ConstanciaPdf(MethodView):
    @policy(LECTORES)
    @writes
    @blp.response(200, description="El PDF firmado, los mismos bytes en cada descarga.",
                  content_type="application/pdf")
    def get(self, folio):
        """El PDF firmado de la constancia"""
        return pdf_response(visible(folio))


@blp.route("/constancias/<string(minlength=8):folio>/docx")
class ConstanciaDocx(MethodView):
    @policy(LECTORES)
    @writes
    @blp.response(200, {"type": "string", "format": "binary"},
                  description="Copia de trabajo editable (DOCX) sin valor de certificación, generada de los datos "
                  "registrados al emitir la constancia; dice REVOCADA si lo está. Solo para los tipos con variante "
                  "DOCX (situación de créditos y certificación de pago); los demás responden 404 `sin_copia_docx`.",
                  content_type=DOCX_MIMETYPE)
    def get(self, folio):
        """Copia de trabajo en Word (DOCX) de la constancia, sin valor de certificación"""
        return docx_response(visible(folio), g.user)


@blp.route("/constancias/<string(minlength=8):folio>/revocacion")
class ConstanciaRevocation(MethodView):
    @policy(roles(*ops.REVOCADORES))
    @blp.arguments(RevocacionIn)
    @blp.response(200, ConstanciaOut)
    def post(self, data, folio):
        """Revocar una constancia (titular o admin), con motivo; opcionalmente reemitirla"""
        c = visible(folio)
        if data["reemitir"]:
            ops.reissue(g.user, c, data["motivo"])
        else:
            ops.revoke(g.user, c, data["motivo"])
        return present(c)


def not_found_response():
    """The same bytes for an unknown and a malformed code (no request id: nothing to tell them apart)."""
    body = error_body(404, "no_encontrado", verify.NOT_FOUND_MESSAGE)
    body.pop("request_id", None)
    response = jsonify(body)
    response.status_code = 404
    response.headers.update(verify.PUBLIC_HEADERS)
    return response


@blp.route("/verificacion/<string:codigo>")
@policy(PUBLIC)
@blp.response(200, VerificacionOut)
@blp.alt_response(404, schema=PublicNotFound,
                  description="Código desconocido o mal formado (la misma respuesta en ambos casos).")
@limited
def verification(codigo):
    """Verificación pública de una constancia por su código (el del QR)"""
    c = verify.by_code(codigo)
    if c is None:
        return not_found_response()
    return verify.public_view(c), 200, verify.PUBLIC_HEADERS


class ArchivoForm(StrictSchema):
    archivo = Upload(required=True, metadata={"description": "El PDF de la constancia."})


@blp.route("/verificacion", methods=["POST"])
@policy(PUBLIC)
@stateless
@accepts_multipart
@blp.arguments(ArchivoForm, location="files")
@blp.response(200, VerificacionArchivoOut)
@limited
def verification_upload(files):
    """Verificar un PDF: autentico, alterado o desconocido (hash contra el registro y firma fuera de línea)"""
    data = files["archivo"].read(MAX_PDF + 1)
    return verify.check_file(data[:MAX_PDF]), 200, verify.PUBLIC_HEADERS
