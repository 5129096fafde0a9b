"""Signals of the créditos area (all audited: each send writes one audit row)."""
from ..core.signals import define

credits_imported = define("creditos_importados", "A CSV batch of credits was loaded (counts per outcome).",
                          audited=True)
credit_transitioned = define("credito_transicion", "A credit moved from one phase to another.", audited=True)
credit_document_added = define("credito_documento", "A supporting document was attached to a credit.",
                               audited=True)
transfer_requested = define("traslado_solicitado", "A credit was sent to another unit (pending acceptance).",
                            audited=True)
transfer_resolved = define("traslado_resuelto", "The receiving unit accepted or rejected a traslado.",
                           audited=True)
tramite_filed = define("tramite_registrado", "A trámite (aclaración, devolución, cancelación…) was filed.",
                       audited=True)
tramite_resolved = define("tramite_resuelto", "A trámite was resolved (procedente, improcedente, parcial).",
                          audited=True)
payments_imported = define("pagos_importados", "A payment file was loaded and conciliated.", audited=True)
payment_applied = define("pago_aplicado", "A payment was applied to a credit's saldo.", audited=False)
certification_requested = define("certificacion_pago_solicitada",
                                 "A certificación de pagos no captados was requested.", audited=True)
certification_reviewed = define("certificacion_pago_revisada", "A payment certification request was checked.",
                                audited=True)
payment_certified = define("pago_certificado",
                           "A payment was certified and applied (constancias may certify it).", audited=True)
