"""Business rules of formats: register a format (a `formato` document with its first version),
set a version's definition (schema, HTML template, instructivo) while it is a draft, carry the
definition over to a newly uploaded version, render and count downloads. No commits here."""
import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from ..core.db import db
from ..core.errors import Conflict, InvalidInput, NotFound
from ..core.storage import storage
from ..documents import operations as documents
from ..documents.models import Document, Version
from . import docx as docx_render
from . import pdf as pdf_render
from . import rendering
from .fields import FormSchema, SchemaError
from .models import Download, FormatVersion
from .signals import format_defined, format_downloaded
from .templating import TemplateRefused, check_source

MAX_HTML = 200_000


def get_format(format_id: int) -> Document:
    """A format is addressed by its document's id."""
    document = db.session.get(Document, format_id)
    if document is None or document.tipo != "formato":
        raise NotFound()
    return document


def spec_of(version: Version) -> FormatVersion | None:
    return db.session.scalar(select(FormatVersion).where(FormatVersion.version_id == version.id))


def meta_for(version: Version, day: date | None = None) -> dict:
    doc = version.document
    vigente = day is None or version.in_force_on(day)
    return {"clave": doc.clave, "titulo": doc.titulo, "version": version.numero, "vigente": vigente,
            "vigente_desde": version.vigente_desde.strftime("%d/%m/%Y") if version.vigente_desde else ""}


def parse_schema(esquema) -> FormSchema:
    try:
        return FormSchema.parse(esquema)
    except SchemaError as err:
        raise InvalidInput(f"El esquema de campos no es válido: {err}", code="esquema_invalido",
                           errors={"esquema": [str(err)]}) from None


def check_definition(version: Version, schema: FormSchema, plantilla_html: str, instructivo: str) -> None:
    """The HTML and the DOCX (the version's file) must render in the sandbox with this schema."""
    if not isinstance(plantilla_html, str) or not plantilla_html.strip() or len(plantilla_html) > MAX_HTML:
        raise InvalidInput("Falta la plantilla HTML o excede el tamaño permitido.", code="plantilla_invalida",
                           errors={"plantilla_html": [f"Obligatoria, hasta {MAX_HTML} caracteres."]})
    if len(instructivo or "") > 20_000:
        raise InvalidInput("El instructivo excede 20,000 caracteres.", errors={"instructivo": ["Demasiado largo."]})
    meta = meta_for(version)
    try:
        check_source(plantilla_html, "La plantilla HTML")
        # The blank PDF draws every row a schema allows: the heaviest render, bounded here already.
        rendering.pdf(_Spec(schema, plantilla_html, instructivo or ""), meta, {}, fillable=True)
    except TemplateRefused as err:
        raise InvalidInput(str(err), code="plantilla_invalida", errors={"plantilla_html": [str(err)]}) from None
    if version.tipo_archivo != "docx":
        raise InvalidInput("La versión de un formato debe ser su plantilla DOCX.", code="plantilla_invalida",
                           errors={"archivo": ["Cargue un DOCX."]})
    try:
        template = storage().open(version.sha256)
        docx_render.check_template_source(template)
        rendering.docx(template, schema, schema.blank(), meta, blank=True)
    except TemplateRefused as err:
        raise InvalidInput(str(err), code="plantilla_invalida", errors={"archivo": [str(err)]}) from None


class _Spec:
    def __init__(self, schema, plantilla_html, instructivo):
        self.schema, self.plantilla_html, self.instructivo = schema, plantilla_html, instructivo


def _norma(clave: str | None) -> Document | None:
    if not clave:
        return None
    norma = db.session.scalar(select(Document).where(Document.clave == clave.strip().upper()[:32]))
    if norma is None or norma.tipo == "formato":
        raise InvalidInput(f"No existe la norma {clave[:32]}.", code="norma_inexistente",
                           errors={"norma": ["Clave de un documento normativo registrado."]})
    return norma


def set_definition(actor, version: Version, *, esquema, plantilla_html: str, instructivo: str = "",
                   norma: str | None = None, tema: str = "") -> FormatVersion:
    if version.document.tipo != "formato":
        raise NotFound()
    if version.estado != "borrador":
        raise Conflict("Solo la definición de una versión en borrador se puede modificar.", code="version_no_editable")
    schema = parse_schema(esquema)
    check_definition(version, schema, plantilla_html, instructivo)
    spec = spec_of(version) or FormatVersion(version_id=version.id)
    spec.esquema = json.dumps(schema.as_dict(), ensure_ascii=False)
    spec.plantilla_html, spec.instructivo = plantilla_html, (instructivo or "").strip()
    authorising = _norma(norma)
    spec.norma_id, spec.tema = (authorising.id if authorising else None), (tema or "").strip()[:100]
    spec.__dict__.pop("schema", None)
    db.session.add(spec)
    flag_modified(version, "resumen")  # the definition is part of the version: its lock (ETag) moves
    db.session.flush()
    format_defined.send(spec, actor=actor, documento=version.document.clave, numero=version.numero,
                        campos=len(schema.campos))
    return spec


def create_format(actor, *, clave, titulo, area, tema="", palabras_clave="", fundamento="", norma=None,
                  esquema, plantilla_html, instructivo="", docx: bytes, nombre_archivo: str, resumen: str) -> Version:
    """The `formato` document, version 1 (its DOCX template) and that version's definition."""
    document = documents.create_document(actor, clave=clave, titulo=titulo, tipo="formato", area=area,
                                         fundamento=fundamento, palabras_clave=palabras_clave)
    version = documents.upload_version(actor, document, filename=nombre_archivo, data=docx, resumen=resumen)
    set_definition(actor, version, esquema=esquema, plantilla_html=plantilla_html, instructivo=instructivo,
                   norma=norma, tema=tema)
    return version


def carry_definition(version: Version) -> FormatVersion | None:
    """A new version of a format inherits the previous version's definition (its DOCX is checked
    against it); normative staff change it while the version is a draft."""
    if version.document.tipo != "formato" or spec_of(version) is not None:
        return None
    previous = db.session.scalar(select(FormatVersion).join(Version, FormatVersion.version_id == Version.id)
                                 .where(Version.documento_id == version.documento_id, Version.id != version.id)
                                 .order_by(Version.numero.desc()).limit(1))
    if previous is None:
        return None
    check_definition(version, previous.schema, previous.plantilla_html, previous.instructivo)
    spec = FormatVersion(version_id=version.id, esquema=previous.esquema, plantilla_html=previous.plantilla_html,
                         instructivo=previous.instructivo, norma_id=previous.norma_id, tema=previous.tema)
    db.session.add(spec)
    db.session.flush()
    return spec


def require_definition(version: Version, accion: str) -> None:
    """A format version leaves the draft only with its definition."""
    if version.document.tipo == "formato" and accion == "enviar_revision" and spec_of(version) is None:
        raise Conflict("Defina el esquema de campos y la plantilla del formato antes de enviarlo a revisión.",
                       code="formato_sin_definicion")


def validate_data(spec: FormatVersion, data) -> dict:
    result = spec.schema.validate(data)
    if not result.ok:
        labels = []
        for messages in result.errors.values():
            text = messages[0]
            labels.append(text[1:text.index("»")] if text.startswith("«") and "»" in text else text[:60])
        raise InvalidInput("Revise los datos: " + "; ".join(labels[:12]) + ".", code="datos_formato_invalidos",
                           errors=result.errors, advertencias=result.warnings)
    return result.data


def render(version: Version, spec: FormatVersion, kind: str, data: dict | None, day: date) -> bytes:
    """kind docx|pdf; data None -> blank (the PDF then carries fillable fields)."""
    meta = meta_for(version, day)
    try:
        if kind == "docx":
            template = storage().open(version.sha256)
            return rendering.docx(template, spec.schema, data or spec.schema.blank(), meta, blank=data is None)
        return rendering.pdf(spec, meta, data or {}, fillable=data is None)
    except rendering.RenderLimit as err:
        raise InvalidInput(str(err), code="formato_excede_limites") from None
    except TemplateRefused as err:
        raise InvalidInput(str(err), code="plantilla_invalida") from None


def record_download(actor, version: Version, kind: str, mode: str) -> Download:
    row = Download(version_id=version.id, unidad_id=getattr(actor, "unidad_id", None), usuario_id=actor.id,
                   tipo=kind, modo=mode)
    db.session.add(row)
    db.session.flush()
    format_downloaded.send(version, actor=actor, documento=version.document.clave, numero=version.numero,
                           tipo=kind, modo=mode)
    return row


def read_back(spec: FormatVersion, data: bytes) -> tuple[dict, dict, str | None]:
    """A filled PDF -> (validated data, warnings, keyword naming the version it came from)."""
    raw, keyword = pdf_render.read_filled(data, spec.schema)
    result = spec.schema.validate(raw)
    if not result.ok:
        validate_data(spec, raw)
    return result.data, result.warnings, keyword
