"""The audit trail as a page: only auditor and admin, filters in local days, pagination, streamed CSV,
and the history links of documents and versions."""
import csv
import io
import re
from datetime import timedelta

from sqlalchemy import text

from docs_service.core.fechas import hoy
from tests.conftest import audit_rows
from tests.documents.helpers import create_document, upload
from tests.web.visible import visible_text


def test_only_auditor_and_admin_see_the_trail(client, users, login):
    users("audra", ["auditor"], "NC")
    users("nico", ["normativo"], "NC")
    login("nico")
    assert client.get("/auditoria").status_code == 403
    assert client.get("/auditoria.csv").status_code == 403
    client.post("/logout", data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"',
                                                          client.get("/").get_data(as_text=True)).group(1)})
    login("audra")
    page = client.get("/auditoria")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Bitácora de auditoría" in html and "Usuario creado" in html and "Inicio de sesión" in html
    assert "usuario_creado</td>" not in html  # labels, not codes


def test_filters_by_actor_action_object_and_local_days(client, staff, users, login):
    users("audra", ["auditor"], "NC")
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    login("audra")
    html = client.get("/auditoria", query_string={"actor": "nora", "accion": "documento_creado"}).get_data(as_text=True)
    assert 'data-testid="total">1 movimiento.' in html and "Documento registrado" in html
    assert "Versión cargada" not in html.split('data-testid="bitacora"')[1]
    by_object = client.get("/auditoria", query_string={"objeto_tipo": "documentos", "objeto_id": str(doc)})
    assert 'data-testid="total">1 movimiento.' in by_object.get_data(as_text=True)
    today = hoy()
    assert "0 movimientos" not in client.get("/auditoria", query_string={"desde": today.isoformat()}).get_data(as_text=True)
    future = client.get("/auditoria", query_string={"desde": (today + timedelta(days=1)).isoformat()})
    assert 'data-testid="total">0 movimientos.' in future.get_data(as_text=True)
    bad = client.get("/auditoria", query_string={"desde": "2026-13-45"})
    assert bad.status_code == 200 and "La fecha «Desde» no es válida" in bad.get_data(as_text=True)


def test_pagination_past_the_end_shows_the_last_page(app, client, users, login):
    users("audra", ["auditor"], "NC")
    for n in range(26):  # 26 users x (usuario_creado + token_creado) > 50 rows
        users(f"u{n:02d}", ["consultor"], "NC", password=None)
    login("audra")
    total = len(audit_rows(app))
    last = (total + 49) // 50
    html = client.get("/auditoria", query_string={"pagina": 999}).get_data(as_text=True)
    assert f"Página {last} de {last}" in html
    assert "Siguiente" not in html and "Anterior" in html


def test_csv_export_is_streamed_with_filters_and_neutralises_formulas(app, client, users, login):
    from docs_service.audit.operations import record
    from docs_service.core.db import transaction
    users("audra", ["auditor"], "NC")
    with app.app_context(), transaction():
        record("prueba_formula", objeto_tipo="documentos", objeto_id="=1+2")
    login("audra")
    response = client.get("/auditoria.csv", query_string={"accion": "usuario_creado"})
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["id", "fecha", "actor", "roles", "accion"]
    assert {r[4] for r in rows[1:]} == {"usuario_creado"} and len(rows) == 2
    assert rows[1][5] == "Usuario creado"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[56]:00", rows[1][1])  # Mexico City time with offset
    formula = list(csv.reader(io.StringIO(client.get("/auditoria.csv", query_string={"accion": "prueba_formula"})
                                          .get_data(as_text=True).lstrip("\ufeff"))))
    assert formula[1][7] == "'=1+2" and formula[1][5] == "Prueba formula"


def test_document_and_version_pages_link_to_their_history(client, staff, users, login):
    users("audra", ["auditor"], "NC")
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    login("audra")
    page = client.get(f"/documentos/{doc}").get_data(as_text=True)
    assert f"/auditoria?objeto_tipo=documentos&amp;objeto_id={doc}" in page
    version_page = client.get(f"/documentos/{doc}/versiones/1").get_data(as_text=True)
    link = re.search(r'href="(/auditoria\?objeto_tipo=versiones&amp;objeto_id=\d+)"', version_page).group(1)
    history = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "Versión cargada" in history and 'data-testid="total">1 movimiento.' in history


def test_detail_reads_in_words_dates_and_labels(client, staff, users, login):
    """GIVEN a version sent to review, approved and published with no end date WHEN the auditor reads the
    trail THEN each step's states and action read by their labels, a date as dd/mm/aaaa and nothing as
    «—» (never «en_revision», «2026-12-11» or «None»)."""
    from tests.documents.helpers import act, approve
    users("audra", ["auditor"], "NC")
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    approve(client, staff, doc, 1)
    act(client, staff["normativo"], doc, 1, "publicar", destinatarios={"unidades": ["3301"]})
    login("audra")
    html = client.get("/auditoria").get_data(as_text=True)
    trail = html.split('data-testid="bitacora"')[1]
    assert "a: En revisión; acción: Enviar a revisión; de: Borrador" in trail
    assert "clave: 9312-003-012; tipo: Manual de procedimientos" in trail
    assert f"vigente desde: {hoy().strftime('%d/%m/%Y')}; vigente hasta: —" in trail
    shown = visible_text(trail)
    assert "en_revision" not in shown and "None" not in shown and hoy().isoformat() not in shown
