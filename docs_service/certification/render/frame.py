"""What WeasyPrint lays out from a kind's template, once: the styles of the per-document part, the
page geometry and footers (a *model*, per kind version), and the *frame* (per distinct static part).

The template's body is split by the first element with a `data-flujo` attribute: what comes before
it (institution, unit, title…) is static for a frame key and is laid out here; it and what follows
it is typeset per document by flow.py with the styles measured here. A page-margin box whose text
holds the folio or the page counter is drawn per document (its text pattern is read from a
two-page model render); the others stay in the frame.

A frame is two PDF pages turned into Form XObjects: the first page (static head) and a continuation
page (margins only). Their objects are serialised once; every document of that frame copies the
same bytes."""
from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass, field

from . import pdfobj

PT = 0.75  # PDF points per CSS px
FLOW_ATTR = "data-flujo"
BREAK = '<div style="break-before: page"></div>'


class MissingStyle(LookupError):
    """The document has an element the model did not show; measure it from this document."""


@dataclass
class Style:
    font: tuple = ("sans", False, False)
    size: float = 12.0
    color: tuple = (0, 0, 0)
    align: str = "left"
    pre: bool = False
    line: float = 0.0
    baseline: float = 0.0
    mt: float = 0.0
    mb: float = 0.0
    pt: float = 0.0
    pb: float = 0.0
    border: float = 0.0
    border_color: tuple = (0, 0, 0)
    x: float = 0.0
    width: float = 0.0
    bx: float = 0.0
    bw: float = 0.0
    float: str | None = None
    fw: float = 0.0
    fh: float = 0.0
    fml: float = 0.0
    fmr: float = 0.0
    fmb: float = 0.0


@dataclass
class Footer:
    pattern: str          # "Folio {folio}", "Página {page} de {pages}"
    keyword: str          # "@bottom-left"…
    left: float
    right: float
    baseline: float
    style: Style


@dataclass
class Model:
    styles: dict = field(default_factory=dict)
    page: tuple = (816.0, 1056.0)
    top: float = 0.0
    bottom: float = 0.0
    footers: list = field(default_factory=list)
    hidden_css: str = ""


@dataclass
class Frame:
    objects: list            # [(number, body bytes)], numbered from 1
    first: int               # Form XObject of the first page
    continuation: int        # Form XObject of the other pages
    flow_top: float          # px from the page top where the per-document part starts


def descriptor(tag, classes: str | None) -> str:
    names = " ".join(sorted((classes or "").split()))
    return f"{tag}.{names}" if names else str(tag)


def split(body_html: str):
    """The body's top-level elements: (before the data-flujo element, from it on). lxml elements."""
    from lxml import html as lhtml
    root = lhtml.fragment_fromstring(body_html, create_parent="div")
    children = [c for c in root if isinstance(c.tag, str)]
    for n, child in enumerate(children):
        if child.get(FLOW_ATTR) is not None:
            return root, children[:n], children[n:]
    raise ValueError("la plantilla no marca con data-flujo dónde empieza la parte de cada documento")


def _color(value, current=(0, 0, 0)) -> tuple:
    if isinstance(value, str):  # currentcolor
        return current
    if hasattr(value, "to"):  # tinycss2 color4
        return tuple(round(float(c), 4) for c in value.to("srgb").coordinates[:3])
    return tuple(round(float(c), 4) for c in (value.red, value.green, value.blue))


def _font(style) -> tuple:
    family = " ".join(style["font_family"]).lower()
    return ("mono" if "mono" in family.split(",")[0] or family.startswith("monospace") else "sans",
            int(style["font_weight"]) >= 600, style["font_style"] != "normal")


def _px(value, used) -> float:
    unit = getattr(value, "unit", None)
    return float(value.value) if unit == "px" else float(used or 0)


def _style_of(box) -> Style:
    from weasyprint.formatting_structure import boxes
    s = box.style
    align = s["text_align_all"]
    style = Style(font=_font(s), size=float(s["font_size"]), color=_color(s["color"]),
                  align={"start": "left", "end": "right"}.get(align, align),
                  pre=s["white_space"] in ("pre", "pre-wrap"),
                  mt=_px(s["margin_top"], box.margin_top), mb=_px(s["margin_bottom"], box.margin_bottom),
                  pt=float(box.padding_top or 0), pb=float(box.padding_bottom or 0),
                  border=float(box.border_bottom_width or 0), border_color=_color(s["border_bottom_color"], _color(s["color"])),
                  x=box.content_box_x(), width=float(box.width or 0), bx=box.border_box_x(),
                  bw=box.border_width())
    if s["float"] in ("left", "right"):
        style.float = s["float"]
        style.fw, style.fh = box.width, box.height
        style.fml, style.fmr, style.fmb = box.margin_left, box.margin_right, box.margin_bottom
    line = next((c for c in getattr(box, "children", ()) if isinstance(c, boxes.LineBox)), None)
    if line is not None:
        style.line = line.height
        text = _first_text(line)
        style.baseline = (text.position_y + text.baseline - line.position_y) if text is not None else line.height * 0.8
    return style


def _first_text(box):
    from weasyprint.formatting_structure import boxes
    if isinstance(box, boxes.TextBox):
        return box
    for child in getattr(box, "children", ()):
        found = _first_text(child)
        if found is not None:
            return found
    return None


def _walk(box, path, styles, inside):
    element = getattr(box, "element", None)
    from weasyprint.formatting_structure import boxes
    if isinstance(box, (boxes.LineBox, boxes.TextBox)):
        for child in getattr(box, "children", ()):
            _walk(child, path, styles, inside)
        return
    if element is not None and isinstance(element.tag, str):
        if element.tag == "section" and "pdf-documento" in (element.get("class") or ""):
            path, inside = (), True
        elif inside:
            path = path + (descriptor(element.tag, element.get("class")),)
            if path not in styles:
                styles[path] = _style_of(box)
    for child in getattr(box, "children", ()):
        _walk(child, path, styles, inside)


def _margin_texts(page) -> dict:
    from weasyprint.formatting_structure import boxes
    out = {}
    for child in page._page_box.children:
        if isinstance(child, boxes.MarginBox):
            text = _first_text(child)
            words = "".join(t.text for t in _texts(child))
            out[child.at_keyword] = (child, text, words)
    return out


def _texts(box):
    from weasyprint.formatting_structure import boxes
    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _texts(child)


def measure(body_html: str, folio: str, render, model: Model | None = None) -> Model:
    """Lay out this document on two pages at least (WeasyPrint, once) and read from its boxes the
    styles of every element of the per-document part, the page geometry and the footers."""
    from lxml import html as lhtml
    root, _head, _flow = split(body_html)
    root.append(lhtml.fragment_fromstring(BREAK))
    document, _pdf = render("".join(lhtml.tostring(c, encoding="unicode") for c in root))
    model = model or Model()
    for page in document.pages:
        _walk(page._page_box, (), model.styles, False)
    box = document.pages[0]._page_box
    model.page = (box.margin_width(), box.margin_height())
    model.top, model.bottom = box.margin_top, box.margin_top + box.height
    first, second = _margin_texts(document.pages[0]), _margin_texts(document.pages[1])
    pages = len(document.pages)
    model.footers, hidden = [], []
    for keyword, (mbox, text, words) in first.items():
        other = second.get(keyword, (None, None, ""))[2]
        if words == other and folio not in words:
            continue
        pattern = re.sub(re.escape(folio), "{folio}", words.replace("{", "{{").replace("}", "}}"))
        pattern = re.sub(r"\b1\b", "{page}", pattern, count=1)
        pattern = re.sub(rf"\b{pages}\b", "{pages}", pattern, count=1)
        model.footers.append(Footer(pattern=pattern, keyword=keyword, left=mbox.content_box_x(),
                                    right=mbox.content_box_x() + mbox.width,
                                    baseline=text.position_y + text.baseline, style=_style_of(mbox)))
        hidden.append(f"{keyword} {{ content: none }}")
    model.hidden_css = "@page { " + " ".join(hidden) + " }" if hidden else ""
    return model


def build_frame(head: list, first_flow, render) -> Frame:
    """Lay out the static head (and the first per-document element, hidden, to know where the
    per-document part starts) plus an empty continuation page; keep both pages as Form XObjects."""
    from lxml import html as lhtml
    from pypdf import PdfReader
    marker = copy.deepcopy(first_flow)
    for child in list(marker):
        marker.remove(child)
    marker.text, marker.tail = "\u00a0", None
    marker.set("style", "visibility: hidden")
    html = "".join(lhtml.tostring(c, encoding="unicode") for c in head) + lhtml.tostring(marker, encoding="unicode") + BREAK
    document, pdf = render(html)
    flow_top = _flow_top(document.pages[0]._page_box)
    reader = PdfReader(io.BytesIO(pdf))
    pages = reader.pages[:2]
    roots = [page.get("/Resources") for page in pages]
    order = []
    for root in roots:
        for num in pdfobj.reachable(root, reader):
            if num not in order:
                order.append(num)
    numbers = {num: n for n, num in enumerate(order, 1)}
    objects = [(numbers[num], pdfobj.serialise(reader.get_object(num), numbers)) for num in order]
    xobjects = []
    for page, root in zip(pages, roots):
        number = len(objects) + 1
        box = [float(v) for v in page.mediabox]
        content = page.get_contents().get_data() if page.get_contents() is not None else b""
        resources = pdfobj.serialise(root, numbers).decode("latin-1") if root is not None else "<< >>"
        objects.append((number, pdfobj.stream(content, f"/Type /XObject /Subtype /Form /BBox [{' '.join(map(str, box))}]"
                                                       f" /Resources {resources}")))
        xobjects.append(number)
    return Frame(objects=objects, first=xobjects[0], continuation=xobjects[-1], flow_top=flow_top)


def _flow_top(page_box) -> float:
    def find(box):
        element = getattr(box, "element", None)
        if element is not None and getattr(element, "get", None) and element.get(FLOW_ATTR) is not None:
            return box
        for child in getattr(box, "children", ()):
            found = find(child)
            if found is not None:
                return found
        return None
    box = find(page_box)
    if box is None:
        raise ValueError("no se encontró la parte por documento en el marco")
    return box.position_y


