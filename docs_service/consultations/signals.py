"""Signals of the consultations area (audited)."""
from ..core.signals import define

consulta_registered = define("consulta_registrada", "A consulta was registered with its folio.", audited=True)
consulta_transitioned = define("consulta_transicion", "A consulta was turned or taken into analysis.", audited=True)
consulta_answered = define("consulta_respondida", "A consulta was answered with citations.", audited=True)
consulta_outdated = define("consulta_citas_desactualizadas",
                           "A version cited by a consulta was superseded or abrogated.", audited=True)
consulta_reviewed = define("consulta_revisada",
                           "A flagged answer's citations were updated to the versions in force, or the answer "
                           "was confirmed as still applicable.", audited=True)
