"""Documents API: catalog (also as in force on a date), metadata, versions, files, diff."""
from flask import g
from flask.views import MethodView

from ..core.access import AUTHENTICATED, accepts_multipart, policy, roles
from ..core.api_helpers import etag_of, list_schema, require_if_match
from ..core.blueprint import MULTIPART, Blueprint
from ..core.db import writes
from ..core.errors import InvalidInput, refused_as
from ..core.fechas import hoy
from . import operations as ops
from . import queries
from .diff import diff_versions
from .loaders import original_file, visible_document, visible_version
from .printing import pdf_response
from .schemas import (CatalogQuery, DiffQuery, DocumentCreate, DocumentDetail, DocumentOut, DocumentUpdate,
                      RelationIn, RelationOut, UploadForm, VersionOut, VersionSummary)

blp = Blueprint("documentos", __name__, url_prefix="/api/v1", description="Documentos normativos y sus versiones.")
NORMATIVO = roles("normativo")


def document_etag(document):
    return etag_of("documento", document.id, document.lock)


def version_etag(version):
    return etag_of("version", version.id, version.lock)


def present(document, version=None, in_force_day=None):
    """The document as listed: its version in force (today, or on the date asked)."""
    if version is None and in_force_day is not None:
        version = queries.version_in_force(document, in_force_day)
    document.version_vigente = version
    document.versiones = len(queries.visible_versions(g.user, document))  # a count must not reveal drafts
    return document


@blp.route("/documentos")
class Documents(MethodView):
    @policy(AUTHENTICATED)
    @blp.arguments(CatalogQuery, location="query")
    @blp.response(200, list_schema(DocumentOut, "DocumentList"))
    def get(self, args):
        """Catálogo normativo; con `vigente_al`, solo lo que estaba en vigor ese día"""
        day = args.get("vigente_al") or hoy()
        stmt = queries.catalog_stmt(g.user, day=day, only_in_force="vigente_al" in args, tipo=args.get("tipo"),
                                    estado=args.get("estado"), area=args.get("area"), texto=args.get("q"))
        total, rows = queries.page_catalog(stmt, args["pagina"], args["por_pagina"])
        return {"total": total, "items": [present(doc, version) for doc, version in rows]}

    @policy(NORMATIVO)
    @blp.arguments(DocumentCreate)
    @blp.response(201, DocumentDetail)
    def post(self, data):
        """Registrar un documento normativo"""
        document = ops.create_document(g.user, **data)
        return present(document, in_force_day=hoy()), 201, {"ETag": document_etag(document)}


@blp.route("/documentos/<int:document_id>")
class DocumentItem(MethodView):
    @policy(AUTHENTICATED)
    @blp.response(200, DocumentDetail)
    def get(self, document_id):
        """Un documento, con su versión vigente hoy y sus relaciones"""
        document = visible_document(document_id)
        return present(document, in_force_day=hoy()), 200, {"ETag": document_etag(document)}

    @policy(NORMATIVO)
    @blp.if_match
    @blp.arguments(DocumentUpdate)
    @blp.response(200, DocumentDetail)
    def patch(self, data, document_id):
        """Modificar los metadatos (requiere If-Match)"""
        document = ops.get_document(document_id)
        require_if_match(document_etag(document))
        ops.update_metadata(g.user, document, **data)
        return present(document, in_force_day=hoy()), 200, {"ETag": document_etag(document)}


@blp.route("/documentos/<int:document_id>/relaciones")
class DocumentRelations(MethodView):
    @policy(NORMATIVO)
    @blp.arguments(RelationIn)
    @blp.response(201, RelationOut)
    def post(self, data, document_id):
        """Relacionar con otro documento: abroga, deroga (parcialmente) o modifica"""
        return ops.add_relation(g.user, ops.get_document(document_id), **data)


@blp.route("/documentos/<int:document_id>/versiones")
class Versions(MethodView):
    @policy(AUTHENTICATED)
    @blp.response(200, VersionSummary(many=True))
    def get(self, document_id):
        """Versiones visibles del documento"""
        document = visible_document(document_id)
        return queries.visible_versions(g.user, document)

    @policy(NORMATIVO)
    @accepts_multipart
    @blp.arguments(UploadForm, location=MULTIPART)
    @blp.response(201, VersionSummary)
    def post(self, form, document_id):
        """Cargar una versión nueva (DOCX, PDF o Markdown) con su resumen de cambios"""
        document = ops.get_document(document_id)
        archivo = form["archivo"]
        data = archivo.read()
        with refused_as("upload_rechazado", documento_id=document.id, tamano=len(data)):
            version = ops.upload_version(g.user, document, filename=archivo.filename, data=data,
                                         resumen=form["resumen"])
        return version, 201, {"ETag": version_etag(version)}


@blp.route("/documentos/<int:document_id>/versiones/<int:numero>")
class VersionItem(MethodView):
    @policy(AUTHENTICATED)
    @blp.response(200, VersionOut)
    def get(self, document_id, numero):
        """Una versión con sus secciones (ETag para las transiciones)"""
        version = visible_version(document_id, numero)
        return version, 200, {"ETag": version_etag(version)}


@blp.route("/documentos/<int:document_id>/versiones/<int:numero>/archivo")
class VersionFile(MethodView):
    @policy(AUTHENTICATED)
    @writes
    @blp.response(200, content_type="application/octet-stream")
    def get(self, document_id, numero):
        """El archivo original de la versión (descarga)"""
        return original_file(visible_version(document_id, numero))


@blp.route("/documentos/<int:document_id>/versiones/<int:numero>/pdf")
class VersionPdf(MethodView):
    @policy(AUTHENTICATED)
    @writes
    @blp.response(200, content_type="application/pdf")
    def get(self, document_id, numero):
        """La versión impresa en PDF (encabezado institucional, numerales, SHA-256 del original; marca «SIN VALIDEZ OFICIAL» si no está vigente)"""
        return pdf_response(visible_version(document_id, numero))


@blp.route("/documentos/<int:document_id>/diff")
class DocumentDiff(MethodView):
    @policy(AUTHENTICATED)
    @blp.arguments(DiffQuery, location="query")
    def get(self, args, document_id):
        """Diferencias por sección entre dos versiones (numerales agregados, eliminados y modificados)"""
        old = visible_version(document_id, args["de"])
        new = visible_version(document_id, args["a"])
        if old.id == new.id:
            raise InvalidInput("Indique dos versiones distintas.", code="versiones_iguales",
                               errors={"a": ["Debe ser distinta de «de»."]})
        return diff_versions(old, new)


