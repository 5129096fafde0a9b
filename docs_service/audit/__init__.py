"""Append-only, hash-chained audit trail, written in the same transaction as the change."""
from ..core.areas import Area, NavEntry

AREA = Area(
    name="audit",
    api=(".api",),
    pages=(".views",),
    cli=(".cli:audit_group",),
    nav=(NavEntry("Auditoría", "audit_pages.trail", roles=("auditor", "admin"), order=80),),
    setup=".setup:connect",
)
