"""The audit trail: one row per action, hash-chained, append-only, failing closed."""
from sqlalchemy import text

from tests.conftest import audit_rows


def _drop_guard(app, backend):
    """What a DBA with full rights could do: remove the append-only triggers."""
    with app.extensions["docs_engine"].begin() as conn:
        if backend == "sqlite":
            conn.execute(text("DROP TRIGGER auditoria_no_update"))
            conn.execute(text("DROP TRIGGER auditoria_no_delete"))
        else:
            conn.execute(text("DROP TRIGGER auditoria_no_change ON auditoria"))


def test_chain_verifies_and_names_first_tampered_row(app, runner, users, backend):
    users("ana", ["consultor"], "NC")
    users("beto", ["consultor"], "NC")
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "íntegra" in ok.output
    rows = audit_rows(app)
    assert [r.accion for r in rows] == ["catalogo_cargado"] + ["usuario_creado", "token_creado"] * 2
    assert rows[1].prev_hash == rows[0].hash
    _drop_guard(app, backend)
    with app.extensions["docs_engine"].begin() as conn:
        conn.execute(text("UPDATE auditoria SET actor = 'otro' WHERE id = :id"), {"id": rows[1].id})
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code == 1
    assert f"fila {rows[1].id}" in bad.output and "ALTERADA" in bad.output


def test_deleted_row_breaks_the_chain(app, runner, users, backend):
    users("ana", ["consultor"], "NC")
    users("beto", ["consultor"], "NC")
    rows = audit_rows(app)
    _drop_guard(app, backend)
    with app.extensions["docs_engine"].begin() as conn:
        conn.execute(text("DELETE FROM auditoria WHERE id = :id"), {"id": rows[1].id})
    bad = runner.invoke(args=["audit", "verify"])
    assert bad.exit_code == 1 and f"fila {rows[2].id}" in bad.output


def test_application_cannot_update_or_delete_audit_rows(app, users):
    users("ana", ["consultor"], "NC")
    import pytest
    from sqlalchemy.exc import DBAPIError
    for statement in ("UPDATE auditoria SET actor = 'x'", "DELETE FROM auditoria"):
        with pytest.raises(DBAPIError):
            with app.extensions["docs_engine"].begin() as conn:
                conn.execute(text(statement))
    assert audit_rows(app)[0].actor == ""


def test_audit_failure_rolls_back_the_change(app, client, users, auth, backend):
    """GIVEN the audit insert fails WHEN an admin creates a user THEN 503 and no user exists."""
    _aid, admin = users("jefa", ["admin"], "NC")
    with app.extensions["docs_engine"].begin() as conn:
        if backend == "sqlite":
            conn.execute(text("CREATE TRIGGER romper BEFORE INSERT ON auditoria BEGIN SELECT RAISE(ABORT, 'x'); END"))
        else:
            conn.execute(text("CREATE FUNCTION romper() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'x'; END; $$ LANGUAGE plpgsql"))
            conn.execute(text("CREATE TRIGGER romper BEFORE INSERT ON auditoria FOR EACH ROW EXECUTE FUNCTION romper()"))
    response = client.post("/api/v1/usuarios", headers=auth(admin), json={"nombre": "ana", "roles": ["consultor"]})
    assert response.status_code == 503
    assert response.get_json()["message"]
    with app.extensions["docs_engine"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM usuarios WHERE nombre = 'ana'")).scalar() == 0


def test_audit_api_filters_and_pages(client, users, auth):
    _aid, auditor = users("ines", ["auditor"], "NC")
    for i in range(3):
        users(f"u{i}", ["consultor"], "NC")
    page = client.get("/api/v1/auditoria?accion=usuario_creado&por_pagina=2", headers=auth(auditor)).get_json()
    assert page["total"] == 4 and len(page["items"]) == 2
    assert page["items"][0]["id"] > page["items"][1]["id"]
    assert page["items"][0]["detalle"]["roles"] == ["consultor"]
    second = client.get("/api/v1/auditoria?accion=usuario_creado&por_pagina=2&pagina=2", headers=auth(auditor))
    assert len(second.get_json()["items"]) == 2
    bad = client.get("/api/v1/auditoria?desde=ayer", headers=auth(auditor))
    assert bad.status_code == 422 and "fecha" in str(bad.get_json()["errors"])
