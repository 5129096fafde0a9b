"""The constancia page names its patrón (NRP and razón social as printed) and links the patrón page
for whoever may open it (the operativo of the unit, titular, auditor, admin); an operativo whose unit
no longer has the patrón sees the NRP as text."""
from docs_service.core.fechas import hoy
from tests.credits.helpers import get, load, row

from .helpers import emit


def h(token):
    return {"Authorization": f"Bearer {token}"}


def _emit(client, token, nrp):
    response = emit(client, token, {"tipo": "situacion_creditos", "nrp": nrp, "fecha_corte": hoy().isoformat()})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["folio"]


def _detail(client, login, nombre, folio):
    login(nombre)
    page = client.get(f"/constancias/{folio}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_readers_of_the_patron_get_a_link_to_its_page(client, users, login):
    _id, paco = users("paco", ["operativo"], "3301")
    for nombre, rol in (("tere", "titular"), ("auri", "auditor"), ("adan", "admin")):
        users(nombre, [rol], "NC")
    load(client, paco, [row(1)])
    nrp = get(client, paco, "268000001").get_json()["nrp"]
    folio = _emit(client, paco, nrp)
    for nombre in ("paco", "tere", "auri", "adan"):
        html = _detail(client, login, nombre, folio)
        assert f'href="/patrones/{nrp}" data-testid="ver-patron">Ver patrón</a>' in html, nombre
        assert "PATRÓN SINTÉTICO 000001 S.A. DE C.V." in html


def test_an_operativo_whose_unit_no_longer_has_the_patron_sees_the_nrp_as_text(client, users, login):
    _id, paco = users("paco", ["operativo"], "3301")
    _id, olga = users("olga", ["operativo"], "3333")
    load(client, olga, [row(2, subdelegacion="3333")])
    nrp = get(client, olga, "268000002").get_json()["nrp"]
    sent = client.post("/api/v1/creditos/268000002/traslados", headers=h(olga),
                       json={"tipo": "cambio_subdelegacion", "unidad_destino": "3301", "motivo": "Cambio de domicilio"})
    assert client.post(f"/api/v1/traslados/{sent.get_json()['id']}/aceptacion", headers=h(paco),
                       json={}).status_code == 200
    folio = _emit(client, paco, nrp)
    back = client.post("/api/v1/creditos/268000002/traslados", headers=h(paco),
                       json={"tipo": "cambio_subdelegacion", "unidad_destino": "3333", "motivo": "Regresa"})
    assert client.post(f"/api/v1/traslados/{back.get_json()['id']}/aceptacion", headers=h(olga),
                       json={}).status_code == 200

    html = _detail(client, login, "paco", folio)
    assert client.get(f"/patrones/{nrp}").status_code == 404
    assert f'data-testid="patron">{nrp} PATRÓN SINTÉTICO 000002' in html
    assert "ver-patron" not in html and f"/patrones/{nrp}" not in html
