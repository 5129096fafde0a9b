"""Text extraction with section structure: numerales such as `7.3.1.1`, `10.`, `IV.`, `a)`
(joined to their parent: `10 a)`) and headings. Each format yields blocks; one sectionizer."""
import io
import re
from dataclasses import dataclass, field

from ..core.errors import InvalidUpload

NUMERAL = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3})*)(?P<dot>\.)?(?:\s+|$)(?P<rest>.*)$", re.S)
ROMAN = re.compile(r"^(?P<num>[IVXL]{1,6})\.\s+(?P<rest>.*)$", re.S)
LETTER = re.compile(r"^(?P<num>[a-zñ])\)\s+(?P<rest>.*)$", re.S)
# A numeral written inline with its sub-item, `2 a) texto` (or `7.3. b) texto`): the section `2 a)`.
INLINE = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3})*)\.?\s+(?P<letter>[a-zñ])\)\s+(?P<rest>.*)$", re.S)
MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
MD_LIST = re.compile(r"^\s*(?:[-*+])\s+")


@dataclass
class Block:
    text: str
    heading: int = 0  # heading level, 0 for body text


@dataclass
class ExtractedSection:
    numeral: str
    titulo: str = ""
    lines: list = field(default_factory=list)
    nivel: int = 1

    @property
    def texto(self) -> str:
        return "\n".join(line for line in self.lines if line).strip()


def blocks_from_markdown(text: str) -> list[Block]:
    blocks, paragraph = [], []

    def flush():
        if paragraph:
            blocks.append(Block(" ".join(paragraph).strip()))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        heading = MD_HEADING.match(line)
        if heading:
            flush()
            blocks.append(Block(heading.group(2).strip(), heading=len(heading.group(1))))
        elif not line.strip():
            flush()
        elif MD_LIST.match(line) or NUMERAL.match(line.strip()) or LETTER.match(line.strip()) \
                or ROMAN.match(line.strip()):
            flush()
            item = MD_LIST.sub("", line).strip()
            paragraph.append(item)
            match = NUMERAL.match(item) or ROMAN.match(item)
            if match and _title_or_body(match.group("rest").strip(), 0)[0]:
                flush()  # a numbered title line stands alone; its text follows
        else:
            paragraph.append(line.strip())
    flush()
    return blocks


def blocks_from_docx(data: bytes) -> list[Block]:
    from docx import Document
    from docx.oxml.ns import qn
    from .numbering import Numbering
    try:
        document = Document(io.BytesIO(data))
    except (KeyError, ValueError) as err:  # python-docx's answer to a package missing a part it needs
        raise InvalidUpload("El DOCX está incompleto (le falta una parte o su tipo de contenido).",
                            code="docx_corrupto") from err
    numbering = Numbering(document)
    blocks = []
    styles = {}
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            text = "".join(t.text or "" for t in element.iter(qn("w:t"))).strip()
            style_el = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            style_id = style_el.get(qn("w:val")) if style_el is not None else ""
            label = numbering.label(element, style_id)  # counts even empty numbered paragraphs, as Word does
            if not text:
                continue
            if label:
                text = f"{label} {text}"
            if style_id not in styles:
                styles[style_id] = _heading_level(document, style_id)
            blocks.append(Block(text, heading=styles[style_id]))
        elif element.tag == qn("w:tbl"):
            for row in element.iter(qn("w:tr")):
                cells = ["".join(t.text or "" for t in cell.iter(qn("w:t"))).strip() for cell in row.iter(qn("w:tc"))]
                line = " | ".join(c for c in cells if c)
                if line:
                    blocks.append(Block(line))
    return blocks


def _heading_level(document, style_id: str) -> int:
    if not style_id:
        return 0
    name = style_id
    try:
        name = document.styles.get_by_id(style_id, 1).name or style_id  # 1 = paragraph style
    except (KeyError, ValueError, AttributeError):
        pass
    match = re.match(r"^(?:Heading|Título|Titulo|Encabezado)\s*(\d)$", name.strip(), re.I)
    if match:
        return int(match.group(1))
    return 1 if name.strip().lower() in ("title", "título", "titulo") else 0


def blocks_from_pdf_pages(pages: list[str]) -> list[Block]:
    blocks = []
    for page in pages:
        for line in page.splitlines():
            line = line.strip()
            if line:
                blocks.append(Block(line))
    return blocks


def sectionize(blocks: list[Block]) -> list[ExtractedSection]:
    """Group blocks into sections keyed by numeral. Text before the first numeral is the preamble."""
    sections: list[ExtractedSection] = []
    current = ExtractedSection(numeral="", titulo="", nivel=0)
    parent_numeral = ""
    parent_level = 0

    def start(section):
        nonlocal current
        if current.numeral or current.titulo or current.texto:
            sections.append(current)
        current = section

    for block in blocks:
        text = block.text.strip()
        match = INLINE.match(text)
        if match:  # `2 a)`: the sub-item of 2; a bare `b)` after it is `2 b)`
            parent_numeral, parent_level = match.group("num"), match.group("num").count(".") + 1
            start(ExtractedSection(f"{parent_numeral} {match.group('letter')})", "", [match.group("rest").strip()],
                                   parent_level + 1))
            continue
        match = NUMERAL.match(text)
        if match and (match.group("dot") or "." in match.group("num") or block.heading):
            numeral = match.group("num")
            rest = match.group("rest").strip()
            level = numeral.count(".") + 1
            titulo, body = _title_or_body(rest, block.heading)
            start(ExtractedSection(numeral, titulo, [body] if body else [], level))
            parent_numeral, parent_level = numeral, level
            continue
        match = ROMAN.match(text)
        if match:
            titulo, body = _title_or_body(match.group("rest").strip(), block.heading)
            start(ExtractedSection(match.group("num"), titulo, [body] if body else [], 1))
            parent_numeral, parent_level = match.group("num"), 1
            continue
        match = LETTER.match(text)
        if match:
            letter = match.group("num") + ")"
            numeral = f"{parent_numeral} {letter}" if parent_numeral else letter
            start(ExtractedSection(numeral, "", [match.group("rest").strip()], parent_level + 1))
            continue
        if block.heading:
            if not sections and not current.titulo and not current.lines:
                current.titulo = text  # the document's own title heads the preamble
            else:
                start(ExtractedSection("", text, [], 1))
                parent_numeral, parent_level = "", 0
            continue
        current.lines.append(text)
    start(ExtractedSection("", "", []))
    return sections


def _title_or_body(rest: str, heading: int) -> tuple[str, str]:
    if heading or (rest and len(rest) <= 120 and not rest.endswith((".", ";", ":", ","))):
        return rest, ""
    return "", rest


def extract_sections(kind: str, data: bytes) -> list[ExtractedSection]:
    if kind == "md":
        blocks = blocks_from_markdown(data.decode("utf-8"))
    elif kind == "docx":
        blocks = blocks_from_docx(data)
    else:
        from .pdf_worker import extract_pdf_pages
        blocks = blocks_from_pdf_pages(extract_pdf_pages(data))
    return sectionize(blocks)
