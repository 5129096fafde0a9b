"""Word automatic numbering: rebuilds the numeral Word would print before a paragraph (`7.3.1.`,
`a)`, `IV.`) from numbering.xml, so auto-numbered manuals keep their section structure."""
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
         (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = []
    for value, letters in ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _letter(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


FORMATS = {
    "decimal": str, "decimalZero": lambda n: f"{n:02d}", "lowerLetter": _letter,
    "upperLetter": lambda n: _letter(n).upper(), "lowerRoman": _roman, "upperRoman": lambda n: _roman(n).upper(),
}


def _val(element, tag, default=None):
    child = element.find(qn(tag)) if element is not None else None
    return child.get(qn("w:val")) if child is not None else default


class Numbering:
    """Counters per list instance (numId), as Word keeps them while rendering the document."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.instances: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_numbering: dict[str, tuple[str, int]] = {}
        try:  # read-only lookup: python-docx's numbering_part would try to create a missing part
            root = document.part.part_related_by(RT.NUMBERING).element
        except KeyError:
            root = None  # a document without numbering.xml
        if root is not None:
            for abstract in root.findall(qn("w:abstractNum")):
                levels = {}
                for lvl in abstract.findall(qn("w:lvl")):
                    levels[int(lvl.get(qn("w:ilvl"), "0"))] = (
                        _val(lvl, "w:numFmt", "decimal"), _val(lvl, "w:lvlText", ""), int(_val(lvl, "w:start", "1")))
                self.levels[abstract.get(qn("w:abstractNumId"))] = levels
            for num in root.findall(qn("w:num")):
                overrides = {int(o.get(qn("w:ilvl"), "0")): int(_val(o, "w:startOverride", "1"))
                             for o in num.findall(qn("w:lvlOverride")) if o.find(qn("w:startOverride")) is not None}
                self.instances[num.get(qn("w:numId"))] = (_val(num, "w:abstractNumId"), overrides)
        for style in document.styles.element.findall(qn("w:style")):
            num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
            if num_pr is not None and _val(num_pr, "w:numId"):
                self.style_numbering[style.get(qn("w:styleId"))] = (_val(num_pr, "w:numId"),
                                                                    int(_val(num_pr, "w:ilvl", "0")))

    def label(self, paragraph, style_id: str) -> str:
        """The numeral Word prints before this paragraph, or '' (no numbering, or a bullet)."""
        num_pr = paragraph.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        num_id, ilvl = None, 0
        if style_id in self.style_numbering:
            num_id, ilvl = self.style_numbering[style_id]
        if num_pr is not None:
            num_id = _val(num_pr, "w:numId", num_id)
            ilvl = int(_val(num_pr, "w:ilvl", str(ilvl)))
        if not num_id or num_id == "0" or num_id not in self.instances:
            return ""
        abstract_id, overrides = self.instances[num_id]
        levels = self.levels.get(abstract_id, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = overrides.get(ilvl, levels[ilvl][2])
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        fmt, text, _start = levels[ilvl]
        if fmt not in FORMATS:
            return ""  # bullets and exotic formats carry no numeral
        for level in range(ilvl + 1):
            if f"%{level + 1}" in text:
                lfmt, _t, lstart = levels.get(level, ("decimal", "", 1))
                value = counters.get(level, overrides.get(level, lstart))
                text = text.replace(f"%{level + 1}", FORMATS.get(lfmt, str)(value))
        return text.strip()
