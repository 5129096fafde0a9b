"""Typesetting the per-document part of a constancia into its frame: the elements from the
template's `data-flujo` element on, with the styles WeasyPrint measured for them (frame.Model).

A small subset of CSS layout, enough for the certificaciones templates: block boxes (`p`, `pre`,
`div`, `h1`–`h6`) stacked with collapsing vertical margins, padding and a bottom border; inline
`b`/`strong`/`i`/`em`/`span`/`a` runs; `br`; text aligned left, right, centre or justified;
`pre` lines as written; a right or left float (the QR code) that shortens the lines beside it, a
`pre` line too wide for the space left moving below it as WeasyPrint moves it; page breaks between
lines (no orphan/widow control), with margins truncated at a break. Anything else in that part
raises ValueError (the constancia is refused, no folio is consumed)."""
from __future__ import annotations

import re

from . import fonts
from .frame import PT, MissingStyle, descriptor

BLOCKS = {"p", "pre", "div", "h1", "h2", "h3", "h4", "h5", "h6", "section", "img"}
INLINES = {"b", "strong", "i", "em", "span", "a", "br", "small"}
SPACES = re.compile(r"[ \t\n\r\f]+")
DARK = re.compile(rb"[\x01-\xff]+")


class Page:
    def __init__(self):
        self.ops: list[str] = []


class Typesetter:
    def __init__(self, model, flow_top: float, qr_modules=None, text: str = ""):
        self.model = model
        self.text = text                # the document's whole text: a face is grown for it on first use
        self.pages = [Page()]
        self.y, self.pending = flow_top, 0.0
        self.floats: list[tuple] = []   # (left, right, top, bottom) px, on the current page
        self.faces: dict = {}           # font key → (resource name, Face)
        self.qr_modules = qr_modules

    # ----- blocks
    def flow(self, elements) -> None:
        for element in elements:
            self.block(element, ())

    def block(self, el, path: tuple) -> None:
        if not isinstance(el.tag, str):
            return
        tag = el.tag.lower()
        if tag not in BLOCKS:
            raise ValueError(f"elemento <{tag}> no admitido en la parte por documento")
        key = path + (descriptor(tag, el.get("class")),)
        style = self.model.styles.get(key)
        if style is None:
            raise MissingStyle(key)
        if style.float:
            self.place_float(el, style)
            return
        if tag == "img":
            raise ValueError("imagen no admitida en la parte por documento")
        children = [c for c in el if isinstance(c.tag, str)]
        self.pending = max(self.pending, style.mt)
        if any(c.tag.lower() in BLOCKS for c in children):
            if (el.text or "").strip() or any((c.tail or "").strip() for c in children):
                raise ValueError("texto suelto junto a bloques en la parte por documento")
            for child in children:
                self.block(child, key)
            self.pending = max(self.pending, style.mb)
            return
        self.y += self.pending + style.pt
        self.pending = 0.0
        if style.pre:
            self.pre_lines(el, style)
        else:
            self.wrap(self.runs(el, key, style), style)
        self.y += style.pb
        if style.border:
            self.rect(style.bx, self.y, style.bw, style.border, style.border_color)
            self.y += style.border
        self.pending = style.mb

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y, self.pending, self.floats = self.model.top, 0.0, []

    def room(self, height: float) -> None:
        if self.y + height > self.model.bottom and self.y > self.model.top + 0.5:
            self.new_page()

    def limits(self, style, top: float, bottom: float) -> tuple[float, float]:
        left, right = style.x, style.x + style.width
        for f_left, f_right, f_top, f_bottom in self.floats:
            if top < f_bottom and bottom > f_top:
                if f_left > style.x + style.width / 2:
                    right = min(right, f_left)
                else:
                    left = max(left, f_right)
        return left, right

    def below_floats(self, top: float) -> float:
        return max([b for _l, _r, t, b in self.floats if b > top], default=top)

    # ----- floats (the QR code)
    def place_float(self, el, style) -> None:
        if "qr" not in (el.get("class") or "").split() or self.qr_modules is None:
            raise ValueError("solo el código QR puede flotar en la parte por documento")
        top = self.y + self.pending
        if top + style.fh > self.model.bottom:
            self.new_page()
            top = self.y
        left = style.x
        self.floats.append((left - style.fml, left + style.fw + style.fmr, top, top + style.fh + style.fmb))
        self.draw_qr(left, top, style.fw)

    def draw_qr(self, left: float, top: float, size: float) -> None:
        rows = self.qr_modules
        count = len(rows) + 4
        unit = size * PT / count
        x0, y0 = left * PT, (self.model.page[1] - top) * PT
        parts = []
        for r, row in enumerate(rows):
            y = y0 - (r + 3) * unit
            for run in DARK.finditer(bytes(row)):
                start, end = run.span()
                parts.append(f"{x0 + (start + 2) * unit:.3f} {y:.3f} {(end - start) * unit:.3f} {unit:.3f} re")
        self.pages[-1].ops.append("q 0 0 0 rg\n" + "\n".join(parts) + "\nf Q")

    # ----- text
    def face(self, key, _text: str = ""):
        """(resource name, Face): the process's subset, grown for this document's text the first time
        the document uses it, so no glyph id it writes changes afterwards."""
        entry = self.faces.get(key)
        if entry is None:
            entry = self.faces[key] = (f"F{len(self.faces)}", fonts.face(key, self.text))
        return entry

    def runs(self, el, key: tuple, style) -> list:
        """(text, style) pieces of an element's inline content; "\n" pieces for <br>."""
        out = []
        if el.text:
            out.append((el.text, style))
        for child in el:
            if not isinstance(child.tag, str):
                if child.tail:
                    out.append((child.tail, style))
                continue
            tag = child.tag.lower()
            if tag not in INLINES:
                raise ValueError(f"elemento <{tag}> no admitido dentro de un párrafo")
            if tag == "br":
                out.append(("\n", style))
            else:
                sub = key + (descriptor(tag, child.get("class")),)
                inner = self.model.styles.get(sub)
                if inner is None:
                    raise MissingStyle(sub)
                out.extend(self.runs(child, sub, inner))
            if child.tail:
                out.append((child.tail, style))
        return out

    def pre_lines(self, el, style) -> None:
        text = el.text_content()
        if text.endswith("\n"):
            text = text[:-1]
        name_face = self.face(style.font, text)
        face = name_face[1]
        for line in text.split("\n"):
            width = face.width(line, style.size)
            self.room(style.line)
            left, right = self.limits(style, self.y, self.y + style.line)
            if width > right - left + 0.01:
                below = self.below_floats(self.y)
                if below > self.y:
                    self.y = below
                    self.room(style.line)
            left, _right = self.limits(style, self.y, self.y + style.line)
            if line:
                self.text_line([(left, line, style)], style)
            self.y += style.line

    def wrap(self, runs, style) -> None:
        words, current, space_before = [], [], False   # word: ([(text, style)], space before it?)
        for text, run_style in runs:
            if text == "\n":
                if current:
                    words.append((current, space_before))
                words.append(None)
                current, space_before = [], False
                continue
            for token in re.split(r"([ \t\n\r\f]+)", text):
                if not token:
                    continue
                if SPACES.fullmatch(token):
                    if current:
                        words.append((current, space_before))
                        current = []
                    space_before = True
                else:
                    current.append((token, run_style))
        if current:
            words.append((current, space_before))

        def measure(word):
            total = 0.0
            for text, s in word:
                total += self.face(s.font, text)[1].width(text, s.size)
            return total

        i = 0
        while i < len(words):
            self.room(style.line)
            left, right = self.limits(style, self.y, self.y + style.line)
            avail = right - left
            used, line = 0.0, []
            while i < len(words):
                item = words[i]
                if item is None:
                    i += 1
                    break
                word, space = item
                w = measure(word)
                gap = self.space_width(word[0][1]) if (space and line) else 0.0
                if line and used + gap + w > avail + 0.01:
                    break
                if not line and w > avail + 0.01 and len(word) == 1 and len(word[0][0]) > 1:
                    word, rest = self.split_word(word, avail)
                    words.insert(i + 1, (rest, False))
                    w = measure(word)
                line.append((word, gap))
                used += gap + w
                i += 1
            last = i >= len(words) or (i > 0 and words[i - 1] is None)
            self.set_line(line, style, left, avail, used, justify=style.align == "justify" and not last)
            self.y += style.line

    def split_word(self, word, avail):
        text, s = word[0]
        face = self.face(s.font, text)[1]
        cut = len(text)
        while cut > 1 and face.width(text[:cut], s.size) > avail:
            cut -= 1
        return [(text[:cut], s)], [(text[cut:], s)]

    def space_width(self, style) -> float:
        return self.face(style.font, " ")[1].width(" ", style.size)

    def set_line(self, line, style, left, avail, used, justify: bool) -> None:
        if not line:
            return
        extra = 0.0
        if justify and len(line) > 1:
            extra = (avail - used) / (len(line) - 1)
        elif style.align == "center":
            left += (avail - used) / 2
        elif style.align == "right":
            left += avail - used
        pieces, x = [], left
        for n, (word, gap) in enumerate(line):
            if n:
                x += gap + extra
                prev = pieces[-1]
                pieces[-1] = (prev[0], prev[1] + " ", prev[2])  # the space, kept for text extraction
            for text, s in word:
                pieces.append((x, text, s))
                x += self.face(s.font, text)[1].width(text, s.size)
        if not justify:  # merge neighbours of one style into one show operation
            merged = []
            for piece in pieces:
                if merged and merged[-1][2] is piece[2]:
                    merged[-1] = (merged[-1][0], merged[-1][1] + piece[1], piece[2])
                else:
                    merged.append(piece)
            pieces = merged
        self.text_line(pieces, style)

    def text_line(self, pieces, style) -> None:
        baseline = (self.model.page[1] - (self.y + style.baseline)) * PT
        self.pages[-1].ops.append(self.show(pieces, baseline))

    def show(self, pieces, baseline_pt: float) -> str:
        out, font, color = ["BT"], None, None
        for x, text, s in pieces:
            name, face = self.face(s.font, text)
            if (name, s.size) != font:
                out.append(f"/{name} {s.size * PT:.3f} Tf")
                font = (name, s.size)
            if s.color != color:
                out.append("{:.4g} {:.4g} {:.4g} rg".format(*s.color))
                color = s.color
            out.append(f"1 0 0 1 {x * PT:.3f} {baseline_pt:.3f} Tm <{face.hex(text)}> Tj")
        out.append("ET")
        return "\n".join(out)

    def rect(self, x, y, w, h, color) -> None:
        page_h = self.model.page[1]
        self.pages[-1].ops.append("q {:.4g} {:.4g} {:.4g} rg ".format(*color)
                                  + f"{x * PT:.3f} {(page_h - y - h) * PT:.3f} {w * PT:.3f} {h * PT:.3f} re f Q")

    # ----- footers
    def footers(self, folio: str) -> None:
        total = len(self.pages)
        for number, page in enumerate(self.pages, 1):
            for footer in self.model.footers:
                text = footer.pattern.format(folio=folio, page=number, pages=total)
                s = footer.style
                width = self.face(s.font, text)[1].width(text, s.size)
                if footer.keyword.endswith("right"):
                    x = footer.right - width
                elif footer.keyword.endswith("center") or footer.keyword in ("@top-center", "@bottom-center"):
                    x = (footer.left + footer.right - width) / 2
                else:
                    x = footer.left
                page.ops.append(self.show([(x, text, s)], (self.model.page[1] - footer.baseline) * PT))
