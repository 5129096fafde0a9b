"""Signals of the certification area (audited: each send writes one audit row)."""
from ..core.signals import define

constancia_issued = define("constancia_emitida", "A constancia was issued (folio, tipo, sha256).")
constancia_revoked = define("constancia_revocada", "A constancia was revoked (folio, motivo).")
constancia_downloaded = define("constancia_descargada", "A constancia's PDF was downloaded.")
constancia_docx_downloaded = define("constancia_copia_docx_descargada",
                                    "The editable DOCX working copy of a constancia was downloaded.")
batch_created = define("lote_constancias_creado", "A batch emission job was created.")
batch_finished = define("lote_constancias_terminado", "A batch emission job finished.")
