"""Builds the docxtpl template (plantilla.docx) of a constancia's editable working copy, for the kinds
whose definicion.json says `"docx": true`. Written to certificaciones/<tipo>/plantilla.docx by
scripts/build_certificaciones.py and committed, as formatos/ ship theirs.

The template reads the same context as the working copy's renderer (copia_docx.context): `k`
(titulo, fundamento), `c` (folio, url, unidad, emitida_local, fecha_corte, aviso_estado) and `d`, the
constancia's stored data snapshot. The first page says, before anything else, that it is a working
copy without certification value, its folio and verification URL, and that the certified document is
the PDF with the electronic seal."""
import io
import zipfile

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from ..formats.docx_build import INSTITUTION, letter_document

AREA = "Dirección de Incorporación y Recaudación · Coordinación de Cobranza"
AVISO_TITULO = "COPIA DE TRABAJO SIN VALOR DE CERTIFICACIÓN"
AVISO = ("Este documento editable reproduce los datos de la constancia con folio {{ c.folio }}, tal como se "
         "registraron al emitirla, para usarlos en oficios y respuestas. No es una constancia certificada ni "
         "sustituye a la constancia: el documento certificado es el PDF con el sello electrónico (sello "
         "digital y firma electrónica del sello institucional). Verifique la constancia en {{ c.url }}")
CIERRE = ("Fin de la copia de trabajo de la constancia {{ c.folio }}. El documento certificado es el PDF con el "
          "sello electrónico, verificable en {{ c.url }}; cualquier cambio hecho a este archivo no se refleja "
          "en la constancia.")
RED = RGBColor(0x9B, 0x1C, 0x1C)


def _bold(doc, text: str, size: int | None = None, color=None):
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True
    if size:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    return paragraph


def _pairs(doc, rows):
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
        cells[0].width, cells[1].width = Cm(5), Cm(12.5)
    return table


def _listing(doc, headers, loop: str, cells: list[str], totals: list[str] | None = None, amounts: int = 0):
    """A table whose rows repeat with docxtpl's `{%tr for … %}`; an optional totals row after them;
    the last `amounts` columns (importes) aligned to the right."""
    table = doc.add_table(rows=3, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    table.rows[1].cells[0].text = "{%tr for " + loop + " %}"
    for cell, text in zip(table.rows[2].cells, cells):
        cell.text = text
    table.add_row().cells[0].text = "{%tr endfor %}"
    if totals:
        for cell, text in zip(table.add_row().cells, totals):
            cell.text = text
    for index, table_row in enumerate(table.rows):
        if index in (1, 3):  # the {%tr %} rows, removed when rendered
            continue
        for cell in table_row.cells[len(headers) - amounts:] if amounts else ():
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def _situacion(doc):
    _bold(doc, "Créditos registrados al {{ c.fecha_corte }}")
    doc.add_paragraph("{%p if d.creditos %}")
    _listing(doc, ["Crédito", "Concepto", "Periodo", "Fase", "Importe", "Saldo"], "cr in d.creditos",
             ["{{ cr.numero }}", "{{ cr.concepto }}", "{{ cr.periodo }}", "{{ cr.fase }}",
              "{{ cr.importe_total_fmt }}", "{{ cr.saldo_fmt }}"],
             ["Totales ({{ d.creditos|length }} créditos)", "", "", "", "{{ d.importe_total_fmt }}",
              "{{ d.total_fmt }}"], amounts=2)
    doc.add_paragraph("Saldo total a la fecha de corte: $ {{ d.total_fmt }}")
    doc.add_paragraph("({{ d.total_letra }})")
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("Sin adeudos registrados a la fecha de corte.")
    doc.add_paragraph("{%p endif %}")


def _pago(doc):
    _bold(doc, "Pago certificado")
    _listing(doc, ["Concepto", "Dato"], "renglon in d.pago.renglones", ["{{ renglon[0] }}", "{{ renglon[1] }}"])
    doc.add_paragraph("Importe certificado: $ {{ d.pago.importe_fmt }}")
    doc.add_paragraph("({{ d.importe_letra }})")


BODIES = {"situacion_creditos": _situacion, "certificacion_pago": _pago}


def build_template(tipo: str) -> bytes:
    doc = letter_document(10, f"{INSTITUTION}\n{AREA}\n{AVISO_TITULO.capitalize()} · Folio {{{{ c.folio }}}}",
                          "Folio {{ c.folio }} · Copia de trabajo sin valor de certificación")

    _bold(doc, AVISO_TITULO, size=13, color=RED)
    doc.add_paragraph(AVISO)
    doc.add_paragraph("{%p if c.aviso_estado %}")
    _bold(doc, "{{ c.aviso_estado }}", size=12, color=RED)
    doc.add_paragraph("{%p endif %}")
    heading = doc.add_heading("{{ k.titulo }}", level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rows = [("Folio", "{{ c.folio }}"), ("Unidad emisora", "{{ c.unidad }}"),
            ("Emitida", "{{ c.emitida_local }} (hora del centro de México)")]
    if tipo == "situacion_creditos":
        rows.append(("Fecha de corte", "{{ c.fecha_corte }}"))
    rows.append(("Verificación", "{{ c.url }}"))
    _pairs(doc, rows)
    doc.add_paragraph("{{ k.fundamento }}")
    _bold(doc, "Patrón")
    _pairs(doc, [("Registro patronal", "{{ d.patron.nrp }}"), ("RFC", "{{ d.patron.rfc }}"),
                 ("Nombre o razón social", "{{ d.patron.razon_social }}")])
    BODIES[tipo](doc)
    doc.add_paragraph()
    doc.add_paragraph(CIERRE).runs[0].italic = True
    doc.core_properties.title = "Copia de trabajo sin valor de certificación"
    doc.core_properties.author = "Instituto Mexicano del Seguro Social"
    out = io.BytesIO()
    doc.save(out)
    return _fixed_dates(out.getvalue())


def _fixed_dates(data: bytes) -> bytes:
    """The same archive with fixed entry dates: rebuilding an unchanged template gives the same bytes
    (so the committed plantilla.docx only changes in git when its content does)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(entry, src.read(info))
    return out.getvalue()
