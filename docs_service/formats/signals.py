"""Signals of the formats area."""
from ..core.signals import define

format_defined = define("formato_definido", "A format version's schema, HTML template, instructivo, norm and topic were set.")
format_downloaded = define("formato_descargado", "A format was downloaded (DOCX or PDF, blank or pre-filled); "
                           "the download log (formato_descargas) is the record, so not audited.", audited=False)
