"""Writing one constancia's PDF: the frame's objects (copied bytes), the fonts used, and per page
the frame as a Form XObject under the document's own content; the datos.json attachment, the title
and a deterministic file identifier. A classic cross-reference table; pyHanko signs it after."""
from __future__ import annotations

import hashlib
from datetime import datetime

from .pdfobj import stream, text_string

PRODUCER = "Normateca de Cobranza"


def write(frame, faces: list, pages: list[str], *, media: tuple, title: str, author: str, created: datetime,
          attachment: tuple | None, lang: str = "es-MX") -> bytes:
    """`faces`: [(resource name, Face)]; `pages`: each page's content (the frame is drawn first);
    `attachment`: (name, data, description) or None."""
    objects = list(frame.objects)
    n = len(objects)
    font_refs = []
    for name, face in faces:
        first, bodies = face.objects(n + 1)
        objects += [(first + k, body) for k, body in enumerate(bodies)]
        n += len(bodies)
        font_refs.append(f"/{name} {first} 0 R")
    fonts = " ".join(font_refs)
    pages_num = n + 1
    n += 1
    kids = []
    page_objects = []
    w, h = media
    for index, content in enumerate(pages):
        xobject = frame.first if index == 0 else frame.continuation
        body = f"q /Marco Do Q\n{content}".encode("latin-1")
        content_num, page_num = n + 1, n + 2
        n += 2
        page_objects.append((content_num, stream(body)))
        page_objects.append((page_num, (
            f"<< /Type /Page /Parent {pages_num} 0 R /MediaBox [0 0 {w:.4g} {h:.4g}] "
            f"/Resources << /XObject << /Marco {xobject} 0 R >> /Font << {fonts} >> >> "
            f"/Contents {content_num} 0 R >>").encode()))
        kids.append(f"{page_num} 0 R")
    objects.append((pages_num, f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()))
    objects += page_objects
    names = ""
    if attachment is not None:
        file_name, data, description = attachment
        embedded, spec = n + 1, n + 2
        n += 2
        stamp = created.strftime("D:%Y%m%d%H%M%SZ")
        objects.append((embedded, stream(data, f"/Type /EmbeddedFile /Params << /Size {len(data)} /ModDate ({stamp}) >>")))
        objects.append((spec, (f"<< /Type /Filespec /F {text_string(file_name)} /UF {text_string(file_name)} "
                               f"/Desc {text_string(description or '')} /EF << /F {embedded} 0 R >> >>").encode()))
        names = f" /Names << /EmbeddedFiles << /Names [{text_string(file_name)} {spec} 0 R] >> >>"
    info, catalog = n + 1, n + 2
    n += 2
    stamp = created.strftime("D:%Y%m%d%H%M%SZ")
    objects.append((info, (f"<< /Title {text_string(title)} /Author {text_string(author)} "
                           f"/Producer {text_string(PRODUCER)} /CreationDate ({stamp}) >>").encode()))
    objects.append((catalog, f"<< /Type /Catalog /Pages {pages_num} 0 R /Lang ({lang}){names} >>".encode()))
    objects.sort()
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in objects:
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    table = ["xref", f"0 {n + 1}", "0000000000 65535 f "] + [f"{o:010d} 00000 n " for o in offsets]
    ident = hashlib.md5(bytes(out[-4096:]) + title.encode()).hexdigest().upper()
    out += ("\n".join(table) + f"\ntrailer\n<< /Size {n + 1} /Root {catalog} 0 R /Info {info} 0 R "
            f"/ID [<{ident}> <{ident}>] >>\nstartxref\n{xref}\n%%EOF\n").encode()
    return bytes(out)
