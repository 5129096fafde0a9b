"""Pages: an operativo requests a copia certificada, lists and downloads it; the titular revokes it;
the public page and the upload form tell VIGENTE/REVOCADA and auténtico/alterado."""
import io
import re

from tests.conftest import csrf_from

from .helpers import published_document


def test_request_list_download_revoke_and_verify_through_the_pages(app, client, staff, users, login):
    published_document(client, staff)
    users("opa", ["operativo"], "3301")
    users("tina", ["titular"], "NC")
    login("opa")
    page = client.get("/constancias")
    assert page.status_code == 200 and "Solicitar una constancia" in page.get_data(as_text=True)
    response = client.post("/constancias", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                                  "tipo": "copia_certificada", "clave": "9312-003-012",
                                                  "version": "1", "idempotencia": "pagina-0001"})
    assert response.status_code == 303
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    folio = re.search(r"CC-\d{4}-\d{6}", detail).group(0)
    url = re.search(r'data-testid="url-verificacion">([^<]+)<', detail).group(1)
    assert folio in client.get("/constancias").get_data(as_text=True)
    pdf = client.get(f"/constancias/{folio}/pdf").data
    assert pdf.startswith(b"%PDF")
    bad = client.post("/constancias", data={"csrf_token": csrf_from(page.get_data(as_text=True)),
                                             "tipo": "copia_certificada", "clave": "9312-003-012", "version": "x"})
    assert bad.status_code == 422 and "versión" in bad.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/constancias").get_data(as_text=True))})

    codigo = url.rsplit("/", 1)[1]
    public = client.get(f"/v/{codigo}")
    assert public.status_code == 200 and "VIGENTE" in public.get_data(as_text=True)
    assert public.headers["X-Robots-Tag"].startswith("noindex")
    form = client.get("/verificacion").get_data(as_text=True)
    ok = client.post("/verificacion", data={"csrf_token": csrf_from(form), "archivo": (io.BytesIO(pdf), "c.pdf")},
                     content_type="multipart/form-data")
    assert "Auténtico" in ok.get_data(as_text=True)
    tampered = pdf.replace(b"/Producer", b"/Producex", 1)
    altered = client.post("/verificacion", data={"csrf_token": csrf_from(form),
                                                  "archivo": (io.BytesIO(tampered), "c.pdf")},
                          content_type="multipart/form-data")
    assert "Alterado" in altered.get_data(as_text=True)

    login("tina")
    detail = client.get(f"/constancias/{folio}").get_data(as_text=True)
    revoked = client.post(f"/constancias/{folio}/revocacion", data={"csrf_token": csrf_from(detail),
                                                                    "motivo": "Datos incorrectos"})
    assert revoked.status_code == 303
    assert "REVOCADA" in client.get(f"/v/{codigo}").get_data(as_text=True)


def test_trust_material_is_published(client):
    assert client.get("/firma/raiz.pem").data.startswith(b"-----BEGIN CERTIFICATE-----")
    assert client.get("/firma/sello.pem").data.startswith(b"-----BEGIN CERTIFICATE-----")
    assert client.get("/firma/crl.der").status_code == 200
    spec = client.get("/firma/cadena-original")
    assert spec.status_code == 200 and "||1|tipo|folio" in spec.get_data(as_text=True)
