"""Domain signals. Areas send them from their operations; audit, search and notifications listen,
and the senders don't know who listens. Every signal is sent as
`signal.send(obj, actor=User|None, **detail)` inside the transaction.

The normateca's signals are declared here; a new area declares its own in `<area>/signals.py` with
`define(name, doc, audited=True)`, so plugging in an area never edits core."""
from blinker import Namespace

_signals = Namespace()
_audited: list = []


def define(name: str, doc: str, audited: bool = True):
    """Declare a documented signal; `audited` ones are written to the audit trail on every send."""
    signal = _signals.signal(name, doc=doc)
    if audited and signal not in _audited:
        _audited.append(signal)
    return signal


def audited() -> list:
    """Every signal declared as audited, whichever area declared it."""
    return list(_audited)


user_created = define("usuario_creado", doc="A user account was created.")
user_updated = define("usuario_modificado", doc="A user's roles, unit or status changed.")
password_changed = define("contrasena_cambiada", doc="A user's password was set or changed.")
token_created = define("token_creado", doc="An API token was issued (its hash stored).")
token_revoked = define("token_revocado", doc="An API token was revoked.")
login_succeeded = define("inicio_sesion", doc="A user logged in to the pages.")
logout = define("cierre_sesion", doc="A user logged out.")
catalog_loaded = define("catalogo_cargado", doc="The organisational catalog was loaded or updated.")

document_created = define("documento_creado", doc="A normative document was registered.")
document_updated = define("documento_modificado", doc="A document's metadata changed.")
version_uploaded = define("version_cargada", doc="A new immutable version was uploaded.")
version_transitioned = define("version_transicion", doc="A version moved through the workflow.")
version_published = define("version_publicada", doc="A version was published with its vigencia.")
document_abrogated = define("documento_abrogado", doc="A document's vigencia was ended.")
acuse_registered = define("acuse_registrado", doc="A unit acknowledged a published version.")
file_downloaded = define("archivo_descargado", doc="A stored file was downloaded.")


# A request was refused (access denied, upload rejected, too large…). Not audited on send: the
# request's transaction rolls back, and the audit area writes the refusal after the rollback.
request_refused = define("solicitud_rechazada", "A request was refused; audited after its rollback.",
                         audited=False)
