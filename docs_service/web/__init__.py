"""Layout, home page, health check and the self-hosted API docs assets."""
from ..core.areas import Area, NavEntry

AREA = Area(
    name="web",
    pages=(".views",),
    nav=(NavEntry("Inicio", "web.home", order=0),),
    setup=".templating:init_app",
)
