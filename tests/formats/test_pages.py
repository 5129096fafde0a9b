"""Pages of formats: catalog search, format page with preview and instructivo, fill-in form with
errors next to each field, downloads, read-back of a filled PDF, definition for normative staff."""
import io
import re

from tests.conftest import PASSWORD, csrf_from

from .helpers import VALID, fill_pdf, flat, load_aclaracion, pdf_text, people


def test_find_fill_download_and_read_back(app, client, users, login):
    people(users)
    fmt = load_aclaracion(app)
    login("operativo.3301", PASSWORD)
    catalog = client.get("/formatos?q=aclaración").get_data(as_text=True)
    assert "Solicitud de aclaración administrativa" in catalog and "1 formato." in catalog
    assert "0 formatos." in client.get("/formatos?q=zzz").get_data(as_text=True)
    # typed as people type: without accents, in capitals, % literal
    for typed in ("aclaracion", "ACLARACIÓN ADMINISTRATIVA", "Aclaraciones"):
        assert "1 formato." in client.get("/formatos", query_string={"q": typed}).get_data(as_text=True), typed
    assert "0 formatos." in client.get("/formatos?q=acl%25ion").get_data(as_text=True)
    page = client.get(f"/formatos/{fmt}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Instructivo de llenado" in html and "Procedimiento" not in html
    assert 'name="creditos__1__numero"' in html and 'name="rfc"' in html and "required" in html
    preview = client.get(f"/formatos/{fmt}/vista.png")
    assert preview.status_code == 200 and preview.data.startswith(b"\x89PNG")

    form = flat(VALID) | {"csrf_token": csrf_from(html), "tipo": "pdf", "rfc": "MAL"}
    refused = client.post(f"/formatos/{fmt}/llenar", data=form)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'data-testid="error-rfc"' in body and "«RFC del patrón»" in body
    assert 'value="Comercializadora Peninsular' in body  # what was typed is kept
    filled = client.post(f"/formatos/{fmt}/llenar", data=form | {"rfc": VALID["rfc"]})
    assert filled.status_code == 200 and filled.mimetype == "application/pdf"
    assert "VEINTIÚN MILLONES TREINTA Y UN MIL PESOS 10/100 M.N." in pdf_text(filled.data)
    docx = client.post(f"/formatos/{fmt}/llenar", data=form | {"rfc": VALID["rfc"], "tipo": "docx"})
    assert docx.status_code == 200 and docx.data.startswith(b"PK")

    blank = client.get(f"/formatos/{fmt}/descargar/pdf")
    assert blank.status_code == 200 and client.get(f"/formatos/{fmt}/descargar/exe").status_code == 404
    offline = fill_pdf(blank.data, flat(VALID))
    read = client.post(f"/formatos/{fmt}/lectura", data={"csrf_token": csrf_from(html),
                                                          "archivo": (io.BytesIO(offline), "llenado.pdf")},
                       content_type="multipart/form-data")
    text = read.get_data(as_text=True)
    assert read.status_code == 200 and 'data-testid="leido"' in text and 'value="GODE561231GR8"' in text
    bad = client.post(f"/formatos/{fmt}/lectura", data={"csrf_token": csrf_from(html),
                                                         "archivo": (io.BytesIO(b"hola"), "x.pdf")},
                      content_type="multipart/form-data")
    assert bad.status_code == 303
    empty = client.post(f"/formatos/{fmt}/lectura", data={"csrf_token": csrf_from(html),
                                                           "archivo": (io.BytesIO(blank.data), "blanco.pdf")},
                        content_type="multipart/form-data", follow_redirects=True)
    text = empty.get_data(as_text=True)
    assert "El PDF no contiene datos capturados: llene el formato y vuelva a subirlo." in text
    assert "este dato es obligatorio" not in text and 'data-testid="leido"' not in text
    assert client.get(f"/formatos/{fmt}/versiones/1/definicion").status_code == 403


def test_definition_page_and_version_panel(app, client, users, login):
    people(users)
    fmt = load_aclaracion(app)
    login("normativo.demo", PASSWORD)
    version_page = client.get(f"/documentos/{fmt}/versiones/1").get_data(as_text=True)
    assert 'data-testid="panel-formato"' in version_page and "RFC del patrón" in version_page
    # each field's type by its name, and for whoever writes templates the name they use
    assert "Créditos que se aclaran <span class=\"tenue\">(Filas, obligatorio; en la plantilla: <code>creditos</code>)" in version_page
    assert "(Registro patronal, obligatorio;" in version_page and ", opcion" not in version_page
    login("operativo.3301", PASSWORD)
    read_only = client.get(f"/documentos/{fmt}/versiones/1").get_data(as_text=True)
    assert "(Registro patronal, obligatorio)" in read_only and "en la plantilla" not in read_only
    login("normativo.demo", PASSWORD)
    page = client.get(f"/formatos/{fmt}/versiones/1/definicion")
    assert page.status_code == 200 and "razon_social" in page.get_data(as_text=True)
    refused = client.post(f"/formatos/{fmt}/versiones/1/definicion", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "esquema": "{}", "plantilla_html": "x"})
    assert refused.status_code == 409  # published: not editable


def test_table_rows_mark_required_only_where_a_value_is_required(app, client, users, login):
    """Only row 1 of a required table field must be filled: its cells carry «*» (the column name a
    phone shows, the screen reader's label) and `required`; rows 2–5 and the column headings, shared
    by every row, do not."""
    import re
    people(users)
    fmt = load_aclaracion(app)
    login("operativo.3301", PASSWORD)
    html = client.get(f"/formatos/{fmt}").get_data(as_text=True)
    table = html[html.index("Créditos que se aclaran"):html.index("</fieldset>", html.index("Créditos que se aclaran"))]
    headings = re.findall(r"<th>([^<]*)</th>", table)
    assert headings == ["Fila", "Número de crédito", "Periodo (AAAAMM)", "Concepto", "Importe"]
    for i in range(1, 6):
        name = f"creditos__{i}__numero"
        cell = re.search(rf'<td data-label="([^"]*)"><label class="solo-lectores" for="{name}">([^<]*)</label>', table)
        tag = re.search(rf'<input id="{name}"[^>]*>', table).group(0)
        if i == 1:
            assert cell.groups() == ("Número de crédito *", "Número de crédito, fila 1 *") and "required" in tag
        else:
            assert cell.groups() == ("Número de crédito", f"Número de crédito, fila {i}") and "required" not in tag
    # the legend, the note that row 1 is required, row 1's number, its four cells (data-label and label)
    assert table.count(" *") + table.count(">* ") == 1 + 1 + 1 + 2 * 4


def test_a_filled_row_needs_its_columns_and_the_error_names_that_row(app, client, users, login):
    """Rows 2–5 are optional, but a row with any value needs every required column: the form says so
    under the table before anyone submits (and marks those cells for app.js to require once the row has
    a value), and the server's error names the row as the form numbers it and the column, in Spanish,
    next to that cell, even when an empty row comes before it."""
    people(users)
    fmt = load_aclaracion(app)
    login("operativo.3301", PASSWORD)
    html = client.get(f"/formatos/{fmt}").get_data(as_text=True)
    assert ('<p class="ayuda" id="filas-completas-creditos" data-testid="filas-completas-creditos">'
            "Si llena una fila, complete todas sus columnas.</p>") in html
    assert 'aria-describedby="filas-completas-creditos"' in html and "data-fila-completa" in html
    for i in range(2, 6):
        assert 'data-si-se-llena' in re.search(rf'<input id="creditos__{i}__periodo"[^>]*>', html).group(0)
    assert 'data-si-se-llena' not in re.search(r'<input id="creditos__1__periodo"[^>]*>', html).group(0)

    form = flat(VALID) | {"csrf_token": csrf_from(html), "tipo": "pdf", "creditos__3__numero": "258123457"}
    refused = client.post(f"/formatos/{fmt}/llenar", data=form)
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422
    errors = dict(re.findall(r'data-testid="error-(creditos__\d__\w+)">([^<]*)<', body))
    assert errors == {
        "creditos__3__periodo": "«Créditos que se aclaran, fila 3, Periodo (AAAAMM)»: este dato es obligatorio.",
        "creditos__3__concepto": "«Créditos que se aclaran, fila 3, Concepto»: este dato es obligatorio.",
        "creditos__3__importe": "«Créditos que se aclaran, fila 3, Importe»: este dato es obligatorio.",
    }
    assert 'id="creditos__3__numero" name="creditos__3__numero" value="258123457"' in body


def test_a_format_s_version_page_and_pdf_show_blanks_not_template_tags(app, client, users, login):
    """The sections of a format's version are its DOCX template: its page and its PDF show the fields
    as blanks to fill, as the search does, not the template's tags ({{ razon_social }}, {%tr … %})."""
    from pypdf import PdfReader
    people(users)
    fmt = load_aclaracion(app)
    login("operativo.3301", PASSWORD)
    html = client.get(f"/documentos/{fmt}/versiones/1").get_data(as_text=True)
    sections = html[html.index("<h2>Secciones</h2>"):]
    assert "{{" not in sections and "{%" not in sections and "razon_social" not in sections
    assert "Nombre, denominación o razón social * | ____" in sections
    pdf = client.get(f"/documentos/{fmt}/versiones/1/pdf").data
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "{{" not in text and "{%" not in text and "____" in text
