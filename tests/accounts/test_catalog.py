"""The official organisational catalog on a fresh instance: 35 OOAD, 133 Subdelegaciones with their
official names, and a central level whose key cannot be taken for an OOAD."""
import json

from docs_service.accounts.catalog import CENTRAL_CLAVE, read_catalog


def _all(client, auth, token, query):
    """Every page of the unit list."""
    pages = [client.get(f"/api/v1/unidades?{query}&por_pagina=100&pagina={n}", headers=auth(token)).get_json()
             for n in (1, 2)]
    return {"total": pages[0]["total"], "items": pages[0]["items"] + pages[1]["items"]}


def test_fresh_instance_has_the_official_catalog(client, users, auth):
    _uid, token = users("ana.lopez", ["consultor"], CENTRAL_CLAVE)
    ooad = _all(client, auth, token, "tipo=ooad")
    subs = _all(client, auth, token, "tipo=subdelegacion")
    central = _all(client, auth, token, "tipo=central")
    assert (ooad["total"], subs["total"]) == (35, 133)
    assert [(u["clave"], u["nombre"]) for u in central["items"]] == [("NC", "Nivel central — Coordinación de Cobranza")]
    ooad_keys = {u["clave"] for u in ooad["items"]}
    assert ooad_keys == {f"{n:02d}" for n in (*range(1, 9), *range(10, 35), 39, 40)}
    names = {u["clave"]: u["nombre"] for u in ooad["items"] + subs["items"]}
    assert names["39"] == "Ciudad de México Norte" and names["40"] == "Ciudad de México Sur"
    assert names["33"] == "Yucatán" and names["3301"] == "Mérida Norte" and names["3333"] == "Mérida Sur"
    assert names["1601"] == "Toluca" and names["1605"] == "Naucalpan" and names["1506"] == "Tlalnepantla de Baz"
    assert names["2801"] == "Villa Hermosa" and names["3954"] == "Santa María la Ribera"
    assert all(u["ooad_clave"] in ooad_keys and u["clave"][:2] == u["ooad_clave"] for u in subs["items"])
    assert set(subs["items"][0]) == {"clave", "nombre", "tipo", "ooad_clave"}  # no provenance flags left
    for gone in ("3302", "35", "37", "09"):
        response = client.get(f"/api/v1/unidades/{gone}", headers=auth(token))
        assert response.status_code == 404, gone
    yucatan = _all(client, auth, token, "ooad=33")["items"]
    assert [u["clave"] for u in yucatan] == ["33", "3301", "3333"]


def test_catalog_file_matches_what_is_loaded():
    units = read_catalog()
    assert len(units) == 1 + 35 + 133 and len({u.clave for u in units}) == len(units)
    assert units[0].clave == CENTRAL_CLAVE and units[0].tipo == "central"


def test_old_keys_and_bad_keys_are_refused_with_nothing_created(client, users, auth):
    _aid, admin = users("jefa", ["admin"], CENTRAL_CLAVE)
    before = client.get("/api/v1/usuarios", headers=auth(admin)).get_json()["total"]
    for clave, code in (("3302", "unidad_inexistente"), ("09", "unidad_inexistente"), ("nc", None), ("035", None)):
        response = client.post("/api/v1/usuarios", headers=auth(admin),
                               json={"nombre": "nuevo", "roles": ["operativo"], "unidad": clave})
        assert response.status_code == 422, clave
        body = response.get_json()
        assert "unidad" in json.dumps(body["errors"]) and (code is None or body["error"] == code), body
    assert client.get("/api/v1/usuarios", headers=auth(admin)).get_json()["total"] == before
    # The central level is not a unit an operativo can belong to.
    refused = client.post("/api/v1/usuarios", headers=auth(admin),
                          json={"nombre": "nuevo", "roles": ["operativo"], "unidad": CENTRAL_CLAVE})
    assert refused.status_code == 422
    created = client.post("/api/v1/usuarios", headers=auth(admin),
                          json={"nombre": "nuevo", "roles": ["operativo"], "unidad": "3333"})
    assert created.status_code == 201 and created.get_json()["unidad"] == "3333"


def test_cli_creates_user_on_the_central_level(runner):
    result = runner.invoke(args=["users", "create", "beto", "--rol", "revisor", "--unidad", "NC"])
    assert result.exit_code == 0, result.output
    assert "unidad NC" in result.output
    old = runner.invoke(args=["users", "create", "carla", "--rol", "revisor", "--unidad", "09"])
    assert old.exit_code != 0 and "no existe en el catálogo" in old.output
    help_text = " ".join(runner.invoke(args=["users", "create", "--help"]).output.split())
    assert "NC (nivel central)" in help_text


def test_units_are_labelled_with_key_and_name():
    from docs_service.accounts.labels import unit_label
    from docs_service.accounts.models import Unit
    assert unit_label(Unit(clave="3333", nombre="Mérida Sur", tipo="subdelegacion", ooad_clave="33")) == "3333 Mérida Sur"
    assert unit_label(Unit(clave="33", nombre="Yucatán", tipo="ooad")) == "33 OOAD Yucatán"
    assert unit_label(Unit(clave="NC", nombre="Nivel central — Coordinación de Cobranza", tipo="central")) == \
        "NC Nivel central — Coordinación de Cobranza"
