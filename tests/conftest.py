"""Fixtures: an app on a real database (SQLite file, and PostgreSQL when
DOCS_SERVICE_TEST_POSTGRES_URL is set), its client and CLI runner, users and tokens."""
import os
import re
import secrets
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from docs_service import create_app
from docs_service.core.db import transaction
from docs_service.core.storage import MemoryStorage

PG_URL = os.environ.get("DOCS_SERVICE_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgres"] if PG_URL else [])
PASSWORD = "contrasena-de-prueba"


def _seed(app):
    from docs_service.accounts.operations import load_catalog
    with app.app_context(), transaction() as session:
        session.execute(text("INSERT INTO auditoria_cabeza (id, ultimo_hash) VALUES (1, :h)"), {"h": "0" * 64})
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
    with app.app_context():
        from docs_service.accounts.operations import load_catalog
        with transaction():
            load_catalog()
    app.extensions["docs_engine"].dispose()
    return path


@pytest.fixture(scope="session")
def pg_schema():
    """A fresh PostgreSQL schema for this test session, migrated once, dropped at the end."""
    if not PG_URL:
        pytest.fail("PostgreSQL requested without DOCS_SERVICE_TEST_POSTGRES_URL")
    from docs_service.config import normalize_db_url
    base = normalize_db_url(PG_URL)
    schema = f"t_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options=-csearch_path%3D{schema}"
    app = create_app({"INSTANCE": "/tmp/docs-service-pg-template", "DATABASE_URL": url, "SECRET_KEY": "x"})
    _migrate(app)
    app.extensions["docs_engine"].dispose()
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _reset_pg(url):
    from docs_service.models import metadata
    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        # Tests may remove the append-only guard or add a failing trigger: restore the migrated state.
        conn.execute(text("DROP TRIGGER IF EXISTS romper ON auditoria"))
        conn.execute(text("DROP FUNCTION IF EXISTS romper()"))
        conn.execute(text("DROP TRIGGER IF EXISTS auditoria_no_change ON auditoria"))
        conn.execute(text("CREATE TRIGGER auditoria_no_change BEFORE UPDATE OR DELETE ON auditoria "
                          "FOR EACH ROW EXECUTE FUNCTION auditoria_append_only()"))
    engine.dispose()


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
    _reset_pg(url)
    return url


@pytest.fixture
def make_app(db_url, tmp_path, backend):
    apps = []

    def factory(**overrides):
        config = {"INSTANCE": str(tmp_path / "instance"), "DATABASE_URL": db_url, "SECRET_KEY": "clave-de-prueba",
                  "STORAGE": MemoryStorage(), "COOKIE_SECURE": False, "PUBLIC_URL": "http://testserver",
                  "SEARCH_INDEX_DIR": str(tmp_path / "search_index")}
        seal = overrides.pop("SEAL", True)
        config.update(overrides)
        if seal:  # the embedded seal that `init` generates (certification); tests of a missing key pass SEAL=False
            from docs_service.certification.signing import generate_embedded
            generate_embedded(Path(config["INSTANCE"]) / "firma")
        app = create_app(config)
        apps.append(app)
        return app

    first = factory()
    if backend == "postgres":
        _seed(first)
    else:
        with first.app_context(), transaction() as session:
            if session.execute(text("SELECT count(*) FROM auditoria_cabeza")).scalar() == 0:
                session.execute(text("INSERT INTO auditoria_cabeza (id, ultimo_hash) VALUES (1, :h)"), {"h": "0" * 64})
    factory.first = first
    yield factory
    for app in apps:
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


@pytest.fixture
def users(app):
    """Create users on demand: users("ana", ["operativo"], "3301") -> (id, token)."""
    from docs_service.accounts import operations as ops

    def create(nombre, roles, unidad=None, password=PASSWORD):
        with app.app_context(), transaction():
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
