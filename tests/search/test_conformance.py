"""One conformance suite for every engine: the same queries, filters and expected hits on tantivy,
Whoosh and PostgreSQL (DESIGN §6: Snowball 3.0 plurals, synonyms, Whoosh's top-k, vigencia)."""
from datetime import timedelta

import pytest

from docs_service.search import analysis


def hits(client, token, **params):
    response = client.get("/api/v1/busqueda", query_string={"por_pagina": 50, **params},
                          headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, (params, response.get_json())
    return response.get_json()


def found(answer):
    return [(i["clave"], i["version"], i["numeral"]) for i in answer["items"]]


@pytest.fixture
def consultor(users):
    return users("cora", ["consultor"], "NC", password=None)[1]


# (query params, entries that must be found, entries that must not be found); dates are offsets
# in days from today; an entry is (clave, version, numeral).
MANUAL, VIEJO, NUEVO = "9312-003-012", "9300-006-014", "9300-006-026"
CASES = [
    # Snowball ≥ 3.0: unaccented -acion / -ucion plurals (DESIGN §6)
    ({"q": "subdelegacion"}, [(MANUAL, 2, "1"), (NUEVO, 1, "1")], []),
    ({"q": "subdelegaciones"}, [(MANUAL, 2, "1"), (NUEVO, 1, "1")], []),
    ({"q": "devoluciones"}, [(NUEVO, 1, "1")], [(VIEJO, 1, "2")]),
    ({"q": "devolución", "dia": -100}, [(VIEJO, 1, "2")], [(NUEVO, 1, "1")]),
    # accents folded, synonyms joined
    ({"q": "credito fiscal", "dia": -100}, [(MANUAL, 2, "1"), (VIEJO, 1, "1")], []),
    ({"q": "prescripcion creditos", "dia": -100}, [(VIEJO, 1, "1")], []),
    ({"q": "prescribir", "dia": -100}, [(VIEJO, 1, "1")], []),
    ({"q": "notificar acta"}, [(MANUAL, 2, "10 e)")], []),
    ({"q": "embargar"}, [(NUEVO, 1, "2")], []),
    # phrases, operators, prefix
    ({"q": '"cuarenta y ocho horas"'}, [(MANUAL, 2, "7.3.1.1")], [(MANUAL, 1, "7.3.1.1")]),
    ({"q": '"horas cuarenta"'}, [], [(MANUAL, 2, "7.3.1.1")]),
    ({"q": "veinticuatro OR cuarenta", "historico": "true"}, [(MANUAL, 1, "7.3.1.1"), (MANUAL, 2, "7.3.1.1")], []),
    ({"q": "citatorio -cuarenta", "historico": "true"}, [(MANUAL, 1, "7.3.1.1")], [(MANUAL, 2, "7.3.1.1")]),
    ({"q": "citatorio NOT (cuarenta OR buzón)", "historico": "true"}, [(MANUAL, 1, "7.3.1.1")], [(MANUAL, 2, "7.3.1.1")]),
    ({"q": "tributa*"}, [(MANUAL, 2, "11")], []),
    ({"q": "cobro -cinco"}, [], [(NUEVO, 1, "3"), (NUEVO, 1, None)]),
    ({"q": "(acción -cinco) OR patrón"}, [(NUEVO, 1, "2")], [(NUEVO, 1, "3")]),
    # a whole version matches a phrase where its title, its keywords or one of its sections does;
    # never across two sections (nor a numeral and the text around it)
    ({"q": '"criterio de devolución y embargo"'}, [(NUEVO, 1, None)], [(NUEVO, 1, "1"), (NUEVO, 1, "2")]),
    ({"q": '"visita domiciliaria"'}, [("9312-009-001", 1, None)], [("9312-009-001", 1, "1")]),
    ({"q": '"embargo de bienes" cinco'}, [(NUEVO, 1, None)], [(NUEVO, 1, "2"), (NUEVO, 1, "3")]),
    ({"q": '"pago 3 cobro"'}, [], [(NUEVO, 1, None)]),
    ({"q": '"requerimiento de pago" OR "bienes inmuebles"'}, [(NUEVO, 1, "2"), (NUEVO, 1, None)], []),
    ({"q": 'embargo -"acción de cobro"'}, [(NUEVO, 1, "2")], [(NUEVO, 1, None)]),
    # nor from a section's heading into its text; a numeral's own words are one phrase
    ({"q": '"embargo procede"'}, [], [(NUEVO, 1, "2"), (NUEVO, 1, None)]),
    ({"q": '"7.3.1.1"'}, [(MANUAL, 2, None)], [(MANUAL, 2, "7.3.1.1")]),
    # vigencia: today, a past date, a future date, abrogation, superseded on request
    ({"q": "veinticuatro"}, [], [(MANUAL, 1, "7.3.1.1")]),
    ({"q": "veinticuatro", "dia": -500}, [(MANUAL, 1, "7.3.1.1")], []),
    ({"q": "prescriben"}, [], [(VIEJO, 1, "1")]),
    ({"q": "tinta"}, [], [("9312-004-001", 1, "1")]),
    ({"q": "tinta", "dia": 40}, [("9312-004-001", 1, "1")], []),
    # filters
    ({"q": "notificación", "tipo": "lineamiento"}, [("9312-009-001", 1, "1")], [(MANUAL, 2, "1")]),
    ({"q": "subdelegaciones", "area": "Subdirección de Cobranza"}, [(NUEVO, 1, "1")], [(MANUAL, 2, "1")]),
    ({"q": "notificación", "clave": MANUAL}, [(MANUAL, 2, "10 e)")], [("9312-009-001", 1, "1")]),
]


def _params(case, today):
    params = dict(case)
    if "dia" in params:
        params["vigente_al"] = (today + timedelta(days=params.pop("dia"))).isoformat()
    return params


def test_same_hits_on_every_engine(client, corpus, consultor):
    """GIVEN the corpus WHEN each case runs THEN the expected entries are found and the excluded are not."""
    failures = []
    for case, wanted, unwanted in CASES:
        answer = hits(client, consultor, **_params(case, corpus["today"]))
        got = set(found(answer))
        missing = [w for w in wanted if w not in got]
        leaked = [u for u in unwanted if u in got]
        if missing or leaked or answer["total"] < len(wanted):
            failures.append((case, missing, leaked, sorted(got, key=str)))
    assert not failures, failures


def test_numeral_typed_as_such_comes_first(client, corpus, consultor):
    first = hits(client, consultor, q="7.3.1.1")
    assert found(first)[:1] == [(MANUAL, 2, "7.3.1.1")] and first["total"] == 1
    past = hits(client, consultor, q="7.3.1.1", vigente_al=(corpus["today"] - timedelta(days=500)).isoformat())
    assert found(past) == [(MANUAL, 1, "7.3.1.1")]
    assert "veinticuatro" in past["items"][0]["fragmento"]
    mixed = hits(client, consultor, q="10 e) notificación")
    assert found(mixed)[0] == (MANUAL, 2, "10 e)")


def test_superseded_versions_on_request_are_marked(client, corpus, consultor):
    answer = hits(client, consultor, q="citatorio horas", historico="true")
    by_version = {i["version"]: i["vigente"] for i in answer["items"] if i["numeral"] == "7.3.1.1"}
    assert by_version == {1: False, 2: True}


def test_and_queries_match_brute_force_with_right_counts_and_pages(app, client, corpus, consultor):
    """Whoosh's `limit=` top-k bug (DESIGN §6): results, totals and pages must equal a brute-force
    evaluation over the projection for multi-term AND queries, also with a date filter."""
    from docs_service.core.db import db
    from docs_service.search.projection import all_entries
    with app.app_context():
        session = db.new_session()
        entries = list(all_entries(session))
        session.close()
    for q, day in (("notificación fiscal", None), ("citatorio horas", -500), ("créditos fiscales", -100),
                   ("cinco años", None)):
        date = corpus["today"] + timedelta(days=day or 0)
        terms = analysis.terms(q)
        expected = {e.id for e in entries if e.estado in ("publicado", "sustituido", "abrogado")
                    and e.desde <= date <= e.hasta
                    and all(t in (e.title_terms + " " + e.body_terms).split() for t in terms)}
        params = {"q": q, "vigente_al": date.isoformat()}
        whole = hits(client, consultor, **params)
        assert whole["total"] == len(expected), (q, whole["total"], len(expected))
        pages, page = [], 1
        while True:
            chunk = hits(client, consultor, **params, pagina=page, por_pagina=2)
            assert chunk["total"] == whole["total"]
            if not chunk["items"]:
                break
            pages.extend(found(chunk))
            page += 1
        assert pages == found(whole)
        assert len(set(pages)) == len(pages) == len(expected)


def test_whole_versions_and_sections_page_alike(client, corpus, consultor, engine_name):
    """Pages of a query matching sections and whole versions are together the whole result; on
    PostgreSQL a whole version is ranked only once the page reaches past the sections, so they come
    last (tantivy and Whoosh score them with the sections, BM25)."""
    answer = hits(client, consultor, q="notificación")
    kinds = [i["numeral"] is None for i in answer["items"]]
    assert True in kinds and False in kinds
    if engine_name == "postgres":
        assert kinds == sorted(kinds), "a whole version before a section"
    pages = [found(hits(client, consultor, q="notificación", pagina=p, por_pagina=3))
             for p in range(1, (answer["total"] + 2) // 3 + 1)]
    assert [entry for page in pages for entry in page] == found(answer)


def test_facets_count_what_matches(client, corpus, consultor):
    answer = hits(client, consultor, q="notificación")
    assert sum(answer["facetas"]["tipo"].values()) == answer["total"]
    assert sum(answer["facetas"]["area"].values()) == answer["total"]
    formatos = [i for i in answer["items"] if i["tipo"] == "lineamiento"]
    assert answer["facetas"]["tipo"]["lineamiento"] == len(formatos) >= 2  # sections and the whole version
    assert hits(client, consultor, q="notificación", tipo="lineamiento")["total"] == len(formatos)


def test_highlights_are_correct_on_accented_text(client, corpus, consultor):
    answer = hits(client, consultor, q="notificación electrónica buzón")
    item = next(i for i in answer["items"] if i["numeral"] == "11")
    marked = [item["fragmento"][s:e] for s, e in item["resaltado"]]
    assert marked == ["Buzón", "notificación", "electrónica", "buzón"]  # heading, then text


def test_suggestion_for_a_misspelling(client, corpus, consultor):
    answer = hits(client, consultor, q="notifcacion")
    assert answer["total"] == 0 and answer["sugerencia"] == "notificación"  # as the corpus writes it
    assert hits(client, consultor, q=answer["sugerencia"])["total"] > 0


def test_drafts_reach_only_workflow_roles(client, corpus, consultor, users):
    """A draft's words never reach a consultor: not in results, counts, facets, snippets or
    suggestions, whatever the syntax; a normativo finds it when asking for drafts."""
    for q in ("zafiro", "zafir*", '"confidencial sobre el zafiro"', "zafiro OR confidencial", "1.", "alcance"):
        answer = hits(client, consultor, q=q, historico="true")
        assert all(i["clave"] != "9312-003-099" for i in answer["items"]), q
        assert "zafiro" not in str(answer).lower(), q
    assert hits(client, consultor, q="zafiro")["total"] == 0
    assert hits(client, consultor, q="zafirro")["sugerencia"] is None
    refused = client.get("/api/v1/busqueda", query_string={"q": "zafiro", "borradores": "true"},
                         headers={"Authorization": f"Bearer {consultor}"})
    assert refused.status_code == 403 and refused.get_json()["error"] == "borradores_no_permitidos"
    normativo = users("nico", ["normativo"], "NC", password=None)[1]
    assert hits(client, normativo, q="zafiro")["total"] == 0
    drafts = hits(client, normativo, q="zafiro", borradores="true")
    assert ("9312-003-099", 1, "1") in found(drafts)
    assert drafts["items"][0]["estado"] == "borrador"


@pytest.mark.parametrize("q", ["embargo AND", "OR embargo", "((embargo))", "embargo OR OR acta", 'e\u0301mbargo',
                               "“embargo”", "7.3.1.1.1.1", "10 e)", "NOT NOT embargo acta", "\u202eembargo",
                               '""', "()"])
def test_odd_but_valid_queries_never_500(client, consultor, q):
    response = client.get("/api/v1/busqueda", query_string={"q": q},
                          headers={"Authorization": f"Bearer {consultor}"})
    assert response.status_code in (200, 400), (q, response.get_json())


def test_plain_answer_is_what_the_schema_dumps(app, corpus, consultor):
    """The endpoint dumps its answer without marshmallow (hot path); it must stay byte for byte what
    SearchOut (the documented schema) gives, for hits, no hits with a suggestion, and numerales."""
    from sqlalchemy import select

    from docs_service.accounts.models import User
    from docs_service.core.db import db
    from docs_service.search.queries import SearchArgs, search
    from docs_service.search.schemas import SearchOut, dump_answer
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.nombre == "cora"))
        for q, extra in (("notificación", {}), ("notifcacion", {}), ("7.3.1.1", {"historico": True}),
                         ("citatorio horas", {"historico": True}), ("tributa*", {})):
            answer = search(user, SearchArgs(q=q, por_pagina=50, **extra))
            assert dump_answer(answer) == SearchOut().dump(answer), q
            assert app.json.dumps(dump_answer(answer)) == app.json.dumps(SearchOut().dump(answer)), q


def test_the_endpoint_answers_what_the_schema_dumps(app, client, corpus, consultor):
    """The endpoint writes its JSON with orjson: parsed back, it is what SearchOut dumps."""
    from sqlalchemy import select

    from docs_service.accounts.models import User
    from docs_service.core.db import db
    from docs_service.search.queries import SearchArgs, search
    from docs_service.search.schemas import SearchOut
    for q in ("notificación", "notifcacion", "7.3.1.1"):
        response = client.get("/api/v1/busqueda", query_string={"q": q, "historico": "true"},
                              headers={"Authorization": f"Bearer {consultor}"})
        assert response.status_code == 200 and response.mimetype == "application/json"
        with app.test_request_context():
            user = db.session.scalar(select(User).where(User.nombre == "cora"))
            expected = SearchOut().dump(search(user, SearchArgs(q=q, historico=True)))
        assert response.get_json() == expected, q


def test_the_suggestion_keeps_the_query_as_typed_but_the_misspelling(client, corpus, consultor):
    """«¿quiso decir…?» replaces only the unknown word: an exclusion stays an exclusion, a phrase a
    phrase, a numeral a numeral (clicking it must not search for something else)."""
    for typed, expected in (("notifcacion -embargo", "notificación -embargo"),
                            ("notifcacion NOT embargo", "notificación NOT embargo"),
                            ('"acta de notifcacion"', '"acta de notificación"'),
                            ("notifcacion 7.3.1.1", "notificación 7.3.1.1"),
                            ("(notifcacion OR citatoryo) 10 e)", "(notificación OR citatorio) 10 e)")):
        answer = hits(client, consultor, q=typed)
        assert answer["total"] == 0 and answer["sugerencia"] == expected, (typed, answer["sugerencia"])


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2201-01-01", "1899-12-31"])
def test_a_date_out_of_range_is_a_spanish_422_on_every_engine(client, corpus, consultor, day):
    """A mistyped year (a date input takes up to year 275760) is refused the same way by every
    engine, never a 500 (tantivy's dates end in 2262)."""
    response = client.get("/api/v1/busqueda", query_string={"q": "notificacion", "vigente_al": day},
                          headers={"Authorization": f"Bearer {consultor}"})
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["error"] == "fecha_fuera_de_rango" and "vigente_al" in body["errors"]
    assert body["message"] == "«Vigente al» debe estar entre el 01/01/1900 y el 31/12/2200."
    for edge in ("1900-01-01", "2200-12-31"):
        assert client.get("/api/v1/busqueda", query_string={"q": "notificacion", "vigente_al": edge},
                          headers={"Authorization": f"Bearer {consultor}"}).status_code == 200, edge
