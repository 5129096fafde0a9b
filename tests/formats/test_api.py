"""The formats API end to end on SQLite and PostgreSQL: catalog in force, detail with schema,
blank / pre-filled / fillable downloads, read-back, 422 naming fields, counts, definitions and a
new version replacing the old one from its vigencia date."""
import io
import shutil
import subprocess
import zipfile
from datetime import timedelta

import pytest

from docs_service.core.fechas import hoy

from .helpers import ACLARACION, VALID, fill_pdf, flat, load_aclaracion, pdf_text, people


@pytest.fixture
def tokens(users):
    return people(users)


@pytest.fixture
def fmt(app, tokens):
    return load_aclaracion(app)


def _download_count(app):
    from docs_service.core.db import db
    from docs_service.formats.models import Download
    with app.app_context():
        n = db.session.query(Download).count()
        db.session.close()
        return n


def test_catalog_search_and_vigente_al(client, auth, tokens, fmt):
    op = auth(tokens["operativo.3301"])
    found = client.get("/api/v1/formatos?q=aclaración", headers=op).get_json()
    assert found["total"] == 1 and found["items"][0]["clave"] == "9312-020-001"
    assert found["items"][0]["version"] == 1 and found["items"][0]["tema"] == "Aclaraciones"
    assert client.get("/api/v1/formatos?q=IMSS-02-069", headers=op).get_json()["total"] == 1  # palabra clave
    assert client.get("/api/v1/formatos?tema=Aclaraciones", headers=op).get_json()["total"] == 1
    assert client.get("/api/v1/formatos?q=inexistente", headers=op).get_json()["total"] == 0
    before = (hoy() - timedelta(days=31)).isoformat()
    assert client.get(f"/api/v1/formatos?vigente_al={before}", headers=op).get_json()["total"] == 0
    assert client.get("/api/v1/formatos?pagina=0", headers=op).status_code == 422
    assert client.get("/api/v1/formatos").status_code == 401


def test_detail_has_schema_and_instructivo(client, auth, tokens, fmt):
    body = client.get(f"/api/v1/formatos/{fmt}", headers=auth(tokens["operativo.3301"])).get_json()
    names = [c["nombre"] for c in body["esquema"]["campos"]]
    assert names[:3] == ["razon_social", "nrp", "rfc"] and body["vigente"] is True
    rfc = body["esquema"]["campos"][2]
    assert rfc == {"nombre": "rfc", "etiqueta": "RFC del patrón", "tipo": "rfc", "requerido": True,
                   "ayuda": "12 caracteres (moral) o 13 (física)"}
    assert "Instructivo" not in body["instructivo"] and "razón social" in body["instructivo"]
    assert client.get("/api/v1/formatos/99999", headers=auth(tokens["operativo.3301"])).status_code == 404


def test_blank_docx_and_libreoffice_converts_it(client, auth, tokens, fmt, tmp_path):
    response = client.get(f"/api/v1/formatos/{fmt}/docx", headers=auth(tokens["operativo.3301"]))
    assert response.status_code == 200 and response.mimetype.endswith("wordprocessingml.document")
    assert "9312-020-001_v1.docx" in response.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(response.data)) as zf:
        assert b"9312-020-001" in zf.read("word/header1.xml")
    path = tmp_path / "blanco.docx"
    path.write_bytes(response.data)
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice headless no está instalado (scripts/system-deps.sh test lo instala)"
    done = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                           "pdf", "--outdir", str(tmp_path), str(path)], capture_output=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert "SOLICITUD DE ACLARACIÓN" in pdf_text((tmp_path / "blanco.pdf").read_bytes())


def test_prefilled_pdf_fillable_pdf_and_read_back(client, auth, tokens, fmt):
    op = auth(tokens["operativo.3301"])
    prefilled = client.post(f"/api/v1/formatos/{fmt}/pdf", json={"datos": VALID}, headers=op)
    assert prefilled.status_code == 200 and prefilled.mimetype == "application/pdf"
    text = pdf_text(prefilled.data)
    for value in ("GODE561231GR8", "A1234567101", "258123456", "$21,031,000.10", "Comercializadora Peninsular",
                  "VEINTIÚN MILLONES TREINTA Y UN MIL PESOS 10/100 M.N.", "Clave 9312-020-001 · versión 1",
                  "Página 1 de"):
        assert value in text, value

    blank = client.get(f"/api/v1/formatos/{fmt}/pdf", headers=op)
    assert blank.status_code == 200
    from pypdf import PdfReader
    fields = PdfReader(io.BytesIO(blank.data)).get_fields()
    assert {"rfc", "nrp", "creditos__1__numero", "creditos__5__importe", "fecha"} <= set(fields)
    offline = fill_pdf(blank.data, flat(VALID) | {"fecha": "30/11/2026"})
    read = client.post(f"/api/v1/formatos/{fmt}/lectura", headers=op,
                       data={"archivo": (io.BytesIO(offline), "llenado.pdf")}, content_type="multipart/form-data")
    assert read.status_code == 200, read.get_json()
    body = read.get_json()
    expected = dict(VALID, creditos=[dict(VALID["creditos"][0], importe="21031000.10")])
    assert body["version"] == 1 and body["datos"] == expected
    # The same data gives the same pre-filled PDF as the web form would.
    again = client.post(f"/api/v1/formatos/{fmt}/pdf", json={"datos": body["datos"]}, headers=op)
    assert pdf_text(again.data) == text


def test_bad_data_422_names_each_field_and_counts_nothing(app, client, auth, tokens, fmt):
    op = auth(tokens["operativo.3301"])
    before = _download_count(app)
    bad = dict(VALID, rfc="GODE561331GR8", creditos=[dict(VALID["creditos"][0], periodo="202513")])
    response = client.post(f"/api/v1/formatos/{fmt}/pdf", json={"datos": bad}, headers=op)
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "datos_formato_invalidos"
    assert set(body["errors"]) == {"rfc", "creditos.1.periodo"}
    assert body["errors"]["rfc"][0].startswith("«RFC del patrón»")
    assert "RFC del patrón" in body["message"]
    assert client.post(f"/api/v1/formatos/{fmt}/docx", json={"datos": bad}, headers=op).status_code == 422
    assert client.post(f"/api/v1/formatos/{fmt}/docx", json={"datos": VALID, "x": 1}, headers=op).status_code == 422
    assert client.post(f"/api/v1/formatos/{fmt}/docx", data="no json", headers=op).status_code == 415
    assert _download_count(app) == before


def test_read_back_refuses_what_is_not_a_filled_form(client, auth, tokens, fmt):
    op = auth(tokens["operativo.3301"])
    for data, code in ((b"no es pdf", "tipo_no_coincide"),
                       (b"%PDF-1.4\n1 0 obj << /OpenAction 2 0 R /JS (app.alert(1)) >> endobj", "pdf_contenido_activo")):
        response = client.post(f"/api/v1/formatos/{fmt}/lectura", headers=op,
                               data={"archivo": (io.BytesIO(data), "x.pdf")}, content_type="multipart/form-data")
        assert response.status_code == 422 and response.get_json()["error"] == code
    prefilled = client.post(f"/api/v1/formatos/{fmt}/pdf", json={"datos": VALID}, headers=op).data
    response = client.post(f"/api/v1/formatos/{fmt}/lectura", headers=op,
                           data={"archivo": (io.BytesIO(prefilled), "x.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 422 and response.get_json()["error"] == "pdf_sin_campos"
    blank = client.get(f"/api/v1/formatos/{fmt}/pdf", headers=op).data
    half = fill_pdf(blank, {"rfc": "XXX"})
    response = client.post(f"/api/v1/formatos/{fmt}/lectura", headers=op,
                           data={"archivo": (io.BytesIO(half), "x.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 422 and "rfc" in response.get_json()["errors"]


def test_read_back_of_the_blank_pdf_says_it_holds_no_data(client, auth, tokens, fmt):
    """The official PDF uploaded as downloaded (nothing typed in) is one clear refusal, not a 422 per
    required field."""
    op = auth(tokens["operativo.3301"])
    blank = client.get(f"/api/v1/formatos/{fmt}/pdf", headers=op).data
    for pdf in (blank, fill_pdf(blank, {"rfc": "", "creditos__1__numero": ""})):
        response = client.post(f"/api/v1/formatos/{fmt}/lectura", headers=op,
                               data={"archivo": (io.BytesIO(pdf), "blanco.pdf")}, content_type="multipart/form-data")
        body = response.get_json()
        assert response.status_code == 422 and body["error"] == "pdf_sin_datos", body
        assert body["message"] == "El PDF no contiene datos capturados: llene el formato y vuelva a subirlo."
        assert not body.get("errors")
    spec = client.get("/api/v1/openapi.json", headers=op).get_json()
    assert "`pdf_sin_datos`" in spec["paths"]["/api/v1/formatos/{format_id}/lectura"]["post"]["description"]


def test_downloads_counted_per_unit_format_and_version(client, auth, tokens, fmt):
    for name, kind in (("operativo.3301", "pdf"), ("operativo.3301", "pdf"), ("operativo.1601", "docx")):
        assert client.get(f"/api/v1/formatos/{fmt}/{kind}", headers=auth(tokens[name])).status_code == 200
    assert client.post(f"/api/v1/formatos/{fmt}/docx", json={"datos": VALID},
                       headers=auth(tokens["operativo.1601"])).status_code == 200
    assert client.get("/api/v1/formatos/estadisticas", headers=auth(tokens["operativo.3301"])).status_code == 403
    stats = client.get(f"/api/v1/formatos/estadisticas?formato={fmt}", headers=auth(tokens["auditor.demo"])).get_json()
    rows = {(i["unidad_clave"], i["version"], i["tipo"], i["modo"]): i["descargas"] for i in stats["items"]}
    assert rows == {("3301", 1, "pdf", "blanco"): 2, ("1601", 1, "docx", "blanco"): 1,
                    ("1601", 1, "docx", "prellenado"): 1}
    assert stats["total"] == 4


def _upload_v2(client, auth, tokens, fmt, data=None):
    return client.post(f"/api/v1/documentos/{fmt}/versiones", headers=auth(tokens["normativo.demo"]),
                       data={"resumen": "Versión 2 del formato.",
                             "archivo": (io.BytesIO(data or (ACLARACION / "plantilla.docx").read_bytes()), "v2.docx")},
                       content_type="multipart/form-data")


def _act(client, auth, token, fmt, numero, accion, **extra):
    etag = client.get(f"/api/v1/documentos/{fmt}/versiones/{numero}", headers=auth(token)).headers["ETag"]
    return client.post(f"/api/v1/documentos/{fmt}/versiones/{numero}/transiciones", json={"accion": accion, **extra},
                       headers={**auth(token), "If-Match": etag})


def test_new_version_through_the_one_workflow_replaces_the_old_from_its_vigencia(client, auth, tokens, fmt):
    assert _upload_v2(client, auth, tokens, fmt).status_code == 201
    url = f"/api/v1/formatos/{fmt}/versiones/2/definicion"
    normativo = auth(tokens["normativo.demo"])
    current = client.get(url, headers=normativo)
    assert current.status_code == 200  # carried over from version 1
    definition = current.get_json()
    definition["esquema"]["campos"][0]["etiqueta"] = "Razón social del patrón"
    payload = {k: definition[k] for k in ("esquema", "plantilla_html", "instructivo", "norma", "tema")}
    assert client.put(url, json=payload, headers=normativo).status_code == 428
    assert client.put(url, json=payload, headers={**normativo, "If-Match": '"otra"'}).status_code == 409
    changed = client.put(url, json=payload, headers={**normativo, "If-Match": current.headers["ETag"]})
    assert changed.status_code == 200, changed.get_json()
    assert client.put(url, json=payload, headers={**auth(tokens["operativo.3301"]),
                                                  "If-Match": changed.headers["ETag"]}).status_code == 403

    for name, accion in (("normativo.demo", "enviar_revision"), ("revisor.demo", "aprobar_revision"),
                         ("titular.demo", "aprobar")):
        assert _act(client, auth, tokens[name], fmt, 2, accion).status_code == 200
    publish = {"destinatarios": {"todas": True}}
    refused = _act(client, auth, tokens["normativo.demo"], fmt, 2, "publicar", **publish)
    assert refused.status_code == 409 and "validar" in refused.get_json()["permitidas"]
    assert _act(client, auth, tokens["validador.demo"], fmt, 2, "validar").status_code == 200
    tomorrow = hoy() + timedelta(days=1)
    assert _act(client, auth, tokens["normativo.demo"], fmt, 2, "publicar", vigente_desde=tomorrow.isoformat(),
                **publish).status_code == 200

    op = auth(tokens["operativo.3301"])
    assert client.get(f"/api/v1/formatos/{fmt}", headers=op).get_json()["version"] == 1  # until tomorrow
    later = client.get(f"/api/v1/formatos?vigente_al={tomorrow.isoformat()}", headers=op).get_json()
    assert later["items"][0]["version"] == 2
    detail = client.get(f"/api/v1/formatos/{fmt}?version=2", headers=op).get_json()
    assert detail["vigente"] is False and detail["esquema"]["campos"][0]["etiqueta"] == "Razón social del patrón"
    future = client.get(f"/api/v1/formatos/{fmt}/pdf?version=2", headers=op)
    assert future.headers["X-Formato-Vigente"] == "no" and "NO VIGENTE" in pdf_text(future.data)
    assert client.get(f"/api/v1/formatos/{fmt}/pdf", headers=op).headers["X-Formato-Vigente"] == "si"


def test_format_version_needs_a_definition_and_safe_templates(client, auth, tokens):
    normativo = auth(tokens["normativo.demo"])
    created = client.post("/api/v1/documentos", headers=normativo, json={
        "clave": "9312-020-099", "titulo": "Formato de prueba", "tipo": "formato", "area": "División"})
    doc = created.get_json()["id"]
    assert _upload_v2(client, auth, tokens, doc).status_code == 201
    refused = _act(client, auth, tokens["normativo.demo"], doc, 1, "enviar_revision")
    assert refused.status_code == 409 and refused.get_json()["error"] == "formato_sin_definicion"
    url = f"/api/v1/formatos/{doc}/versiones/1/definicion"
    assert client.get(url, headers=normativo).status_code == 404
    import json
    meta = json.loads((ACLARACION / "formato.json").read_text(encoding="utf-8"))
    good = {"esquema": meta["esquema"], "plantilla_html": (ACLARACION / "plantilla.html").read_text(encoding="utf-8"),
            "instructivo": meta["instructivo"], "norma": None, "tema": "Pruebas"}
    def etag():
        return client.get(f"/api/v1/documentos/{doc}/versiones/1", headers=normativo).headers["ETag"]

    for bad, field in (({"plantilla_html": "{{ ''.__class__.__mro__ }}"}, "plantilla_html"),
                       ({"plantilla_html": "<img src='file:///etc/passwd'>"}, "plantilla_html"),
                       ({"esquema": {"campos": [{"nombre": "x"}]}}, "esquema"),
                       ({"norma": "0000-000-000"}, "norma")):
        response = client.put(url, json=good | bad, headers={**normativo, "If-Match": etag()})
        assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()
    before = etag()
    saved = client.put(url, json=good, headers={**normativo, "If-Match": before})
    assert saved.status_code == 200 and saved.headers["ETag"] != before  # the version's ETag moved
    assert client.put(url, json=good, headers={**normativo, "If-Match": before}).status_code == 409
    assert _act(client, auth, tokens["normativo.demo"], doc, 1, "enviar_revision").status_code == 200
    locked = client.put(url, json=good, headers={**normativo, "If-Match": etag()})
    assert locked.status_code == 409 and locked.get_json()["error"] == "version_no_editable"


def test_new_version_docx_with_external_relationship_or_ssti_is_refused(app, client, auth, tokens, fmt):
    """An uploaded DOCX template passes the Normateca's upload checks and, for a format, also: no
    external relationship of any kind and a sandbox-clean template; refused uploads leave nothing."""
    from tests.formats.test_templating import _docx_with
    remote = ('<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships/hyperlink" Target="http://ejemplo.invalid/" TargetMode="External"/>')
    for data, code in ((_docx_with(rels_extra=remote), "relacion_externa_no_permitida"),
                       (_docx_with("{{ ''.__class__.__mro__ }}"), "plantilla_invalida")):
        response = _upload_v2(client, auth, tokens, fmt, data)
        assert response.status_code == 422 and response.get_json()["error"] == code, response.get_json()
    versions = client.get(f"/api/v1/documentos/{fmt}/versiones", headers=auth(tokens["normativo.demo"])).get_json()
    assert [v["numero"] for v in versions] == [1]


@pytest.mark.backends("sqlite")  # about SQLite's single write lock
def test_a_render_never_holds_the_database_write_lock(app, client, auth, tokens, fmt, backend, monkeypatch):
    """Downloads read in their request transaction and count themselves in a short write of their own
    after the render: on SQLite another process can write during the whole render."""
    import sqlite3
    from docs_service.formats import rendering
    path = app.config["DOCS_DATABASE_URL"].removeprefix("sqlite:///")
    real, free = rendering.pdf, []

    def probe(*args, **kwargs):
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # raises "database is locked" at once if a render holds it
            other.execute("ROLLBACK")
            free.append(True)
        finally:
            other.close()
        return real(*args, **kwargs)

    monkeypatch.setattr(rendering, "pdf", probe)
    op = auth(tokens["operativo.3301"])
    before = _download_count(app)
    assert client.post(f"/api/v1/formatos/{fmt}/pdf", json={"datos": VALID}, headers=op).status_code == 200
    assert client.get(f"/api/v1/formatos/{fmt}/pdf", headers=op).status_code == 200
    assert free == [True, True] and _download_count(app) == before + 2
