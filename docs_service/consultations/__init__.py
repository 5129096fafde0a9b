"""Consultas: questions routed to whoever answers them, answered with citations of exact versions."""
from ..core.areas import Area, NavEntry

AREA = Area(
    name="consultations",
    api=(".api",),
    pages=(".views",),
    cli=(".cli:consultations_group",),
    home=".views:home_entries",
    nav=(NavEntry("Consultas", "consultations_pages.inbox", roles=("consultor", "auditor"), order=16),),
    version_panels=".views:version_panel",
    setup=".setup:connect",
    demo=".demo:load",
)
