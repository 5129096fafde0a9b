"""Wiring of the audit area: its signal receivers and the Jinja filters of its labels."""
from . import labels
from .operations import connect_signals


def connect(app):
    connect_signals(app)
    app.jinja_env.filters.update(labels.template_filters())
