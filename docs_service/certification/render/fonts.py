"""The DejaVu faces core/pdf.py declares, subset once per process for the characters Spanish text
uses, embedded as Type0/Identity-H fonts with their widths and ToUnicode map (text stays
extractable). A character outside the prepared set that the face has grows the set (the subset is
rebuilt once for the process); one the face lacks prints as its .notdef glyph."""
from __future__ import annotations

import io
import threading
import zlib

from ...core.pdf import FONT_DIR

FILES = {("sans", False, False): "DejaVuSans.ttf", ("sans", True, False): "DejaVuSans-Bold.ttf",
         ("sans", False, True): "DejaVuSans-Oblique.ttf", ("sans", True, True): "DejaVuSans-BoldOblique.ttf",
         ("mono", False, False): "DejaVuSansMono.ttf", ("mono", True, False): "DejaVuSansMono-Bold.ttf",
         ("mono", False, True): "DejaVuSansMono.ttf", ("mono", True, True): "DejaVuSansMono-Bold.ttf"}
# ASCII and what Spanish text uses; anything else grows the subset when a document brings it.
BASE_CHARS = frozenset(range(0x20, 0x7F)) | frozenset(map(ord, "\u00a0¡¿«»°ºª·×§ÁÉÍÓÚÜÑáéíóúüñ—–‘’“”•…€"))

_lock = threading.Lock()
_faces: dict = {}


class Face:
    """One subset face: glyph ids and advances by character, and its PDF objects' bytes."""

    def __init__(self, key: tuple, chars: frozenset):
        from fontTools import subset
        from fontTools.ttLib import TTFont
        self.key, self.file = key, FONT_DIR / FILES[key]
        font = TTFont(self.file, lazy=True)
        self.available = frozenset(font.getBestCmap())
        self.chars = frozenset(c for c in chars if c in self.available)
        options = subset.Options()
        options.layout_features, options.name_IDs, options.hinting = [], [], False
        options.notdef_outline = True
        # No shaping tables: text is placed glyph by glyph with its advance (no kerning, no ligatures).
        options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF", "kern", "BASE", "JSTF", "MATH"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=self.chars)
        subsetter.subset(font)
        data = io.BytesIO()
        font.save(data)
        self.fontfile = data.getvalue()
        upm = font["head"].unitsPerEm
        cmap, hmtx, order = font.getBestCmap(), font["hmtx"], font.getGlyphOrder()
        index = {name: n for n, name in enumerate(order)}
        self.gid = {cp: index[name] for cp, name in cmap.items()}
        self.advance = {cp: hmtx[name][0] / upm for cp, name in cmap.items()}
        self.widths = [round(hmtx[name][0] * 1000 / upm) for name in order]
        self.unicode = {index[name]: cp for cp, name in cmap.items()}
        head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
        scale = 1000 / upm
        self.ascent, self.descent = round(hhea.ascent * scale), round(hhea.descent * scale)
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.cap = round(getattr(os2, "sCapHeight", hhea.ascent) * scale)
        self.name = self.file.stem
        self._objects: dict = {}
        self._widths: dict = {}
        self._hex = _HexTable({cp: f"{g:04X}" for cp, g in self.gid.items()})

    def width(self, text: str, size: float) -> float:
        known = self._widths.get(text)
        if known is None:
            if len(self._widths) > 50000:
                self._widths.clear()
            advance = self.advance
            known = self._widths[text] = sum(advance.get(ord(ch), 0.5) for ch in text)
        return known * size

    def hex(self, text: str) -> str:
        return text.translate(self._hex)

    def objects(self, first: int) -> tuple[int, list[bytes]]:
        """(number of the Type0 font, its five objects numbered from `first`); built once per number."""
        cached = self._objects.get(first)
        if cached is None:
            cached = self._objects[first] = self._build_objects(first)
        return cached

    def _build_objects(self, first: int) -> tuple[int, list[bytes]]:
        t0, cid, desc, ff, tu = first, first + 1, first + 2, first + 3, first + 4
        tag = "NRMT" + "ABCDEFGH"[list(FILES).index(self.key) % 8] + "A"
        base = f"{tag}+{self.name}"
        italic = self.key[2]
        flags = 32 | (1 if self.key[0] == "mono" else 0) | (64 if italic else 0)
        packed = zlib.compress(self.fontfile, 6)
        cmap = _tounicode(self.unicode)
        return t0, [
            f"<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H "
            f"/DescendantFonts [{cid} 0 R] /ToUnicode {tu} 0 R >>".encode(),
            (f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base} "
             f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
             f"/FontDescriptor {desc} 0 R /CIDToGIDMap /Identity /W [0 [{' '.join(map(str, self.widths))}]] >>"
             ).encode(),
            (f"<< /Type /FontDescriptor /FontName /{base} /Flags {flags} /FontBBox [{' '.join(map(str, self.bbox))}] "
             f"/ItalicAngle {-11 if italic else 0} /Ascent {self.ascent} /Descent {self.descent} "
             f"/CapHeight {self.cap} /StemV 80 /FontFile2 {ff} 0 R >>").encode(),
            _stream(packed, f"/Length1 {len(self.fontfile)} /Filter /FlateDecode"),
            _stream(zlib.compress(cmap, 6), "/Filter /FlateDecode"),
        ]


class _HexTable(dict):
    """Code point → the glyph id as 4 hex digits, for str.translate; .notdef for anything else."""

    def __missing__(self, key):
        return "0000"


def _stream(data: bytes, extra: str = "") -> bytes:
    return f"<< /Length {len(data)} {extra} >>\nstream\n".encode() + data + b"\nendstream"


def _tounicode(mapping: dict[int, int]) -> bytes:
    lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
             "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
             "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        block = items[start:start + 100]
        lines.append(f"{len(block)} beginbfchar")
        for gid, cp in block:
            utf16 = chr(cp).encode("utf-16-be").hex().upper()
            lines.append(f"<{gid:04X}> <{utf16}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def face(key: tuple, text: str = "") -> Face:
    """The process's subset of face `key`, grown first if `text` has characters it lacks but the font has."""
    current = _faces.get(key)
    if current is not None and (not text or current.chars.issuperset(map(ord, text))):
        return current
    with _lock:
        current = _faces.get(key)
        wanted = frozenset(map(ord, text))
        if current is None:
            current = _faces[key] = Face(key, BASE_CHARS | wanted)
        elif not current.chars.issuperset(wanted) and not (wanted - current.chars).isdisjoint(current.available):
            current = _faces[key] = Face(key, current.chars | wanted)
        return current
