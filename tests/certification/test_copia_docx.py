"""The editable working copy (DOCX) of an issued constancia: rendered from its stored snapshot, says on
its first page that it has no certification value with the folio and verification URL, carries the
same data as the PDF, is scoped like the PDF download (another unit's operativo: 404), exists only
for the kinds that declare it (copia certificada: 404 in Spanish), says REVOCADA once revoked, is
audited, and passes the check every produced DOCX passes (no macros, no external relationship)."""
import io
import json
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document as WordDocument
from sqlalchemy import select

from docs_service.audit.models import AuditEntry
from docs_service.certification.kinds import load_kinds
from docs_service.core.db import db
from docs_service.core.fechas import hoy
from docs_service.formats.docx import check_no_external, check_template_source
from tests.credits.helpers import get, load, row

from .helpers import certified_payment, copia, emit, published_document

ROOT = Path(__file__).resolve().parents[2] / "certificaciones"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def h(token):
    return {"Authorization": f"Bearer {token}"}


def texts(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Paragraphs (body, header and footer) and the rows of every table, as text."""
    doc = WordDocument(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    for section in doc.sections:
        paragraphs += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    rows = [[cell.text for cell in r.cells] for t in doc.tables for r in t.rows]
    return paragraphs, rows


@pytest.fixture
def situacion(app, client, staff):
    load(client, staff["oscar"], [row(21), row(21, numero="268000022", periodo="202402", importe_total="2000.10",
                                                 importe_historico="2000.10", actualizacion="0", recargos="0")])
    nrp = get(client, staff["oscar"], "268000021").get_json()["nrp"]
    response = emit(client, staff["oscar"], {"tipo": "situacion_creditos", "nrp": nrp,
                                              "fecha_corte": hoy().isoformat()})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_situacion_docx_is_a_working_copy_with_the_pdf_data(app, client, staff, situacion):
    response = client.get(f"/api/v1/constancias/{situacion['folio']}/docx", headers=h(staff["oscar"]))
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == DOCX and response.headers["Cache-Control"] == "private, no-store"
    assert f"{situacion['folio']}-copia-de-trabajo.docx" in response.headers["Content-Disposition"]
    check_no_external(response.data)  # what formats checks on every produced DOCX: no macros, nothing external
    paragraphs, rows = texts(response.data)
    body = "\n".join(paragraphs)
    first = "\n".join(paragraphs[:3])
    assert "COPIA DE TRABAJO SIN VALOR DE CERTIFICACIÓN" in first
    assert situacion["folio"] in first and situacion["url_verificacion"] in first
    assert situacion["url_verificacion"].endswith(f"/v/{situacion['codigo']}")
    assert "el documento certificado es el PDF con el sello electrónico" in first
    assert "REVOCADA" not in body
    numbers = [r[0] for r in rows]
    assert "268000021" in numbers and "268000022" in numbers
    total = next(r for r in rows if r[0].startswith("Totales"))
    assert total[0] == "Totales (2 créditos)" and total[-1] == "3,150.10"
    assert "Saldo total a la fecha de corte: $ 3,150.10" in body
    assert "(TRES MIL CIENTO CINCUENTA PESOS 10/100 M.N.)" in body
    pairs = {r[0]: r[1] for r in rows if len(r) == 2}
    assert pairs["Folio"] == situacion["folio"] and pairs["Unidad emisora"].startswith("3301 ")
    assert pairs["Registro patronal"] == situacion["nrp"] and pairs["Fecha de corte"]
    assert not any("{{" in t or "{%" in t for t in paragraphs + [c for r in rows for c in r])
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.accion == "constancia_copia_docx_descargada"))
        assert entry is not None and json.loads(entry.detalle)["folio"] == situacion["folio"]


def test_the_copy_comes_from_the_snapshot_not_from_live_data(app, client, staff, situacion):
    load(client, staff["oscar"], [row(23)])  # a credit registered after the constancia was issued
    _, rows = texts(client.get(f"/api/v1/constancias/{situacion['folio']}/docx", headers=h(staff["oscar"])).data)
    assert "268000023" not in [r[0] for r in rows]


def test_another_units_operativo_gets_404_and_the_page_links_to_the_copy(client, staff, situacion, users, login):
    assert client.get(f"/api/v1/constancias/{situacion['folio']}/docx", headers=h(staff["olga"])).status_code == 404
    assert client.get(f"/api/v1/constancias/{situacion['folio']}/docx", headers=h(staff["aldo"])).status_code == 200
    users("oli", ["operativo"], "3301")
    login("oli")
    page = client.get(f"/constancias/{situacion['folio']}").get_data(as_text=True)
    assert f"/constancias/{situacion['folio']}/docx" in page and "sin valor de certificación" in page
    assert client.get(f"/constancias/{situacion['folio']}/docx").mimetype == DOCX


def test_a_kind_without_a_variant_answers_404_in_spanish_and_has_no_link(client, staff, users, login):
    published_document(client, staff)
    folio = emit(client, staff["oscar"], copia()).get_json()["folio"]
    users("opa", ["operativo"], "3301")
    login("opa")
    page = client.get(f"/constancias/{folio}").get_data(as_text=True)
    assert "Descargar PDF firmado" in page and "/docx" not in page
    response = client.get(f"/api/v1/constancias/{folio}/docx", headers=h(staff["oscar"]))
    assert response.status_code == 404
    body = response.get_json()
    assert body["error"] == "sin_copia_docx" and "no tiene copia de trabajo en Word" in body["message"]
    assert "PDF firmado" in body["message"]


def test_a_revoked_constancia_copy_says_revocada(client, staff, situacion):
    revoked = client.post(f"/api/v1/constancias/{situacion['folio']}/revocacion",
                          json={"motivo": "Error de captura"}, headers=h(staff["titular"]))
    assert revoked.status_code == 200
    response = client.get(f"/api/v1/constancias/{situacion['folio']}/docx", headers=h(staff["oscar"]))
    assert response.status_code == 200
    paragraphs, _ = texts(response.data)
    aviso = next(p for p in paragraphs[:5] if "REVOCADA" in p)
    assert "CONSTANCIA REVOCADA el " in aviso and "Motivo: Error de captura" in aviso


def test_shipped_templates_are_declared_and_pass_the_format_checks():
    kinds = load_kinds(str(ROOT))
    assert {t for t, k in kinds.items() if k.docx} == {"situacion_creditos", "certificacion_pago"}
    assert not (ROOT / "copia_certificada" / "plantilla.docx").exists()
    for tipo in ("situacion_creditos", "certificacion_pago"):
        check_template_source(kinds[tipo].plantilla_docx.read_bytes())  # sandbox-clean, no macros, nothing external


def test_sin_adeudos_copy_says_so_without_a_table(client, staff):
    load(client, staff["oscar"], [row(24)])
    nrp = get(client, staff["oscar"], "268000024").get_json()["nrp"]
    corte = (hoy() - timedelta(days=200)).isoformat()  # before the credit was determined
    body = {"tipo": "situacion_creditos", "nrp": nrp, "fecha_corte": corte}
    folio = emit(client, staff["oscar"], body).get_json()["folio"]
    paragraphs, rows = texts(client.get(f"/api/v1/constancias/{folio}/docx", headers=h(staff["oscar"])).data)
    assert "Sin adeudos registrados a la fecha de corte." in paragraphs
    assert not any(r[0] in ("Crédito", "268000024") or r[0].startswith("Totales") for r in rows)


def test_certificacion_de_pago_copy(client, staff, users):
    pago = certified_payment(client, staff, users, 25, referencia="LC-556")
    issued = emit(client, staff["oscar"], {"tipo": "certificacion_pago", "pago": pago}).get_json()
    response = client.get(f"/api/v1/constancias/{issued['folio']}/docx", headers=h(staff["oscar"]))
    assert response.status_code == 200
    check_no_external(response.data)
    paragraphs, rows = texts(response.data)
    assert "COPIA DE TRABAJO SIN VALOR DE CERTIFICACIÓN" in paragraphs[0]
    assert issued["url_verificacion"] in paragraphs[1]
    assert any("LC-556" in r[1] for r in rows if len(r) == 2)
    assert "Importe certificado: $ 1,150.00" in paragraphs
    assert "(MIL CIENTO CINCUENTA PESOS 00/100 M.N.)" in paragraphs


def test_a_substituted_constancia_copy_names_the_new_folio(client, staff, situacion):
    reissued = client.post(f"/api/v1/constancias/{situacion['folio']}/revocacion",
                           json={"motivo": "Datos corregidos", "reemitir": True}, headers=h(staff["titular"]))
    assert reissued.status_code == 200
    nuevo = reissued.get_json()["sustituida_por"]
    paragraphs, _ = texts(client.get(f"/api/v1/constancias/{situacion['folio']}/docx", headers=h(staff["oscar"])).data)
    aviso = next(p for p in paragraphs[:5] if "REVOCADA" in p)
    assert f"SUSTITUIDA por la constancia con folio {nuevo}" in aviso
    paragraphs, _ = texts(client.get(f"/api/v1/constancias/{nuevo}/docx", headers=h(staff["oscar"])).data)
    assert not any("REVOCADA" in p for p in paragraphs)


def test_a_kind_that_declares_a_variant_without_its_template_is_refused(tmp_path):
    folder = tmp_path / "certificaciones"
    shutil.copytree(ROOT, folder)
    (folder / "certificacion_pago" / "plantilla.docx").unlink()
    with pytest.raises(RuntimeError, match="falta plantilla.docx"):
        load_kinds(str(folder))


def test_the_openapi_document_describes_the_download(client, staff):
    spec = client.get("/api/v1/openapi.json", headers=h(staff["titular"])).get_json()
    operation = spec["paths"]["/api/v1/constancias/{folio}/docx"]["get"]
    assert DOCX in operation["responses"]["200"]["content"]
    assert "sin_copia_docx" in operation["responses"]["200"]["description"]


def test_docx_prints_the_fundamento_stored_at_issue_not_the_kinds_current_one(app, make_app, tmp_path, staff,
                                                                             situacion):
    """A later change of the kind's fundamento.txt does not alter an issued constancia's copy: it prints
    the legal basis its PDF printed. A constancia issued before that text was stored (NULL) takes the
    kind's current text."""
    from docs_service.certification.models import Constancia
    issued_with = (ROOT / "situacion_creditos" / "fundamento.txt").read_text(encoding="utf-8").strip()
    folder = tmp_path / "certificaciones"
    shutil.copytree(ROOT, folder)
    (folder / "situacion_creditos" / "fundamento.txt").write_text("Con fundamento en el texto reformado.",
                                                                  encoding="utf-8")
    later = make_app(CERTIFICACIONES_DIR=str(folder)).test_client()
    url = f"/api/v1/constancias/{situacion['folio']}/docx"
    body = "\n".join(texts(later.get(url, headers=h(staff["oscar"])).data)[0])
    assert issued_with in body and "texto reformado" not in body
    with app.app_context():
        stored = db.session.scalar(select(Constancia).where(Constancia.folio == situacion["folio"]))
        assert stored.fundamento == issued_with
        stored.fundamento = None  # as issued before migration 0012
        db.session.commit()
    body = "\n".join(texts(later.get(url, headers=h(staff["oscar"])).data)[0])
    assert "Con fundamento en el texto reformado." in body and issued_with not in body


def everything(data: bytes) -> str:
    paragraphs, rows = texts(data)
    return "\n".join(paragraphs + [" | ".join(r) for r in rows])


def test_docx_prints_the_title_and_unit_name_of_issue_time(app, make_app, tmp_path, staff, situacion):
    """Renaming the unit or the kind afterwards does not alter an issued constancia's copy: it prints
    the title and unit name its PDF printed. A constancia issued before they were stored (NULL) takes
    the kind's current title and the unit's current name."""
    from docs_service.accounts.models import Unit
    from docs_service.certification.models import Constancia
    titulo = "Constancia de situación de créditos fiscales"
    folder = tmp_path / "certificaciones"
    shutil.copytree(ROOT, folder)
    definicion = folder / "situacion_creditos" / "definicion.json"
    spec = json.loads(definicion.read_text(encoding="utf-8"))
    spec["titulo"] = "Constancia de adeudos reformada"
    definicion.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    with app.app_context():
        db.session.scalar(select(Unit).where(Unit.clave == "3301")).nombre = "Mérida Poniente"
        db.session.commit()
    later = make_app(CERTIFICACIONES_DIR=str(folder)).test_client()
    url = f"/api/v1/constancias/{situacion['folio']}/docx"
    body = everything(later.get(url, headers=h(staff["oscar"])).data)
    assert titulo in body and "3301 Mérida Norte" in body
    assert "reformada" not in body and "Poniente" not in body
    with app.app_context():
        stored = db.session.scalar(select(Constancia).where(Constancia.folio == situacion["folio"]))
        assert (stored.titulo, stored.unidad_nombre) == (titulo, "Mérida Norte")
        stored.titulo = stored.unidad_nombre = None  # as issued before migration 0013
        db.session.commit()
    body = everything(later.get(url, headers=h(staff["oscar"])).data)
    assert "Constancia de adeudos reformada" in body and "3301 Mérida Poniente" in body
