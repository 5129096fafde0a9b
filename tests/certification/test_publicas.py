"""Public pages: the verification pages carry a public footer (not the internal one) and link the
trust material at its stable URLs; the cadena original specification is a readable page with this
service's public URL in it, and its Markdown source stays available."""
import re

from .helpers import copia, emit, published_document

TRUST = ("/firma/raiz.pem", "/firma/sello.pem", "/firma/crl.der", "/firma/cadena-original")


def _public_page_ok(html: str):
    assert "Uso interno" not in html and "Verificación pública de constancias" in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " style=" not in html


def test_verification_pages_have_a_public_footer_and_the_trust_links(client, staff):
    published_document(client, staff)
    codigo = emit(client, staff["oscar"], copia()).get_json()["codigo"]
    for url in (f"/v/{codigo}", "/v/" + "x" * 32, "/verificacion"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        _public_page_ok(html)
        for link in TRUST:
            assert f'href="{link}"' in html, (url, link)
        for link in TRUST[:3]:
            assert client.get(link).status_code == 200
    assert "Uso interno" in client.get("/login").get_data(as_text=True)  # internal pages keep theirs


def test_cadena_original_is_a_page_with_the_public_url(client):
    page = client.get("/firma/cadena-original")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    _public_page_ok(html)
    assert "DOCS_SERVICE_PUBLIC_URL" not in html and "http://testserver/firma/cadena-original" in html
    assert "<h1>Cadena original de las constancias" in html and "<table>" in html and "||1|tipo|folio" in html
    raw = client.get("/firma/cadena-original.md")
    text = raw.get_data(as_text=True)
    assert raw.mimetype == "text/markdown" and text.startswith("# Cadena original")
    assert "DOCS_SERVICE_PUBLIC_URL" not in text and "http://testserver/firma/cadena-original" in text
