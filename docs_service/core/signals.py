"""Domain signals. Areas send them from their operations; audit (and later search) listen.
Every signal is sent as `signal.send(obj, actor=User|None, **detail)` inside the transaction."""
from blinker import Namespace

_signals = Namespace()

user_created = _signals.signal("usuario_creado", doc="A user account was created.")
user_updated = _signals.signal("usuario_modificado", doc="A user's roles, unit or status changed.")
password_changed = _signals.signal("contrasena_cambiada", doc="A user's password was set or changed.")
token_created = _signals.signal("token_creado", doc="An API token was issued (its hash stored).")
token_revoked = _signals.signal("token_revocado", doc="An API token was revoked.")
login_succeeded = _signals.signal("inicio_sesion", doc="A user logged in to the pages.")
logout = _signals.signal("cierre_sesion", doc="A user logged out.")
catalog_loaded = _signals.signal("catalogo_cargado", doc="The organisational catalog was loaded or updated.")

document_created = _signals.signal("documento_creado", doc="A normative document was registered.")
document_updated = _signals.signal("documento_modificado", doc="A document's metadata changed.")
version_uploaded = _signals.signal("version_cargada", doc="A new immutable version was uploaded.")
version_transitioned = _signals.signal("version_transicion", doc="A version moved through the workflow.")
version_published = _signals.signal("version_publicada", doc="A version was published with its vigencia.")
document_abrogated = _signals.signal("documento_abrogado", doc="A document's vigencia was ended.")
acuse_registered = _signals.signal("acuse_registrado", doc="A unit acknowledged a published version.")
file_downloaded = _signals.signal("archivo_descargado", doc="A stored file was downloaded.")

# Signals whose every send is written to the audit trail.
AUDITED = [user_created, user_updated, password_changed, token_created, token_revoked,
           login_succeeded, logout, catalog_loaded, document_created, document_updated, version_uploaded,
           version_transitioned, version_published, document_abrogated, acuse_registered,
           file_downloaded]
