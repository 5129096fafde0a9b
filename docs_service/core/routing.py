"""URL converters. Ids in paths are bounded to what the databases store (32-bit on PostgreSQL), so a
larger number matches no route and answers 404 — for every route, API and pages alike — instead
of overflowing inside the driver."""
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # id columns are 32-bit integers on PostgreSQL


class IdConverter(IntegerConverter):
    """`<int:…>`: a non-negative integer up to 2^31 − 1."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app):
    """Must run before any blueprint registers its rules (converters bind when a rule is added)."""
    app.url_map.converters["int"] = IdConverter
