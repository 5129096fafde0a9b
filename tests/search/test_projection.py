"""The index is a projection kept true: outbox rows in the changing transaction, applied after
commit by one writer; nothing lost on a crash; verify proves index = database; a missing or corrupt
index answers 503 on search only and a rebuild restores it (SECURITY.md I-47, J-49, J-54)."""
import multiprocessing
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from docs_service.core.db import db, transaction
from docs_service.search import operations
from docs_service.search.engine import get_engine
from docs_service.search.models import SearchOutbox
from tests.documents.helpers import act, approve, create_document, upload


def search(client, token, q, **params):
    return client.get("/api/v1/busqueda", query_string={"q": q, **params},
                      headers={"Authorization": f"Bearer {token}"})


def pending(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count(SearchOutbox.id)))
        db.session.close()
        return count


def publish_one(client, staff, clave="9312-003-012", text="1. Objetivo\nNotificar el embargo de bienes.\n"):
    doc = create_document(client, staff["normativo"], clave=clave)
    assert upload(client, staff["normativo"], doc, content=text).status_code == 201
    approve(client, staff, doc, 1)
    response = act(client, staff["normativo"], doc, 1, "publicar", destinatarios={"unidades": ["3301"]})
    assert response.status_code == 200, response.get_json()
    return doc


def test_publication_is_indexed_after_commit_and_the_outbox_emptied(app, client, staff):
    publish_one(client, staff)
    assert pending(app) == 0
    answer = search(client, staff["consultor"], "embargo").get_json()
    assert answer["total"] >= 1 and answer["items"][0]["clave"] == "9312-003-012"


def test_a_refused_publication_writes_no_outbox_row(app, client, staff):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    approve(client, staff, doc, 1)
    with app.app_context():
        db.session.execute(SearchOutbox.__table__.delete())
        db.session.commit()
    refused = act(client, staff["normativo"], doc, 1, "publicar", destinatarios={"unidades": ["9999"]})
    assert refused.status_code == 422
    assert pending(app) == 0
    assert search(client, staff["consultor"], "notificador").get_json()["total"] == 0


def test_crash_between_commit_and_indexing_loses_nothing(app, client, staff, monkeypatch):
    """GIVEN the after-commit indexing dies WHEN the change is committed THEN its outbox row stays;
    the next search applies it, and verify finds no difference."""
    engine = get_engine(app)
    original = engine.add

    def crash(*args, **kwargs):
        raise RuntimeError("proceso terminado")
    monkeypatch.setattr(engine, "add", crash)
    publish_one(client, staff)
    assert pending(app) >= 1
    monkeypatch.setattr(engine, "add", original)
    assert search(client, staff["consultor"], "embargo").get_json()["total"] >= 1
    assert pending(app) == 0
    with app.app_context():
        report = operations.verify()
    assert report["faltantes"] == report["sobrantes"] == report["distintas"] == []


def test_reindex_verify_reports_differences_and_reindex_repairs(app, client, staff, runner):
    doc = publish_one(client, staff)
    clean = runner.invoke(args=["search", "reindex", "--verify"])
    assert clean.exit_code == 0 and "sin diferencias" in clean.output
    engine = get_engine(app)
    with app.app_context(), engine.writer_lock():
        engine.add([], remove_documents={doc})  # the index loses a document behind our back
    broken = runner.invoke(args=["search", "reindex", "--verify"])
    assert broken.exit_code == 1 and "faltantes" in broken.output and "NO coincide" in broken.output
    rebuilt = runner.invoke(args=["search", "reindex"])
    assert rebuilt.exit_code == 0 and "Índice reconstruido" in rebuilt.output
    assert runner.invoke(args=["search", "reindex", "--verify"]).exit_code == 0
    assert search(client, staff["consultor"], "embargo").get_json()["total"] >= 1


def test_verify_points_at_an_index_built_by_an_older_analysis(app, client, staff, runner, monkeypatch):
    """An index whose terms another release analysed (here: the parts of a whole version kept apart by
    another word, or engines building something else from the terms) is reported as different
    entries until `search reindex`, although the texts shown are the same."""
    from docs_service.search import projection
    publish_one(client, staff)
    assert runner.invoke(args=["search", "reindex", "--verify"]).exit_code == 0
    monkeypatch.setattr(projection, "SECTION_GAP", "o")
    changed = runner.invoke(args=["search", "reindex", "--verify"])
    assert changed.exit_code == 1 and "distintas" in changed.output, changed.output
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert runner.invoke(args=["search", "reindex", "--verify"]).exit_code == 0
    monkeypatch.setattr(projection, "LAYOUT", projection.LAYOUT + 1)
    assert runner.invoke(args=["search", "reindex", "--verify"]).exit_code == 1


def _remove_index(app, engine_name):
    if engine_name == "postgres":
        get_engine(app).drop()
    else:
        shutil.rmtree(Path(app.config["DOCS_SEARCH_INDEX_DIR"]) / engine_name)


def test_missing_index_answers_503_on_search_only_and_reindex_restores(app, client, staff, runner, engine_name):
    _remove_index(app, engine_name)
    down = search(client, staff["consultor"], "embargo")
    assert down.status_code == 503 and down.get_json()["error"] == "busqueda_no_disponible"
    assert "reindex" in down.get_json()["message"] and down.headers.get("Retry-After")
    assert client.get("/api/v1/documentos", headers={"Authorization": f"Bearer {staff['consultor']}"}).status_code == 200
    publish_one(client, staff)  # writes keep working; their outbox rows wait for the rebuild
    assert pending(app) >= 1
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert pending(app) == 0
    assert search(client, staff["consultor"], "embargo").get_json()["total"] >= 1


class TestPostgresShape:
    @pytest.fixture(params=[("postgres", "postgres")], ids=["postgres"])
    def combo(self, request):
        return request.param

    def test_an_index_of_the_previous_shape_answers_503_until_reindex(self, app, client, staff, runner):
        """An index built before whole versions kept their `cabeza` (title, keywords and numerals) cannot
        check a phrase: search says so (503, asking for the rebuild) and `reindex` restores it."""
        from sqlalchemy import text
        with app.app_context():
            db.session.execute(text("ALTER TABLE busqueda_entradas DROP COLUMN cabeza"))
            db.session.commit()
        down = search(client, staff["consultor"], '"acta de notificación"')
        assert down.status_code == 503 and "reindex" in down.get_json()["message"]
        assert runner.invoke(args=["search", "reindex"]).exit_code == 0
        assert search(client, staff["consultor"], '"acta de notificación"').status_code == 200


class TestFolderEngines:
    @pytest.fixture(params=[("sqlite", "tantivy"), ("sqlite", "whoosh")], ids=["sqlite-tantivy", "sqlite-whoosh"])
    def combo(self, request):
        return request.param

    def test_corrupt_index_answers_503_and_reindex_restores(self, app, client, staff, runner, engine_name):
        publish_one(client, staff)
        folder = Path(app.config["DOCS_SEARCH_INDEX_DIR"]) / engine_name / "current"
        for path in folder.resolve().iterdir():
            if path.is_file():
                path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 3])
        get_engine(app)._open = None  # a fresh process opening the damaged folder
        down = search(client, staff["consultor"], "embargo")
        assert down.status_code == 503 and down.get_json()["error"] == "busqueda_no_disponible"
        assert runner.invoke(args=["search", "reindex"]).exit_code == 0
        assert search(client, staff["consultor"], "embargo").get_json()["total"] >= 1
        assert runner.invoke(args=["search", "reindex", "--verify"]).exit_code == 0


def _writer_process(config, document_id):
    from docs_service import create_app
    app = create_app(config)
    with app.app_context():
        with transaction() as session:
            session.add(SearchOutbox(documento_id=document_id, motivo="prueba"))
        operations.apply_pending()
    app.extensions["docs_engine"].dispose()
    return document_id


def test_two_writer_processes_at_once(app, client, staff, engine_name):
    """I-47: two processes index at once; no lock error reaches anyone and both documents end up indexed."""
    first = publish_one(client, staff, "9312-003-012", "1. Uno\nPrimer documento con embargo.\n")
    second = publish_one(client, staff, "9312-003-013", "1. Dos\nSegundo documento con embargo.\n")
    engine = get_engine(app)
    with app.app_context(), engine.writer_lock():
        engine.add([], remove_documents={first, second})
    assert search(client, staff["consultor"], "documento embargo").get_json()["total"] == 0
    config = {k[len("DOCS_"):]: v for k, v in app.config.items() if k.startswith("DOCS_")}
    config["SECRET_KEY"] = app.config["SECRET_KEY"]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        assert sorted(pool.starmap(_writer_process, [(config, first), (config, second)])) == sorted([first, second])
    found = search(client, staff["consultor"], "documento embargo").get_json()
    assert {i["documento_id"] for i in found["items"]} == {first, second}
    with app.app_context():
        report = operations.verify()
    assert report["faltantes"] == report["sobrantes"] == report["distintas"] == []
