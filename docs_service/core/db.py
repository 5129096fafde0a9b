"""Database engine, the declarative base, and the one-transaction-per-request boundary."""
import logging
from contextlib import contextmanager
from datetime import datetime, timezone

from flask import current_app, g, has_request_context, request
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

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
        engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000,
                                                  "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

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
            g.db_session = current_app.extensions["docs_db"]()
        return g.db_session

    @property
    def engine(self):
        return current_app.extensions["docs_engine"]

    def new_session(self) -> Session:
        return current_app.extensions["docs_db"]()


db = Database()


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
    session = g.pop("db_session", None)
    commit_hooks = g.pop("after_commit", [])
    rollback_hooks = g.pop("after_rollback", [])
    if session is not None:
        try:
            if success:
                session.commit()
            else:
                session.rollback()
        except Exception:
            session.rollback()
            session.close()
            _run_in_new_transaction(rollback_hooks)
            raise
        session.close()
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


def _close_session(_exc):
    session = g.pop("db_session", None)
    if session is not None:
        session.rollback()
        session.close()
