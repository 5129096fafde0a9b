"""Wiring of the formats area: a new version of a format inherits the previous definition (its
DOCX checked against it), and a format version leaves the draft only with its definition."""
from ..core import signals
from . import operations as ops

_connected = []


def _on_upload(version, **_detail):
    ops.carry_definition(version)


def _on_transition(version, accion=None, **_detail):
    ops.require_definition(version, accion)


def connect(app):
    if not _connected:  # blinker receivers are process-wide; connect once
        signals.version_uploaded.connect(_on_upload, weak=False)
        signals.version_transitioned.connect(_on_transition, weak=False)
        _connected.append(True)
