"""Spanish labels of the accounts area: roles, kinds of unit, and how a unit is named
(`3301 Mérida Norte`, `33 OOAD Yucatán`, `NC Nivel central — Coordinación de Cobranza`). The one
place for this text."""

ROLES = {
    "admin": "Administración", "normativo": "Normativo", "revisor": "Revisión", "titular": "Titular",
    "validador": "Validación", "operativo": "Operativo", "consultor": "Consulta", "auditor": "Auditoría",
}
TIPOS_UNIDAD = {"central": "Nivel central", "ooad": "OOAD", "subdelegacion": "Subdelegación"}
_PREFIJO_SUBDELEGACION = "Subdelegación "


def short_name(tipo: str | None, nombre: str | None) -> str:
    """A unit's name as people say it, from its kind and official name: the official name of a
    Subdelegación without «Subdelegación » (its four-digit key already says what it is), «OOAD …» for
    an OOAD, the central level as named. Also for a name stored earlier (what a constancia printed)."""
    nombre = nombre or ""
    if tipo == "subdelegacion" and nombre.startswith(_PREFIJO_SUBDELEGACION):
        nombre = nombre[len(_PREFIJO_SUBDELEGACION):]
    if tipo == "ooad" and not nombre.startswith("OOAD "):
        nombre = f"OOAD {nombre}"
    return nombre


def unit_name(unit) -> str:
    """The unit's current name as people say it (see short_name)."""
    if unit is None:
        return ""
    return short_name(unit.tipo, unit.nombre)


def label_of(clave: str | None, tipo: str | None, nombre: str | None) -> str:
    """`3301 Mérida Norte` from a key, a kind and an official name (current or stored earlier)."""
    return f"{clave or ''} {short_name(tipo, nombre)}".strip() or "—"


def unit_label(unit) -> str:
    """`3301 Mérida Norte`; '—' when there is no unit."""
    if unit is None:
        return "—"
    return label_of(unit.clave, unit.tipo, unit.nombre)


def person_label(user, unidad=None) -> str:
    """`Sofía Pech · 3301 Mérida Norte`: a person's name and, once, the unit it belongs to. Without the
    unit when the line already names it (`unidad`: the consulta's answering unit, an event's unit)."""
    if user is None:
        return "—"
    nombre = user.nombre_completo or user.nombre
    own = getattr(user, "unidad", None)
    if own is None or (unidad is not None and own.clave == unidad.clave):
        return nombre
    return f"{nombre} · {unit_label(own)}"


def template_filters() -> dict:
    """Jinja filters: `{{ r|rol }}`, `{{ user.unidad|unidad }}`, `{{ u.tipo|tipo_unidad }}`,
    `{{ user|persona }}` (or `{{ user|persona(unidad_ya_nombrada) }}`)."""
    return {"rol": lambda code: ROLES.get(code, code), "unidad": unit_label, "persona": person_label,
            "tipo_unidad": lambda code: TIPOS_UNIDAD.get(code, code)}


def register(app):
    """Make this area's labels available to every template (run from the area's setup)."""
    app.jinja_env.filters.update(template_filters())
