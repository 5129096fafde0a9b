"""Scope by unit, and traslados: an operativo sees only its unit's credits (else the same 404); an
accepted traslado moves the responsibility."""
from .helpers import act, get, load, row

AUTH = "Authorization"


def h(token):
    return {AUTH: f"Bearer {token}"}


def test_other_units_credits_are_404_and_absent_from_lists(client, staff):
    load(client, staff["oscar"], [row(1), row(2)])
    numero = "268000001"
    assert get(client, staff["olga"], numero).status_code == 404
    assert get(client, staff["olga"], "999999999").status_code == 404
    unknown = get(client, staff["olga"], "999999999").get_json()
    hidden = get(client, staff["olga"], numero).get_json()
    assert {k: v for k, v in unknown.items() if k != "request_id"} == {k: v for k, v in hidden.items() if k != "request_id"}
    assert client.get("/api/v1/creditos", headers=h(staff["olga"])).get_json()["total"] == 0
    assert client.get("/api/v1/creditos", headers=h(staff["oscar"])).get_json()["total"] == 2
    nrp = get(client, staff["oscar"], numero).get_json()["nrp"]
    assert client.get(f"/api/v1/patrones/{nrp}", headers=h(staff["olga"])).status_code == 404
    assert client.get(f"/api/v1/patrones/{nrp}", headers=h(staff["oscar"])).status_code == 200
    assert act(client, staff["olga"], numero, "declarar_exigible", etag='"x"').status_code == 404


def test_traslado_accepted_moves_the_credit(client, staff):
    load(client, staff["oscar"], [row(1)])
    numero = "268000001"
    same = client.post(f"/api/v1/creditos/{numero}/traslados", headers=h(staff["oscar"]),
                       json={"tipo": "cambio_subdelegacion", "unidad_destino": "3301"})
    assert same.status_code == 409 and same.get_json()["error"] == "traslado_misma_unidad"
    sent = client.post(f"/api/v1/creditos/{numero}/traslados", headers=h(staff["oscar"]),
                       json={"tipo": "cambio_subdelegacion", "unidad_destino": "3333", "motivo": "Cambio de domicilio"})
    assert sent.status_code == 201, sent.get_json()
    transfer = sent.get_json()
    assert get(client, staff["oscar"], numero).get_json()["fase"] == "EN_TRASLADO"
    # the receiving unit sees it (to decide), acts only on the traslado
    assert get(client, staff["olga"], numero).status_code == 200
    pending = client.get("/api/v1/traslados", headers=h(staff["olga"])).get_json()
    assert [t["id"] for t in pending["items"]] == [transfer["id"]]
    assert client.post(f"/api/v1/traslados/{transfer['id']}/aceptacion", headers=h(staff["oscar"]), json={}).status_code == 403
    accepted = client.post(f"/api/v1/traslados/{transfer['id']}/aceptacion", headers=h(staff["olga"]), json={})
    assert accepted.status_code == 200 and accepted.get_json()["estado"] == "aceptado"
    again = client.post(f"/api/v1/traslados/{transfer['id']}/aceptacion", headers=h(staff["olga"]), json={})
    assert again.status_code == 409 and again.get_json()["error"] == "traslado_ya_resuelto"
    credit = get(client, staff["olga"], numero).get_json()
    assert (credit["fase"], credit["subdelegacion"]["clave"]) == ("NOTIFICADO", "3333")
    assert credit["inc"] != "13"  # the traslado's incidencia ended with it
    assert get(client, staff["oscar"], numero).status_code == 404
    assert act(client, staff["olga"], numero, "declarar_exigible").status_code == 200


def test_traslado_rejected_returns_the_credit(client, staff):
    load(client, staff["oscar"], [row(1)])
    numero = "268000001"
    transfer = client.post(f"/api/v1/creditos/{numero}/traslados", headers=h(staff["oscar"]),
                           json={"tipo": "procuracion", "unidad_destino": "1601"}).get_json()
    no_reason = client.post(f"/api/v1/traslados/{transfer['id']}/rechazo", headers=h(staff["otto"]), json={})
    assert no_reason.status_code == 422
    rejected = client.post(f"/api/v1/traslados/{transfer['id']}/rechazo", headers=h(staff["otto"]),
                           json={"comentario": "No corresponde a esta unidad"})
    assert rejected.status_code == 200
    credit = get(client, staff["oscar"], numero).get_json()
    assert (credit["fase"], credit["subdelegacion"]["clave"]) == ("NOTIFICADO", "3301")
    assert get(client, staff["otto"], numero).status_code == 404


def test_malformed_keys_are_404(client, staff):
    for path in ("/api/v1/patrones/Z%00123", "/api/v1/patrones/" + "9" * 40, "/api/v1/creditos/12%0045678",
                 "/api/v1/creditos/１２３４５６７８９"):
        assert client.get(path, headers=h(staff["oscar"])).status_code == 404, path


def test_resolved_traslado_restores_the_previous_incidencia(client, staff):
    load(client, staff["oscar"], [row(1)])
    numero = "268000001"
    assert act(client, staff["oscar"], numero, "declarar_exigible").status_code == 200
    assert act(client, staff["oscar"], numero, "requerir").status_code == 200
    before = get(client, staff["oscar"], numero).get_json()
    assert before["inc"] == "31"
    transfer = client.post(f"/api/v1/creditos/{numero}/traslados", headers=h(staff["oscar"]),
                           json={"tipo": "procuracion", "unidad_destino": "1601"}).get_json()
    assert get(client, staff["oscar"], numero).get_json()["inc"] == "13"
    client.post(f"/api/v1/traslados/{transfer['id']}/rechazo", headers=h(staff["otto"]),
                json={"comentario": "No corresponde"})
    after = get(client, staff["oscar"], numero).get_json()
    assert (after["fase"], after["inc"], after["fecha_inc"]) == ("PAE_REQUERIDO", "31", before["fecha_inc"])


def test_the_titular_reads_the_patrones_and_credits_it_certifies(client, staff, users, login):
    """The titular issues constancias for any patrón of the Coordinación, so it reads every patrón and
    credit (API and pages), read only; an unknown one is the same 404 as for anybody."""
    from docs_service.core.fechas import hoy
    load(client, staff["oscar"], [row(1), row(2)])
    numero, titular = "268000001", staff["titular"]
    credit = get(client, titular, numero)
    assert credit.status_code == 200 and credit.get_json()["acciones_permitidas"] == []
    nrp = credit.get_json()["nrp"]
    assert client.get(f"/api/v1/patrones/{nrp}", headers=h(titular)).status_code == 200
    assert client.get("/api/v1/creditos", headers=h(titular)).get_json()["total"] == 2
    assert client.get(f"/api/v1/creditos/{numero}/eventos", headers=h(titular)).status_code == 200
    unknown, other = get(client, titular, "999999999"), get(client, staff["olga"], numero)
    assert unknown.status_code == other.status_code == 404
    assert {k: v for k, v in unknown.get_json().items() if k != "request_id"} == \
        {k: v for k, v in other.get_json().items() if k != "request_id"}
    assert client.get("/api/v1/patrones/Z9999999999", headers=h(titular)).status_code == 404
    assert act(client, titular, numero, "declarar_exigible", etag='"x"').status_code == 403  # reads, never acts
    issued = client.post("/api/v1/constancias", headers=h(titular),
                         json={"tipo": "situacion_creditos", "nrp": nrp, "fecha_corte": hoy().isoformat()})
    assert issued.status_code == 201, issued.get_json()
    users("tina", ["titular"], "NC")
    login("tina")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/creditos"' in home
    patron = client.get(f"/patrones/{nrp}")
    assert patron.status_code == 200 and numero in patron.get_data(as_text=True)
    page = client.get(f"/creditos/{numero}")
    assert page.status_code == 200 and "Trasladar a otra unidad" not in page.get_data(as_text=True)
    assert client.get("/creditos/999999999").status_code == 404
    assert client.get("/patrones/Z9999999999").status_code == 404
