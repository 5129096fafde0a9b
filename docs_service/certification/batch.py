"""Batch emission: one constancia de situación per patrón of a Subdelegación at a cut-off date.

A job table (`constancia_lotes`, `constancia_lote_items`, UNIQUE(lote_id, registro)) holds each
item's state: pendiente → asignado (folio, code and issue time reserved, committed) → emitido
(constancia row and item state in one transaction). Killed at any point, a re-run resumes: assigned
items are produced again with the same folio and code, so the batch ends with exactly one constancia
per registro and no gap in the folios.

Work is split by what it costs: the parent reads the data (a chunk's credits in three queries) and
writes the registry (one writer, one transaction and one flush per chunk); a pool of worker
processes, each with its own Producer (templates, fonts, seal key and CMS pieces, the kind's model
and the unit's frame prepared once in the parent and inherited), typesets and signs each constancia.
The parent keeps every worker with a chunk in hand and one queued, and meanwhile reads the next
chunk and stores the finished ones, in order. Memory stays flat: only a few chunks of PDFs are alive
at a time."""
from __future__ import annotations

import gc
import multiprocessing
import os
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select, update

from ..core.db import db, transaction, utcnow
from ..core.errors import InvalidInput, NotFound
from . import collectors, signals
from .kinds import kinds_of
from .models import Constancia, Lote, LoteItem
from .operations import allocate_folios, new_code, now_seconds, record
from .pipeline import Job, Producer
from .signing import SigningConfig, load_material

TIPO = "situacion_creditos"
CHUNK = 16  # constancias laid out in one pass and stored in one transaction; a task-queue block
BLOB_WRITERS = 8


@dataclass(frozen=True)
class Settings:
    certificaciones_dir: str
    public_url: str
    signing: SigningConfig

    @classmethod
    def from_app(cls, app) -> "Settings":
        return cls(app.config["DOCS_CERTIFICACIONES_DIR"], app.config["DOCS_PUBLIC_URL"],
                   SigningConfig.from_app(app))


_worker: dict = {}


def _die_with_parent() -> None:
    """A worker must not outlive a killed batch (an orphan would idle forever): ask Linux to send it
    SIGTERM when the parent dies, and poll the parent as a fallback elsewhere."""
    parent = os.getppid()
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch():
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _worker_start(settings: Settings) -> None:
    _die_with_parent()
    _init_worker(settings)
    # What the worker inherited (WeasyPrint, fonts, parsed CSS, templates) lives as long as it does:
    # keep it out of the cyclic collector's scans, which otherwise walk it on every full collection.
    gc.freeze()


def _init_worker(settings: Settings) -> None:
    """Build the Producer (kinds, templates, seal, CMS pieces) unless inherited through fork."""
    if _worker.get("settings") != settings:
        _worker["producer"] = Producer.from_settings(settings.certificaciones_dir, settings.public_url,
                                                     settings.signing)
        _worker["settings"] = settings


def _warm(settings: Settings, unidad: tuple[str, str]) -> None:
    """Prepare once in the parent before forking: WeasyPrint and pyHanko imported, the CSS parsed,
    fonts subset, the seal loaded, and the kind's model and this unit's frame laid out. Workers
    inherit all of it instead of paying it each."""
    _init_worker(settings)
    from .pipeline import warm_up
    warm_up(_worker["producer"], *unidad)


def _produce(jobs: list[Job]) -> list:
    """A chunk's constancias, laid out together (one WeasyPrint pass), each signed on its own."""
    return _worker["producer"].produce_many(jobs)


def processes_for(app) -> int:
    configured = app.config.get("DOCS_LOTE_PROCESOS") or 0
    return configured if configured > 0 else max(1, len(os.sched_getaffinity(0)))


def find_or_create(actor, unidad_clave: str, fecha_corte: date) -> tuple[Lote, bool]:
    """The unfinished (or finished) lote for this unit and cut-off, or a new one with one item per patrón."""
    from ..accounts.models import Unit
    from ..credits.models import Patron
    from ..credits.queries import patrones_of
    unit = db.session.scalar(select(Unit).where(Unit.clave == unidad_clave))
    if unit is None or unit.tipo != "subdelegacion":
        raise NotFound(f"No existe la Subdelegación {unidad_clave[:8]}.")
    existing = db.session.scalar(select(Lote).where(Lote.tipo == TIPO, Lote.unidad_id == unit.id,
                                                    Lote.fecha_corte == fecha_corte).order_by(Lote.id.desc()))
    if existing is not None:
        return existing, False
    lote = Lote(tipo=TIPO, unidad_id=unit.id, fecha_corte=fecha_corte, solicitante_id=actor.id if actor else None)
    db.session.add(lote)
    db.session.flush()
    nrps = db.session.scalars(select(Patron.nrp).where(patrones_of(unit.id)).order_by(Patron.nrp)).all()
    if not nrps:
        raise InvalidInput(f"La Subdelegación {unit.clave} no tiene patrones registrados.", code="lote_vacio")
    db.session.add_all(LoteItem(lote_id=lote.id, registro=nrp) for nrp in nrps)
    lote.total = len(nrps)
    signals.batch_created.send(lote, actor=actor, unidad=unit.clave, fecha_corte=fecha_corte.isoformat(),
                               total=lote.total)
    return lote, True


def _in(lote_id: int, estado: str | tuple[str, ...], span: tuple[int, int] | None):
    """The items of a lote in a state (or states), optionally only those whose id lies in `span` (a
    queue task's block)."""
    estados = (estado,) if isinstance(estado, str) else estado
    conditions = [LoteItem.lote_id == lote_id, LoteItem.estado.in_(estados)]
    if span is not None:
        conditions.append(LoteItem.id.between(*span))
    return select(LoteItem).where(*conditions).order_by(LoteItem.id)


def _assign(lote_id: int, limit: int, span: tuple[int, int] | None = None) -> list[int]:
    """Reserve folios and codes for up to `limit` pending items (committed before any work)."""
    with transaction():
        items = db.session.scalars(_in(lote_id, "pendiente", span).limit(limit)).all()
        if not items:
            return []
        emitida = now_seconds()
        first = allocate_folios(TIPO, emitida.year, len(items))
        for offset, item in enumerate(items):
            item.estado, item.consecutivo, item.codigo, item.emitida = "asignado", first + offset, new_code(), emitida
        lote = db.session.get(Lote, lote_id)
        lote.estado = "en_proceso"
        return [item.id for item in items]


def _jobs(lote: Lote, items: list[LoteItem]) -> list[Job]:
    from ..credits.models import Patron
    from .credit_reads import credits_at_many
    kind = kinds_of(current_app)[TIPO]
    patrones = {p.nrp: p for p in db.session.scalars(select(Patron).where(
        Patron.nrp.in_([i.registro for i in items])))}
    rows = credits_at_many(list(patrones.values()), lote.fecha_corte, lote.unidad)
    unidad = lote.unidad
    jobs = []
    for item in items:
        patron = patrones[item.registro]
        collected = collectors.situacion_for(patron, lote.fecha_corte, rows[patron.id])
        jobs.append(Job(tipo=TIPO, folio=kind.folio(item.emitida.year, item.consecutivo), codigo=item.codigo,
                        emitida=item.emitida, fecha_corte=lote.fecha_corte, unidad_clave=unidad.clave,
                        unidad_nombre=unidad.nombre, rfc=collected.rfc, nrp=collected.nrp,
                        datos=collected.datos))
    return jobs


def run(lote_id: int, *, processes: int = 1, chunk: int = CHUNK, progress=None,
        span: tuple[int, int] | None = None) -> Lote:
    """Emit every item not yet emitted (only those with ids in `span` when given: one block of a task
    queue); `progress(n)` is called as items finish. The lote ends when no item is left to emit."""
    app = current_app._get_current_object()
    load_material(SigningConfig.from_app(app)).check_valid()  # 503 before any folio is reserved
    settings = Settings.from_app(app)
    pool = None
    if processes > 1:
        with transaction():
            unit = db.session.get(Lote, lote_id).unidad
            unidad = (unit.clave, unit.nombre)
        _warm(settings, unidad)
        # Children must not inherit the parent's database connections (a killed parent's PostgreSQL
        # session would stay open, with its locks, as long as a child held the socket).
        app.extensions["docs_engine"].dispose()
        pool = ProcessPoolExecutor(max_workers=processes, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_worker_start, initargs=(settings,))
        pool.submit(os.getpid).result()  # fork the workers now, while no connection is open
    else:
        _init_worker(settings)
    in_flight: deque = deque()  # (item ids, jobs, future or results): chunks being produced, in order
    try:
        for ids in _chunks(lote_id, _balanced(lote_id, chunk, processes, span), span):
            with transaction():
                lote = db.session.get(Lote, lote_id)
                jobs = _jobs(lote, db.session.scalars(select(LoteItem).where(LoteItem.id.in_(ids))
                                                      .order_by(LoteItem.id)).all())
            in_flight.append((ids, jobs, pool.submit(_produce, jobs) if pool else _produce(jobs)))
            # Keep every worker busy (and one chunk queued) while this process stores finished ones.
            while in_flight and (len(in_flight) > processes or not pool):
                _finish(lote_id, in_flight.popleft(), progress)
        while in_flight:
            _finish(lote_id, in_flight.popleft(), progress)
    finally:
        if pool is not None:
            pool.shutdown()
    return finish(lote_id)


def finish(lote_id: int) -> Lote:
    """Count what was emitted and close the lote once no item is left pending; several queue workers
    may get here at once, and only the one whose conditional UPDATE wins sends `batch_finished`."""
    with transaction():
        lote = db.session.get(Lote, lote_id)
        counts = dict(db.session.execute(select(LoteItem.estado, func.count()).where(LoteItem.lote_id == lote_id)
                                         .group_by(LoteItem.estado)).all())
        emitidas, errores = counts.get("emitido", 0), counts.get("error", 0)
        if counts.get("pendiente", 0) + counts.get("asignado", 0):
            return lote
        closed = db.session.execute(update(Lote).where(Lote.id == lote_id, Lote.estado != "terminado")
                                    .values(estado="terminado", terminado=utcnow(), emitidas=emitidas,
                                            errores=errores).execution_options(synchronize_session=False)).rowcount
        db.session.refresh(lote)
        if closed:
            signals.batch_finished.send(lote, actor=None, emitidas=emitidas, errores=errores)
    return lote


def blocks_in(session, lote_id: int, size: int = CHUNK) -> list[tuple[int, int]]:
    """The lote's items cut into fixed blocks of `size` by id (the same cut every time, so a block is
    one task-queue job whatever was emitted already), keeping only blocks with something left to do."""
    rows = session.execute(select(LoteItem.id, LoteItem.estado).where(LoteItem.lote_id == lote_id)
                              .order_by(LoteItem.id)).all()
    spans = []
    for start in range(0, len(rows), size):
        block = rows[start:start + size]
        if any(estado in ("pendiente", "asignado") for _id, estado in block):
            spans.append((block[0][0], block[-1][0]))
    return spans


def _balanced(lote_id: int, chunk: int, processes: int, span: tuple[int, int] | None) -> int:
    """At most `chunk`, and equal shares in the last round, so no worker finishes alone."""
    with transaction():
        left = db.session.scalar(select(func.count()).select_from(
            _in(lote_id, ("pendiente", "asignado"), span).subquery()))
    if not left:
        return chunk
    rounds = -(-left // (processes * chunk))
    return max(1, -(-left // (rounds * processes)))


def _chunks(lote_id: int, chunk: int, span: tuple[int, int] | None):
    """Item ids to produce, a chunk at a time: first those a killed run had already assigned (same
    folio and code again), then fresh assignments. A chunk is yielded once, so chunks still being
    produced are never picked up twice."""
    last = 0
    while True:
        with transaction():
            ids = db.session.scalars(_in(lote_id, "asignado", span).where(LoteItem.id > last)
                                     .with_only_columns(LoteItem.id).limit(chunk)).all()
        if not ids:
            break
        last = ids[-1]
        yield list(ids)
    while ids := _assign(lote_id, chunk, span):
        yield ids


def _finish(lote_id: int, entry, progress) -> None:
    ids, jobs, produced = entry
    results = produced if isinstance(produced, list) else produced.result()
    _store(lote_id, ids, jobs, results)
    if progress:
        progress(len(ids))


def _put_blobs(results) -> dict[int, str]:
    """Each produced PDF as a blob, written side by side (each write waits on its own fsync, so a
    chunk waits on the slowest, not on the sum): position in the chunk → blob key."""
    from ..core.storage import storage
    store = storage()
    produced = {n: r for n, r in enumerate(results) if not isinstance(r, Exception)}
    with ThreadPoolExecutor(max_workers=BLOB_WRITERS) as writers:
        keys = writers.map(store.put, [r.pdf for r in produced.values()])
        return dict(zip(produced, keys))


def _store(lote_id: int, ids: list[int], jobs: list[Job], results) -> None:
    """Blobs first, then the constancias and the items' state in one transaction."""
    keys = _put_blobs(results)
    with transaction():
        lote = db.session.get(Lote, lote_id)
        items = {i.id: i for i in db.session.scalars(select(LoteItem).where(LoteItem.id.in_(ids)))}
        issued = []
        for n, (item_id, job, result) in enumerate(zip(ids, jobs, results)):
            item = items[item_id]
            if isinstance(result, Exception):
                item.estado, item.error = "error", str(result)[:2000]
                continue
            issued.append((item, record(job, result, unidad_id=lote.unidad_id, solicitante_id=lote.solicitante_id,
                                        consecutivo=item.consecutivo, referencia=job.nrp or "", lote_id=lote_id,
                                        flush=False, key=keys[n])))
        db.session.flush()  # the chunk's rows in one round of INSERTs
        for item, constancia in issued:
            item.estado, item.constancia_id = "emitido", constancia.id
            signals.constancia_issued.send(constancia, actor=None, folio=constancia.folio, tipo=TIPO,
                                           sha256=constancia.sha256, lote=lote_id)
        lote.emitidas = (lote.emitidas or 0) + len(issued)


def status(lote_id: int) -> dict:
    lote = db.session.get(Lote, lote_id)
    if lote is None:
        raise NotFound("No existe ese lote.")
    counts = dict(db.session.execute(select(LoteItem.estado, func.count()).where(LoteItem.lote_id == lote_id)
                                     .group_by(LoteItem.estado)).all())
    distinct = db.session.scalar(select(func.count(func.distinct(Constancia.folio))).where(Constancia.lote_id == lote_id))
    return {"lote": lote.id, "estado": lote.estado, "total": lote.total, "por_estado": counts,
            "folios_distintos": distinct}
