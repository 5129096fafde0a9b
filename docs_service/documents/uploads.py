"""Upload checks that run before any parser touches the bytes: type by content, zip limits, zip
slip, symlinks, macros, DTDs/entities, external relationships, active PDF content."""
import io
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass

from lxml import etree

from ..core.errors import InvalidUpload, UnsupportedType

MAX_MEMBERS = 2000
MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_XML_MEMBER = 64 * 1024 * 1024
EXTENSIONS = {"docx": "docx", "pdf": "pdf", "md": "md", "markdown": "md"}
ACTIVE_PDF = {"JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "OpenAction", "AA", "RichMedia"}
# A PDF name: "/" then regular characters, any of them possibly written as #xx (so /J#61vaScript is /JavaScript).
PDF_NAME = re.compile(rb"/((?:[^\x00\t\n\x0c\r ()<>\[\]{}/%#]|#[0-9A-Fa-f]{2})+)")
# Bidirectional controls reorder what a person reads (an .exe can look like a .pdf): never stored.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))
MAX_NAME = 255


@dataclass
class Upload:
    filename: str
    kind: str  # docx | pdf | md
    data: bytes


def sniff(data: bytes) -> str | None:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if b"\x00" in data[:8192]:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    head = data[:1024].lstrip().lower()
    if head.startswith(b"<!doctype html") or head.startswith(b"<html"):
        return "html"
    return "text"


def check_upload(filename: str, data: bytes) -> Upload:
    """Validate name, size and content; returns the upload with its kind."""
    name = clean_filename((filename or "").replace("\\", "/").rsplit("/", 1)[-1])
    if not name or any(ord(c) < 32 for c in name):
        raise InvalidUpload("El archivo no tiene un nombre válido.", code="nombre_archivo_invalido")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = EXTENSIONS.get(ext)
    if kind is None:
        raise UnsupportedType("Solo se aceptan archivos DOCX, PDF o Markdown (.md).", code="tipo_no_soportado")
    if not data:
        raise InvalidUpload("El archivo está vacío.", code="archivo_vacio")
    content = sniff(data)
    expected = {"docx": "zip", "pdf": "pdf", "md": "text"}[kind]
    if content != expected:
        raise UnsupportedType(f"El contenido del archivo no corresponde a la extensión .{ext}.",
                              code="tipo_no_coincide")
    if kind == "docx":
        check_docx(data)
    elif kind == "pdf":
        check_pdf_bytes(data)
    return Upload(name, kind, data)


def check_docx(data: bytes) -> None:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InvalidUpload("El DOCX está dañado o no es un archivo ZIP válido.", code="docx_corrupto") from None
    if len(infos) > MAX_MEMBERS:
        raise InvalidUpload(f"El DOCX tiene demasiadas partes (máximo {MAX_MEMBERS}).",
                            code="documento_comprimido_excede_limite")
    total = 0
    names = set()
    for info in infos:
        name = info.filename
        if name.startswith("/") or "\\" in name or ".." in name.split("/") or re.match(r"^[A-Za-z]:", name):
            raise InvalidUpload("El DOCX contiene rutas no permitidas.", code="ruta_no_permitida")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise InvalidUpload("El DOCX contiene enlaces simbólicos.", code="ruta_no_permitida")
        total += info.file_size
        if total > MAX_TOTAL_UNCOMPRESSED or (info.compress_size and info.file_size / info.compress_size > MAX_RATIO
                                              and info.file_size > 1024 * 1024):
            raise InvalidUpload("El DOCX descomprimido excede los límites permitidos.",
                                code="documento_comprimido_excede_limite")
        names.add(name)
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise UnsupportedType("El contenido no es un documento de Word (DOCX).", code="tipo_no_coincide")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise InvalidUpload("El documento contiene macros; no se permiten.", code="macros_no_permitidas")
    main = None
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            root = _parse_part(_read_member(zf, info))
            if info.filename == "[Content_Types].xml":
                _check_content_types(root)
            elif info.filename.endswith(".rels"):
                _check_relationships(root)
                if info.filename == "_rels/.rels":
                    main = _main_document_target(root)
    if main not in names:  # what Word (and python-docx) open first must be there
        raise InvalidUpload("El DOCX no declara su documento principal.", code="docx_corrupto")


def _parse_part(xml: bytes):
    """Parse one XML part safely (lxml: no DTD loaded, no entity resolved, no network, no huge trees)
    and refuse any DOCTYPE: it is the only place entities can be declared. Parsing, unlike searching
    the bytes, sees the document as Word would in any encoding (UTF-16 included)."""
    try:
        root = etree.fromstring(xml, _safe_parser(recover=False))
    except etree.XMLSyntaxError:
        root = None
    # A DOCTYPE is refused as such even in a part that is malformed in other ways.
    lenient = root if root is not None else etree.fromstring(xml, _safe_parser(recover=True))
    docinfo = lenient.getroottree().docinfo if lenient is not None else None
    if docinfo is not None and (docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None):
        raise InvalidUpload("El documento contiene declaraciones XML (DOCTYPE/ENTITY) no permitidas.",
                            code="xml_con_doctype_no_permitido")
    if root is None:
        raise InvalidUpload("El DOCX contiene una parte XML mal formada.", code="docx_corrupto")
    return root


def _safe_parser(recover: bool):
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False,
                           dtd_validation=False, recover=recover)


def _local(name: str) -> str:
    return etree.QName(name).localname if isinstance(name, str) and name.startswith("{") else str(name)


def _check_content_types(root) -> None:
    """Macro-enabled parts are declared by their content type (…macroEnabled…, vbaProject)."""
    for element in root.iter():
        content_type = (element.get("ContentType") or "").lower()
        if "macroenabled" in content_type or "vbaproject" in content_type:
            raise InvalidUpload("El documento está habilitado para macros; no se permite.", code="macros_no_permitidas")


def _main_document_target(root) -> str | None:
    for element in root.iter():
        if _local(element.tag) == "Relationship" and (element.get("Type") or "").endswith("/officeDocument"):
            return (element.get("Target") or "").lstrip("/")
    return None


def _check_relationships(root) -> None:
    """A relationship whose TargetMode is External points outside the package: only hyperlinks may
    (Word would fetch an external template, OLE object, frame or image when opening the file)."""
    for element in root.iter():
        if _local(element.tag) != "Relationship":
            continue
        if (element.get("TargetMode") or "").strip().lower() != "external":
            continue
        rel_type = (element.get("Type") or "").rstrip("/").rsplit("/", 1)[-1]
        if rel_type != "hyperlink":
            raise InvalidUpload("El documento hace referencia a plantillas u objetos externos.",
                                code="relacion_externa_no_permitida")


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read at most the declared size (and the cap); a member lying about its size fails its CRC."""
    if info.file_size > MAX_XML_MEMBER:
        raise InvalidUpload("Una parte del DOCX excede el tamaño permitido.", code="documento_comprimido_excede_limite")
    try:
        with zf.open(info) as fh:
            data = fh.read(info.file_size + 1)
            if len(data) > info.file_size or fh.read(1):
                raise InvalidUpload("El DOCX está dañado (tamaños inconsistentes).", code="docx_corrupto")
            return data
    # zipfile raises NotImplementedError for compression methods it does not support
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError):
        raise InvalidUpload("El DOCX está dañado (tamaños o sumas de verificación inconsistentes).",
                            code="docx_corrupto") from None
    except RuntimeError:
        raise InvalidUpload("El DOCX está cifrado o dañado.", code="docx_corrupto") from None


def check_pdf_bytes(data: bytes) -> None:
    """Active content is refused outright (policy): JavaScript, launch actions, embedded files.
    Every name token is decoded (#xx escapes) before it is compared; what hides inside compressed
    object streams is found by the parsing worker (pdf_worker), which reads the objects."""
    found = sorted({"/" + name for name in (_pdf_name(m.group(1)) for m in PDF_NAME.finditer(data))
                    if name in ACTIVE_PDF})
    if found:
        raise InvalidUpload("El PDF contiene contenido activo (JavaScript, acciones o archivos incrustados); "
                            "no se permite.", code="pdf_contenido_activo", elementos=found)


def _pdf_name(raw: bytes) -> str:
    decoded = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
    return decoded.decode("latin-1")


def clean_filename(name: str) -> str:
    """The name as stored and shown: no bidirectional controls, at most 255 characters, and when it
    must be cut the extension is kept (`…muy largo.docx`, never `…muy la`)."""
    name = unicodedata.normalize("NFC", name).translate(BIDI_CONTROLS).strip()
    if len(name) <= MAX_NAME:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 16:
        return name[:MAX_NAME]
    return stem[:MAX_NAME - len(ext) - 1].rstrip() + "." + ext
