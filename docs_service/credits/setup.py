"""Wiring run once per app: the page filters of this area."""
from decimal import Decimal

from babel.numbers import format_currency


def pesos(value) -> str:
    if value is None:
        return "—"
    return format_currency(Decimal(value), "MXN", locale="es_MX")


def connect(app):
    from .labels import template_filters
    app.jinja_env.filters["pesos"] = pesos
    app.jinja_env.filters.update(template_filters())
