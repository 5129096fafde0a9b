"""Consulta pages: inbox, new, detail with the answer form and search beside it, "citado por"."""
import re

from tests.conftest import csrf_from
from tests.search.corpus import load


def test_register_turn_search_cite_and_answer_through_the_pages(app, client, users, login):
    load(app, users)
    users("cony", ["consultor"], "NC")
    login("cony")
    page = client.get("/consultas/nueva")
    assert page.status_code == 200
    token = csrf_from(page.get_data(as_text=True))
    bad = client.post("/consultas/nueva", data={"csrf_token": token, "tipo": "patron", "asunto": "Embargo",
                                                "descripcion": "Caso", "solicitante": "3301", "nrp": "x"})
    assert bad.status_code == 422 and "registro patronal" in bad.get_data(as_text=True)
    created = client.post("/consultas/nueva", data={"csrf_token": token, "tipo": "general", "asunto": "Plazo del citatorio",
                                                    "descripcion": "¿Cuánta anticipación?", "solicitante": "3301"})
    assert created.status_code == 303
    detail_url = created.headers["Location"]
    folio = detail_url.rsplit("/", 1)[1]
    html = client.get(detail_url).get_data(as_text=True)
    lock = re.search(r'name="lock" value="(\d+)"', html).group(1)
    client.post(f"/consultas/{folio}/accion", data={"csrf_token": token, "lock": lock, "accion": "turnar", "asignado": "cony"})
    html = client.get(detail_url).get_data(as_text=True)
    lock = re.search(r'name="lock" value="(\d+)"', html).group(1)
    assert client.post(f"/consultas/{folio}/accion", data={"csrf_token": token, "lock": lock,
                                                            "accion": "analizar"}).status_code == 303
    html = client.get(detail_url + "?q=citatorio+horas").get_data(as_text=True)
    assert 'data-testid="buscar-cita"' in html and "<mark>citatorio</mark>" in html
    value = re.search(r'name="citas" value="(\d+:2:7\.3\.1\.1)"', html).group(1)
    lock = re.search(r'name="lock" value="(\d+)"', html).group(1)
    stale = client.post(f"/consultas/{folio}/respuesta", data={"csrf_token": token, "lock": "0", "respuesta": "x",
                                                               "citas": value})
    assert stale.status_code == 303
    assert "cambió" in client.get(detail_url).get_data(as_text=True)
    answered = client.post(f"/consultas/{folio}/respuesta", data={"csrf_token": token, "lock": lock,
                                                                  "respuesta": "Cuarenta y ocho horas.", "citas": value})
    assert answered.status_code == 303
    html = client.get(detail_url).get_data(as_text=True)
    assert "Respondida" in html and "9312-003-012 v2" in html and "numeral 7.3.1.1" in html
    version_page = client.get(f"/documentos/{value.split(':')[0]}/versiones/2").get_data(as_text=True)
    assert 'data-testid="citado-por"' in version_page and folio in version_page
    inbox = client.get("/consultas").get_data(as_text=True)
    assert folio in inbox and "Respondida" in inbox
