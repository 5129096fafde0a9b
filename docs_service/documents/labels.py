"""Spanish labels of the Normateca's codes (what a person reads instead of the code): document
tipos, relations between documents, kinds of change in a diff. The one place for this text."""
from .readable import readable

TIPOS = {
    "manual_organizacion": "Manual de organización",
    "manual_procedimientos": "Manual de procedimientos",
    "manual_operacion": "Manual de operación",
    "instructivo": "Instructivo",
    "estrategia": "Estrategia",
    "lineamiento": "Lineamiento",
    "criterio_normativo": "Criterio normativo",
    "disposicion": "Disposición",
    "formato": "Formato oficial",
}
RELACIONES = {"abroga": "Abroga", "deroga": "Deroga (parcialmente)", "modifica": "Modifica"}
CAMBIOS = {"agregada": "Agregado", "eliminada": "Eliminado", "modificada": "Modificado"}
ARCHIVOS = {"docx": "Word (DOCX)", "pdf": "PDF", "md": "Markdown"}


def template_filters() -> dict:
    """Jinja filters: `{{ doc.tipo|tipo_documento }}`, `{{ r.tipo|relacion }}`, `{{ s.cambio|cambio }}`, and a
    section's text as a person reads it, `{{ s.texto|legible(doc.tipo) }}` (a format's fields as blanks)."""
    return {"legible": lambda text, tipo: readable(tipo, text or ""),
            "tipo_documento": lambda code: TIPOS.get(code, code),
            "relacion": lambda code: RELACIONES.get(code, code),
            "cambio": lambda code: CAMBIOS.get(code, code),
            "tipo_archivo": lambda code: ARCHIVOS.get(code, code)}


def register(app):
    """Make this area's labels available to every template (run from the area's setup)."""
    app.jinja_env.filters.update(template_filters())
