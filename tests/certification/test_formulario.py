"""The request form: the fecha de corte comes filled with today and marked as required; a missing or
unknown NRP is named as such (an unknown NRP and another unit's patrón answer the same 404); the
tipo is chosen with radios and each tipo's fieldset is tagged for the CSS that shows only the chosen
one (no script needed, nothing inline for the CSP)."""
import re

from docs_service.core.fechas import hoy
from tests.conftest import csrf_from
from tests.credits.helpers import get, load, row

from .helpers import emit


def _post(client, token, **fields):
    return client.post("/constancias", data={"csrf_token": token, "idempotencia": "", **fields})


def test_form_defaults_and_marks(app, client, users, login):
    users("opa", ["operativo"], "3301")
    login("opa")
    html = client.get("/constancias").get_data(as_text=True)
    fecha = re.search(r'<input id="fecha_corte"[^>]*>', html).group(0)
    assert f'value="{hoy().isoformat()}"' in fecha and f'max="{hoy().isoformat()}"' in fecha
    assert 'aria-required="true"' in fecha
    assert re.search(r'<label for="fecha_corte">Fecha de corte <span aria-hidden="true">\*</span>', html)
    assert re.search(r'<input type="radio" name="tipo" value="situacion_creditos" checked>', html)
    for tipo in ("situacion_creditos", "certificacion_pago", "copia_certificada"):
        assert f'class="segun-tipo" data-tipo="{tipo}"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " style=" not in html and "<style" not in html
    css = client.get("/static/app.css").get_data(as_text=True)
    assert ".solicitud:has(input[name=tipo][value=copia_certificada]:checked)" in css


def test_missing_and_unknown_nrp_are_named(app, client, staff, users, login):
    load(client, staff["oscar"], [row(1)])
    nrp = get(client, staff["oscar"], "268000001").get_json()["nrp"]
    users("opa", ["operativo"], "3301")
    users("ola", ["operativo"], "3333")
    login("opa")
    token = csrf_from(client.get("/constancias").get_data(as_text=True))
    both = _post(client, token, tipo="situacion_creditos", nrp="", fecha_corte="")
    text = both.get_data(as_text=True)
    assert both.status_code == 422
    assert "Indique el registro patronal (NRP)." in text and "Indique la fecha de corte." in text
    assert re.search(r'<input id="nrp"[^>]*aria-invalid="true" aria-describedby="nrp-error"', text)
    assert re.search(r'<input id="fecha_corte"[^>]*aria-describedby="fecha_corte_ayuda fecha_corte-error"', text)
    assert 'id="nrp-error" data-testid="error-nrp">Indique el registro patronal (NRP).</span>' in text
    no_nrp = _post(client, token, tipo="situacion_creditos", nrp="", fecha_corte=hoy().isoformat())
    assert no_nrp.status_code == 422 and "Indique el registro patronal" in no_nrp.get_data(as_text=True)
    assert "AAAA-MM-DD" not in no_nrp.get_data(as_text=True)
    unknown = _post(client, token, tipo="situacion_creditos", nrp="Z9999999999", fecha_corte=hoy().isoformat())
    assert unknown.status_code == 404
    assert "No se encontró el registro patronal Z9999999999 en su unidad." in unknown.get_data(as_text=True)
    kept = _post(client, token, tipo="copia_certificada", clave="X", version="")
    assert kept.status_code == 422
    assert re.search(r'value="copia_certificada" checked', kept.get_data(as_text=True))  # the choice is kept

    login("ola")
    token = csrf_from(client.get("/constancias").get_data(as_text=True))
    foreign = _post(client, token, tipo="situacion_creditos", nrp=nrp, fecha_corte=hoy().isoformat())
    assert foreign.status_code == 404
    assert f"No se encontró el registro patronal {nrp} en su unidad." in foreign.get_data(as_text=True)


def test_api_names_every_missing_field_and_hides_other_units(client, staff):
    load(client, staff["oscar"], [row(1)])
    nrp = get(client, staff["oscar"], "268000001").get_json()["nrp"]
    missing = emit(client, staff["oscar"], {"tipo": "situacion_creditos"}).get_json()
    assert missing["message"] == "Indique el registro patronal (NRP) y la fecha de corte."
    assert set(missing["errors"]) == {"nrp", "fecha_corte"}
    body = {"tipo": "situacion_creditos", "fecha_corte": hoy().isoformat()}
    unknown = emit(client, staff["olga"], {**body, "nrp": "Z9999999999"})
    foreign = emit(client, staff["olga"], {**body, "nrp": nrp})
    assert unknown.status_code == foreign.status_code == 404
    assert unknown.get_json()["error"] == foreign.get_json()["error"] == "patron_no_encontrado"
    assert unknown.get_json()["message"].replace("Z9999999999", nrp) == foreign.get_json()["message"]
