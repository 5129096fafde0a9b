"""Issue 11, Done when: a batch of 1,000 for the whole Subdelegación runs with a progress bar, is
killed halfway (SIGKILL to the command and its pool workers), resumes, and ends with exactly 1,000
distinct folios — on SQLite and, where DOCS_SERVICE_TEST_POSTGRES_URL is set, on PostgreSQL. Several
minutes each: marked `slow`, left out of the default run and run by its own step in .ci/run
(`pytest -m slow`). The work is benchmarks/lote_reanudable.py, which prints the same checks as JSON."""
import os

import pytest

from benchmarks.lote_reanudable import run

N = int(os.environ.get("DOCS_SERVICE_TEST_LOTE_N", "1000"))
PG_URL = os.environ.get("DOCS_SERVICE_TEST_POSTGRES_URL")


@pytest.mark.slow
@pytest.mark.parametrize("database", ["sqlite"] + (["postgres"] if PG_URL else []))  # CI sets PG_URL
def test_thousand_killed_halfway_resume_to_exactly_a_thousand_folios(database):
    from docs_service.config import normalize_db_url
    result = run(N, normalize_db_url(PG_URL) if database == "postgres" else None, 0)
    assert result["resumed"] and result["progress_bar"], result
    assert 0 < result["at_kill"]["constancias"] < N, result
    assert result["constancias"] == result["folios_distintos"] == result["nrp_distintos"] == N, result
    assert result["rango_de_folios"] == N and result["items_sin_emitir"] == 0, result
    assert result["pdfs_faltantes_o_alterados"] == 0 and result["lote_estado"] == "terminado", result
    assert result["ok"], result
