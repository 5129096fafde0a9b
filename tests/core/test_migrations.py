"""Alembic migrations: upgrade from empty gives exactly the models; downgrade removes everything;
`init` is idempotent."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from docs_service.core.migrate import downgrade, upgrade
from docs_service.models import metadata


# Tables of the task queue (procrastinate): created by `init` from the library's own schema when the
# queue is configured, not by our migrations; the queue's tests leave them in the shared test schema.
QUEUE_PREFIX = "procrastinate_"


def _ours(obj, name, type_, _reflected, _compare_to):
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    return not (table or "").startswith(QUEUE_PREFIX)


def _diff(app):
    with app.extensions["docs_engine"].connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _ours})
        return compare_metadata(ctx, metadata)


def test_upgrade_from_empty_matches_models_and_downgrade_cleans(app):
    """GIVEN the migrated test database WHEN compared with the models THEN there is no difference;
    AND downgrade to base leaves no table of ours, and upgrading again restores them."""
    assert _diff(app) == []
    with app.app_context():
        downgrade("base")
        names = set(inspect(app.extensions["docs_engine"]).get_table_names()) - {"alembic_version"}
        assert {n for n in names if not n.startswith(QUEUE_PREFIX)} == set()
        upgrade()
    assert _diff(app) == []


def test_init_twice_changes_nothing(runner, app):
    first = runner.invoke(args=["init"], env={"DOCS_SERVICE_ADMIN_PASSWORD": "admin-password-1"})
    assert first.exit_code == 0, first.output
    with app.extensions["docs_engine"].connect() as conn:
        counts = {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in metadata.tables}
    second = runner.invoke(args=["init"])
    assert second.exit_code == 0, second.output
    assert "Unidades actualizadas: 0" in second.output
    assert "Contraseña inicial" not in second.output
    with app.extensions["docs_engine"].connect() as conn:
        after = {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in metadata.tables}
    assert after == counts


def test_sqlite_pragmas(app, backend):
    if backend != "sqlite":
        return
    with app.extensions["docs_engine"].connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
