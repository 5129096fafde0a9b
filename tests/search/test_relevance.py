"""Relevance on the demo Normateca: MRR@10 of the labelled set (benchmarks/search_relevance.py)
stays ≥ 0.8 on every engine."""
from benchmarks.search_relevance import QUERIES, mrr


def test_mrr_at_10_on_the_demo_corpus(app, runner, client, users):
    loaded = runner.invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    token = users("rele", ["consultor"], "NC", password=None)[1]

    def run(q):
        response = client.get("/api/v1/busqueda", query_string={"q": q},
                              headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, (q, response.get_json())
        return response.get_json()["items"]
    score, per_query = mrr(run)
    assert len(QUERIES) >= 30
    assert score >= 0.8, sorted(per_query.items(), key=lambda kv: kv[1])[:8]
