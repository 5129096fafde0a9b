"""Official formats: `formato` documents whose versions carry a field schema, a DOCX template and
an HTML template for the PDF; download blank, pre-filled or fillable; read a filled PDF back."""
from ..core.areas import Area, NavEntry

AREA = Area(
    name="formats",
    api=(".api",),
    pages=(".views",),
    demo=".demo:load",
    home=".views:home_entries",
    nav=(NavEntry("Formatos", "formats_pages.catalog", order=15),),
    version_panels=".views:version_panel",
    setup=".setup:connect",
)
