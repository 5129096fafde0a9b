"""Search: the normative corpus as a projection (tantivy, Whoosh or PostgreSQL) fed from an outbox."""
from ..core.areas import Area, NavEntry

AREA = Area(
    name="search",
    api=(".api",),
    pages=(".views",),
    cli=(".cli:search_group",),
    init=".setup:init",
    home=".views:home_entries",
    nav=(NavEntry("Búsqueda", "search_pages.search", order=15),),
    setup=".setup:connect",
)
