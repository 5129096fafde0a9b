"""Workflow pages as people use them: the home counters and the Bandeja's trays, the publishing
form (defaults, choices kept after an error), the coverage of a publication by unit (filters, CSV,
reminder)."""
import csv
import io
import re
from datetime import datetime, timedelta, timezone

from docs_service.core.fechas import hoy
from tests.conftest import PASSWORD, audit_rows, csrf_from
from tests.credits.helpers import clock_at
from tests.documents.helpers import act, approve, create_document, upload
from tests.web.visible import visible_text


def _people(users):
    tokens = {}
    for nombre, rol, unidad in (("nora", "normativo", "NC"), ("rita", "revisor", "NC"), ("tito", "titular", "NC"),
                                ("oscar", "operativo", "3301")):
        tokens[rol] = users(nombre, [rol], unidad, password=PASSWORD)[1]
    return tokens


def _counters(client) -> dict[str, int]:
    html = client.get("/").get_data(as_text=True)
    return {label.strip(): int(n) for n, label in
            re.findall(r'data-testid="contador"><span class="cifra">(\d+)</span>([^<]+)</a>', html)}


def test_home_counters_and_inbox_trays_follow_the_workflow(client, users, login):
    tokens = _people(users)
    draft = create_document(client, tokens["normativo"], clave="9312-003-001")
    upload(client, tokens["normativo"], draft)
    returned = create_document(client, tokens["normativo"], clave="9312-003-002")
    upload(client, tokens["normativo"], returned)
    act(client, tokens["normativo"], returned, 1, "enviar_revision")
    assert act(client, tokens["revisor"], returned, 1, "devolver", comentario="Falta el plazo.").status_code == 200
    login("nora")
    counters = _counters(client)
    assert counters["Mis borradores"] == 1 and counters["Mis versiones devueltas con comentarios"] == 1
    assert counters["Mis publicaciones con acuses pendientes"] == 0
    tray = visible_text(client.get("/bandeja?ver=devueltas").get_data(as_text=True))
    assert "9312-003-002" in tray and "9312-003-001" not in tray and "Enviar a revisión" in tray
    whole = client.get("/bandeja").get_data(as_text=True)
    assert 'data-testid="bandeja-borradores"' in whole and "9312-003-001" in whole

    # Sent again: it leaves the normativo's trays and waits for the revisor.
    act(client, tokens["normativo"], returned, 1, "enviar_revision")
    assert _counters(client)["Mis versiones devueltas con comentarios"] == 0
    client.post("/logout", data={"csrf_token": csrf_from(whole)})
    login("rita")
    assert _counters(client)["Versiones que esperan mi revisión"] == 1


def test_operativo_counts_pending_and_overdue_acuses(app, client, users, login):
    tokens = _people(users)
    doc = create_document(client, tokens["normativo"])
    upload(client, tokens["normativo"], doc)
    approve(client, tokens, doc, 1)
    act(client, tokens["normativo"], doc, 1, "publicar", destinatarios={"ooad": ["33"]})
    login("oscar")
    counters = _counters(client)
    assert (counters["Acuses pendientes de mi unidad"], counters["Acuses vencidos de mi unidad"]) == (1, 0)
    with app.app_context():
        from sqlalchemy import update
        from docs_service.core.db import db
        from docs_service.workflow.models import Acuse
        db.session.execute(update(Acuse).values(fecha_limite=hoy() - timedelta(days=1)))
        db.session.commit()
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'<li class="alerta"><a href="/acuses\?estado=vencido"', home)
    overdue = visible_text(client.get("/acuses?estado=vencido").get_data(as_text=True))
    assert "Pendiente (vencido)" in overdue and "9312-003-012" in overdue


def _approved(client, tokens, clave="9312-003-012"):
    doc = create_document(client, tokens["normativo"], clave=clave)
    upload(client, tokens["normativo"], doc)
    approve(client, tokens, doc, 1)
    return doc


def test_publish_form_defaults_and_keeps_choices_after_an_error(client, users, login):
    tokens = _people(users)
    doc = _approved(client, tokens)
    login("nora")
    page = client.get(f"/documentos/{doc}/versiones/1").get_data(as_text=True)
    form = page[page.index('data-accion="publicar"'):]
    assert re.search(r'value="todas" checked', form)
    # not published yet: its recipients are chosen when it is, not «none»
    assert "Aún sin destinatarios: se eligen al publicar la versión." in page and "Sin destinatarios." not in page
    assert f'name="vigente_desde" value="{hoy().isoformat()}"' in form
    bad = client.post(f"/documentos/{doc}/versiones/1/accion", data={
        "csrf_token": csrf_from(page), "accion": "publicar", "lock": re.search(r'name="lock" value="(\d+)"', page).group(1),
        "vigente_desde": (hoy() + timedelta(days=3)).isoformat(), "destino": "unidades", "claves": "3301, 9999",
        "comentario": "Difusión focalizada"})
    assert bad.status_code == 303
    again = client.get(bad.headers["Location"]).get_data(as_text=True)
    assert "Unidades inexistentes: 9999" in again
    form = again[again.index('data-accion="publicar"'):]
    assert 'value="unidades" checked' in form and 'value="3301, 9999"' in form and "Difusión focalizada" in form
    assert f'value="{(hoy() + timedelta(days=3)).isoformat()}"' in form
    assert 'value="todas" checked' not in form
    # Kept once only: the next visit shows the defaults again.
    assert 'value="todas" checked' in client.get(f"/documentos/{doc}/versiones/1").get_data(as_text=True)


def test_first_valid_start_follows_a_future_publication(client, users, login):
    tokens = _people(users)
    doc = _approved(client, tokens)
    start = hoy() + timedelta(days=10)
    act(client, tokens["normativo"], doc, 1, "publicar", destinatarios={"todas": True}, vigente_desde=start.isoformat())
    upload(client, tokens["normativo"], doc, resumen="Segunda")
    approve(client, tokens, doc, 2)
    login("nora")
    page = client.get(f"/documentos/{doc}/versiones/2").get_data(as_text=True)
    assert f'name="vigente_desde" value="{(start + timedelta(days=1)).isoformat()}"' in page
    conflict = act(client, tokens["normativo"], doc, 2, "publicar", destinatarios={"todas": True},
                   vigente_desde=start.isoformat())
    assert conflict.status_code == 409
    assert f"ya entra en vigor el {start.strftime('%d/%m/%Y')}" in conflict.get_json()["message"]


def test_a_version_in_force_until_its_published_successor_starts_says_so(client, users, login):
    """GIVEN v1 in force and v2 published to start in 10 days WHEN the document page is read THEN v1
    reads as in force until the day before, replaced by a published version (not «Sustituido ·
    vigente»), and v2 as entering into force on its day."""
    tokens = _people(users)
    doc = _approved(client, tokens)
    act(client, tokens["normativo"], doc, 1, "publicar", destinatarios={"todas": True})
    upload(client, tokens["normativo"], doc, resumen="Segunda")
    approve(client, tokens, doc, 2)
    start = hoy() + timedelta(days=10)
    published = act(client, tokens["normativo"], doc, 2, "publicar", destinatarios={"todas": True},
                    vigente_desde=start.isoformat())
    assert published.status_code == 200, published.get_json()
    login("nora")
    page = visible_text(client.get(f"/documentos/{doc}").get_data(as_text=True))
    until = (start - timedelta(days=1)).strftime("%d/%m/%Y")
    assert f"Vigente hasta el {until}; la sustituye una versión ya publicada" in page
    assert f"entra en vigor el {start.strftime('%d/%m/%Y')}" in page
    assert "Sustituido · vigente" not in page


def test_coverage_names_units_filters_exports_and_reminds(app, client, users, login, auth):
    tokens = _people(users)
    doc = _approved(client, tokens)
    act(client, tokens["normativo"], doc, 1, "publicar", destinatarios={"ooad": ["33", "16"]})
    client.post(f"/api/v1/documentos/{doc}/versiones/1/acuses", headers=auth(tokens["operativo"]))
    login("nora")
    listing = visible_text(client.get("/difusion?mias=1&incompletas=1").get_data(as_text=True))
    assert "9312-003-012" in listing
    version_id = int(re.search(r"/difusion/(\d+)", client.get("/difusion").get_data(as_text=True)).group(1))
    page = visible_text(client.get(f"/difusion/{version_id}").get_data(as_text=True))
    assert "3301 Mérida Norte" in page and "1601 Toluca" in page and "Recibido" in page
    assert "4 unidades con esos criterios." in page and "(es)" not in page
    only = visible_text(client.get(f"/difusion/{version_id}?ooad=33&estado=pendiente").get_data(as_text=True))
    assert "3333 Mérida Sur" in only and "3301 Mérida Norte" not in only and "1601 Toluca" not in only
    assert "1 unidad con esos criterios." in only
    exported = client.get(f"/difusion/{version_id}/acuses.csv?ooad=33")
    assert exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:4] == ["clave_unidad", "unidad", "ooad", "estado"]
    assert [r[:4] for r in rows[1:]] == [["3301", "Mérida Norte", "33", "Recibido"],
                                         ["3333", "Mérida Sur", "33", "Pendiente"]]
    detail = client.get(f"/difusion/{version_id}").get_data(as_text=True)
    sent = client.post(f"/difusion/{version_id}/recordatorio", data={"csrf_token": csrf_from(detail)})
    assert sent.status_code == 303
    assert "Recordatorio enviado a 3 unidades con acuse pendiente." in client.get(sent.headers["Location"]).get_data(as_text=True)
    reminded = audit_rows(app, accion="recordatorio_acuse")
    assert len(reminded) == 1 and "3301" not in str(reminded[0].detalle) and "3333" in str(reminded[0].detalle)


def test_reminder_is_for_normativos_and_needs_pending_units(client, users, login, auth):
    tokens = _people(users)
    doc = _approved(client, tokens)
    act(client, tokens["normativo"], doc, 1, "publicar", destinatarios={"unidades": ["3301"]})
    login("rita")
    page = client.get("/difusion").get_data(as_text=True)
    version_id = int(re.search(r"/difusion/(\d+)", page).group(1))
    assert client.post(f"/difusion/{version_id}/recordatorio", data={"csrf_token": csrf_from(page)}).status_code == 403
    client.post(f"/api/v1/documentos/{doc}/versiones/1/acuses", headers=auth(tokens["operativo"]))
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    login("nora")
    detail = client.get(f"/difusion/{version_id}").get_data(as_text=True)
    assert "Enviar recordatorio" not in detail
    refused = client.post(f"/difusion/{version_id}/recordatorio", data={"csrf_token": csrf_from(detail)})
    assert refused.status_code == 303
    assert "no hay a quién recordar" in client.get(refused.headers["Location"]).get_data(as_text=True)
    assert client.get("/difusion/99999").status_code == 404


def test_a_version_s_state_reads_in_the_feminine(client, users, login, auth, monkeypatch):
    """A state names a version («Versión 1 · Sustituida», «Versión 2 · Publicada»): the version's page,
    the document's table of versions, the comparison's choices, the flash after an action and the PDF
    read so; the API keeps the codes."""
    from pypdf import PdfReader
    tokens = _people(users)
    doc = _approved(client, tokens)
    act(client, tokens["normativo"], doc, 1, "publicar", destinatarios={"todas": True})
    upload(client, tokens["normativo"], doc, resumen="Segunda")
    approve(client, tokens, doc, 2)
    published = act(client, tokens["normativo"], doc, 2, "publicar", destinatarios={"todas": True},
                    vigente_desde=(hoy() + timedelta(days=1)).isoformat())
    assert published.status_code == 200, published.get_json()
    clock_at(monkeypatch, datetime.now(timezone.utc) + timedelta(days=2))  # v2 in force, v1 replaced
    login("nora")
    first = client.get(f"/documentos/{doc}/versiones/1").get_data(as_text=True)
    assert re.search(r'data-testid="estado">Sustituida<', first)
    html = client.get(f"/documentos/{doc}").get_data(as_text=True)
    assert "v1 · Sustituida" in html and "v2 · Publicada" in html
    table = visible_text(html)
    assert "Sustituida" in table and "Publicada" in table and "Sustituido" not in table
    pdf = client.get(f"/api/v1/documentos/{doc}/versiones/1/pdf", headers=auth(tokens["operativo"])).data
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Versión 1 · Sustituida" in text
    assert client.get(f"/api/v1/documentos/{doc}/versiones/1", headers=auth(tokens["operativo"])).get_json()["estado"] \
        == "sustituido"

    upload(client, tokens["normativo"], doc, resumen="Tercera")
    act(client, tokens["normativo"], doc, 3, "enviar_revision")
    act(client, tokens["revisor"], doc, 3, "aprobar_revision")
    login("tito")
    page = client.get(f"/documentos/{doc}/versiones/3").get_data(as_text=True)
    lock = re.search(r'name="lock" value="(\d+)"', page).group(1)
    done = client.post(f"/documentos/{doc}/versiones/3/accion", follow_redirects=True,
                       data={"csrf_token": csrf_from(page), "accion": "aprobar", "lock": lock}).get_data(as_text=True)
    assert "Versión 3: Aprobada." in done
