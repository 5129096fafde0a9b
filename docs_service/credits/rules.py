"""Guards of the phase machine and the dates they rest on (días hábiles with Mexican holidays from
the workflow calendar; prescripción and caducidad terms)."""
from datetime import date, timedelta
from functools import lru_cache

from ..core import fechas
from ..core.fechas import hoy
from ..workflow.calendar import add_business_days

PLAZO_PAGO_DIAS_HABILES = 15     # LSS art. 39-D
PLAZO_ACLARACION_DIAS_HABILES = 5  # aclaración filed within it suspends the payment term
ANOS_PRESCRIPCION = 5            # LSS art. 298
ANOS_CADUCIDAD = 5               # LSS art. 297


def today() -> date:
    """The calendar day in Mexico City (plazos, "no future date", periodos are Mexican days)."""
    return hoy()


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@lru_cache(maxsize=8192)
def vencimiento_pago(fecha_notificacion: date) -> date:
    """Last day of the 15 días hábiles payment term counted from the notification."""
    return add_business_days(fecha_notificacion, PLAZO_PAGO_DIAS_HABILES)


def exigibilidad(fecha_notificacion: date) -> date:
    """The credit is exigible the day after the term ends; prescripción starts then."""
    return vencimiento_pago(fecha_notificacion) + timedelta(days=1)


def limite_aclaracion(fecha_notificacion: date) -> date:
    return add_business_days(fecha_notificacion, PLAZO_ACLARACION_DIAS_HABILES)


def inicio_caducidad(periodo: str) -> date:
    """Day after the payment deadline: the 18th of the month after the period (Acuerdo 470/2005)."""
    year, month = int(periodo[:4]), int(periodo[4:])
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, 18)


def inicio_prescripcion(credit) -> date | None:
    """Exigibilidad, restarted by the last gestión de cobro that interrupted it (CFF art. 146)."""
    starts = [d for d in (credit.fecha_exigibilidad, credit.fecha_interrupcion) if d is not None]
    return max(starts) if starts else None


def prescribe_el(credit) -> date | None:
    start = inicio_prescripcion(credit)
    return add_years(start, ANOS_PRESCRIPCION) if start else None


def caduca_el(credit) -> date:
    return add_years(inicio_caducidad(credit.periodo), ANOS_CADUCIDAD)


# Each guard: (credit, data, day) -> None when it holds, else the Spanish reason it does not.
def _fecha_no_futura(credit, data, day):
    fecha = data.get("fecha")
    if fecha is None:
        return "Indique la fecha del acto."
    if fecha > day:
        return "La fecha no puede ser futura."
    if fecha < credit.fecha_emision:
        return "La fecha no puede ser anterior a la emisión del crédito."
    return None


def _plazo_vencido(credit, _data, day):
    if credit.fecha_notificacion is None:
        return "El crédito no tiene fecha de notificación."
    vence = vencimiento_pago(credit.fecha_notificacion)
    if day <= vence:
        return (f"El plazo de 15 días hábiles vence el {fechas.fecha(vence)}; "
                "el crédito será exigible al día siguiente.")
    return None


def _sin_aclaracion(credit, _data, _day):
    return "El plazo está suspendido por una aclaración en trámite." if credit.en_aclaracion else None


def _pae_no_suspendido(credit, _data, _day):
    return "El PAE está suspendido (interés fiscal garantizado o medio de defensa)." if credit.pae_suspendido else None


def _garantizado(credit, _data, _day):
    return None if credit.interes_fiscal_garantizado else \
        "Iniciado el PAE, controvertir requiere garantizar el interés fiscal (CFF arts. 141 y 144)."


def _prescripcion(credit, _data, day):
    fecha = prescribe_el(credit)
    if fecha is None:
        return "El crédito aún no es exigible: la prescripción no ha comenzado."
    if day < fecha:
        return (f"La prescripción se cumple el {fechas.fecha(fecha)} (5 años desde la exigibilidad "
                "o su última interrupción).")
    return None


def _caducidad(credit, _data, day):
    reference = credit.fecha_notificacion or day
    fecha = caduca_el(credit)
    if reference < fecha:
        return (f"Las facultades para determinar el periodo {credit.periodo} caducan el {fechas.fecha(fecha)}; "
                "el crédito se determinó (o se notifica) dentro del plazo.")
    return None


GUARDS = {"fecha_no_futura": _fecha_no_futura, "plazo_vencido": _plazo_vencido, "sin_aclaracion": _sin_aclaracion,
          "pae_no_suspendido": _pae_no_suspendido, "garantizado": _garantizado, "prescripcion": _prescripcion,
          "caducidad": _caducidad}


def failed_guard(step, credit, data, day) -> str | None:
    """The first guard of a step that does not hold now (its reason), or None."""
    for name in step.guards:
        if name == "fecha_no_futura" and "fecha" not in data:
            continue  # checked when the form is submitted, not when offering the action
        reason = GUARDS[name](credit, data, day)
        if reason:
            return reason
    return None
