"""Public verification: by code (what the QR opens) and by uploaded PDF. Discloses only estado,
folio, fecha de emisión, unidad emisora, SHA-256 and the masked RFC; unknown and malformed codes
are indistinguishable; nothing here is cached by browsers or indexed by search engines."""
import hashlib
import re
from datetime import timezone

from flask import current_app
from sqlalchemy import select

from ..accounts.labels import label_of, unit_label
from ..core.db import db
from .models import Constancia
from .pipeline import mask_rfc
from .signing import SigningConfig, SigningUnavailable, crl_bytes, root_certificate, validate_pdf

CODE = re.compile(r"^[A-Za-z0-9_-]{32}$")
PUBLIC_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Pragma": "no-cache"}
NOT_FOUND_MESSAGE = "No existe una constancia con ese código de verificación."
SEAL_FIELD = b"SelloInstitucional"


def by_code(codigo: str) -> Constancia | None:
    if not isinstance(codigo, str) or not CODE.match(codigo):
        return None
    return db.session.scalar(select(Constancia).where(Constancia.codigo == codigo))


def utc(value):
    """Stored naive UTC → aware, so it serialises with its offset."""
    return value.replace(tzinfo=timezone.utc) if value is not None and value.tzinfo is None else value


def issuing_unit(c: Constancia) -> str:
    """`3301 Mérida Norte`: the issuing unit as its PDF printed it (the name stored at issue time, so a
    later renamed unit does not change it); the unit's current name for constancias issued before
    migration 0013, which did not store it."""
    if c.unidad_nombre and c.unidad is not None:
        return label_of(c.unidad.clave, c.unidad.tipo, c.unidad_nombre)
    return unit_label(c.unidad)


def public_view(c: Constancia) -> dict:
    view = {"estado": c.estado, "folio": c.folio, "fecha_emision": utc(c.emitida),
            "unidad_emisora": issuing_unit(c), "sha256": c.sha256,
            "rfc_enmascarado": mask_rfc(c.rfc)}
    if c.estado != "VIGENTE":
        view["fecha_revocacion"] = utc(c.revocada)
    if c.estado == "REVOCADA":
        view["motivo_revocacion"] = c.motivo_revocacion
    if c.estado == "SUSTITUIDA" and c.sustituida_por is not None:
        view["folio_sustituto"] = c.sustituida_por.folio
    return view


def check_file(data: bytes) -> dict:
    """autentico: the exact bytes we issued (and its signature validates); alterado: it carries our
    seal's signature but is not what we issued, or the signature no longer matches; desconocido: neither."""
    digest = hashlib.sha256(data).hexdigest()
    found = db.session.scalar(select(Constancia).where(Constancia.sha256 == digest))
    config = SigningConfig.from_app(current_app)
    try:
        check = validate_pdf(data, root_certificate(config), crl_bytes(config))
    except SigningUnavailable:
        check = None
    firma = ({"firmado": check.firmado, "intacta": check.intacto, "valida": check.valido,
              "confiable": check.confiable, "cubre_todo": check.cubre_todo,
              "serie_certificado": check.serie_certificado} if check is not None else {})
    if found is not None and (check is None or check.ok):
        return {"resultado": "autentico", "firma": firma, "constancia": public_view(found),
                "mensaje": "El archivo es idéntico al registrado por el Instituto."}
    ours = found is not None or SEAL_FIELD in data or (
        check is not None and check.firmado and check.serie_certificado is not None)
    if ours:
        return {"resultado": "alterado", "firma": firma, "constancia": None,
                "mensaje": "El archivo lleva el sello del Instituto pero no coincide con ninguna constancia "
                           "registrada o su firma ya no corresponde: fue modificado."}
    return {"resultado": "desconocido", "firma": firma, "constancia": None,
            "mensaje": "El archivo no corresponde a ninguna constancia emitida por este servicio."}
