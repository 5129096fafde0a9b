"""The API blueprint every area uses: flask-smorest's, with our argument parser (JSON too deeply
nested is a 400, never a RecursionError; a multipart form with its files is one location, so its
fields and files are documented together in the requestBody) and the `If-Match` declaration."""
import flask_smorest
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import CombinedMultiDict

from .errors import DomainError

MULTIPART = "multipart"
# One or more quoted entity tags; `*` does not match (it is no way around the lost-update check).
ETAG_LIST = r'^\s*(W/)?"[^"*]+"\s*(,\s*(W/)?"[^"*]+"\s*)*$'


class TooDeep(DomainError):
    status, code = 400, "json_demasiado_anidado"
    message = "El cuerpo JSON tiene demasiados niveles de anidación."


class Parser(FlaskParser):
    """webargs' Flask parser plus the `multipart` location (form fields and files at once)."""

    __location_map__ = dict(FlaskParser.__location_map__, **{MULTIPART: "load_multipart"})
    # webargs ignores unknown fields of the files location; ours refuses them like a JSON body does
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "files": None}

    def load_json(self, req, schema):
        try:
            return super().load_json(req, schema)
        except RecursionError:
            raise TooDeep() from None

    def load_multipart(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)

    def load_files(self, req, schema):
        """The files of a multipart body, seen with its other fields: a field the schema does not
        declare is refused (422) instead of silently ignored."""
        return self.load_multipart(req, schema)


class Blueprint(flask_smorest.Blueprint):
    """Use this (not flask_smorest's) for every API blueprint; a test checks that all do."""

    ARGUMENTS_PARSER = Parser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**flask_smorest.Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             MULTIPART: "multipart/form-data"}

    def if_match(self, func):
        """Declare that this write takes `If-Match` with the ETag read before (the handler checks
        it with `api_helpers.require_if_match`): missing or `*` → 428, stale → 409."""
        return self.doc(parameters=[IF_MATCH])(func)


IF_MATCH = {
    "in": "header", "name": "If-Match", "required": True,
    "description": "La ETag de la última lectura del recurso (p. ej. `\"version-3-v2\"`); sin ella o con `*` "
                   "responde 428, y 409 `conflicto_de_version` si el recurso cambió desde entonces.",
    "schema": {"type": "string", "pattern": ETAG_LIST, "maxLength": 1024},
}
