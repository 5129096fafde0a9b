"""Jinja helpers shared by every page: navigation (from the areas' declarations), es-MX dates in
Mexico City time (core.fechas). Each area registers the filters of its own labels in its setup."""
from datetime import datetime

from babel.numbers import format_decimal
from flask import current_app, g

from ..core import fechas
from ..core.areas import nav_entries


def nav_links():
    user = g.get("user")
    return [(entry.label, entry.endpoint) for entry in nav_entries(current_app)
            if entry.endpoint in current_app.view_functions and entry.shown_to(user)]


def fecha(value):
    """A date as `27/11/2026`; a stored timestamp as its Mexico City time, `27/11/2026 14:05`."""
    if isinstance(value, datetime):
        return fechas.fecha_hora(value)
    return fechas.fecha(value)


def cuantos(n, singular: str, plural: str) -> str:
    """A count with its noun in the right number, as es-MX writes it: «1 unidad», «0 unidades»,
    «1,250 documentos» (never «unidad(es)»)."""
    n = n or 0
    return f"{format_decimal(n, locale='es_MX')} {singular if n == 1 else plural}"


def tamano(n) -> str:
    """A file size as people read it: «162 bytes», «36 KB», «1.4 MB» (es-MX digits)."""
    n = n or 0
    if n < 1024:
        return f"{n} bytes"
    if n < 1024 * 1024:
        return f"{format_decimal(round(n / 1024), locale='es_MX')} KB"
    return f"{format_decimal(round(n / (1024 * 1024), 1), format='#,##0.#', locale='es_MX')} MB"


def init_app(app):
    app.jinja_env.globals["nav_links"] = nav_links
    app.jinja_env.filters.update(fecha=fecha, fecha_larga=fechas.fecha_larga, fecha_hora=fechas.fecha_hora,
                                 iso_local=fechas.iso_local, cuantos=cuantos, tamano=tamano)
