"""Wiring of the formats area: a new version of a format inherits the previous definition (its
DOCX checked against it), and a format version leaves the draft only with its definition. When the
process serves its first request, the bounded render workers are forked and warmed in the
background and, once that response is sent, the web process's heap is frozen for the cyclic GC
(`gc.freeze`): what the process imported and built to serve stays out of every later collection, so
a full collection never pauses a download for ~100 ms."""
import gc

from flask import after_this_request

from ..core import signals
from . import operations as ops
from . import rendering

_connected = []
_warmed = []


def _on_upload(version, **_detail):
    ops.carry_definition(version)


def _on_transition(version, accion=None, **_detail):
    ops.require_definition(version, accion)


def _freeze_heap() -> None:
    gc.collect()
    gc.freeze()


def _warm_up_once():
    if _warmed:
        return
    _warmed.append(True)
    rendering.start()

    @after_this_request
    def _then_freeze(response):
        response.call_on_close(_freeze_heap)
        return response


def connect(app):
    app.before_request(_warm_up_once)
    if not _connected:  # blinker receivers are process-wide; connect once
        signals.version_uploaded.connect(_on_upload, weak=False)
        signals.version_transitioned.connect(_on_transition, weak=False)
        _connected.append(True)
