"""Notifications: in-app (a bell with the unread count, a list, mark as read) and e-mail through an
outbox sent after commit. The area listens to the workflow's signals; nobody imports it."""
from ..core.areas import Area

AREA = Area(
    name="notifications",
    api=(".api",),
    pages=(".views",),
    cli=(".cli:notifications_group",),
    demo=".demo:load",
    setup=".setup:connect",
)
