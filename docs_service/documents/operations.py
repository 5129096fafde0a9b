"""Business rules for documents and versions. No commits here; files are written before rows."""
import re

from flask import current_app
from sqlalchemy import func, select

from ..core import signals
from ..core.db import db
from ..core.errors import Conflict, InvalidInput, NotFound
from ..core.storage import storage
from ..workflow.states import IN_PROGRESS
from .extract import extract_sections
from .models import RELACIONES, TIPOS, Document, Relation, Section, Version
from .signals import relation_added
from .uploads import check_upload

EDITABLE = {"titulo": 300, "area": 200, "fundamento": 5000, "palabras_clave": 500}  # field: max length


def _check_clave(clave: str) -> str:
    clave = (clave or "").strip().upper()
    pattern = current_app.config["DOCS_CLAVE_PATTERN"]
    if not re.fullmatch(pattern, clave):
        raise InvalidInput("La clave no tiene el formato institucional (p. ej. 9312-003-012).", code="clave_invalida",
                           errors={"clave": [f"Debe cumplir el patrón {pattern}."]})
    return clave


def _clean(value: str, field: str, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if any(ord(c) < 32 and c not in "\n\t" for c in value):
        raise InvalidInput("El texto contiene caracteres de control.", errors={field: ["Caracteres no permitidos."]})
    if required and not value:
        raise InvalidInput(f"Falta el dato «{field}».", errors={field: ["Este dato es obligatorio."]})
    return value[:limit]


def create_document(actor, *, clave, titulo, tipo, area, fundamento="", palabras_clave="", relaciones=()):
    clave = _check_clave(clave)
    if tipo not in TIPOS:
        raise InvalidInput("Tipo de documento no válido.", errors={"tipo": [f"Debe ser uno de: {', '.join(TIPOS)}."]})
    if db.session.scalar(select(Document.id).where(Document.clave == clave)) is not None:
        raise Conflict(f"Ya existe un documento con la clave {clave}.", code="clave_duplicada")
    document = Document(clave=clave, titulo=_clean(titulo, "titulo", 300, True), tipo=tipo,
                        area=_clean(area, "area", 200, True), fundamento=_clean(fundamento, "fundamento", 5000),
                        palabras_clave=_clean(palabras_clave, "palabras_clave", 500), creado_por_id=actor.id)
    db.session.add(document)
    db.session.flush()
    for rel in relaciones or ():
        add_relation(actor, document, **rel)
    signals.document_created.send(document, actor=actor, clave=clave, tipo=tipo)
    return document


def add_relation(actor, document: Document, *, tipo: str, clave: str, numerales: str = "") -> Relation:
    if tipo not in RELACIONES:
        raise InvalidInput("Tipo de relación no válido.", errors={"tipo": ["Debe ser abroga, deroga o modifica."]})
    target = db.session.scalar(select(Document).where(Document.clave == (clave or "").strip().upper()))
    if target is None:
        raise InvalidInput(f"No existe el documento con clave {clave[:32]}.", code="documento_relacionado_inexistente",
                           errors={"relaciones": ["Clave inexistente."]})
    if target.id == document.id:
        raise InvalidInput("Un documento no puede relacionarse consigo mismo.", code="relacion_consigo_mismo",
                           errors={"relaciones": ["Misma clave."]})
    exists = db.session.scalar(select(Relation.id).where(Relation.origen_id == document.id,
                                                        Relation.destino_id == target.id, Relation.tipo == tipo))
    if exists is not None:
        raise Conflict("La relación ya existe.", code="relacion_duplicada")
    relation = Relation(origen_id=document.id, destino_id=target.id, tipo=tipo,
                        numerales=_clean(numerales, "numerales", 500))
    db.session.add(relation)
    db.session.flush()
    relation_added.send(relation, actor=actor, origen=document.clave, destino=target.clave, tipo=tipo,
                        numerales=relation.numerales)
    return relation


def update_metadata(actor, document: Document, **changes) -> Document:
    for key, value in changes.items():
        if key not in EDITABLE:
            raise InvalidInput(f"El campo «{key}» no se puede modificar.", errors={key: ["Campo no permitido."]})
        setattr(document, key, _clean(value, key, EDITABLE[key], required=key in ("titulo", "area")))
    db.session.flush()
    signals.document_updated.send(document, actor=actor, campos=sorted(changes))
    return document


def upload_version(actor, document: Document, *, filename: str, data: bytes, resumen: str) -> Version:
    """Check the file, store it (before the row), extract its sections and create version n+1."""
    if document.abrogado_desde is not None:
        raise Conflict("El documento está abrogado; no admite nuevas versiones.", code="documento_abrogado")
    resumen = _clean(resumen, "resumen", 5000, required=True)
    pending = [v.numero for v in document.versions if v.estado in IN_PROGRESS]
    if pending:
        raise Conflict(f"La versión {pending[0]} sigue en trámite; concluya o devuelva esa versión primero.",
                       code="version_en_tramite")
    upload = check_upload(filename, data)
    sections = extract_sections(upload.kind, upload.data)
    key = storage().put(upload.data)  # the blob exists before any row references it
    numero = (db.session.scalar(select(func.max(Version.numero)).where(Version.documento_id == document.id)) or 0) + 1
    version = Version(document=document, numero=numero, estado="borrador", sha256=key,
                      nombre_archivo=upload.filename, tipo_archivo=upload.kind, tamano=len(upload.data),
                      resumen=resumen, autor_id=actor.id)
    version.sections = [Section(orden=i, numeral=s.numeral[:64], titulo=s.titulo[:500], texto=s.texto, nivel=s.nivel)
                        for i, s in enumerate(sections)]
    db.session.add(version)
    db.session.flush()
    signals.version_uploaded.send(version, actor=actor, documento=document.clave, numero=numero, sha256=key,
                                  secciones=len(sections), archivo=upload.filename)
    return version


def get_document(document_id: int) -> Document:
    # Ids beyond the column's 32 bits are simply absent (PostgreSQL would refuse the comparison).
    document = db.session.get(Document, document_id) if 0 < document_id < 2**31 else None
    if document is None:
        raise NotFound()  # same answer as a hidden one: no existence oracle
    return document


def get_version(document: Document, numero: int) -> Version:
    version = next((v for v in document.versions if v.numero == numero), None)
    if version is None:
        raise NotFound()
    return version
