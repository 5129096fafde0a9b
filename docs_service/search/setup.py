"""Wiring of the search area: signal receivers (outbox), the header's search box, and the index of a
new installation."""
from flask import current_app

from ..core.db import after_commit

from . import operations
from .engine import get_engine


def connect(app):
    """Listen to the normateca's signals (domain code never imports search); offer the header box."""
    operations.connect_signals()
    from .views import highlighted
    app.jinja_env.filters["resaltado"] = highlighted
    app.jinja_env.globals["buscador_endpoint"] = "search_pages.search"


def init():
    """`docs-service init`: once its transaction commits (the index writer needs the database's
    write lock, which init holds until then), build the index when there is none, else apply what
    is pending."""
    engine = get_engine(current_app._get_current_object())

    def build():
        if not engine.available():
            operations.reindex()
        else:
            operations.apply_pending()
    after_commit(build)
