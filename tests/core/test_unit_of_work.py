"""A unit of work that starts with plain reads on the connection (the authentication lookup of every
API call) stays one transaction when it later needs the ORM session: one commit keeps both, one
rollback drops both."""
from sqlalchemy import bindparam, select

from docs_service.accounts import operations as accounts
from docs_service.accounts.models import Unit, User
from docs_service.core.db import db, driver_rows, finish


def _names(app):
    with app.app_context():
        names = set(db.session.scalars(select(User.nombre)))
        db.session.close()
        return names


def _unit_stmt():
    return select(Unit.clave, Unit.nombre).where(Unit.clave == bindparam("clave"))


def test_driver_rows_are_named_and_match_the_orm(app):
    with app.test_request_context("/api/v1/unidades/3301"):
        rows = driver_rows(_unit_stmt(), {"clave": "3301"})
        orm = db.session.execute(_unit_stmt(), {"clave": "3301"}).one()
        assert [(r.clave, r.nombre) for r in rows] == [tuple(orm)]
        assert driver_rows(_unit_stmt(), {"clave": "ZZ"}) == []
        finish(True)


def test_session_joins_the_connection_transaction_and_commits_with_it(app):
    with app.test_request_context("/x", method="POST"):
        conn = db.connection()
        assert driver_rows(_unit_stmt(), {"clave": "NC"})
        accounts.create_user(None, nombre="tras.lectura", roles=["consultor"], unidad="NC")
        assert db.session.connection() is conn  # one transaction, not two
        finish(True)
    assert "tras.lectura" in _names(app)


def test_a_failed_unit_of_work_drops_what_the_joined_session_wrote(app):
    with app.test_request_context("/x", method="POST"):
        driver_rows(_unit_stmt(), {"clave": "NC"})
        accounts.create_user(None, nombre="revertido", roles=["consultor"], unidad="NC")
        db.session.flush()
        finish(False)
    assert "revertido" not in _names(app)


def test_plain_reads_alone_leave_no_open_transaction(app):
    engine = app.extensions["docs_engine"]
    with app.test_request_context("/api/v1/unidades/NC"):
        driver_rows(_unit_stmt(), {"clave": "NC"})
        finish(True)
    assert engine.pool.checkedout() == 0
