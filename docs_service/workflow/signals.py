"""Signals of the workflow area (the normateca's main ones stay in core.signals)."""
from ..core.signals import define

# Sent as acuse_reminder.send(version, actor=user, unidades=[clave, …], unidad_ids=[id, …]) when a
# publisher reminds the recipient units whose acuse is still pending; notifications listen and
# tell the operativos of those units.
acuse_reminder = define("recordatorio_acuse", "The units still owing an acuse of a publication were reminded.")
