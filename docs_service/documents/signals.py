"""Signals of the documents area (the normateca's main ones stay in core.signals)."""
from ..core.signals import define

# Sent as relation_added.send(relation, actor=user, origen=clave, destino=clave, tipo=…, numerales=…)
# when a document is declared to abrogate, derogate or modify another.
relation_added = define("documento_relacionado", "A document was related to another (abroga, deroga, modifica).")
