"""The data each kind needs, read from the areas that own it, with the caller's scope applied
(an operativo only reaches its unit's patrones; anything else answers 404). Each collector returns
a `Collected` whose `datos` is the snapshot stored with the constancia and printed in it."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..core.db import db
from ..core.errors import InvalidInput, NotFound
from ..formats.words import amount_in_words, to_decimal as money


def format_money(value) -> str:
    """'21,031,000.10' (the table prints the sign once, in its heading)."""
    return f"{money(value):,.2f}"


@dataclass
class Collected:
    datos: dict
    nrp: str | None = None
    rfc: str | None = None
    referencia: str = ""
    fecha_corte: date | None = None


def national(user) -> bool:
    """Titular and admin act for the whole Coordinación; everyone else within their unit."""
    return user.has_role("titular", "admin")


def copia_certificada(user, *, clave: str | None = None, version: int | None = None, **_ignored) -> Collected:
    from ..documents.models import PUBLISHED_STATES, Document, Version
    if not clave or version is None:
        raise InvalidInput("Indique la clave del documento y el número de versión.", code="datos_incompletos",
                           errors={"clave": ["Obligatorio para una copia certificada."],
                                   "version": ["Obligatorio para una copia certificada."]})
    found = db.session.execute(
        select(Version).join(Document).where(Document.clave == clave.strip().upper(), Version.numero == version)
    ).scalar_one_or_none()
    if found is None or found.estado not in PUBLISHED_STATES:
        raise NotFound("No existe una versión publicada con esa clave y número.")
    doc = found.document
    secciones = [{"numeral": s.numeral, "titulo": s.titulo, "texto": s.texto} for s in found.sections]
    datos = {
        "documento": {"clave": doc.clave, "titulo": doc.titulo, "tipo": doc.tipo_nombre},
        "version": {"numero": found.numero, "estado": found.estado,
                    "vigente_desde": found.vigente_desde.isoformat() if found.vigente_desde else None,
                    "vigente_hasta": found.vigente_hasta.isoformat() if found.vigente_hasta else None,
                    "sha256": found.sha256, "nombre_archivo": found.nombre_archivo},
        "secciones": secciones,
    }
    return Collected(datos=datos, referencia=f"{doc.clave} v{found.numero}")


def credits_installed() -> bool:
    from flask import current_app
    return any(area.name == "credits" for area in current_app.extensions.get("docs_areas", ()))


def _require_credits():
    if not credits_installed():
        raise InvalidInput("Este tipo de constancia requiere el registro de créditos, que no está instalado.",
                           code="tipo_no_disponible")


def _patron(user, nrp: str | None):
    _require_credits()
    from ..credits.models import Patron
    if not nrp:
        raise InvalidInput("Indique el registro patronal (NRP).", code="datos_incompletos",
                           errors={"nrp": ["Obligatorio para este tipo de constancia."]})
    from ..credits.queries import can_view_patron
    nrp = nrp.strip().replace("-", "").upper()
    patron = db.session.scalar(select(Patron).where(Patron.nrp == nrp))
    if patron is None or (not national(user) and not can_view_patron(user, patron)):
        # The same answer for an unknown NRP and another unit's patrón: existence does not leak.
        raise NotFound(f"No se encontró el registro patronal {nrp} en su unidad.", code="patron_no_encontrado",
                       errors={"nrp": ["No hay un patrón con ese registro en su unidad."]})
    return patron


def _money_fields(value) -> tuple[str, str]:
    amount = money(value)
    return f"{amount:.2f}", format_money(amount)


def situacion_creditos(user, *, nrp: str | None = None, fecha_corte: date | None = None, unidad=None,
                       **_ignored) -> Collected:
    """`unidad`: the issuing unit; the constancia lists only the credits it answers for."""
    from . import credit_reads
    missing = {}
    if not nrp:
        missing["nrp"] = ("el registro patronal (NRP)", "Obligatorio para este tipo de constancia.")
    if fecha_corte is None:
        missing["fecha_corte"] = ("la fecha de corte", "Obligatoria para la constancia de situación.")
    if missing:
        raise InvalidInput(f"Indique {' y '.join(what for what, _ in missing.values())}.", code="datos_incompletos",
                           errors={field: [text] for field, (_, text) in missing.items()})
    patron = _patron(user, nrp)
    return situacion_for(patron, fecha_corte, credit_reads.credits_at(patron, fecha_corte, unidad))


def situacion_for(patron, fecha_corte: date, rows) -> Collected:
    """The snapshot of a patrón at a cut-off date from its credit rows (shared with batch emission)."""
    creditos, total, importe_total = [], money(0), money(0)
    for row in rows:
        saldo = money(row["saldo"])
        if saldo <= 0:
            continue
        total += saldo
        importe_total += money(row["importe_total"])
        imp, imp_fmt = _money_fields(row["importe_total"])
        sal, sal_fmt = _money_fields(saldo)
        creditos.append({"numero": row["numero"], "concepto": row["concepto"], "periodo": row["periodo"],
                         "fase": row["fase"], "importe_total": imp, "importe_total_fmt": imp_fmt,
                         "saldo": sal, "saldo_fmt": sal_fmt})
    datos = {"patron": {"nrp": patron.nrp, "rfc": patron.rfc, "razon_social": patron.razon_social},
             "creditos": creditos, "total": f"{total:.2f}", "total_fmt": format_money(total),
             "importe_total_fmt": format_money(importe_total), "total_letra": amount_in_words(total)}
    return Collected(datos=datos, nrp=patron.nrp, rfc=patron.rfc, referencia=patron.nrp, fecha_corte=fecha_corte)


def certificacion_pago(user, *, pago: int | None = None, **_ignored) -> Collected:
    _require_credits()
    from . import credit_reads
    if pago is None:
        raise InvalidInput("Indique la certificación de pago.", code="datos_incompletos",
                           errors={"pago": ["Obligatorio para una certificación de pago."]})
    found = credit_reads.certified_payment(pago)
    if found is None or (not national(user) and found["unidad_id"] != user.unidad_id):
        raise NotFound("No existe un pago certificado con ese número en su unidad.")
    importe, importe_fmt = _money_fields(found["importe"])
    datos = {"patron": found["patron"],
             "pago": {"id": pago, "importe": importe, "importe_fmt": importe_fmt, "renglones": found["renglones"]},
             "importe_letra": amount_in_words(importe)}
    return Collected(datos=datos, nrp=found["patron"]["nrp"], rfc=found["patron"]["rfc"],
                     referencia=f"pago {pago}")


COLLECTORS = {"copia_certificada": copia_certificada, "situacion_creditos": situacion_creditos,
              "certificacion_pago": certificacion_pago}
