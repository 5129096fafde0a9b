"""Consulta pages: inbox, new, detail with the answer form and search beside it, "citado por";
what each consultor sees by unit; the search keeps the typed answer and reads the norms as in force
on the date of the facts; a flagged answer's review actions."""
import re
from datetime import timedelta

from docs_service.core.fechas import hoy
from tests.conftest import PASSWORD, csrf_from
from tests.consultations.test_consultas import people  # noqa: F401 (fixture)
from tests.consultations.test_review import flagged  # noqa: F401 (fixture)
from tests.search.corpus import load


def lock_of(html):
    return re.search(r'name="lock" value="(\d+)"', html).group(1)


def set_full_name(app, nombre, completo, password=None):
    from sqlalchemy import select

    from docs_service.accounts import operations
    from docs_service.accounts.models import User
    from docs_service.core.db import db, transaction
    with app.app_context(), transaction():
        user = db.session.scalar(select(User).where(User.nombre == nombre))
        user.nombre_completo = completo
        if password:
            operations.set_password(None, user, password)


def test_register_turn_search_cite_and_answer_through_the_pages(app, client, users, login):
    load(app, users)
    users("cony", ["consultor"], "NC")
    set_full_name(app, "cony", "Constanza Ruiz")
    login("cony")
    page = client.get("/consultas/nueva")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert re.search(r'<select name="solicitante" required><option value="">Seleccione…</option>', html)
    token = csrf_from(html)
    bad = client.post("/consultas/nueva", data={"csrf_token": token, "tipo": "patron", "asunto": "Embargo",
                                                "descripcion": "Caso", "solicitante": "3301", "nrp": "x"})
    assert bad.status_code == 422 and "registro patronal" in bad.get_data(as_text=True)
    unchosen = client.post("/consultas/nueva", data={"csrf_token": token, "tipo": "general", "asunto": "Plazo",
                                                     "descripcion": "Caso", "solicitante": ""})
    assert unchosen.status_code == 422 and "unidad" in unchosen.get_data(as_text=True)
    past = hoy() - timedelta(days=500)
    created = client.post("/consultas/nueva", data={"csrf_token": token, "tipo": "general", "asunto": "Plazo del citatorio",
                                                    "descripcion": "¿Cuánta anticipación?", "solicitante": "3301",
                                                    "fecha_hechos": past.isoformat()})
    assert created.status_code == 303
    detail_url = created.headers["Location"]
    folio = detail_url.rsplit("/", 1)[1]
    html = client.get(detail_url).get_data(as_text=True)
    assert "style=" not in html  # the CSP blocks inline styles
    assert re.search(r'Turnar a una persona de NC [^<]+<select[^>]*><option value="">Seleccione…</option>'
                     r'<option value="cony" >Constanza Ruiz</option>', html)
    client.post(f"/consultas/{folio}/accion", data={"csrf_token": token, "lock": lock_of(html), "accion": "turnar",
                                                    "asignado": "cony"})
    html = client.get(detail_url).get_data(as_text=True)
    assert "turnada a Constanza Ruiz</dd>" in html and "turnada a cony" not in html
    assert client.post(f"/consultas/{folio}/accion", data={"csrf_token": token, "lock": lock_of(html),
                                                            "accion": "analizar"}).status_code == 303
    html = client.get(detail_url).get_data(as_text=True)
    assert "style=" not in html and 'data-testid="buscar-cita"' in html
    # Enter in a field presses its form's first submit button: in the answer form (no form inside it)
    # that is a disabled one, so without JavaScript Enter runs neither the search nor the answer
    answer_form = re.search(r'<form [^>]*id="respuesta">(.*?)</form>', html, re.S).group(1)
    assert "<form" not in answer_form
    first_button = re.search(r"<button[^>]*>", answer_form).group(0)
    assert 'type="submit"' in first_button and " disabled" in first_button and "name=" not in first_button
    # "vigente al" starts at the date of the facts
    assert f'name="vigente_al" value="{past.isoformat()}"' in html
    lock = lock_of(html)
    searched = client.post(f"/consultas/{folio}/citar", data={
        "csrf_token": token, "lock": lock, "buscar": "1", "respuesta": "Borrador: veinticuatro horas.",
        "q": "citatorio horas", "vigente_al": past.isoformat(), "criterio_clave": "9300-006-099",
        "criterio_titulo": "Plazo del citatorio"})
    assert searched.status_code == 200
    html = searched.get_data(as_text=True)
    assert 'value="9300-006-099"' in html and 'value="Plazo del citatorio"' in html
    assert ">Borrador: veinticuatro horas.</textarea>" in html and "<mark>citatorio</mark>" in html
    values = re.findall(r'name="citas" value="([^"]+)"', html)
    assert len(values) == len(set(values)), values  # each result once
    older = next(v for v in values if v.endswith(":1:7.3.1.1"))  # the version in force on the date of the facts
    # ticked, then a new search as in force today: the tick and the text stay, the result is not offered twice
    again = client.post(f"/consultas/{folio}/citar", data={
        "csrf_token": token, "lock": lock, "buscar": "1", "respuesta": "Borrador: veinticuatro horas.",
        "q": "citatorio horas", "vigente_al": hoy().isoformat(), "citas": older})
    html = again.get_data(as_text=True)
    assert f'name="citas" value="{older}" checked' in html and ">Borrador: veinticuatro horas.</textarea>" in html
    values = re.findall(r'name="citas" value="([^"]+)"', html)
    assert values.count(older) == 1 and any(v.endswith(":2:7.3.1.1") for v in values)
    wrong_day = client.post(f"/consultas/{folio}/citar", data={
        "csrf_token": token, "lock": lock, "buscar": "1", "respuesta": "Texto que no se pierde.", "q": "citatorio",
        "vigente_al": "31/02/2020"})
    assert wrong_day.status_code == 422
    assert "no es válida" in wrong_day.get_data(as_text=True) and "Texto que no se pierde." in wrong_day.get_data(as_text=True)
    # an answer refused comes back with what was typed, and nothing changes
    empty = client.post(f"/consultas/{folio}/respuesta", data={"csrf_token": token, "lock": lock,
                                                               "respuesta": "Sin citas todavía."})
    assert empty.status_code == 422 and "Sin citas todavía.</textarea>" in empty.get_data(as_text=True)
    assert "En análisis" in client.get(detail_url).get_data(as_text=True)
    stale = client.post(f"/consultas/{folio}/respuesta", data={"csrf_token": token, "lock": "0", "respuesta": "x",
                                                               "citas": older})
    assert stale.status_code == 303
    assert "cambió" in client.get(detail_url).get_data(as_text=True)
    answered = client.post(f"/consultas/{folio}/respuesta", data={"csrf_token": token, "lock": lock,
                                                                  "respuesta": "Veinticuatro horas.", "citas": older})
    assert answered.status_code == 303
    html = client.get(detail_url).get_data(as_text=True)
    assert "Respondida" in html and "9312-003-012 v1" in html and "numeral 7.3.1.1" in html
    # the version in force on the date of the facts, no longer today: said plainly, not as an alert
    assert re.search(r'data-testid="cita-vigencia">vigente del \d\d/\d\d/\d{4} al \d\d/\d\d/\d{4}<', html)
    assert 'class="etiqueta alerta"' not in html
    assert re.search(r"Respondida el .* por Constanza Ruiz</p>", html)
    anchor = re.search(r'href="(/documentos/\d+/versiones/1)#(n-\d+)"', html)
    assert anchor, "the citation opens the version at the numeral"
    version_page = client.get(anchor.group(1)).get_data(as_text=True)
    assert re.search(rf'<section id="{anchor.group(2)}"><h3><span class="numeral">7\.3\.1\.1</span>', version_page)
    assert 'data-testid="citado-por"' in version_page and folio in version_page
    inbox = client.get("/consultas").get_data(as_text=True)
    assert folio in inbox and "Respondida · Constanza Ruiz</td>" in inbox


def test_a_subdelegacion_consultor_sees_and_answers_what_its_unit_answers(app, client, users, login):
    cony = users("cony", ["consultor"], "NC")[1]
    users("sofi", ["consultor"], "3301")
    users("saul", ["consultor"], "3333")
    set_full_name(app, "sofi", "Sofía Pech")
    auth = {"Authorization": f"Bearer {cony}"}
    body = {"tipo": "patron", "asunto": "Embargo", "descripcion": "Caso", "solicitante": "33",
            "competente": "3301", "nrp": "Y5412345101"}
    patron = client.post("/api/v1/consultas", json=body, headers=auth).get_json()["folio"]
    general = client.post("/api/v1/consultas", json={"tipo": "general", "asunto": "Plazo", "descripcion": "Caso",
                                                     "solicitante": "33"}, headers=auth).get_json()["folio"]
    elsewhere = client.post("/api/v1/consultas", json={**body, "competente": "1601"}, headers=auth).get_json()["folio"]
    login("cony")  # nobody answers for 1601 yet: the page says so instead of offering the central level
    html = client.get(f"/consultas/{elsewhere}").get_data(as_text=True)
    assert 'data-testid="sin-consultores"' in html and 'name="asignado"' not in html
    client.get("/logout")
    login("sofi")
    inbox = client.get("/consultas").get_data(as_text=True)
    assert patron in inbox and general not in inbox
    assert client.get(f"/consultas/{general}").status_code == 404
    html = client.get(f"/consultas/{patron}").get_data(as_text=True)
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', html)
    assert options == [("", "Seleccione…"), ("sofi", "Sofía Pech")]  # the unit is named once, in the label
    assert "Turnar a una persona de 3301 Mérida Norte <select" in html
    token = csrf_from(html)
    turned = client.post(f"/consultas/{patron}/accion", data={"csrf_token": token, "lock": lock_of(html),
                                                              "accion": "turnar", "asignado": "sofi"})
    assert turned.status_code == 303
    html = client.get(f"/consultas/{patron}").get_data(as_text=True)
    assert "3301 Mérida Norte · turnada a Sofía Pech</dd>" in html and "Pasar a análisis" in html
    client.get("/logout")
    login("saul")
    assert client.get(f"/consultas/{patron}").status_code == 404
    assert patron not in client.get("/consultas").get_data(as_text=True)
    token = csrf_from(client.get("/consultas/nueva").get_data(as_text=True))
    for path in (f"/consultas/{patron}/citar", f"/consultas/{patron}/accion", f"/consultas/{patron}/respuesta"):
        assert client.post(path, data={"csrf_token": token, "q": "embargo", "accion": "analizar"}).status_code == 404


def test_a_flagged_answer_offers_its_review_actions(app, client, users, login, people, flagged):
    """Its answerer confirms the answer through the page: the flag goes, the page says who confirmed."""
    from tests.consultations.test_review import publish
    from tests.search.corpus import MANUAL_V2
    folio = flagged["folio"]
    publish(client, people, flagged["doc"], MANUAL_V2.replace("cuarenta y ocho", "setenta y dos"))
    set_full_name(app, "cruz", "Cruz Ek", password=PASSWORD)
    login("cruz")
    html = client.get(f"/consultas/{folio}").get_data(as_text=True)
    assert 'data-testid="revisar"' in html and "Actualizar citas a la versión vigente" in html
    assert "Respondida el" in html and "por Cruz Ek</p>" in html
    again = client.get(f"/consultas/{folio}?responder=de-nuevo").get_data(as_text=True)
    assert ">Cuarenta y ocho horas.</textarea>" in again  # answering again starts from the answer given
    ticked = re.findall(r'name="citas" value="([^"]+)" checked', again)  # and from its citations, ticked
    assert sorted(ticked) == sorted(f"{flagged['doc']}:2:{n}" for n in ("7.3.1.1", "10")), ticked
    token = csrf_from(html)
    done = client.post(f"/consultas/{folio}/accion", data={"csrf_token": token, "lock": lock_of(html),
                                                           "accion": "confirmar"})
    assert done.status_code == 303
    html = client.get(f"/consultas/{folio}").get_data(as_text=True)
    assert "Respuesta confirmada: sigue aplicando con las citas que tiene." in html
    assert 'data-testid="revisar"' not in html and 'data-testid="desactualizada"' not in html
    assert re.search(r'data-testid="confirmada">Respuesta confirmada como aplicable el .* por Cruz Ek', html)


def test_the_citation_search_counts_what_it_lists_and_suggests_a_spelling(app, client, users, login):
    """Beside the answer, each document, version and numeral is offered once (the whole version and
    its text without numeral are one citation): the sentence counts the results listed, says when
    there are more than those, and offers «¿quiso decir…?» for a misspelling."""
    load(app, users)
    users("cony", ["consultor"], "NC")
    login("cony")
    html = client.get("/consultas/nueva").get_data(as_text=True)
    token = csrf_from(html)
    created = client.post("/consultas/nueva", data={"csrf_token": token, "tipo": "general", "asunto": "Citatorio",
                                                    "descripcion": "¿Cuánta anticipación?", "solicitante": "3301"})
    detail_url = created.headers["Location"]
    folio = detail_url.rsplit("/", 1)[1]
    html = client.get(detail_url).get_data(as_text=True)
    client.post(f"/consultas/{folio}/accion", data={"csrf_token": token, "lock": lock_of(html), "accion": "turnar",
                                                    "asignado": "cony"})
    html = client.get(detail_url).get_data(as_text=True)
    client.post(f"/consultas/{folio}/accion", data={"csrf_token": token, "lock": lock_of(html), "accion": "analizar"})
    lock = lock_of(client.get(detail_url).get_data(as_text=True))

    def cite(q):
        found = client.post(f"/consultas/{folio}/citar", data={"csrf_token": token, "lock": lock, "buscar": "1",
                                                               "respuesta": "", "q": q, "vigente_al": hoy().isoformat()})
        assert found.status_code == 200
        html = found.get_data(as_text=True)
        line = re.search(r'data-testid="cuantos-cita">([^<]*)<', html).group(1)
        return html, line, re.findall(r'name="citas" value="([^"]+)"', html)

    api = client.get("/api/v1/busqueda", query_string={"q": "notificacion", "por_pagina": 10}).get_json()
    html, line, values = cite("notificacion")
    distinct = {f"{i['documento_id']}:{i['version']}:{i['numeral'] or ''}" for i in api["items"]}
    assert len(values) == len(distinct) < len(api["items"])  # the whole version and its unnumbered text: one citation
    if api["total"] > 10:
        assert line.startswith(f"Los primeros {len(values)} de {api['total']} resultados de «notificacion»")
    else:
        assert line.startswith(f"{len(values)} resultados de «notificacion»")
    html, line, values = cite("citatorio anticipacion")
    assert line == f"{len(values)} resultados de «citatorio anticipacion», vigentes al {hoy().strftime('%d/%m/%Y')}."
    html, line, values = cite("citatoro")
    assert values == [] and line.startswith("Ningún resultado de «citatoro» vigente al ")
    assert "¿Quiso decir «citatorio»?" in html


def test_each_action_says_what_it_did(app, client, users, login):
    """Registering, turning, analysing, answering and reviewing through the pages each say, after
    the redirect, what happened (folio, who answers and the due date; to whom it was turned…)."""
    load(app, users)
    users("cony", ["consultor"], "NC")
    set_full_name(app, "cony", "Constanza Ruiz")
    login("cony")
    token = csrf_from(client.get("/consultas/nueva").get_data(as_text=True))
    created = client.post("/consultas/nueva", follow_redirects=True, data={
        "csrf_token": token, "tipo": "patron", "asunto": "Embargo", "descripcion": "Caso concreto",
        "solicitante": "33", "competente": "3301", "nrp": "Y5412345101"})
    html = created.get_data(as_text=True)
    assert re.search(r"Consulta registrada con folio CON-\d{4}-\d{6}: la responde 3301 Mérida Norte; "
                     r"fecha límite \d\d/\d\d/\d{4}\.", html), html
    folio = re.search(r"folio (CON-\d{4}-\d{6})", html).group(1)
    general = client.post("/consultas/nueva", follow_redirects=True, data={
        "csrf_token": token, "tipo": "general", "asunto": "Plazo", "descripcion": "Pregunta general",
        "solicitante": "3301"}).get_data(as_text=True)
    assert "la responde NC Nivel central" in general
    general_folio = re.search(r"folio (CON-\d{4}-\d{6})", general).group(1)
    turned = client.post(f"/consultas/{general_folio}/accion", follow_redirects=True, data={
        "csrf_token": token, "lock": lock_of(general), "accion": "turnar", "asignado": "cony"})
    assert "Consulta turnada a Constanza Ruiz." in turned.get_data(as_text=True)
    html = turned.get_data(as_text=True)
    analysed = client.post(f"/consultas/{general_folio}/accion", follow_redirects=True, data={
        "csrf_token": token, "lock": lock_of(html), "accion": "analizar"}).get_data(as_text=True)
    assert f"Consulta {general_folio}: En análisis." in analysed
    values = re.findall(r'name="citas" value="([^"]+)"', client.post(f"/consultas/{general_folio}/citar", data={
        "csrf_token": token, "lock": lock_of(analysed), "buscar": "1", "respuesta": "", "q": "citatorio horas",
        "vigente_al": hoy().isoformat()}).get_data(as_text=True))
    answered = client.post(f"/consultas/{general_folio}/respuesta", follow_redirects=True, data={
        "csrf_token": token, "lock": lock_of(analysed), "respuesta": "Cuarenta y ocho horas.", "citas": values[:2]})
    assert "Respuesta registrada con 2 citas." in answered.get_data(as_text=True)
    assert 'data-testid="cita-vigencia"' not in answered.get_data(as_text=True)  # versions in force, no end
    assert folio != general_folio


def test_a_citation_of_a_version_with_an_end_date_says_its_vigencia(app, client, users, login, people):  # noqa: F811
    """A version published with «vigente hasta» is cited while in force: the citation says until
    when, though the version is still «publicado» and nothing is flagged."""
    from tests.consultations.test_consultas import h, register, turn_and_analyse
    from tests.documents.helpers import act, approve, create_document, upload
    doc = create_document(client, people["nora"], clave="9312-003-077", titulo="Lineamiento temporal")
    assert upload(client, people["nora"], doc, content="# Lineamiento temporal\n\n1. Plazo\nTexto.\n").status_code == 201
    approve(client, {"normativo": people["nora"], "revisor": people["rita"], "titular": people["tito"]}, doc, 1)
    until = hoy() + timedelta(days=90)
    published = act(client, people["nora"], doc, 1, "publicar", destinatarios={"todas": True},
                    vigente_hasta=until.isoformat())
    assert published.status_code == 200, published.get_json()
    folio = register(client, people["cony"]).get_json()["folio"]
    etag = turn_and_analyse(client, people, folio)
    answered = client.post(f"/api/v1/consultas/{folio}/respuesta", headers=h(people["cruz"], etag), json={
        "respuesta": "Aplica mientras esté vigente.", "citas": [{"documento_id": doc, "version": 1, "numeral": "1"}]})
    assert answered.status_code == 200 and answered.get_json()["citas"][0]["desactualizada"] is False
    set_full_name(app, "cony", "Constanza Ruiz", password=PASSWORD)
    login("cony")
    html = client.get(f"/consultas/{folio}").get_data(as_text=True)
    assert f'data-testid="cita-vigencia">vigente del {hoy().strftime("%d/%m/%Y")} al {until.strftime("%d/%m/%Y")}<' in html
