"""Untrusted templates: sandboxed Jinja in the HTML of the PDF and inside docxtpl; only schema
variables reach them; nothing outside the bundled assets is ever read."""
import io
import json
import re
import zipfile
from types import SimpleNamespace

import pytest

from docs_service.core.errors import InvalidUpload
from docs_service.formats import docx as docx_render
from docs_service.formats import pdf as pdf_render
from docs_service.formats.docx_build import build_template
from docs_service.formats.fields import FormSchema
from docs_service.formats.templating import TemplateRefused, render_html_body

from .helpers import ACLARACION, VALID

META = {"clave": "9312-020-001", "titulo": "Prueba", "version": 1, "vigente_desde": "01/12/2026"}
SCHEMA = FormSchema.parse(json.loads((ACLARACION / "formato.json").read_text(encoding="utf-8"))["esquema"])
DATA = SCHEMA.validate(VALID).data


@pytest.mark.parametrize("payload", [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ formato.__class__ }}",
    "{{ formato['__class__'] }}",
    "{{ (formato|attr('__class__')) }}",
    "{{ 'x' * 100000000 }}",
    "{{ 9 ** 999999 }}",
    "{% for i in range(100000000) %}x{% endfor %}",
    "{{ lipsum.__globals__ }}",
    "{{ request.application }}",
    "<img src=\"file:///etc/passwd\">",
    "<link rel=\"stylesheet\" href=\"http://ejemplo.invalid/x.css\">",
    "<style>@import 'file:///etc/passwd';</style>",
    "<a rel=\"attachment\" href=\"/etc/passwd\">x</a>",
    "{% include '/etc/passwd' %}",
    "{{ formato.clave",
])
def test_ssti_and_external_references_refused(payload):
    with pytest.raises(TemplateRefused):
        render_html_body(payload, SCHEMA, DATA, META, fillable=False)


def test_only_schema_variables_reach_the_template():
    out = render_html_body("[{{ config }}][{{ g }}][{{ session }}][{{ url_for }}][{{ rfc }}][{{ letra.importe_total }}]",
                           SCHEMA, DATA, META, fillable=False)
    assert out == "[][][][][GODE561231GR8][VEINTIÚN MILLONES TREINTA Y UN MIL PESOS 10/100 M.N.]"
    assert "&lt;b&gt;" in render_html_body("{{ x }}", FormSchema.parse(
        {"campos": [{"nombre": "x", "etiqueta": "X", "tipo": "texto"}]}), {"x": "<b>"}, META, False)


def test_a_url_built_at_render_time_fetches_nothing():
    """Past the source check, the shared renderer's fetcher still reads nothing from outside."""
    spec = SimpleNamespace(schema=SCHEMA, instructivo="",
                           plantilla_html="<img src=\"{{ 'fi' ~ 'le:///usr/share/pixmaps/debian-logo.png' }}\">"
                                          "<img src=\"{{ '/etc/host' ~ 'name' }}\">{{ campo('rfc') }}")
    pdf = pdf_render.render(spec, META, DATA, fillable=False)
    assert b"/Subtype /Image" not in pdf and b"/Image" not in pdf
    assert "GODE561231GR8" in pdf_render.text_of(pdf)


def _docx_with(document_xml_extra: str = "", rels_extra: str = "") -> bytes:
    source = build_template(SCHEMA, "Prueba", "Instrucciones.")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml" and document_xml_extra:
                data = data.replace(b"</w:body>", f"<w:p><w:r><w:t>{document_xml_extra}</w:t></w:r></w:p></w:body>"
                                    .encode())
            if item.filename == "word/_rels/document.xml.rels" and rels_extra:
                data = data.replace(b"</Relationships>", rels_extra.encode() + b"</Relationships>")
            zout.writestr(item, data)
    return out.getvalue()


def test_docx_template_renders_in_the_sandbox_with_amounts_in_words():
    template = _docx_with()
    docx_render.check_template(template, SCHEMA, META)
    import docx
    filled = docx.Document(io.BytesIO(docx_render.render_docx(template, SCHEMA, DATA, META)))
    cells = [c.text for t in filled.tables for row in t.rows for c in row.cells]
    assert "VEINTIÚN MILLONES TREINTA Y UN MIL PESOS 10/100 M.N." in cells and "258123456" in cells
    assert "Clave 9312-020-001 · versión 1" in filled.sections[0].header.paragraphs[0].text


@pytest.mark.parametrize("payload", ["{{ ''.__class__.__mro__ }}", "{{ 'a' * 999999999 }}",
                                     "{% for x in range(9) %}{% endfor %}", "{{ lipsum.__globals__ }}",
                                     "{%p if formato.__init__ %}"])
def test_docx_ssti_refused(payload):
    with pytest.raises(TemplateRefused):
        docx_render.check_template(_docx_with(payload), SCHEMA, META)


def test_docx_with_external_relationship_refused():
    remote_image = ('<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/image" Target="file:///etc/passwd" TargetMode="External"/>')
    with pytest.raises(InvalidUpload) as err:
        docx_render.check_template(_docx_with(rels_extra=remote_image), SCHEMA, META)
    assert err.value.code == "relacion_externa_no_permitida"


def test_rendered_docx_has_no_external_relationship_or_macro():
    out = docx_render.render_docx(_docx_with(), SCHEMA, DATA, META)
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        names = zf.namelist()
        rels = b"".join(zf.read(n) for n in names if n.endswith(".rels"))
    assert not any(n.lower().endswith("vbaproject.bin") for n in names)
    assert b'TargetMode="External"' not in rels and not re.search(rb"macroEnabled", rels)


def test_deeply_nested_loops_refused():
    """Loops run only over schema rows; three nested ones could still burn the CPU."""
    with pytest.raises(TemplateRefused, match="anida"):
        render_html_body("{% for a in creditos %}{% for b in creditos %}{% for c in creditos %}x{% endfor %}"
                         "{% endfor %}{% endfor %}", SCHEMA, DATA, META, fillable=False)
    assert render_html_body("{% for a in creditos %}{% for b in creditos %}{{ b.numero }}{% endfor %}{% endfor %}",
                            SCHEMA, DATA, META, fillable=False) == "258123456"


def test_filled_formats_print_dates_amounts_and_options_as_people_read_them():
    """GIVEN a date, an amount in a row and an option whose code is not its label WHEN the format is
    filled THEN the PDF and the DOCX print «30/11/2026», «$21,031,000.10» and the option's label, never
    the ISO date, the bare decimal or the code; the validated data keep their form."""
    import docx
    raw = json.loads((ACLARACION / "formato.json").read_text(encoding="utf-8"))["esquema"]
    concepto = next(c for c in raw["campos"][6]["campos"] if c["nombre"] == "concepto")
    concepto["opciones"] = [{"valor": "COP", "etiqueta": "Cuotas obrero-patronales"},
                            {"valor": "RCV", "etiqueta": "Retiro, cesantía y vejez"}]
    schema = FormSchema.parse(raw)
    data = schema.validate(VALID).data
    assert data["fecha"] == "2026-11-30" and data["creditos"][0]["importe"] == "21031000.10"

    filled = docx.Document(io.BytesIO(docx_render.render_docx(build_template(schema, "Prueba", "."), schema, data, META)))
    cells = [c.text for t in filled.tables for row in t.rows for c in row.cells]
    assert "30/11/2026" in cells and "2026-11-30" not in cells
    assert cells.count("$21,031,000.10") == 2 and "21031000.10" not in cells  # the row and the total
    assert "Retiro, cesantía y vejez" in cells and "RCV" not in cells

    spec = SimpleNamespace(schema=schema, instructivo="", plantilla_html="{{ filas('creditos') }}{{ campo('fecha') }}")
    text = pdf_render.text_of(pdf_render.render(spec, META, data, fillable=False))
    assert "30/11/2026" in text and "2026-11-30" not in text
    assert "$21,031,000.10" in text and "Retiro, cesantía y vejez" in text
