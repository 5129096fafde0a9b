"""A labelled relevance set over the demo Normateca (manuales/), as in force today: each query with
the sections (clave, numeral) a consultor would want to read. MRR@10 over it is reported by
benchmarks/search.py and held ≥ 0.8 for every engine by tests/search/test_relevance.py."""

QUERIES = [
    ("notificación consolidada", [("9312-003-012", "3.5"), ("9300-006-026", "2.4"), ("9300-006-026", "1")]),
    ("citatorio", [("9312-003-012", "3.2")]),
    ("buzón IMSS apertura", [("9312-003-012", "5.5"), ("9300-006-026", "2.5")]),
    ("plazos en días hábiles", [("9300-006-026", "2.1")]),
    ("sábados y domingos", [("9300-006-026", "2.2")]),
    ("cuándo surte efectos la notificación", [("9300-006-026", "2.3")]),
    ("acta de notificación", [("9312-003-012", "3.3"), ("9312-003-012", "7.1"), ("9312-004-001", "1")]),
    ("noventa días naturales", [("9312-003-012", "3.4")]),
    ("jefe del departamento de cobranza", [("9312-003-012", "4.1")]),
    ("incidencia no localizado", [("9312-003-012", "5.4")]),
    ("cédula de liquidación", [("9312-003-012", "6 a)"), ("9312-003-012", "5.1")]),
    ("constancia de envío", [("9312-003-012", "6 d)")]),
    ("aclaracion de pagos", [("9312-003-014", "1"), ("9312-003-014", "")]),
    ("comprobante original", [("9312-003-014", "3.1"), ("9312-003-014", "3.2")]),
    ("certificación de pagos", [("9312-003-014", "3.3"), ("9312-003-014", "4.3")]),
    ("entidad receptora", [("9312-003-014", "3.3"), ("9312-003-014", "4.2")]),
    ("carta declaratoria", [("9312-003-014", "5 b)")]),
    ("requerimiento de pago", [("9312-003-015", "3.3"), ("9312-003-015", "4.2"), ("9312-003-015", "3.1")]),
    ("embargo de bienes inmuebles", [("9312-003-015", "5 c)")]),
    ("mandamiento de ejecución", [("9312-003-015", "3.2"), ("9312-003-015", "4.1")]),
    ("gastos de ejecucion", [("9312-003-015", "3.4")]),
    ("designar depositario", [("9312-003-015", "4.4")]),
    ("intervención con cargo a la caja", [("9312-003-015", "5 d)")]),
    ("embargar bienes suficientes", [("9312-003-015", "1")]),
    ("plazo del acuse de recibo", [("9300-005-001", "3.1")]),
    ("acuses pendientes y vencidos", [("9300-005-001", "3.3")]),
    ("versión vigente en la fecha del hecho", [("9300-005-001", "4.2")]),
    ("fecha de entrada en vigor", [("9300-005-001", "2.1")]),
    ("registro patronal a once posiciones", [("9312-004-001", "3.1")]),
    ("razón social", [("9312-004-001", "3.2")]),
    ("se negó a firmar", [("9312-004-001", "4.3")]),
    ("hora de conclusión", [("9312-004-001", "5.1")]),
    ("notificar cédulas", [("9312-003-012", "1"), ("9312-003-012", "5.1")]),
    ("embargar", [("9312-003-015", "1"), ("9312-003-015", "3.3"), ("9312-003-015", "4.3")]),
    ("3.5", [("9312-003-012", "3.5")]),
    ("5 d)", [("9312-003-015", "5 d)")]),
    ('"notificación por buzón"', [("9300-006-026", "2.5")]),
    ("prescripcion creditos", [("9300-006-021", "2.1")]),
    ("interrupción de la prescripción", [("9300-006-021", "2.2")]),
    ("devolucion depósitos", []),  # nothing relevant in force today: scores 0 unless nothing is expected
]


def reciprocal_rank(items: list[dict], relevant: list) -> float:
    """1/rank of the first relevant section among the top 10 (0 if none)."""
    wanted = set(relevant)
    for rank, item in enumerate(items[:10], 1):
        if (item["clave"], item["numeral"] or "") in wanted:
            return 1.0 / rank
    return 0.0


def mrr(run_query) -> tuple[float, dict]:
    """MRR@10 over the queries that have relevant sections; `run_query(q)` returns the items."""
    scores = {}
    for q, relevant in QUERIES:
        if relevant:
            scores[q] = reciprocal_rank(run_query(q), relevant)
    return sum(scores.values()) / len(scores), scores
