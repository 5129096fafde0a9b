"""Bounded work in long-lived worker processes, for rendering what users or staff upload (templates
are untrusted, ../shared/SECURITY.md B): a call runs in a worker whose address space is capped
(RLIMIT_AS), and a call that outlives its timeout kills that worker, which pebble replaces.

    from docs_service.core.isolation import LimitExceeded, pool
    workers = pool("formatos", preload=("docs_service.formats.jobs",),
                   warm_up="docs_service.formats.jobs:warm_up", processes=1, memory_mb=512)
    workers.start()                                    # optional: fork and warm now, without waiting
    data = workers.run(jobs.render_pdf, spec, timeout=20)   # LimitExceeded when a bound is hit

- Workers are forked from a forkserver (a clean, single-threaded process that has imported
  ``preload``), never from the web process with its threads and database connections.
- ``warm_up`` ("module:function") runs once per worker before any call: imports, parsed CSS, font
  configuration, a first render. Then the worker's heap is frozen for the cyclic GC (``gc.freeze``),
  so a full collection scans only what a call left, not the warmed libraries: no 100 ms GC pause
  in the middle of a request.
- ``memory_mb`` is what a call may add to the warmed worker's address space; past it allocations
  fail (``MemoryError``, or the worker dies), reported as ``LimitExceeded("memoria")``.
- The timeout counts from the moment a worker starts the call (not the wait for a free worker).
- Exceptions raised by the function come back as they are (they must pickle: use plain ones).

One pool per (name, processes, memory) per process; the web process keeps it for its lifetime.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from importlib import import_module

_pools: dict = {}
_lock = threading.Lock()


class LimitExceeded(RuntimeError):
    """A call hit its bound: ``kind`` is "tiempo" (timeout) or "memoria" (memory, or the worker died)."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def _resolve(ref: str):
    module, _, attr = ref.partition(":")
    return getattr(import_module(module), attr)


def _vm_bytes() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * resource.getpagesize()


def _worker_start(warm_up: str | None, memory_bytes: int) -> None:
    if warm_up:
        _resolve(warm_up)()
    gc.collect()
    gc.freeze()
    limit = _vm_bytes() + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _ping() -> bool:
    return True


def _call(func, args):
    """In the worker: a call that runs out of memory ends its worker (pebble replaces it), so no
    half-failed heap serves the next call."""
    try:
        return func(*args)
    except MemoryError:
        os._exit(70)


class Bounded:
    def __init__(self, name: str, *, preload: tuple = (), warm_up: str | None = None, processes: int = 1,
                 memory_mb: int = 512):
        self.name, self.preload, self.warm_up = name, tuple(preload), warm_up
        self.processes, self.memory_mb = max(1, processes), memory_mb
        self._pool = None
        self._start_lock = threading.Lock()

    def _get(self):
        with self._start_lock:
            if self._pool is None or not self._pool.active:
                from pebble import ProcessPool
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(list(self.preload))
                self._pool = ProcessPool(max_workers=self.processes, initializer=_worker_start,
                                         initargs=(self.warm_up, self.memory_mb * 1024 * 1024), context=context)
            return self._pool

    def start(self) -> None:
        """Fork and warm every worker in the background; returns at once."""
        pool = self._get()
        for _ in range(self.processes):
            pool.schedule(_ping)

    def run(self, func, *args, timeout: float):
        from concurrent.futures import CancelledError
        from concurrent.futures.process import BrokenProcessPool

        from pebble import ProcessExpired
        for attempt in (1, 2):
            pool = self._get()
            future = pool.schedule(_call, args=(func, args), timeout=timeout)
            try:
                return future.result()
            except FutureTimeout:
                raise LimitExceeded("tiempo") from None
            except (MemoryError, ProcessExpired):
                raise LimitExceeded("memoria") from None
            except (BrokenProcessPool, CancelledError):
                # pebble gives up on a pool whose worker died between calls: start a new one, once.
                self._discard(pool)
                if attempt == 2:
                    raise

    def _discard(self, pool) -> None:
        with self._start_lock:
            if self._pool is pool:
                self._pool = None
        pool.stop()

    def stop(self) -> None:
        with self._start_lock:
            if self._pool is not None:
                self._pool.stop()
                self._pool.join()
                self._pool = None


def pool(name: str, *, preload: tuple = (), warm_up: str | None = None, processes: int = 1,
         memory_mb: int = 512) -> Bounded:
    """The process-wide pool for these settings (created on first use, started on first call)."""
    key = (name, processes, memory_mb)
    with _lock:
        if key not in _pools:
            _pools[key] = Bounded(name, preload=preload, warm_up=warm_up, processes=processes, memory_mb=memory_mb)
        return _pools[key]
