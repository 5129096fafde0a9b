"""SECURITY I-44: parallel emissions on SQLite and PostgreSQL get distinct, gapless folios and no 500."""
import threading

from sqlalchemy import select

from docs_service.certification.models import Constancia
from docs_service.core.db import db

from .helpers import copia, emit, published_document

PARALLEL = 12


def test_parallel_emissions_get_distinct_consecutive_folios(app, staff):
    client = app.test_client()
    published_document(client, staff)
    statuses, barrier = [], threading.Barrier(PARALLEL)

    def one(i):
        barrier.wait()
        response = app.test_client().post("/api/v1/constancias", json=copia(),
                                          headers={"Authorization": f"Bearer {staff['oscar']}",
                                                   "Idempotency-Key": f"paralela-{i:04d}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(PARALLEL)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert statuses.count(201) == PARALLEL, statuses
    with app.app_context():
        numbers = sorted(db.session.scalars(select(Constancia.consecutivo)).all())
        codes = set(db.session.scalars(select(Constancia.codigo)).all())
    assert numbers == list(range(1, PARALLEL + 1)) and len(codes) == PARALLEL
