"""Word automatic numbering is rebuilt into numerales (multi-level, letters, start values)."""
import io

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from docs_service.documents.extract import extract_sections

ABSTRACT = f"""<w:abstractNum {nsdecls('w')} w:abstractNumId="90">
  <w:lvl w:ilvl="0"><w:start w:val="7"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%3)"/></w:lvl>
  <w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl>
</w:abstractNum>"""
NUM = f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'


def numbered_manual() -> bytes:
    document = Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(ABSTRACT))
    numbering.append(parse_xml(NUM))

    def item(text, level):
        paragraph = document.add_paragraph(text)
        paragraph._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))
    document.add_heading("Manual de operación", level=1)
    item("Políticas de operación", 0)
    item("El notificador deberá identificarse ante el patrón.", 1)
    item("El acta se levanta en el mismo acto.", 1)
    item("Con credencial vigente.", 2)
    item("Con oficio de comisión.", 2)
    item("Nota al margen sin numeral.", 3)
    item("Responsabilidades", 0)
    item("La Jefatura supervisa.", 1)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_automatic_numbering_becomes_numerales():
    sections = extract_sections("docx", numbered_manual())
    assert [(s.numeral, s.titulo or s.texto.splitlines()[0]) for s in sections] == [
        ("", "Manual de operación"),
        ("7", "Políticas de operación"),
        ("7.1", "El notificador deberá identificarse ante el patrón."),
        ("7.2", "El acta se levanta en el mismo acto."),
        ("7.2 a)", "Con credencial vigente."),
        ("7.2 b)", "Con oficio de comisión."),
        ("8", "Responsabilidades"),
        ("8.1", "La Jefatura supervisa."),
    ]
    assert "Nota al margen sin numeral." in sections[5].texto


def test_docx_without_numbering_part_is_extracted():
    """A minimal DOCX written by another tool, with no numbering.xml at all."""
    import zipfile
    ct = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          b'<Default Extension="xml" ContentType="application/xml"/>'
          b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = (b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    body = (b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
            b'<w:p><w:r><w:t>1. Objetivo</w:t></w:r></w:p><w:p><w:r><w:t>Texto.</w:t></w:r></w:p></w:body></w:document>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", ct)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/document.xml", body)
    sections = extract_sections("docx", buffer.getvalue())
    assert [(s.numeral, s.titulo, s.texto) for s in sections] == [("1", "Objetivo", "Texto.")]
