"""Database engine, the declarative base, and the one-transaction-per-request boundary."""
import functools
import logging
from collections import namedtuple
from contextlib import contextmanager
from datetime import datetime, timezone

from flask import current_app, g, has_request_context, request
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from . import fechas

log = logging.getLogger(__name__)

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    """Naive UTC timestamp, stored the same way on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def make_engine(url: str, busy_timeout_ms: int = 15000):
    """SQLite: WAL, busy timeout, foreign keys, and BEGIN IMMEDIATE so no transaction upgrades a
    read lock into a write lock (the source of 'database is locked'). PostgreSQL: plain pool."""
    if url.startswith("sqlite"):
        # As many pooled connections as a server has threads (8 by default, up to 16): past the pool
        # size, each request would open a connection and run the PRAGMAs below, then close it.
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000,
                                                  "check_same_thread": False}, pool_size=16, max_overflow=16)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
            # core.fechas.dia_local in SQL: SQLite has no time zones
            dbapi_conn.create_function("dia_local", 1, fechas.dia_local_sqlite, deterministic=True)

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # Straight to the driver: the statement needs no compiling, events or result handling.
            conn.connection.driver_connection.execute("BEGIN IMMEDIATE" if write_intent() else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def write_intent() -> bool:
    """Whether the current unit of work may write. Reads (GET/HEAD) run in deferred transactions so
    WAL readers never wait; writes, commands and handlers marked @writes take the write lock first."""
    if not has_request_context():
        return True
    if "write_intent" in g:
        return g.write_intent
    return request.method not in ("GET", "HEAD", "OPTIONS")


def writes(func):
    """Mark a GET handler that writes (e.g. an audited download) so its transaction is IMMEDIATE."""
    func._writes = True
    return func


def writes_apart(func):
    """Mark a handler whose request transaction only reads and whose one short write goes through
    `write_apart()` once its slow work is done (a format counted after its render): on SQLite its
    transaction is a plain BEGIN, so it never holds the database's single write lock while it works
    (a POST would take it at authentication and keep it through the render, queueing every other
    process's writes behind it)."""
    func._writes = False
    return func


@contextmanager
def write_apart():
    """A short unit of work of its own that takes the write lock first (SQLite: BEGIN IMMEDIATE) and
    commits on exit; inside it `db.session` is that unit's session. For handlers marked
    `@writes_apart`."""
    previous = g.pop("db_session", None)
    had_intent, intent = "write_intent" in g, g.get("write_intent")
    g.write_intent = True
    session = g.db_session = db.new_session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        g.pop("db_session", None)
        if previous is not None:
            g.db_session = previous
        if had_intent:
            g.write_intent = intent
        else:
            g.pop("write_intent", None)


class Database:
    """Holds the engine per app; sessions live in `g` for one request or command."""

    def init_app(self, app):
        engine = make_engine(app.config["DOCS_DATABASE_URL"], app.config["DOCS_SQLITE_BUSY_TIMEOUT_MS"])
        app.extensions["docs_db"] = sessionmaker(engine, expire_on_commit=False)
        app.extensions["docs_engine"] = engine
        app.teardown_appcontext(_close_session)

    @property
    def session(self) -> Session:
        if "db_session" not in g:
            conn = g.get("db_conn")
            make = current_app.extensions["docs_db"]
            # A unit of work that began with plain reads (see `connection`) continues in the same
            # transaction: the session takes that connection's transaction as its own.
            g.db_session = make() if conn is None else make(bind=conn, join_transaction_mode="control_fully")
        return g.db_session

    def connection(self):
        """The unit of work's connection, for plain-row reads: the session's when one exists, else a
        connection with its transaction begun, without building an ORM session (which costs more than
        the indexed reads on the path of every API call). A session needed later joins it."""
        ctx = g._get_current_object()  # once: this runs on every request
        session = getattr(ctx, "db_session", None)
        if session is not None:
            return session.connection()
        conn = getattr(ctx, "db_conn", None)
        if conn is None:
            conn = ctx.db_conn = current_app.extensions["docs_engine"].connect()
            conn.begin()
        return conn

    @property
    def engine(self):
        return current_app.extensions["docs_engine"]

    def new_session(self) -> Session:
        return current_app.extensions["docs_db"]()


db = Database()


@functools.lru_cache(maxsize=64)
def _driver_statement(stmt, dialect):
    compiled = stmt.compile(dialect=dialect)
    order = tuple(compiled.positiontup) if dialect.positional else None
    row = namedtuple("Row", list(stmt.selected_columns.keys()), rename=True)
    return str(compiled), order, row


def driver_rows(stmt, params: dict) -> list:
    """Run a prebuilt SELECT straight on the driver, in the unit of work's transaction: compiled once
    per statement and dialect, rows as named tuples of the driver's own values (no result types:
    SQLite gives dates as text). For the few indexed reads on the path of every request, where
    SQLAlchemy's execution layer costs several times the query itself; everything else uses the ORM."""
    conn = db.connection()
    sql, order, row = _driver_statement(stmt, conn.dialect)
    cursor = conn.connection.driver_connection.execute(sql, tuple(params[k] for k in order) if order else params)
    return [row(*values) for values in cursor.fetchall()]


def mark_failed() -> None:
    """Settle the current request as failed: its transaction rolls back whatever the response is
    (a page may answer a redirect after a refusal). Set by `core.errors` for every error."""
    if has_request_context():
        g.failed = True


def request_failed() -> bool:
    return bool(g.get("failed"))


def after_commit(func):
    """Queue a side effect to run only once the current transaction has committed."""
    g.setdefault("after_commit", []).append(func)


def after_rollback(func):
    """Queue work to run in a fresh transaction after this one rolled back (e.g. audit of a refusal)."""
    g.setdefault("after_rollback", []).append(func)


def finish(success: bool) -> None:
    """Commit (or roll back) the request's transaction, then run the queued follow-ups.
    Raises whatever the commit raised, after rolling back."""
    ctx = g._get_current_object()
    session, conn = ctx.pop("db_session", None), ctx.pop("db_conn", None)
    commit_hooks, rollback_hooks = ctx.pop("after_commit", []), ctx.pop("after_rollback", [])
    if session is not None or conn is not None:
        try:
            for unit in (session, conn):
                if unit is not None and (unit is session or unit.in_transaction()):
                    unit.commit() if success else unit.rollback()
        except Exception:
            _discard(session, conn)
            _run_in_new_transaction(rollback_hooks)
            raise
        _discard(session, conn, rollback=False)
    if success:
        for hook in commit_hooks:
            try:
                hook()
            except Exception:  # a side effect must not undo a committed change
                log.exception("after-commit hook failed")
    else:
        _run_in_new_transaction(rollback_hooks)


def _run_in_new_transaction(hooks):
    if not hooks:
        return
    session = db.new_session()
    g.db_session = session
    g.write_intent = True
    try:
        for hook in hooks:
            hook()
        session.commit()
    except Exception:
        session.rollback()
        log.exception("could not record follow-up after rollback")
    finally:
        session.close()
        g.pop("db_session", None)


@contextmanager
def transaction():
    """One transaction for a CLI command or a job: commit on success, roll back on any error."""
    try:
        yield db.session
    except BaseException:
        finish(False)
        raise
    else:
        finish(True)


def _discard(session, conn, rollback: bool = True) -> None:
    for unit in (session, conn):
        if unit is not None:
            if rollback:
                unit.rollback()
            unit.close()


def _close_session(_exc):
    _discard(g.pop("db_session", None), g.pop("db_conn", None))
