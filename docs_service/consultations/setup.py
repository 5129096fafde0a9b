"""Wiring: flag answers whose cited versions were superseded or abrogated."""
from . import operations


def connect(app):
    operations.connect_signals()
