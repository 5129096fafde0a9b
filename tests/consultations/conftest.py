import pytest


@pytest.fixture
def app(make_app):
    """The default app with its search index built (as `docs-service init` does)."""
    from docs_service.search import operations
    app = make_app.first
    with app.app_context():
        operations.reindex()
    return app
