"""Builds a docxtpl template (DOCX) from a field schema: institution header with clave and version
on every page, page X of Y, a table of labelled boxes, repeating rows, amounts in words and the
instructivo. Used to write the shipped catalog's `plantilla.docx` (scripts/build_formatos.py) and
for formats whose normative staff start from the schema."""
import io

from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from .fields import FormSchema

INSTITUTION = "INSTITUTO MEXICANO DEL SEGURO SOCIAL"
AREA = "Dirección de Incorporación y Recaudación · Unidad de Fiscalización y Cobranza · Coordinación de Cobranza"


def field_code(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) in `paragraph`, with a placeholder value until Word updates it."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text == code else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def letter_document(font_size: float, header: str, footer: str):
    """A letter-size Word document (2 cm side margins, Arial), `header` centred at the top of every
    page and `footer` followed by «Página X de Y» at the bottom right."""
    doc = WordDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.59), Cm(27.94)  # carta
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(font_size)
    top = section.header.paragraphs[0]
    top.text = header
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    bottom = section.footer.paragraphs[0]
    bottom.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    bottom.add_run(footer + " · Página ")
    field_code(bottom, "PAGE")
    bottom.add_run(" de ")
    field_code(bottom, "NUMPAGES")
    return doc


def build_template(schema: FormSchema, titulo: str, instructivo: str) -> bytes:
    doc = letter_document(9, f"{INSTITUTION}\n{AREA}\nClave {{{{ formato.clave }}}} · versión {{{{ formato.version }}}}",
                          "{{ formato.clave }} v{{ formato.version }}")
    heading = doc.add_heading(titulo.upper(), level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    simple = [f for f in schema.campos if f.tipo != "filas"]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for f in simple:
        cells = table.add_row().cells
        cells[0].text = f.etiqueta + (" *" if f.requerido else "")
        cells[0].width, cells[1].width = Cm(6), Cm(11.5)
        cells[1].text = "{{ " + f.nombre + " }}"
        if f.tipo == "importe":
            cells = table.add_row().cells
            cells[0].text = f"{f.etiqueta} (con letra)"
            cells[1].text = "{{ letra." + f.nombre + " }}"
    for f in schema.campos:
        if f.tipo != "filas":
            continue
        doc.add_paragraph()
        doc.add_paragraph(f.etiqueta).runs[0].bold = True
        rows = doc.add_table(rows=3, cols=len(f.campos))
        rows.style = "Table Grid"
        for cell, column in zip(rows.rows[0].cells, f.campos):
            cell.text = column.etiqueta
        rows.rows[1].cells[0].text = "{%tr for fila in " + f.nombre + " %}"
        for cell, column in zip(rows.rows[2].cells, f.campos):
            cell.text = "{{ fila." + column.nombre + " }}"
        end = rows.add_row()
        end.cells[0].text = "{%tr endfor %}"
    doc.add_paragraph()
    doc.add_paragraph("Nombre y firma del solicitante o representante legal: ______________________________")
    doc.add_page_break()
    doc.add_heading("Instructivo de llenado", level=2)
    for line in instructivo.strip().splitlines():
        if line.strip():
            doc.add_paragraph(line.strip())
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
