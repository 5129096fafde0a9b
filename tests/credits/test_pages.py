"""Pages: search, patrón, credit with only the allowed actions, a transition and a traslado through
forms, import with its report, conciliation page; other units' credits are 404."""
import io
import re
import threading

from tests.conftest import PASSWORD, csrf_from

import pytest

from .helpers import csv_bytes, load, row


@pytest.fixture
def people(users):
    """Operativos with a password (pages need a session): pedro of 3301, pilar of 3333."""
    return {"pedro": users("pedro", ["operativo"], "3301")[1], "pilar": users("pilar", ["operativo"], "3333")[1]}


def test_search_credit_page_and_transition_form(client, people, login):
    load(client, people["pedro"], [row(1), row(2, fase="EMITIDO", fecha_notificacion="")])
    login("pedro")
    search = client.get("/creditos?numero=268000001")
    assert search.status_code == 200
    html = search.get_data(as_text=True)
    assert "268000001" in html and "268000002" not in html
    page = client.get("/creditos/268000001").get_data(as_text=True)
    assert 'data-testid="accion-declarar_exigible"' in page and 'data-testid="accion-requerir"' not in page
    assert "3301" in page and "Mérida Norte" in page
    assert re.search(r"<dt>Situación</dt><dd>\s*Sin incidencia registrada</dd>", page)  # never an empty line
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    done = client.post("/creditos/268000001/transiciones", data={
        "csrf_token": csrf_from(page), "version": version, "accion": "declarar_exigible", "fundamento": "LSS 39-D"})
    assert done.status_code == 303
    after = client.get("/creditos/268000001").get_data(as_text=True)
    assert "Exigible" in after and 'data-testid="accion-requerir"' in after
    stale = client.post("/creditos/268000001/transiciones", data={
        "csrf_token": csrf_from(after), "version": version, "accion": "requerir"})
    assert stale.status_code == 303
    assert "modificó el crédito" in client.get("/creditos/268000001").get_data(as_text=True)
    patron = re.search(r'/patrones/(Z\d+)', after).group(1)
    patron_page = client.get(f"/patrones/{patron}").get_data(as_text=True)
    assert "Saldos" in patron_page
    assert "<td>Cédula por omisión (E.C.O.)</td>" in patron_page and "<td>ECO</td>" not in patron_page  # origen by name
    export = client.get("/creditos/exportacion.csv?fase=EXIGIBLE")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    lines = export.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("numero,nrp") and len(lines) == 2 and lines[1].startswith("268000001")
    assert lines[0].endswith(",fase,fase_descripcion,inc,incidencia,subdelegacion_nombre")
    assert lines[1].endswith(",EXIGIBLE,Exigible,,,Mérida Norte")


def test_other_unit_gets_404_pages(client, people, login):
    load(client, people["pedro"], [row(1)])
    login("pilar")
    assert client.get("/creditos/268000001").status_code == 404
    assert "268000001" not in client.get("/creditos").get_data(as_text=True)


def test_import_page_shows_report(client, people, login):
    login("pedro")
    page = client.get("/creditos/importar").get_data(as_text=True)
    data = csv_bytes([row(1), row(2, nrp="X")])
    response = client.post("/creditos/importar", data={"csrf_token": csrf_from(page),
                                                      "archivo": (io.BytesIO(data), "c.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-testid="cargadas">1<' in html and 'data-testid="rechazadas">1<' in html and "11 caracteres" in html
    assert "<td>268000002</td>" in html  # the report names the row's credit
    assert "Importación terminada: 1 fila cargada, 1 rechazada." in html
    assert "UTF-8, separado por coma («,»)" in html  # the file's encoding and delimiter by name
    link = re.search(r'href="(/creditos\?lote=\d+)">Ver el crédito cargado en esta importación', html)
    assert link, "el reporte enlaza los créditos de la importación"
    listed = client.get(link.group(1)).get_data(as_text=True)
    assert 'data-testid="filtro-lote"' in listed and "268000001" in listed and "1 crédito." in listed
    assert "1 crédito." not in client.get("/creditos?lote=999999").get_data(as_text=True)
    bad = client.post("/creditos/importar", data={"csrf_token": csrf_from(page),
                                                 "archivo": (io.BytesIO(b"a\nb\n"), "c.csv")},
                      content_type="multipart/form-data")
    assert bad.status_code == 422 and "delimitador" in bad.get_data(as_text=True)


def test_import_report_downloads_as_csv(client, people, users, login, monkeypatch):
    """GIVEN an import with more observations than the report keeps WHEN its page is read THEN it links
    the report as CSV (spreadsheet-safe cells) and says the report is cut and how to finish the load."""
    from docs_service.credits import importer, views_ops
    monkeypatch.setattr(importer, "REPORT_CAP", 3)
    monkeypatch.setattr(views_ops, "REPORT_CAP", 3)
    login("pedro")
    page = client.get("/creditos/importar").get_data(as_text=True)
    data = csv_bytes([row(1), row(2, rfc="MALO"), row(3, importe_historico="-5"), row(4, numero="=1+1"),
                      row(5, periodo="x")])
    html = client.post("/creditos/importar", data={"csrf_token": csrf_from(page), "archivo": (io.BytesIO(data), "c.csv")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert 'data-testid="reporte-tope"' in html and "en total se rechazaron 4 filas" in html
    link = re.search(r'href="(/creditos/importaciones/\d+/reporte\.csv)" data-testid="reporte-csv"', html).group(1)
    report = client.get(link)
    assert report.status_code == 200 and report.mimetype == "text/csv"
    lines = report.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "fila,credito,campo,tipo,mensaje" and len(lines) == 4
    assert lines[1].startswith("3,268000002,rfc,Error,") and lines[2].startswith("4,268000003,importe_historico,Error,")
    assert lines[3].startswith("5,'=1+1,numero,Error,")  # a formula as written is neutralised
    users("aurora", ["auditor"], "NC")
    login("aurora")  # a reader reads the import, and is not sent to the import form it may not use
    page = client.get(link.replace("/reporte.csv", "")).get_data(as_text=True)
    assert "en total se rechazaron 4 filas" in page and 'href="/creditos/importar"' not in page
    login("pilar")
    assert client.get(link).status_code == 404


def test_import_page_progress_is_polled_while_it_runs(app, client, people, login, monkeypatch):
    """GIVEN the import page and a file of three chunks WHEN it is imported THEN, while the import
    runs, the page's progress address answers the rows processed so far; after it, the finished
    state with the batch; AND another user, or a made-up token, gets 404."""
    from docs_service.credits import importer, progress
    monkeypatch.setattr(importer, "CHUNK", 2)
    login("pedro")
    page = client.get("/creditos/importar").get_data(as_text=True)
    token = re.search(r'name="avance" value="([^"]+)"', page).group(1)
    url = re.search(r'data-avance-url="([^"]+)"', page).group(1)
    assert url == f"/creditos/importar/avance/{token}" and 'role="status"' in page
    seen, original = [], progress.Tracker.avance
    poller = app.test_client()  # the page's poll: another connection, in a thread of its own as on the server
    form = poller.get("/login").get_data(as_text=True)
    assert poller.post("/login", data={"nombre": "pedro", "password": PASSWORD,
                                       "csrf_token": csrf_from(form)}).status_code == 302

    def polled(self, batch):
        original(self, batch)
        thread = threading.Thread(target=lambda: seen.append(poller.get(url).get_json()))
        thread.start()
        thread.join(30)

    monkeypatch.setattr(progress.Tracker, "avance", polled)
    data = csv_bytes([row(1), row(2), row(3, nrp="X"), row(4), row(5), row(6)])
    done = client.post("/creditos/importar", data={"csrf_token": csrf_from(page), "avance": token,
                                                   "archivo": (io.BytesIO(data), "c.csv")},
                       content_type="multipart/form-data")
    assert done.status_code == 303
    running = [s for s in seen if s["estado"] == "en_curso"]
    assert [s["filas"] for s in running][:3] == [2, 4, 6] and running[1]["rechazadas"] == 1
    assert all(0 < s["bytes"] <= s["total_bytes"] == len(data) for s in running)
    final = client.get(url).get_json()
    assert final["estado"] == "terminado" and (final["filas"], final["cargadas"], final["rechazadas"]) == (6, 5, 1)
    assert final["url"] == done.headers["Location"]
    assert client.get("/creditos/importar/avance/" + "x" * 30).status_code == 404
    login("pilar")
    assert client.get(url).status_code == 404


def test_payments_page_conciliates(client, people, login):
    load(client, people["pedro"], [row(1)])
    login("pedro")
    nrp = client.get("/api/v1/creditos/268000001").get_json()["nrp"]
    page = client.get("/pagos").get_data(as_text=True)
    text = (f"registro_patronal,folio,periodo,fecha_pago,importe_cop,importe_rcv\n{nrp},F1,202401,20260105,115000,0\n"
            "Y0199999990,F2,202401,20260105,50000,0\n")  # an NRP of no unit: sin crédito
    response = client.post("/pagos", data={"csrf_token": csrf_from(page), "formato": "procesar",
                                           "archivo": (io.BytesIO(text.encode()), "p.csv")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-testid="conciliacion"' in html and "Aplicado" in html
    assert "Pagado" in client.get("/creditos/268000001").get_data(as_text=True)
    # the file counts one payment sin crédito, and the unit that imported it can list it to follow it up
    assert "<dt>Sin crédito</dt><dd>1</dd>" in html and "2 pagos." in html and "Y0199999990" in html
    assert "Archivo conciliado: 1 pago aplicado, 1 sin crédito, 0 duplicados, 0 filas rechazadas." in html
    archivo = re.search(r"archivo=(\d+)", response.request.url).group(1)
    unmatched = client.get(f"/pagos?archivo={archivo}&estado=sin_credito").get_data(as_text=True)
    assert "1 pago." in unmatched and "Y0199999990" in unmatched
    exported = client.get("/pagos/exportacion.csv").get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert exported[0].endswith(",importe_aplicado,estado,estado_descripcion")  # codes kept, and their names
    assert exported[1].endswith(",aplicado,Aplicado") and exported[2].endswith(",sin_credito,Sin crédito")
    assert "Y0199999990" in exported[2]
    login("pilar")  # another unit does not see it
    assert "Y0199999990" not in client.get(f"/pagos?archivo={archivo}").get_data(as_text=True)


def test_certification_through_the_payments_page(client, people, users, login, app):
    load(client, people["pedro"], [row(1)])
    nrp = client.get("/api/v1/creditos/268000001", headers={"Authorization": f"Bearer {people['pedro']}"}).get_json()["nrp"]
    users("paco", ["operativo"], "3301")
    login("pedro")
    page = client.get("/pagos").get_data(as_text=True)
    pdf = b"%PDF-1.4\n%%EOF\n"
    client.post("/pagos/certificaciones", content_type="multipart/form-data", data={
        "csrf_token": csrf_from(page), "nrp": nrp, "credito": "268000001", "periodo": "202401", "concepto": "COP",
        "fecha_pago": "2026-01-05", "importe": "1150.00", "entidad_receptora": "BANCO SINTÉTICO",
        "referencia": "LC-1", "tipo_documento": "comprobante_pago", "archivo": (io.BytesIO(pdf), "r.pdf")})
    page = client.get("/pagos").get_data(as_text=True)
    assert "Solicitada" in page
    version = re.search(r'/pagos/certificaciones/1/revision".*?name="version" value="(\d+)"', page, re.S).group(1)
    assert client.post("/pagos/certificaciones/1/revision", data={"csrf_token": csrf_from(page),
                                                                  "version": version}).status_code == 303
    page = client.get("/pagos").get_data(as_text=True)
    assert "Revisada" in page and '<a href="/creditos/268000001">268000001</a>' in page
    # who requested it is not offered the certification, and told who does it
    assert "/pagos/certificaciones/1/certificacion" not in page and 'data-testid="certifica-otra-persona"' in page
    version = str(int(version) + 1)
    client.post("/pagos/certificaciones/1/certificacion", data={"csrf_token": csrf_from(page), "version": version})
    assert "no puede certificarla" in client.get("/pagos").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/pagos").get_data(as_text=True))})
    login("paco")
    page = client.get("/pagos").get_data(as_text=True)
    assert 'data-testid="certifica-otra-persona"' not in page
    assert version == re.search(r'/pagos/certificaciones/1/certificacion".*?name="version" value="(\d+)"', page, re.S).group(1)
    assert client.post("/pagos/certificaciones/1/certificacion", data={"csrf_token": csrf_from(page),
                                                                       "version": version}).status_code == 303
    assert "Pagado" in client.get("/creditos/268000001").get_data(as_text=True)


def test_search_ignores_control_characters(client, people, login):
    load(client, people["pedro"], [row(1)])
    login("pedro")
    response = client.get("/creditos?razon_social=SINT%00%C3%89TICO&nrp=%01")
    assert response.status_code == 200 and "268000001" in response.get_data(as_text=True)


def test_reader_filters_by_unit_chosen_by_name(client, people, users, login):
    """GIVEN an auditor WHEN it opens the credit search THEN the unit filter lists the units by key and
    name (no key to remember) and keeps the one chosen; an operativo has no unit filter."""
    load(client, people["pedro"], [row(1)])
    load(client, people["pilar"], [row(2, subdelegacion="3333")])
    users("aurora", ["auditor"], "NC")
    login("aurora")
    html = client.get("/creditos?unidad=3333").get_data(as_text=True)
    assert '<option value="3301" >3301 Mérida Norte</option>' in html
    assert '<option value="3333" selected>3333 Mérida Sur</option>' in html and '<option value="33" >33 OOAD Yucatán</option>' in html
    assert '<option value="NC"' not in html
    assert ">268000002</a>" in html and ">268000001</a>" not in html
    login("pedro")
    assert 'name="unidad"' not in client.get("/creditos").get_data(as_text=True)


def test_search_by_name_ignores_case_and_accents(client, people, login):
    """GIVEN patrones named «José Gómez Muñoz» and «PANADERÍA 100% MAYA» WHEN searched by razón social as
    people type it (no accents, any case) THEN they are found, on SQLite as on PostgreSQL; `%` and `_`
    in the text are literal."""
    load(client, people["pedro"], [row(1, razon_social="José Gómez Muñoz"), row(2, razon_social="PANADERÍA 100% MAYA"),
                                   row(3, razon_social="FERRETERÍA 1000 MAYA")])
    login("pedro")

    def found(text):
        html = client.get("/creditos", query_string={"razon_social": text}).get_data(as_text=True)
        return {n for n in ("268000001", "268000002", "268000003") if f">{n}</a>" in html}

    assert found("gomez munoz") == found("GÓMEZ") == found("josé gómez muñoz") == {"268000001"}
    assert found("panadería") == found("PANADERIA") == {"268000002"}
    assert found("100%") == {"268000002"} and found("1_0") == set()
    api = client.get("/api/v1/patrones", query_string={"razon_social": "gomez"},
                     headers={"Authorization": f"Bearer {people['pedro']}"}).get_json()
    assert [p["razon_social"] for p in api["items"]] == ["José Gómez Muñoz"]


def test_traslado_by_unit_name_and_listed_on_both_sides(client, people, login):
    load(client, people["pedro"], [row(1)])
    login("pedro")
    page = client.get("/creditos/268000001").get_data(as_text=True)
    assert '<option value="3333">3333 Mérida Sur</option>' in page and '<option value="3301">' not in page
    assert '<option value="NC">' not in page  # the central level is no destination
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    sent = client.post("/creditos/268000001/traslados", data={
        "csrf_token": csrf_from(page), "version": version, "tipo": "cambio_subdelegacion", "unidad_destino": "3333",
        "motivo": "Cambio de domicilio"}, content_type="multipart/form-data")
    assert sent.status_code == 303
    credit = client.get("/creditos/268000001").get_data(as_text=True)
    assert "INC 13 · Enviado a procuración o traslado" in credit
    mine = client.get("/traslados").get_data(as_text=True)
    assert 'data-testid="traslados-enviados"' in mine and "3333 Mérida Sur" in mine and "Pendiente de aceptación" in mine
    login("pilar")
    theirs = client.get("/traslados").get_data(as_text=True)
    assert "268000001" in theirs and "3301 Mérida Norte" in theirs and 'data-testid="traslados-enviados"' not in theirs


def test_readers_see_every_units_traslados_read_only(client, people, users, login):
    """GIVEN a traslado from 3301 to 3333 waiting WHEN an auditor opens /traslados THEN it reads the
    traslados between any units (from and to), with nothing to accept, not «those sent to NC»."""
    load(client, people["pedro"], [row(1)])
    login("pedro")
    page = client.get("/creditos/268000001").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    client.post("/creditos/268000001/traslados", data={
        "csrf_token": csrf_from(page), "version": version, "tipo": "procuracion", "unidad_destino": "3333",
        "motivo": "Domicilio en Mérida Sur"}, content_type="multipart/form-data")
    users("aurora", ["auditor"], "NC")
    login("aurora")
    html = client.get("/traslados").get_data(as_text=True)
    assert "Traslados pendientes" in html and "solo consulta" in html and "envían a NC" not in html
    pending = html.split('data-testid="traslados"')[1].split("</table>")[0]
    assert "268000001" in pending and "3301 Mérida Norte" in pending and "3333 Mérida Sur" in pending
    assert "Domicilio en Mérida Sur" in pending and "aceptacion" not in html and "<th>Decisión</th>" not in html
    assert 'data-testid="traslados-enviados"' in html and "Pendiente de aceptación" in html
    assert 'href="/traslados"' in client.get("/creditos").get_data(as_text=True)


def test_payments_page_describes_the_layouts(client, people, login):
    login("pedro")
    html = client.get("/pagos").get_data(as_text=True)
    help_block = html.split('data-testid="columnas-pagos"')[1].split("</details>")[0]
    for column in ("registro_patronal", "folio", "importe_cop", "linea_captura", "importe_imss", "credito"):
        assert f"<code>{column}</code>" in help_block
    assert "centavos" in help_block and "pesos con decimales" in help_block


def test_counts_read_as_es_mx():
    from docs_service.credits.labels import cifra, cuantos
    assert (cifra(8173), cifra(1234567), cifra(0), cifra(None)) == ("8,173", "1,234,567", "0", "0")
    assert cuantos(1, "fila cargada", "filas cargadas") == "1 fila cargada"
    assert cuantos(21827, "rechazada", "rechazadas") == "21,827 rechazadas"


def test_import_file_described_by_name():
    from docs_service.credits.labels import template_filters
    filters = template_filters()
    assert filters["codificacion"]("latin-1") == "Latin-1 (ISO-8859-1)" and filters["codificacion"]("utf-8-sig") == "UTF-8 con BOM"
    assert filters["delimitador"](";") == "punto y coma («;»)" and filters["delimitador"]("|") == "«|»"


def test_patron_page_says_when_its_list_is_cut(client, people, login, monkeypatch):
    """GIVEN a patrón with more credits than its page lists WHEN the page is read THEN it says how many
    of how many it shows and leads to the search by NRP (the totals count them all)."""
    from docs_service.credits import views
    monkeypatch.setattr(views, "PATRON_CREDITS", 2)
    load(client, people["pedro"], [row(1), row(1, numero="268000002", periodo="202402"),
                                   row(1, numero="268000003", periodo="202403")])
    login("pedro")
    nrp = re.search(r"/patrones/(Z\d+)", client.get("/creditos?numero=268000001").get_data(as_text=True)).group(1)
    html = client.get(f"/patrones/{nrp}").get_data(as_text=True)
    assert 'data-testid="creditos-parcial"' in html and "Se muestran los primeros 2 de\n  3 créditos." in html
    assert f'href="/creditos?nrp={nrp}">Ver todos en la búsqueda por NRP' in html
    monkeypatch.setattr(views, "PATRON_CREDITS", 500)
    assert 'data-testid="creditos-parcial"' not in client.get(f"/patrones/{nrp}").get_data(as_text=True)


def test_every_folded_letter_is_found_without_its_accent(client, people):
    load(client, people["pedro"], [row(1, razon_social="ÁÉÍÓÚÜÑ Y áéíóúüñ S.C.")])
    for text in ("aeiouun y aeiouun", "AEIOUUN Y AEIOUUN", "áéíóúüñ y ÁÉÍÓÚÜÑ"):
        api = client.get("/api/v1/patrones", query_string={"razon_social": text},
                         headers={"Authorization": f"Bearer {people['pedro']}"}).get_json()
        assert [p["razon_social"] for p in api["items"]] == ["ÁÉÍÓÚÜÑ Y áéíóúüñ S.C."], text


def test_accents_fold_in_one_translate_on_postgresql_and_a_replace_chain_on_sqlite():
    """The razón social filter folds accents per row: PostgreSQL with a single translate(), SQLite
    (no translate) with its replace() chain; both give the same rows (tests above, on each backend)."""
    from sqlalchemy import select
    from sqlalchemy.dialects import postgresql, sqlite

    from docs_service.credits.models import Patron
    from docs_service.credits.queries import name_contains
    stmt = select(Patron.id).where(name_contains(Patron.razon_social, "gómez"))
    on_postgres = str(stmt.compile(dialect=postgresql.dialect()))
    assert "translate(patrones.razon_social, 'ÁÉÍÓÚÜÑáéíóúüñ', 'AEIOUUNaeiouun')" in on_postgres
    assert "replace(" not in on_postgres
    assert str(stmt.compile(dialect=sqlite.dialect())).count("replace(") == 14
