"""The shared PDF renderer: renders text that reads back, reuses parsed CSS, and fetches nothing
but bundled files and data: URIs."""
import http.server
import io
import threading

import pytest
from pypdf import PdfReader

from docs_service.core import pdf as pdfmod
from docs_service.core.pdf import PdfAttachment, PdfPart, render_pdf, render_pdfs

# A 1×1 PNG.
PIXEL = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5E"
         "rkJggg==")


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _images(data: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


def _embedded_files(data: bytes) -> list[bytes]:
    """Every embedded file: the document's attachments and the link annotations' file specs."""
    reader = PdfReader(io.BytesIO(data))
    found = [content for contents in reader.attachments.values() for content in contents]
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            spec = annot.get_object().get("/FS")
            if spec is not None:
                found.append(spec.get_object()["/EF"]["/F"].get_object().get_data())
    return found


def _page(body: str) -> str:
    return f"<!doctype html><html lang='es'><head><meta charset='utf-8'><title>Prueba</title></head><body>{body}</body></html>"


@pytest.fixture
def listener():
    """An HTTP server on 127.0.0.1 that records every request it receives."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def test_renders_text_that_reads_back_with_accents():
    data = render_pdf(_page("<h1>Manual de Cobranza</h1><p>3.1 a) Notificación del crédito ñ</p>"),
                      stylesheets=("h1 { font-size: 14pt; }",))
    assert data.startswith(b"%PDF-")
    text = _text(data)
    assert "Manual de Cobranza" in text
    assert "3.1 a) Notificación del crédito ñ" in text


def test_page_counters_from_stylesheet():
    css = "@page { @bottom-center { content: 'Página ' counter(page) ' de ' counter(pages); } }"
    body = "".join(f"<p style='page-break-after: always'>Hoja {n}</p>" for n in range(3))
    text = _text(render_pdf(_page(body), stylesheets=(css,)))
    assert "Página 1 de 3" in text and "Página 3 de 3" in text


def test_parsed_stylesheet_is_reused():
    css = "p { color: #123456; }"
    render_pdf(_page("<p>uno</p>"), stylesheets=(css,))
    first = pdfmod._stylesheet(css, None)
    render_pdf(_page("<p>dos</p>"), stylesheets=(css,))
    assert pdfmod._stylesheet(css, None) is first
    assert pdfmod._state["fonts"] is not None


def test_bundled_asset_and_data_uri_are_loaded(tmp_path):
    import base64
    (tmp_path / "logo.png").write_bytes(base64.b64decode(PIXEL))
    data = render_pdf(_page("<img src='logo.png'><img src='data:image/png;base64," + PIXEL + "'>"),
                      assets=tmp_path)
    assert _images(data) == 2


def test_local_files_outside_assets_are_not_read(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    secret = tmp_path / "secreto.png"
    import base64
    secret.write_bytes(base64.b64decode(PIXEL))
    (assets / "enlace.png").symlink_to(secret)
    body = (f"<img src='file://{secret}'><img src='../secreto.png'><img src='enlace.png'>"
            "<img src='file:///etc/passwd'>"
            "<a rel='attachment' href='file:///etc/passwd'>adjunto</a>"
            f"<a rel='attachment' href='file://{secret}'>otro</a>")
    data = render_pdf(_page(body), assets=assets)
    assert _images(data) == 0
    assert _embedded_files(data) == []


def test_network_urls_fetch_nothing(listener):
    base, hits = listener
    body = (f"<img src='{base}/imagen.png'><a rel='attachment' href='{base}/adjunto'>a</a>"
            f"<link rel='stylesheet' href='{base}/estilo.css'>"
            f"<p style=\"background: url('{base}/fondo.png')\">texto</p>")
    css = f"@import url('{base}/importado.css'); @font-face {{ font-family: X; src: url('{base}/f.ttf'); }}"
    data = render_pdf(_page(body), stylesheets=(css,))
    assert "texto" in _text(data)
    assert _embedded_files(data) == []
    assert hits == []


def test_attachments_are_embedded():
    data = render_pdf(_page("<p>con adjunto</p>"),
                      attachments=[PdfAttachment("datos.xml", b"<a>1</a>", "Datos de origen")])
    assert PdfReader(io.BytesIO(data)).attachments["datos.xml"] == [b"<a>1</a>"]


def test_link_to_bundled_file_may_be_attached(tmp_path):
    """The attachment path works for what is bundled, so the refusals above are the fetcher's."""
    (tmp_path / "anexo.txt").write_bytes(b"anexo incluido")
    data = render_pdf(_page("<a rel='attachment' href='anexo.txt'>anexo</a>"), assets=tmp_path)
    assert _embedded_files(data) == [b"anexo incluido"]


def test_several_documents_in_one_pass_are_split_with_their_own_numbering():
    css = ("@page { @bottom-center { content: 'Página ' counter(page) ' de ' string(documento-paginas); } }"
           ".salto { break-after: page; }")
    sizes = [1, 3, 2]
    parts = [PdfPart("".join(f"<p class='salto'>Documento {n} hoja {h}</p>" for h in range(size - 1))
                     + f"<p>Documento {n} fin</p>", f"Documento {n}", (PdfAttachment(f"d{n}.txt", b"x" * n),))
             for n, size in enumerate(sizes)]
    results = render_pdfs(parts, stylesheets=(css,), head="<meta name='author' content='Prueba'>")
    assert len(results) == 3
    for n, (size, data) in enumerate(zip(sizes, results)):
        reader = PdfReader(io.BytesIO(data))
        assert len(reader.pages) == size
        assert reader.metadata.title == f"Documento {n}" and reader.metadata.author == "Prueba"
        assert list(reader.attachments) == [f"d{n}.txt"]
        text = _text(data)
        assert f"Documento {n} fin" in text and all(f"Documento {m}" not in text for m in range(3) if m != n)
        assert all(f"Página {p} de {size}" in text for p in range(1, size + 1))


def test_a_part_that_breaks_the_pass_gets_its_error_and_the_others_render(monkeypatch):
    real = pdfmod._series_html

    def fragile(parts, head, lang):
        if any("romper" in part.body for part in parts):
            raise ValueError("no se puede componer")
        return real(parts, head, lang)

    monkeypatch.setattr(pdfmod, "_series_html", fragile)
    results = render_pdfs([PdfPart("<p>uno</p>"), PdfPart("<p>romper</p>"), PdfPart("<p>tres</p>")])
    assert isinstance(results[1], ValueError)
    assert "uno" in _text(results[0]) and "tres" in _text(results[2])
