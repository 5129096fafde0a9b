"""Fixtures: an app on a real database (SQLite file, and PostgreSQL when
DOCS_SERVICE_TEST_POSTGRES_URL is set), its client and CLI runner, users and tokens."""
import functools
import os
import re
import secrets
import shutil
from pathlib import Path
from unittest import mock

import pytest
from sqlalchemy import create_engine, text
from werkzeug.security import generate_password_hash

from docs_service import create_app
from docs_service.core.db import transaction
from docs_service.core.storage import MemoryStorage

PG_URL = os.environ.get("DOCS_SERVICE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])
PASSWORD = "contrasena-de-prueba"


def _seed(app):
    """The official catalog (the migrations already leave the audit chain's head)."""
    from docs_service.accounts.operations import load_catalog
    with app.app_context(), transaction():
        load_catalog()


def _migrate(app):
    from docs_service.core.migrate import upgrade
    with app.app_context():
        upgrade()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file with the catalog, copied for each test."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "template.db"
    app = create_app({"INSTANCE": str(folder / "instance"), "DATABASE_URL": f"sqlite:///{path}",
                      "SECRET_KEY": "plantilla"})
    _migrate(app)
    _seed(app)
    app.extensions["docs_engine"].dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema():
    """A fresh PostgreSQL schema for this test session, migrated and seeded (catalog) once,
    dropped at the end. The seeded rows and sequence positions are kept in a side schema so that each
    test starts from exactly that state (`_reset_pg`)."""
    if not PG_URL:
        pytest.fail("PostgreSQL requested without DOCS_SERVICE_TEST_POSTGRES_URL")
    from docs_service.config import normalize_db_url
    base = normalize_db_url(PG_URL)
    schema = f"t_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        conn.execute(text(f'CREATE SCHEMA "{schema}_seed"'))
    sep = "&" if "?" in base else "?"
    # synchronous_commit=off: a commit does not wait for its WAL flush (a quarter off the PostgreSQL
    # cases here); what a transaction sees and when is unchanged, only a server crash could lose the
    # last commits, and a test's database does not outlive its session.
    url = f"{base}{sep}options=-csearch_path%3D{schema}%20-csynchronous_commit%3Doff"
    app = None
    try:
        app = create_app({"INSTANCE": "/tmp/docs-service-pg-template", "DATABASE_URL": url, "SECRET_KEY": "x"})
        _migrate(app)
        _seed(app)
        app.extensions["docs_engine"].dispose()
        # The reset's own connection; no server-side prepared statements, as tests drop and recreate tables.
        _PG_SEED.update(_snapshot_pg(url, schema), engine=create_engine(url, connect_args={"prepare_threshold": None}))
        yield url
    finally:  # also when the set-up itself failed: no schema is left behind
        if app is not None:
            app.extensions["docs_engine"].dispose()
        if "engine" in _PG_SEED:
            _PG_SEED.pop("engine").dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}_seed" CASCADE'))
        admin.dispose()


_PG_SEED: dict = {}

_OWNED_SEQUENCES = """
SELECT s.relname, t.relname FROM pg_class s
JOIN pg_namespace n ON n.oid = s.relnamespace
JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
     AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
JOIN pg_class t ON t.oid = d.refobjid
WHERE s.relkind = 'S' AND n.nspname = current_schema()
"""


def _snapshot_pg(url, schema):
    """Copy the seeded tables' rows into "<schema>_seed" and note every owned sequence's position."""
    from docs_service.models import metadata
    names = {t.name for t in metadata.sorted_tables}
    engine = create_engine(url)
    seeded, sequences = {}, {}
    with engine.begin() as conn:
        for table in names:
            if conn.execute(text(f'SELECT EXISTS (SELECT 1 FROM "{table}")')).scalar():
                columns = conn.execute(text(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                    "AND table_name = :t AND is_generated = 'NEVER' ORDER BY ordinal_position"), {"t": table}).scalars()
                cols = ", ".join(f'"{c}"' for c in columns)
                conn.execute(text(f'CREATE TABLE "{schema}_seed"."{table}" AS SELECT {cols} FROM "{table}"'))
                seeded[table] = cols
        for sequence, table in conn.execute(text(_OWNED_SEQUENCES)):
            if table in names:
                sequences[sequence] = tuple(conn.execute(text(f'SELECT last_value, is_called FROM "{sequence}"')).one())
    engine.dispose()
    return {"schema": schema, "tables": sorted(names), "seeded": seeded, "sequences": sequences}


def _reset_pg():
    """Back to the migrated, seeded state: every table emptied (triggers, the append-only guard and the
    foreign keys' included, are off for this transaction only), the seed rows copied back and the
    sequences set where they were. Much cheaper than TRUNCATE of every table and seeding again."""
    seed = _PG_SEED
    with seed["engine"].begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for table in seed["tables"]:
            conn.execute(text(f'DELETE FROM "{table}"'))
        for table, cols in seed["seeded"].items():
            conn.execute(text(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM "{seed["schema"]}_seed"."{table}"'))
        for sequence, (value, called) in seed["sequences"].items():
            conn.execute(text("SELECT setval(:s, :v, :c)"), {"s": f'"{sequence}"', "v": value, "c": called})
        conn.execute(text("SET LOCAL session_replication_role = origin"))
        # Tests may remove the append-only guard or add a failing trigger: restore the migrated state.
        conn.execute(text("DROP TRIGGER IF EXISTS romper ON auditoria"))
        conn.execute(text("DROP FUNCTION IF EXISTS romper()"))
        conn.execute(text("DROP TRIGGER IF EXISTS auditoria_no_change ON auditoria"))
        conn.execute(text("CREATE TRIGGER auditoria_no_change BEFORE UPDATE OR DELETE ON auditoria "
                          "FOR EACH ROW EXECUTE FUNCTION auditoria_append_only()"))


def pytest_collection_modifyitems(config, items):
    """`@pytest.mark.backends("postgres")`: a case about one database runs on that backend only; on
    the others it is deselected (a check that does not apply there), never reported as skipped."""
    kept, dropped = [], []
    for item in items:
        marker = item.get_closest_marker("backends")
        backend = item.callspec.params.get("backend") if hasattr(item, "callspec") else None
        (dropped if marker and backend and backend not in marker.args else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture
def db_url(backend, tmp_path, request):
    if backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_schema")
    _reset_pg()
    return url


class AppFactory:
    """make_app(**overrides) builds an app on this test's database; make_app.first is the app with the
    default test settings, built on first use (a fixture that only needs its own overrides, as the
    search engines' does, builds no other)."""

    def __init__(self, db_url, tmp_path):
        self.db_url, self.tmp_path, self.apps, self._first = db_url, tmp_path, [], None

    def __call__(self, **overrides):
        config = {"INSTANCE": str(self.tmp_path / "instance"), "DATABASE_URL": self.db_url,
                  "SECRET_KEY": "clave-de-prueba", "STORAGE": MemoryStorage(), "COOKIE_SECURE": False,
                  "PUBLIC_URL": "http://testserver", "SEARCH_INDEX_DIR": str(self.tmp_path / "search_index")}
        seal = overrides.pop("SEAL", True)
        config.update(overrides)
        if seal:  # the embedded seal that `init` generates (certification); tests of a missing key pass SEAL=False
            from docs_service.certification.signing import generate_embedded
            generate_embedded(Path(config["INSTANCE"]) / "firma")
        app = create_app(config)
        self.apps.append(app)
        return app

    @property
    def first(self):
        if self._first is None:
            self._first = self()
        return self._first


@pytest.fixture
def make_app(db_url, tmp_path):
    factory = AppFactory(db_url, tmp_path)
    yield factory
    for app in factory.apps:
        app.extensions["docs_engine"].dispose()


@pytest.fixture
def app(make_app):
    return make_app.first


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@functools.cache
def _password_hash(password):
    """The service's own hash (scrypt, about 0.2 s a call here), made once per password and session."""
    return generate_password_hash(password)


@pytest.fixture
def users(app):
    """Create users on demand: users("ana", ["operativo"], "3301") -> (id, token). Their password hash
    is the real one, computed once per password for the session (creating and changing passwords
    through the service hashes anew)."""
    from docs_service.accounts import operations as ops

    def create(nombre, roles, unidad=None, password=PASSWORD):
        with app.app_context(), transaction(), mock.patch.object(ops, "generate_password_hash", _password_hash):
            user = ops.create_user(None, nombre=nombre, roles=list(roles), unidad=unidad, password=password)
            _token, secret = ops.create_token(None, user, descripcion="prueba")
            return user.id, secret
    return create


@pytest.fixture
def auth():
    def header(token):
        return {"Authorization": f"Bearer {token}"}
    return header


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "la página no trae token CSRF"
    return match.group(1)


@pytest.fixture
def login(client):
    """Log the test client in through the real login form."""
    def do(nombre, password=PASSWORD):
        page = client.get("/login")
        response = client.post("/login", data={"nombre": nombre, "password": password,
                                               "csrf_token": csrf_from(page.get_data(as_text=True))})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response
    return do


def audit_rows(app, **filters):
    from sqlalchemy import select
    from docs_service.audit.models import AuditEntry
    from docs_service.core.db import db
    with app.app_context():
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        for key, value in filters.items():
            stmt = stmt.where(getattr(AuditEntry, key) == value)
        rows = db.session.scalars(stmt).all()
        db.session.close()
        return rows


@pytest.fixture
def staff(users):
    """One person per role of the normative workflow, operativos of 3301, 3333 and 1601; tokens by
    role (the first person of that role) and by name."""
    tokens = {}
    for nombre, rol, unidad in (("nora", "normativo", "NC"), ("rita", "revisor", "NC"), ("tito", "titular", "NC"),
                                ("vale", "validador", "NC"), ("oscar", "operativo", "3301"),
                                ("olga", "operativo", "3333"), ("otto", "operativo", "1601"),
                                ("cony", "consultor", "NC"), ("aldo", "auditor", "NC")):
        token = users(nombre, [rol], unidad, password=None)[1]
        tokens[nombre] = token
        tokens.setdefault(rol, token)
    return tokens
