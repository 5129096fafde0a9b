"""Every version as a PDF: header on every page, page X of Y, numerales, SHA-256, the validity mark."""
import io
from datetime import timedelta

from pypdf import PdfReader

from docs_service.core.fechas import hoy

from tests.conftest import audit_rows
from tests.documents.helpers import MANUAL_V1, MANUAL_V2, act, approve, create_document, upload

# Enough sections to need several pages.
LONG = MANUAL_V1 + "".join(f"\n{n}. Disposición {n}\n" + ("Texto de la disposición que ocupa espacio. " * 30) + "\n"
                           for n in range(11, 25))


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def get_pdf(client, headers, doc, numero):
    return client.get(f"/api/v1/documentos/{doc}/versiones/{numero}/pdf", headers=headers)


def test_draft_pdf_has_header_on_every_page_numerals_hash_and_mark(client, staff, auth):
    doc = create_document(client, staff["normativo"], titulo="Manual de notificación de créditos")
    sha = upload(client, staff["normativo"], doc, LONG).get_json()["sha256"]
    response = get_pdf(client, auth(staff["revisor"]), doc, 1)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert 'filename="9312-003-012_v1.pdf"' in response.headers["Content-Disposition"]
    pages = pages_text(response.data)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "Instituto Mexicano del Seguro Social" in text
        assert "9312-003-012" in text and "Manual de notificación de créditos" in text
        assert "Versión 1 · Borrador" in text and "Vigencia: sin publicar" in text
        assert f"Página {number} de {len(pages)}" in text
        assert "SIN VALIDEZ OFICIAL — BORRADOR" in text
    whole = "\n".join(pages)
    assert "3.1" in whole and "El notificador deberá identificarse." in whole
    assert "Identificarse con credencial vigente." in whole
    assert sha in whole.replace("\n", "")
    download = audit_rows(client.application, accion="archivo_descargado")[-1]
    assert '"formato":"pdf"' in download.detalle


def test_version_in_force_has_no_mark_and_a_replaced_one_says_not_in_force(client, staff, auth):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc, MANUAL_V1)
    approve(client, staff, doc, 1)
    assert act(client, staff["normativo"], doc, 1, "publicar", destinatarios={"ooad": ["33"]}).status_code == 200
    text = "\n".join(pages_text(get_pdf(client, auth(staff["operativo"]), doc, 1).data))
    assert "SIN VALIDEZ OFICIAL" not in text
    assert "Versión 1 · Publicada" in text and "en adelante" in text

    upload(client, staff["normativo"], doc, MANUAL_V2, resumen="Precisa el acta")
    approve(client, staff, doc, 2)
    tomorrow = (hoy() + timedelta(days=1)).isoformat()
    assert act(client, staff["normativo"], doc, 2, "publicar", vigente_desde=tomorrow,
               destinatarios={"ooad": ["33"]}).status_code == 200
    # v2 is published but enters into force tomorrow: not valid yet; v1 is still in force today.
    assert "SIN VALIDEZ OFICIAL — NO VIGENTE" in "\n".join(pages_text(get_pdf(client, auth(staff["operativo"]), doc, 2).data))
    assert "SIN VALIDEZ OFICIAL" not in "\n".join(pages_text(get_pdf(client, auth(staff["operativo"]), doc, 1).data))


def test_pdf_of_a_draft_is_hidden_from_who_cannot_see_it(client, staff, auth):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc, MANUAL_V1)
    response = get_pdf(client, auth(staff["operativo"]), doc, 1)
    assert response.status_code == 404
    assert response.get_json()["code"] == 404 and not response.data.startswith(b"%PDF")
    assert get_pdf(client, auth(staff["revisor"]), doc, 9).status_code == 404
    assert get_pdf(client, auth(staff["revisor"]), 2**40, 1).status_code == 404  # no database overflow
    assert client.get(f"/api/v1/documentos/{doc}/versiones/1/pdf").status_code == 401


def test_version_page_links_to_its_pdf(client, staff, users, login):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc, MANUAL_V1)
    users("rosa", ["revisor"], "NC")
    login("rosa")
    page = client.get(f"/documentos/{doc}/versiones/1").get_data(as_text=True)
    assert f"/documentos/{doc}/versiones/1/pdf" in page
    response = client.get(f"/documentos/{doc}/versiones/1/pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
