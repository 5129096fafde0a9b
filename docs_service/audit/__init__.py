"""Append-only, hash-chained audit trail, written in the same transaction as the change."""
from ..core.areas import Area

AREA = Area(
    name="audit",
    api=(".api",),
    cli=(".cli:audit_group",),
    setup=".operations:connect_signals",
)
