"""Concurrent writers and readers on the real database: no 'database is locked' 500s, exact counts
(SQLite: WAL + busy timeout + BEGIN IMMEDIATE for writes)."""
import threading


def test_parallel_writers_and_readers(app, users, auth):
    _aid, admin = users("jefa", ["admin"], "NC", password=None)
    statuses, lock = [], threading.Lock()
    start = threading.Barrier(16)

    def writer(n):
        client = app.test_client()
        start.wait()
        for i in range(5):
            response = client.post("/api/v1/usuarios", headers=auth(admin),
                                   json={"nombre": f"w{n}.{i}", "roles": ["consultor"], "unidad": "NC"})
            with lock:
                statuses.append(response.status_code)

    def reader(_n):
        client = app.test_client()
        start.wait()
        for _ in range(10):
            response = client.get("/api/v1/usuarios?por_pagina=5", headers=auth(admin))
            with lock:
                statuses.append(response.status_code)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(10)]
    threads += [threading.Thread(target=reader, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(set(statuses)) == [200, 201]
    assert statuses.count(201) == 50
    total = app.test_client().get("/api/v1/usuarios?rol=consultor", headers=auth(admin)).get_json()["total"]
    assert total == 50
    from tests.conftest import audit_rows
    assert len(audit_rows(app, accion="usuario_creado")) == 51
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
