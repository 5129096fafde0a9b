"""Jinja helpers shared by every page: navigation (from the areas' declarations), es-MX dates."""
from babel.dates import format_date, format_datetime
from flask import current_app, g

from ..core.areas import nav_entries


def nav_links():
    user = g.get("user")
    return [(entry.label, entry.endpoint) for entry in nav_entries(current_app)
            if entry.endpoint in current_app.view_functions and entry.shown_to(user)]


def fecha(value):
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        return format_datetime(value, "d 'de' MMMM 'de' y, HH:mm", locale="es_MX") + " UTC"
    return format_date(value, "d 'de' MMMM 'de' y", locale="es_MX")


def init_app(app):
    app.jinja_env.globals["nav_links"] = nav_links
    app.jinja_env.filters["fecha"] = fecha
