"""Spanish labels of the workflow's codes: version states, workflow actions (as a button and as a
past event in the log), acuse states. The one place for this text (the names of states and actions sit in the state
table, states.py, a leaf module the documents area reads too)."""
from .states import ACTION_LABELS, STATES

ESTADOS = STATES
ACCIONES = ACTION_LABELS
# How the log reads once done.
HECHOS = {
    "enviar_revision": "Enviada a revisión",
    "aprobar_revision": "Revisión aprobada",
    "devolver": "Devuelta con comentarios",
    "aprobar": "Aprobada",
    "rechazar": "Rechazada",
    "validar": "Formato validado",
    "publicar": "Publicada",
    "abrogar": "Abrogada",
    "sustituir": "Sustituida por una versión posterior",
}
# The trays of the Bandeja (queries.TRAYS): title, and what the home page's counter says.
BANDEJA = {
    "devueltas": ("Mis versiones devueltas", "Mis versiones devueltas con comentarios"),
    "borradores": ("Mis borradores", "Mis borradores"),
    "revision": ("Por revisar", "Versiones que esperan mi revisión"),
    "aprobacion": ("Por aprobar", "Versiones que esperan mi aprobación"),
    "validacion": ("Formatos por validar", "Formatos que esperan mi validación"),
    "publicar": ("Aprobadas, por publicar", "Versiones aprobadas por publicar"),
}
ACUSES = {"pendiente": "Pendiente", "recibido": "Recibido", "vencido": "Pendiente (vencido)"}


def template_filters() -> dict:
    """Jinja filters: `{{ v.estado|estado }}`, `{{ a|accion }}`, `{{ t.accion|hecho }}`, `{{ a.estado|estado_acuse }}`."""
    return {"estado": lambda code: ESTADOS.get(code, code),
            "accion": lambda code: ACCIONES.get(code, code),
            "hecho": lambda code: HECHOS.get(code, code),
            "estado_acuse": lambda code: ACUSES.get(code, code)}


def register(app):
    """Make this area's labels available to every template (run from the area's setup)."""
    app.jinja_env.filters.update(template_filters())
