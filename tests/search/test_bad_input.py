"""Bad queries answer a clear Spanish 400/422, never a 500 (SECURITY.md E 27–28)."""
import pytest


@pytest.fixture
def combo():
    """Parsing happens before any engine: one engine is enough here (the odd-but-valid queries run
    on every engine in test_conformance)."""
    return ("sqlite", "tantivy")


@pytest.fixture
def token(users):
    return users("cora", ["consultor"], "NC", password=None)[1]


@pytest.mark.parametrize("q, error", [
    ("", "consulta_vacia"),
    ("   ", "consulta_vacia"),
    ("de la que y los", "consulta_sin_terminos"),
    ("AND OR NOT", "consulta_sin_terminos"),
    ("-", "consulta_sin_terminos"),
    ("x" * 10000, "consulta_invalida"),
    ('"acta de notificación', "comillas_sin_cerrar"),
    ("(notificación OR acta", "parentesis_desbalanceados"),
    ("notificación)", "parentesis_desbalanceados"),
    ("*", "comodin_no_permitido"),
    ("*a*", "comodin_no_permitido"),
    ("no?ifica", "comodin_no_permitido"),
    ("no*", "comodin_no_permitido"),
    ("-embargo", "consulta_invalida"),
    ("NOT embargo", "consulta_invalida"),
    (" ".join(f"termino{i}" for i in range(30)), "consulta_invalida"),
    ("embargo\x00", "consulta_invalida"),
])
def test_bad_queries_answer_400_in_spanish(client, token, auth, q, error):
    response = client.get("/api/v1/busqueda", query_string={"q": q}, headers=auth(token))
    assert response.status_code == 400, response.get_json()
    body = response.get_json()
    assert body["error"] == error and body["message"] and body["code"] == 400
    assert "errors" in body and "q" in body["errors"]


@pytest.mark.parametrize("params, field", [
    ({"q": "embargo", "vigente_al": "2026-02-30"}, "vigente_al"),
    ({"q": "embargo", "vigente_al": "mañana"}, "vigente_al"),
    ({"q": "embargo", "tipo": "novela"}, "tipo"),
    ({"q": "embargo", "pagina": "0"}, "pagina"),
    ({"q": "embargo", "por_pagina": "500"}, "por_pagina"),
    ({}, "q"),
])
def test_bad_parameters_answer_422(client, token, auth, params, field):
    response = client.get("/api/v1/busqueda", query_string=params, headers=auth(token))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]


def test_anonymous_is_refused(client):
    assert client.get("/api/v1/busqueda?q=embargo").status_code == 401


@pytest.mark.parametrize("length", [257, 10000, 60000])
def test_a_query_longer_than_256_characters_answers_the_same_400_at_any_length(client, token, auth, length):
    """SECURITY.md E-27: a 10,000-character query (words, not one token) is refused before any
    engine sees it, with the same key and message as any query over the limit the spec documents."""
    q = ("prescripción de créditos fiscales " * (length // 30 + 1))[:length]
    response = client.get("/api/v1/busqueda", query_string={"q": q}, headers=auth(token))
    assert response.status_code == 400, response.get_json()
    body = response.get_json()
    assert body["error"] == "consulta_invalida"
    assert body["message"] == "La consulta es demasiado larga (máximo 256 caracteres)."
    assert body["errors"] == {"q": ["Máximo 256 caracteres."]}
    assert len(q) == length


def test_the_spec_documents_the_limit_and_the_error(client, token, auth):
    spec = client.get("/api/v1/openapi.json", headers=auth(token))
    assert spec.status_code == 200
    operation = spec.get_json()["paths"]["/api/v1/busqueda"]["get"]
    q = next(p for p in operation["parameters"] if p["name"] == "q")
    assert q["schema"]["maxLength"] == 256 and "consulta_invalida" in q["description"]
    assert "400" in operation["responses"]


def test_the_search_page_refuses_a_10000_character_query_in_spanish(client, users, login):
    users("pia", ["consultor"], "NC")
    login("pia")
    page = client.get("/busqueda", query_string={"q": "embargo " * 1250})
    assert page.status_code == 400
    assert "demasiado larga (máximo 256 caracteres)" in page.get_data(as_text=True)


@pytest.mark.parametrize("q, says", [
    ("NOT embargo", "solo exclusiones"),
    ("-embargo", "solo exclusiones"),
    ("embargo OR NOT acta", "exclusión con OR"),
])
def test_each_refused_exclusion_names_its_own_reason(client, token, auth, q, says):
    response = client.get("/api/v1/busqueda", query_string={"q": q}, headers=auth(token))
    assert response.status_code == 400 and says in response.get_json()["message"], response.get_json()
