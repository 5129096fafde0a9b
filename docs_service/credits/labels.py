"""Spanish labels of the créditos area for pages (the one place for this text)."""
from .phases import MOTIVOS, PHASES
from .transfers import TIPOS as TIPOS_TRASLADO

ESTADOS_TRASLADO = {"pendiente": "Pendiente de aceptación", "aceptado": "Aceptado", "rechazado": "Rechazado"}
ESTADOS_CERTIFICACION = {"solicitada": "Solicitada", "revisada": "Revisada (lista para certificar)",
                         "certificada": "Certificada", "rechazada": "Rechazada"}
FORMATOS_PAGO = {"procesar": "PROCESAR", "sipare": "SIPARE"}


def template_filters() -> dict:
    return {"fase": lambda code: PHASES.get(code, code), "motivo_credito": lambda code: MOTIVOS.get(code, code),
            "estado_traslado": lambda code: ESTADOS_TRASLADO.get(code, code),
            "tipo_traslado": lambda code: TIPOS_TRASLADO.get(code, code),
            "estado_certificacion": lambda code: ESTADOS_CERTIFICACION.get(code, code),
            "formato_pago": lambda code: FORMATOS_PAGO.get(code, code)}
