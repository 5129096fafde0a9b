"""Upload checks that run before any parser touches the bytes: type by content, zip limits, zip
slip, symlinks, macros, DTDs/entities, external relationships, active PDF content."""
import io
import re
import stat
import zipfile
from dataclasses import dataclass

from ..core.errors import InvalidUpload, UnsupportedType

MAX_MEMBERS = 2000
MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_XML_MEMBER = 64 * 1024 * 1024
EXTENSIONS = {"docx": "docx", "pdf": "pdf", "md": "md", "markdown": "md"}
FORBIDDEN_REL_TYPES = ("attachedTemplate", "oleObject", "subDocument", "frame", "package", "control")
ACTIVE_PDF = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/OpenAction", b"/AA", b"/RichMedia")


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
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
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
    return Upload(name[:255], kind, data)


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
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            xml = _read_member(zf, info)
            if b"<!DOCTYPE" in xml or b"<!ENTITY" in xml:
                raise InvalidUpload("El documento contiene declaraciones XML (DOCTYPE/ENTITY) no permitidas.",
                                    code="xml_con_doctype_no_permitido")
            if info.filename == "[Content_Types].xml" and b"macroEnabled" in xml:
                raise InvalidUpload("El documento está habilitado para macros; no se permite.",
                                    code="macros_no_permitidas")
            if info.filename.endswith(".rels") and b"External" in xml:
                for rel in re.findall(rb"<Relationship\b[^>]*>", xml):
                    if b'TargetMode="External"' in rel and any(t.encode() in rel for t in FORBIDDEN_REL_TYPES):
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
    """Active content is refused outright (policy): JavaScript, launch actions, embedded files."""
    found = [marker.decode() for marker in ACTIVE_PDF if re.search(re.escape(marker) + rb"(?![A-Za-z])", data)]
    if found:
        raise InvalidUpload("El PDF contiene contenido activo (JavaScript, acciones o archivos incrustados); "
                            "no se permite.", code="pdf_contenido_activo", elementos=found)
