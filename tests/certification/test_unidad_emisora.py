"""The issuing unit a constancia shows (public verification by code and by PDF, detail page, API) is
the name its PDF printed, stored at issue time: renaming the unit afterwards does not change it.
Constancias issued before that name was stored show the unit's current name. Both read as the rest
of the pages name a unit: «3301 Mérida Norte», without «Subdelegación »."""
import io
import re

from sqlalchemy import select

from docs_service.accounts.models import Unit
from docs_service.certification.models import Constancia
from docs_service.core.db import db

from .helpers import copia, emit, published_document


def rename(app, clave, nombre):
    with app.app_context():
        db.session.scalar(select(Unit).where(Unit.clave == clave)).nombre = nombre
        db.session.commit()


def emisora(html: str) -> str:
    return re.search(r"<dt>Unidad emisora</dt><dd[^>]*>([^<]*)</dd>", html).group(1)


def shown(client, staff, auth, constancia, pdf) -> set[str]:
    folio, codigo = constancia["folio"], constancia["codigo"]
    api = client.get(f"/api/v1/constancias/{folio}", headers=auth(staff["oscar"])).get_json()["unidad"]
    listed = client.get("/api/v1/constancias", headers=auth(staff["oscar"])).get_json()["items"][0]["unidad"]
    public = client.get(f"/api/v1/verificacion/{codigo}").get_json()["unidad_emisora"]
    by_file = client.post("/api/v1/verificacion", data={"archivo": (io.BytesIO(pdf), "c.pdf")},
                          content_type="multipart/form-data").get_json()["constancia"]["unidad_emisora"]
    page = emisora(client.get(f"/v/{codigo}").get_data(as_text=True))
    detail = emisora(client.get(f"/constancias/{folio}").get_data(as_text=True))
    return {api, listed, public, by_file, page, detail}


def test_renamed_unit_keeps_the_name_the_constancia_printed(app, client, staff, users, login, auth):
    published_document(client, staff)
    rename(app, "3301", "Subdelegación Mérida Norte")
    constancia = emit(client, staff["oscar"], copia()).get_json()
    pdf = client.get(f"/api/v1/constancias/{constancia['folio']}/pdf", headers=auth(staff["oscar"])).data
    rename(app, "3301", "Subdelegación Mérida Poniente")
    users("opa", ["operativo"], "3301")
    login("opa")
    assert shown(client, staff, auth, constancia, pdf) == {"3301 Mérida Norte"}
    form = client.get("/verificacion").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    uploaded = client.post("/verificacion", data={"csrf_token": csrf, "archivo": (io.BytesIO(pdf), "c.pdf")},
                           content_type="multipart/form-data").get_data(as_text=True)
    assert emisora(uploaded) == "3301 Mérida Norte"

    with app.app_context():  # as issued before the name was stored
        db.session.scalar(select(Constancia).where(Constancia.folio == constancia["folio"])).unidad_nombre = None
        db.session.commit()
    assert shown(client, staff, auth, constancia, pdf) == {"3301 Mérida Poniente"}


def test_lote_pages_name_the_unit_shortened(app, users, login, client):
    """The lote pages (list and progress) name the Subdelegación as every other page does: «3301
    Mérida Norte», not its official «3301 Subdelegación Mérida Norte»."""
    from datetime import date

    from docs_service.certification.models import Lote

    rename(app, "3301", "Subdelegación Mérida Norte")
    with app.app_context():
        unit = db.session.scalar(select(Unit).where(Unit.clave == "3301"))
        lote = Lote(tipo="situacion_creditos", unidad_id=unit.id, fecha_corte=date(2026, 11, 30), estado="terminado")
        db.session.add(lote)
        db.session.commit()
        lote_id = lote.id
    users("opa", ["operativo"], "3301")
    login("opa")
    for url in ("/constancias/lotes", f"/constancias/lotes/{lote_id}"):
        html = " ".join(client.get(url).get_data(as_text=True).split())
        assert "3301 Mérida Norte" in html and "Subdelegación Mérida" not in html, url
