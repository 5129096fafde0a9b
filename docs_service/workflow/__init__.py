"""Workflow of versions (states and transitions as a table), difusión and acuses."""
from ..core.areas import Area, NavEntry

STAFF_NAV = ("normativo", "revisor", "titular", "validador", "auditor", "admin")

AREA = Area(
    name="workflow",
    api=(".api",),
    pages=(".views",),
    demo=".demo:load",
    home=".views:home_entries",
    nav=(NavEntry("Bandeja", "workflow_pages.inbox", roles=("normativo", "revisor", "titular", "validador"), order=20),
         NavEntry("Acuses", "workflow_pages.acuses", roles=("operativo",), order=30),
         NavEntry("Difusión", "workflow_pages.coverage", roles=STAFF_NAV, order=40)),
    version_panels=".views:version_panel",
    setup=".labels:register",
)
