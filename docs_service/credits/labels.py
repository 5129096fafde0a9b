"""Spanish labels of the créditos area for pages (the one place for this text)."""
from babel.numbers import format_decimal

from .phases import MOTIVOS, PHASES
from .transfers import TIPOS as TIPOS_TRASLADO

ESTADOS_TRASLADO = {"pendiente": "Pendiente de aceptación", "aceptado": "Aceptado", "rechazado": "Rechazado"}
ESTADOS_CERTIFICACION = {"solicitada": "Solicitada", "revisada": "Revisada (lista para certificar)",
                         "certificada": "Certificada", "rechazada": "Rechazada"}
FORMATOS_PAGO = {"procesar": "PROCESAR", "sipare": "SIPARE"}
CODIFICACIONES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 con BOM", "latin-1": "Latin-1 (ISO-8859-1)"}
DELIMITADORES = {",": "coma", ";": "punto y coma"}
ESTADOS_PAGO = {"aplicado": "Aplicado", "parcial": "Aplicado, crédito con saldo", "sin_credito": "Sin crédito",
                "duplicado": "Duplicado (no aplicado)", "excedente": "Aplicado con excedente"}
# Incidencias (INC) as the Subdelegaciones' tooling labels them (DOMAIN.md §2.2; 01 and 02 approximate).
INCIDENCIAS = {"01": "Etapa inicial (emisión)", "02": "Notificado", "03": "Aclaración administrativa",
               "05": "En solicitud de convenio", "06": "Inconformidad", "09": "No localizado",
               "13": "Enviado a procuración o traslado", "14": "Juicio", "23": "En trámite de condonación",
               "31": "PAE: requerimiento", "32": "Embargo de muebles (depositaría ajena al IMSS)",
               "33": "Embargo de muebles (depositaría IMSS)", "34": "Embargo de inmuebles",
               "35": "Embargo de negociación", "43": "Embargo de depósitos bancarios", "52": "Convenio con plazo",
               "54": "Convenio"}
# Modalidades de aseguramiento (DOMAIN.md §3.1).
MODALIDADES = {"10": "Trabajadores permanentes y eventuales de la ciudad", "13": "Trabajadores del campo",
               "17": "Reversión de cuotas por subrogación de servicios"}


def incidencia(code: str | None) -> str:
    """«INC 31 · PAE: requerimiento»; a code outside the catalog shows as the bare code."""
    if not code:
        return ""
    name = INCIDENCIAS.get(code)
    return f"INC {code} · {name}" if name else f"INC {code}"


def modalidad(code: str | None) -> str:
    name = MODALIDADES.get(code or "")
    return f"{code} · {name}" if name else (code or "—")


def cifra(n) -> str:
    """A count as es-MX writes it: `8,173` (as the import's progress line shows it)."""
    return format_decimal(n or 0, locale="es_MX")


def cuantos(n: int, singular: str, plural: str) -> str:
    """«1 fila cargada», «8,173 filas cargadas»."""
    return f"{cifra(n)} {singular if n == 1 else plural}"


def template_filters() -> dict:
    return {"fase": lambda code: PHASES.get(code, code), "motivo_credito": lambda code: MOTIVOS.get(code, code),
            "estado_traslado": lambda code: ESTADOS_TRASLADO.get(code, code),
            "tipo_traslado": lambda code: TIPOS_TRASLADO.get(code, code),
            "estado_certificacion": lambda code: ESTADOS_CERTIFICACION.get(code, code),
            "formato_pago": lambda code: FORMATOS_PAGO.get(code, code),
            "incidencia": incidencia, "modalidad": modalidad, "cifra": cifra,
            "codificacion": lambda code: CODIFICACIONES.get(code, code),
            "delimitador": lambda char: f"{DELIMITADORES[char]} («{char}»)" if char in DELIMITADORES else f"«{char}»"}
