"""Hostile uploads: each answers a clear Spanish error and leaves no version, no referenced blob."""
import io
import struct
import zipfile

import pytest

from tests.conftest import audit_rows
from tests.documents.helpers import create_document, upload
from tests.documents.pdfs import simple_pdf

CT = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
RELS = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'officeDocument" Target="word/document.xml"/></Relationships>')
BODY = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>1. Objetivo</w:t></w:r></w:p></w:body></w:document>'


def docx(members: dict) -> bytes:
    base = {"[Content_Types].xml": CT, "_rels/.rels": RELS, "word/document.xml": BODY}
    base.update(members)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in base.items():
            if isinstance(data, zipfile.ZipInfo):
                zf.writestr(data, b"x")
            else:
                zf.writestr(name, data)
    return buffer.getvalue()


def lying_sizes() -> bytes:
    data = bytearray(docx({"word/document.xml": b"<w:document>" + b"A" * 2_000_000 + b"</w:document>"}))
    zf = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = zf.getinfo("word/document.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 10)
    cd = bytes(data).rfind(b"PK\x01\x02" + bytes(data)[bytes(data).rfind(b"PK\x01\x02") + 4:][:0], 0)
    index = 0
    while True:
        index = bytes(data).find(b"PK\x01\x02", index)
        if index < 0:
            break
        name_len = struct.unpack_from("<H", data, index + 28)[0]
        if bytes(data[index + 46:index + 46 + name_len]) == b"word/document.xml":
            struct.pack_into("<I", data, index + 24, 10)
        index += 4
    del cd
    return bytes(data)


def symlink_member():
    info = zipfile.ZipInfo("word/link.xml")
    info.external_attr = (0o120777 << 16)
    return info


XXE = b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY e SYSTEM "file:///etc/passwd">]><w:document><w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:body></w:document>'
PARAM = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]><x/>'
LAUGHS = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><l>&b;</l>'
TEMPLATE_RELS = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 b'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate" '
                 b'Target="http://127.0.0.1:9/t.dotm" TargetMode="External"/></Relationships>')

CASES = [
    ("vacio.md", b"", 422, "archivo_vacio"),
    ("manual.docx", simple_pdf(["1. Objetivo"]), 415, "tipo_no_coincide"),
    ("manual.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", 415, "tipo_no_coincide"),
    ("manual.md", b"\x00\x01\x02binario", 415, "tipo_no_coincide"),
    ("manual.exe", b"MZ", 415, "tipo_no_soportado"),
    ("bomba.docx", docx({"word/document.xml": b"<w:document>" + b"A" * 30_000_000 + b"</w:document>"}), 422,
     "documento_comprimido_excede_limite"),
    ("muchas.docx", docx({f"word/m{i}.xml": b"" for i in range(2100)}), 422, "documento_comprimido_excede_limite"),
    ("mentira.docx", lying_sizes(), 422, "docx_corrupto"),
    ("xxe.docx", docx({"word/document.xml": XXE}), 422, "xml_con_doctype_no_permitido"),
    ("param.docx", docx({"word/settings.xml": PARAM}), 422, "xml_con_doctype_no_permitido"),
    ("risas.docx", docx({"word/document.xml": LAUGHS}), 422, "xml_con_doctype_no_permitido"),
    ("slip.docx", docx({"../../../../outside/pwn.txt": b"x"}), 422, "ruta_no_permitida"),
    ("abs.docx", docx({"/etc/pwn.xml": b"x"}), 422, "ruta_no_permitida"),
    ("link.docx", docx({"word/link.xml": symlink_member()}), 422, "ruta_no_permitida"),
    ("macro.docx", docx({"word/vbaProject.bin": b"x"}), 422, "macros_no_permitidas"),
    ("macro2.docx", docx({"[Content_Types].xml": CT.replace(b"/>", b'><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml" PartName="/word/document.xml"/></Types>')}),
     422, "macros_no_permitidas"),
    ("plantilla.docx", docx({"word/_rels/settings.xml.rels": TEMPLATE_RELS}), 422, "relacion_externa_no_permitida"),
    ("js.pdf", simple_pdf(["1. Objetivo"], b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> "), 422,
     "pdf_contenido_activo"),
    ("roto.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R /Prev 0 >>\n%%EOF", 422,
     "pdf_invalido_o_excede_limites"),
]


@pytest.mark.parametrize("filename,data,status,code", CASES, ids=[c[0] for c in CASES])
def test_hostile_upload_is_refused_and_nothing_is_stored(app, client, staff, auth, filename, data, status, code):
    doc = create_document(client, staff["normativo"])
    response = upload(client, staff["normativo"], doc, data, filename=filename)
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["error"] == code and body["message"]
    assert "passwd" not in response.get_data(as_text=True)
    assert client.get(f"/api/v1/documentos/{doc}/versiones", headers=auth(staff["revisor"])).get_json() == []
    assert app.extensions["docs_storage"].blobs == {}
    rejected = audit_rows(app, accion="upload_rechazado")
    assert len(rejected) == 1 and rejected[0].resultado == "rechazado"


def test_oversize_upload_is_413_with_limit(make_app, users):
    app = make_app(MAX_CONTENT_LENGTH=64 * 1024)
    client = app.test_client()
    _uid, token = users("nora", ["normativo"], "NC", password=None)
    doc = create_document(client, token)
    response = upload(client, token, doc, b"1. Objetivo\n" + b"a" * 200_000, filename="grande.md")
    assert response.status_code == 413
    assert response.get_json()["max_bytes"] == 64 * 1024
    assert app.extensions["docs_storage"].blobs == {}
    assert [r.resultado for r in audit_rows(app, accion="upload_rechazado")] == ["rechazado"]


def test_too_many_form_parts_is_413(make_app, users):
    app = make_app(MAX_FORM_PARTS=50)
    client = app.test_client()
    _uid, token = users("nora", ["normativo"], "NC", password=None)
    doc = create_document(client, token)
    fields = {f"campo{i}": "x" for i in range(200)}
    fields.update({"resumen": "x", "archivo": (io.BytesIO(b"1. Objetivo"), "m.md")})
    response = client.post(f"/api/v1/documentos/{doc}/versiones", data=fields, content_type="multipart/form-data",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 413


def test_json_sent_to_upload_is_415(client, staff):
    doc = create_document(client, staff["normativo"])
    response = client.post(f"/api/v1/documentos/{doc}/versiones", json={"resumen": "x"},
                           headers={"Authorization": f"Bearer {staff['normativo']}"})
    assert response.status_code == 415 and "multipart" in response.get_json()["message"]


def test_markdown_with_script_is_stored_as_is_and_shown_escaped(client, staff, auth, login, users):
    evil = "# Manual\n\n1. Objetivo\n<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))\n"
    doc = create_document(client, staff["normativo"])
    assert upload(client, staff["normativo"], doc, evil).status_code == 201
    original = client.get(f"/api/v1/documentos/{doc}/versiones/1/archivo", headers=auth(staff["revisor"]))
    assert original.data == evil.encode() and original.headers["Content-Disposition"].startswith("attachment")
    users("ruth", ["revisor"], "NC")
    login("ruth")
    page = client.get(f"/documentos/{doc}/versiones/1")
    html = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_crash_after_blob_before_commit_leaves_no_row_and_reupload_dedups(app, client, staff, auth, monkeypatch):
    """GIVEN a failure after the blob is written WHEN the request ends THEN no version row exists;
    the orphan blob is harmless and the same file uploads again under the same key."""
    from docs_service.core import signals
    doc = create_document(client, staff["normativo"])

    def crash(*_args, **_kwargs):
        raise RuntimeError("caída simulada antes del commit")
    monkeypatch.setattr(signals.version_uploaded, "send", crash)
    response = upload(client, staff["normativo"], doc)
    assert response.status_code == 500
    assert client.get(f"/api/v1/documentos/{doc}/versiones", headers=auth(staff["revisor"])).get_json() == []
    orphans = set(app.extensions["docs_storage"].blobs)
    assert len(orphans) == 1
    monkeypatch.undo()
    again = upload(client, staff["normativo"], doc)
    assert again.status_code == 201 and again.get_json()["sha256"] in orphans
    assert set(app.extensions["docs_storage"].blobs) == orphans


def test_pdf_decompression_bomb_is_contained(app, client, staff, auth):
    """A content stream that inflates (twice) to 300 MB: the parsing subprocess gives up within its
    limits, the request answers 422 and the service keeps answering."""
    import zlib
    inner = zlib.compress(b"0" * 300_000_000, 9)
    bomb = zlib.compress(inner, 9)
    stream_header = b"4 0 obj << /Length " + str(len(bomb)).encode() + b" /Filter [/FlateDecode /FlateDecode] >>\nstream\n"
    pdf = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
           b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
           b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj\n"
           + stream_header + bomb + b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
    doc = create_document(client, staff["normativo"])
    response = upload(client, staff["normativo"], doc, pdf, filename="bomba.pdf")
    assert response.status_code == 422 and response.get_json()["error"] == "pdf_invalido_o_excede_limites"
    assert client.get("/healthz").status_code == 200
    assert app.extensions["docs_storage"].blobs == {}
