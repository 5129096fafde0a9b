"""Users, roles, API tokens and the organisational catalog (OOAD, Subdelegaciones)."""
from ..core.areas import Area, NavEntry

AREA = Area(
    name="accounts",
    api=(".api",),
    pages=(".views",),
    cli=(".cli:users_group", ".cli:tokens_group"),
    init=".setup:init",
    demo=".demo:load",
    home=".views:home_entries",
    nav=(NavEntry("Usuarios", "accounts_pages.users", roles=("admin",), order=90),),
    setup=".setup:connect",
)
