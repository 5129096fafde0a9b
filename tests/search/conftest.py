"""Search tests run per (database, engine): tantivy and Whoosh on SQLite, and — when
DOCS_SERVICE_TEST_POSTGRES_URL is set — the PostgreSQL engine and tantivy on PostgreSQL."""
import pytest

from tests.conftest import PG_URL

COMBOS = [("sqlite", "tantivy"), ("sqlite", "whoosh")] + ([("postgres", "postgres"), ("postgres", "tantivy")]
                                                          if PG_URL else [])


@pytest.fixture(params=COMBOS, ids=[f"{db}-{engine}" for db, engine in COMBOS])
def combo(request):
    return request.param


@pytest.fixture
def backend(combo):
    return combo[0]


@pytest.fixture
def engine_name(combo):
    return combo[1]


@pytest.fixture
def app(make_app, engine_name):
    """An app on the engine under test, with an empty index built (as `docs-service init` does)."""
    from docs_service.search import operations
    from docs_service.search.engine import get_engine
    app = make_app(SEARCH_BACKEND=engine_name)
    with app.app_context():
        operations.reindex()
    yield app
    if engine_name == "postgres":
        get_engine(app).drop()


@pytest.fixture
def corpus(app, users):
    from tests.search.corpus import load
    return load(app, users)
