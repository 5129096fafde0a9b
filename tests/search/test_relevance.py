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


def test_a_sub_item_is_found_by_its_parents_heading(app, runner, client, users):
    """`c) Bienes inmuebles.` under `5. Tipos de embargo` answers "embargo de bienes inmuebles"
    (the parent's heading is indexed as the sub-item's title, not shown as its heading)."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    token = users("rele", ["consultor"], "NC", password=None)[1]
    answer = client.get("/api/v1/busqueda", query_string={"q": "embargo de bienes inmuebles"},
                        headers={"Authorization": f"Bearer {token}"}).get_json()
    first = answer["items"][0]
    assert (first["clave"], first["numeral"], first["encabezado"]) == ("9312-003-015", "5 c)", "")
