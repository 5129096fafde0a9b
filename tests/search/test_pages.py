"""The search page and the header's search box."""
import re

import pytest

from tests.search.corpus import load


@pytest.fixture
def combo():
    return ("sqlite", "tantivy")


def test_search_page_shows_highlights_facets_and_links_to_the_numeral(app, client, users, login):
    load(app, users)
    users("cata", ["consultor"], "NC")
    login("cata")
    home = client.get("/").get_data(as_text=True)
    assert 'role="search"' in home and 'action="/busqueda"' in home  # the header box on every page
    page = client.get("/busqueda?q=notificación+electrónica")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<mark>notificación</mark> <mark>electrónica</mark>" in html
    assert '#n-' in html and "/documentos/1/versiones/2" in html
    assert 'class="facetas"' in html and "Manual de procedimientos" in html


def test_past_date_and_superseded_versions_are_marked(app, client, users, login):
    corpus = load(app, users)
    users("cata", ["consultor"], "NC")
    login("cata")
    past = (corpus["today"].replace(year=corpus["today"].year - 2)).isoformat()
    html = client.get(f"/busqueda?q=veinticuatro&vigente_al={past}").get_data(as_text=True)
    assert "<mark>veinticuatro</mark>" in html and 'data-testid="no-vigente"' not in html
    html = client.get("/busqueda?q=veinticuatro&historico=1").get_data(as_text=True)
    assert 'data-testid="no-vigente"' in html


def test_bad_query_and_bad_date_show_a_spanish_message(app, client, users, login):
    users("cata", ["consultor"], "NC")
    login("cata")
    page = client.get('/busqueda?q="acta+de')
    assert page.status_code == 400 and "Faltan comillas" in page.get_data(as_text=True)
    page = client.get("/busqueda?q=acta&vigente_al=2026-13-40")
    assert page.status_code == 422 and "no es válida" in page.get_data(as_text=True)


def test_suggestion_link(app, client, users, login):
    load(app, users)
    users("cata", ["consultor"], "NC")
    login("cata")
    html = client.get("/busqueda?q=notifcacion").get_data(as_text=True)
    assert 'data-testid="sugerencia"' in html and "q=notificaci%C3%B3n" in html and "notificación</a>" in html


def test_no_results_is_a_message_not_a_numbered_result(app, client, users, login):
    load(app, users)
    users("cata", ["consultor"], "NC")
    login("cata")
    html = client.get("/busqueda?q=zarzamora").get_data(as_text=True)
    assert 'data-testid="sin-resultados"' in html and "0 resultados" in html
    results = html.split('data-testid="resultados"')[1].split("</ol>")[0]
    assert "<li" not in results


def test_area_is_chosen_from_the_published_areas(app, client, users, login):
    """The área filter must match the área exactly, so the page offers the áreas of published
    documents to choose from (one known only from a draft is not offered) instead of a free text box."""
    from tests.search.corpus import DGR, SUB
    load(app, users)
    users("cata", ["consultor"], "NC")
    nora = users("nora", ["normativo"], "NC", password=None)[1]
    made = client.post("/api/v1/documentos", headers={"Authorization": f"Bearer {nora}"}, json={
        "clave": "9312-003-098", "titulo": "Proyecto", "tipo": "manual_procedimientos", "area": "Área en proyecto"})
    assert made.status_code == 201, made.get_json()
    login("cata")
    html = client.get("/busqueda").get_data(as_text=True)
    select = re.search(r'<select name="area"[^>]*>(.*?)</select>', html, re.S)
    assert select, "the área is a list to choose from"
    options = re.findall(r'<option value="([^"]*)"', select.group(1))
    assert options == ["", DGR, SUB]
    chosen = client.get(f"/busqueda?q=embargo&area={SUB}").get_data(as_text=True)
    assert f'<option value="{SUB}" selected>' in chosen


def test_pages_are_numbered_and_a_page_past_the_last_says_so(app, client, users, login):
    """«Página 2 de N» between the links; a page past the last (an old link, a typed URL) says how
    many there are and links the last one instead of «no se encontró nada» under a non-zero count."""
    load(app, users)
    users("cata", ["consultor"], "NC")
    login("cata")
    total = client.get("/api/v1/busqueda?q=notificacion&historico=true").get_json()["total"]
    assert total > 10
    last = (total + 9) // 10
    html = client.get("/busqueda?q=notificacion&historico=1&pagina=2").get_data(as_text=True)
    assert f"<span>Página 2 de {last}</span>" in html and "Página anterior" in html
    assert '<ol class="resultados" data-testid="resultados" start="11">' in html  # numbered on from page 1
    past = client.get("/busqueda?q=notificacion&historico=1&pagina=40").get_data(as_text=True)
    assert 'data-testid="sin-resultados"' not in past and 'data-testid="paginas"' not in past
    assert f"La página 40 no existe: hay {last} páginas." in past
    assert re.search(rf'href="/busqueda\?[^"]*pagina={last}[^"]*">Ir a la última página', past.replace("&amp;", "&"))


def test_a_clave_typed_in_the_box_leads_to_its_document(app, client, users, login):
    """A clave is not indexed as words, so typed alone it finds nothing: the page then says whose
    clave it is and links the document (never one known only from drafts to a consultor)."""
    corpus = load(app, users)
    users("cata", ["consultor"], "NC")
    login("cata")
    html = client.get("/busqueda?q=9312-003-012").get_data(as_text=True)
    assert 'data-testid="clave-documento"' in html
    assert f'href="/documentos/{corpus["ids"]["manual"]}">Procedimiento para la notificación de créditos fiscales</a>' in html
    assert 'data-testid="clave-documento"' in client.get("/busqueda?q=+9312-003-012+").get_data(as_text=True)
    draft = client.get("/busqueda?q=9312-003-099").get_data(as_text=True)  # a draft-only document
    assert 'data-testid="clave-documento"' not in draft and "Borrador reservado" not in draft
    assert 'data-testid="clave-documento"' not in client.get("/busqueda?q=citatorio").get_data(as_text=True)


def test_a_mistyped_year_is_a_message_not_an_error_page(app, client, users, login):
    load(app, users)
    users("cata", ["consultor"], "NC")
    login("cata")
    page = client.get("/busqueda?q=citatorio&vigente_al=20266-12-01")
    assert page.status_code == 422 and "no es válida" in page.get_data(as_text=True)
    page = client.get("/busqueda?q=citatorio&vigente_al=9999-12-01")
    assert page.status_code == 422
    assert "«Vigente al» debe estar entre el 01/01/1900 y el 31/12/2200." in page.get_data(as_text=True)
