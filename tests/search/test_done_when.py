"""The issue's "done when", on the demo Normateca and on every engine: a consultor finds the numeral
on prescripción with `prescripcion creditos`, reads it as in force on a past date (an older date
shows the older text), answers a consulta citing it; a new version is published and the consulta
is flagged, its author told with a notice of its own kind."""
from datetime import timedelta

from docs_service.workflow.operations import today
from tests.documents.helpers import act, approve, upload

CLAVE = "9300-006-021"


def h(token, etag=None):
    headers = {"Authorization": f"Bearer {token}"}
    if etag:
        headers["If-Match"] = etag
    return headers


def search(client, token, **params):
    response = client.get("/api/v1/busqueda", query_string=params, headers=h(token))
    assert response.status_code == 200, (params, response.get_json())
    return response.get_json()


def test_prescripcion_found_read_on_a_past_date_cited_and_flagged(app, runner, client, users):
    loaded = runner.invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output
    people = {name: users(name, roles, "NC", password=None)[1]
              for name, roles in (("cony", ["consultor"]), ("cruz", ["consultor"]), ("nora", ["normativo"]),
                                  ("rita", ["revisor"]), ("tito", ["titular"]))}
    day = today()

    # today: the numeral of the version in force comes first (before the preamble that names the
    # subject in its heading only), on every engine
    now = search(client, people["cruz"], q="prescripcion creditos")
    first = now["items"][0]
    assert (first["clave"], first["numeral"]) == (CLAVE, "2.1"), [(i["clave"], i["numeral"]) for i in now["items"][:3]]
    assert first["version"] == 2 and first["vigente"] is True
    assert "<" not in first["fragmento"] and first["resaltado"]
    marked = [first["fragmento"][s:e].lower() for s, e in first["resaltado"]]
    assert "prescripción" in marked and "créditos" in marked

    # an older date: the first version's text, in force then, and nothing of the second
    old_day = (day - timedelta(days=1000)).isoformat()
    old = search(client, people["cruz"], q="prescripcion creditos", vigente_al=old_day)
    assert old["vigente_al"] == old_day
    oldest = old["items"][0]
    assert (oldest["clave"], oldest["numeral"]) == (CLAVE, "2.1")
    assert oldest["version"] == 1 and oldest["vigente"] is True and "pudo ser legalmente exigido" in oldest["fragmento"]
    assert oldest["vigente_hasta"] == (day - timedelta(days=501)).isoformat()
    assert {i["version"] for i in old["items"] if i["clave"] == CLAVE} == {1}

    # the date of the facts: the numeral as in force then, which the answer cites
    facts = (day - timedelta(days=200)).isoformat()
    found = search(client, people["cruz"], q="prescripcion creditos", vigente_al=facts)
    item = next(i for i in found["items"] if i["clave"] == CLAVE and i["numeral"] == "2.1")
    assert item["version"] == 2 and item["vigente"] is True and "día siguiente" in item["fragmento"]

    created = client.post("/api/v1/consultas", headers=h(people["cony"]), json={
        "tipo": "general", "asunto": "Prescripción de cuotas de 2019",
        "descripcion": "¿Desde cuándo corre el término de prescripción de un crédito notificado en 2019?",
        "solicitante": "3301"})
    assert created.status_code == 201, created.get_json()
    folio = created.get_json()["folio"]
    turned = client.post(f"/api/v1/consultas/{folio}/transiciones", json={"accion": "turnar", "asignado": "cruz"},
                         headers=h(people["cony"], created.headers["ETag"]))
    assert turned.status_code == 200, turned.get_json()
    analysed = client.post(f"/api/v1/consultas/{folio}/transiciones", json={"accion": "analizar"},
                           headers=h(people["cruz"], turned.headers["ETag"]))
    assert analysed.status_code == 200, analysed.get_json()
    answer = {"respuesta": "El término de cinco años corre desde el día siguiente a la exigibilidad.",
              "citas": [{"documento_id": item["documento_id"], "version": item["version"], "numeral": item["numeral"]}]}
    answered = client.post(f"/api/v1/consultas/{folio}/respuesta", json=answer,
                           headers=h(people["cruz"], analysed.headers["ETag"]))
    assert answered.status_code == 200, answered.get_json()
    assert answered.get_json()["citas_desactualizadas"] is False
    assert answered.get_json()["citas"][0]["clave"] == CLAVE and answered.get_json()["citas"][0]["version"] == 2

    # the titular approves a new version and it is published: the consulta is flagged
    doc = item["documento_id"]
    current = client.get(f"/api/v1/documentos/{doc}/versiones/2", headers=h(people["nora"])).get_json()
    text = "\n\n".join(f"{s['numeral']} {s['titulo']}\n{s['texto']}".strip() for s in current["secciones"])
    v3 = f"# Criterio normativo 02/2021\n\n{text}\n\n4. Vigencia\nSustituye a la versión anterior.\n"
    assert upload(client, people["nora"], doc, content=v3, resumen="Agrega la vigencia.").status_code == 201
    approve(client, {"normativo": people["nora"], "revisor": people["rita"], "titular": people["tito"]}, doc, 3)
    published = act(client, people["nora"], doc, 3, "publicar", destinatarios={"todas": True})
    assert published.status_code == 200, published.get_json()

    flagged = client.get(f"/api/v1/consultas/{folio}", headers=h(people["cony"])).get_json()
    assert flagged["citas_desactualizadas"] is True
    assert flagged["citas"][0]["desactualizada"] is True and flagged["citas"][0]["motivo"] == "versión sustituida"
    outdated = client.get("/api/v1/consultas?desactualizadas=true", headers=h(people["cony"])).get_json()
    assert folio in [c["folio"] for c in outdated["items"]]
    notices = client.get("/api/v1/notificaciones", headers=h(people["cony"])).get_json()["items"]
    notice = next(n for n in notices if folio in n["titulo"])
    assert notice["tipo"] == "cita_desactualizada" and notice["tipo_nombre"] == "Cita desactualizada"
    assert CLAVE in notice["titulo"] and notice["enlace"].endswith(folio)

    # the index follows: today the new version is the one found; on the date of the facts, still the second
    latest = search(client, people["cruz"], q="prescripcion creditos")
    assert {i["version"] for i in latest["items"] if i["clave"] == CLAVE} == {3}
    again = search(client, people["cruz"], q="prescripcion creditos", vigente_al=facts)
    assert {i["version"] for i in again["items"] if i["clave"] == CLAVE} == {2}
