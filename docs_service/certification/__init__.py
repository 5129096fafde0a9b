"""Constancias certificadas: emission from the records of other areas, cadena original and sello,
PAdES signature, QR, public verification, revocation and batch emission."""
from ..core.areas import Area, NavEntry

AREA = Area(
    name="certification",
    api=(".api", ".api_lotes"),
    pages=(".views", ".views_lotes"),
    cli=(".cli:constancias_group",),
    blob_columns=(".models:Constancia.sha256",),
    init=".setup:init",
    demo=".demo:load",
    home=".views:home_entries",
    nav=(NavEntry("Constancias", "certification_pages.index", roles=("operativo", "titular", "admin", "auditor"),
                  order=40),),
    setup=".setup:connect",
)
