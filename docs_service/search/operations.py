"""Keeping the projection true: signal receivers write an outbox row in the changing transaction;
one writer applies pending rows after commit (and before a search, and on init); reindex rebuilds
into a new generation and swaps it in; verify compares index and database."""
import logging
import time

from flask import current_app, g
from sqlalchemy import delete, select

from ..core import signals
from ..core.db import after_commit, db, write_apart
from ..documents.models import Document, Version
from .engine import IndexUnavailable, get_engine
from .models import SearchOutbox
from .projection import all_entries, entries_of

log = logging.getLogger(__name__)
BATCH = 200
PENDING_CHECK_S = 1.0

# Changes that alter what the index must hold, by the signal that announces them.
WATCHED = (signals.version_uploaded, signals.version_transitioned, signals.version_published,
           signals.document_abrogated, signals.document_updated)


def _document_id(sender) -> int | None:
    if isinstance(sender, Document):
        return sender.id
    if isinstance(sender, Version):
        return sender.documento_id
    return None


def enqueue(sender, **detail):
    """Receiver: queue the sender's document in the same transaction, apply after commit."""
    document_id = _document_id(sender)
    if document_id is None:
        return
    name = detail.get("_signal_name", "cambio")
    db.session.add(SearchOutbox(documento_id=document_id, motivo=name[:40]))
    if not g.get("search_apply_queued"):
        g.search_apply_queued = True
        after_commit(_apply_after_commit)


def _outbox_state() -> dict:
    """This process's knowledge of the outbox: when the database was last checked for pending rows,
    and whether an apply here failed since (then the next search checks again at once)."""
    return current_app.extensions.setdefault("docs_search_outbox", {"checked": None, "dirty": True})


def _apply_after_commit():
    g.pop("search_apply_queued", None)
    state = _outbox_state()
    state["dirty"] = True
    try:
        apply_pending()
    except IndexUnavailable:
        log.warning("search index unavailable; outbox rows stay pending until a reindex")
        return
    state["dirty"] = False


def connect_signals():
    for signal in WATCHED:
        signal.connect(_receiver_for(signal.name), weak=False)


_receivers = {}


def _receiver_for(name):
    if name not in _receivers:
        def receiver(sender, **detail):
            enqueue(sender, _signal_name=name, **detail)
        receiver.__name__ = f"search_outbox_{name}"
        _receivers[name] = receiver
    return _receivers[name]


def has_pending() -> bool:
    session = db.new_session()
    try:
        return session.scalar(select(SearchOutbox.id).limit(1)) is not None
    finally:
        session.close()


def apply_pending() -> int:
    """Apply every pending outbox row; returns how many documents were re-projected. The index is
    written before the rows are deleted, so a crash in between only repeats idempotent work."""
    engine = get_engine()
    if not engine.available():
        raise IndexUnavailable()
    applied = 0
    with engine.writer_lock():
        while True:
            with write_apart() as session:
                rows = session.execute(select(SearchOutbox.id, SearchOutbox.documento_id)
                                       .order_by(SearchOutbox.id).limit(BATCH)).all()
                if not rows:
                    return applied
                document_ids = {r.documento_id for r in rows}
                entries = entries_of(session, document_ids)
                engine.add(entries, remove_documents=document_ids)
                session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([r.id for r in rows])))
                applied += len(document_ids)


def apply_pending_quietly() -> None:
    """Before a search: catch up with anything a crashed or concurrent writer left pending. This
    process applies its own changes right after their commit, so the database is asked at most
    once every PENDING_CHECK_S (rows left by another process that died between its commit and its
    indexing), or at once after an apply here failed."""
    state = _outbox_state()
    now = time.monotonic()
    if not state["dirty"] and state["checked"] is not None and now - state["checked"] < PENDING_CHECK_S:
        return
    state["checked"] = now
    if has_pending():
        try:
            apply_pending()
        except IndexUnavailable:
            raise
        except Exception:  # a failing document must not take search down; it stays pending
            log.exception("could not apply the search outbox")
            return
    state["dirty"] = False


def reindex() -> int:
    """Rebuild the whole index from the database into a new generation and swap it in. Returns
    the number of entries."""
    engine = get_engine()
    count = 0
    with engine.writer_lock():
        with write_apart() as session:
            pending = session.scalars(select(SearchOutbox.id)).all()

        def counted(session):
            nonlocal count
            for entry in all_entries(session):
                count += 1
                yield entry
        session = db.new_session()
        try:
            engine.rebuild(counted(session))
        finally:
            session.close()
        if pending:
            with write_apart() as session:
                for start in range(0, len(pending), 500):
                    session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(pending[start:start + 500])))
    return count


def verify() -> dict:
    """Differences between the index and what the database says it must hold."""
    apply_pending()
    session = db.new_session()
    try:
        expected = {e.id: e.digest for e in all_entries(session)}
    finally:
        session.close()
    actual = get_engine().fingerprints()
    return {
        "entradas": len(expected),
        "faltantes": sorted(set(expected) - set(actual)),
        "sobrantes": sorted(set(actual) - set(expected)),
        "distintas": sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k]),
    }
