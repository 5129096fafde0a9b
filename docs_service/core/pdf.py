"""Shared PDF renderer (WeasyPrint) for every area that prints: versions, formatos, constancias.

    from docs_service.core.pdf import PdfAttachment, render_pdf
    data = render_pdf(html, stylesheets=(MY_CSS,), assets=Path(__file__).parent / "pdf_assets")

- ``html``: a complete HTML document (render it with Jinja; autoescaping keeps user text inert).
- ``stylesheets``: CSS *strings* (not paths). Each distinct (string, assets) pair is parsed once per
  process and the parsed ``weasyprint.CSS`` is reused; keep them module constants.
- ``assets``: a folder of bundled files (logos, images, fonts) that relative URLs in the HTML and in
  those stylesheets resolve against (``<img src="logo.png">``). Only files inside that folder, the
  bundled DejaVu fonts and ``data:`` URIs are ever read; every other URL (``file://`` elsewhere,
  ``http(s)://``, ``ftp://``…) is refused, so a ``<link rel=attachment href=file:///etc/passwd>`` or
  an ``<img src=http://…>`` fetches nothing (CVE-2024-28184, CVE-2025-68616: there is no network
  code path at all, hence no redirect to follow).
- ``attachments``: files embedded in the PDF (``PdfAttachment(name, data, description)``).
- ``metadata``: not a parameter; put ``<title>``, ``<meta name=author>``… in the HTML.

Many documents of one template (a batch of constancias) go through ``render_pdfs``: one parse,
one cascade and one layout pass for all of them, then the pages are split per document and each
is written as its own PDF with its own title and attachments::

    pdfs = render_pdfs([PdfPart(body_html, "Título", (PdfAttachment(…),)), …],
                       stylesheets=(MY_CSS,), assets=…, head='<meta name="author" content="…">')

Each part's body goes in a ``<section class="pdf-documento">`` that starts a page and a page group
(``page: pdf-documento``): ``counter(page)`` restarts at 1 on each document's first page and the
string ``documento-paginas`` holds that document's page count, so a footer reads
``"Página " counter(page) " de " string(documento-paginas)``. (``counter(pages)`` would count the
pages of the whole run.) The result is a list with one ``bytes`` per part, or the exception that
part raised when rendered alone (a part that breaks the shared pass is found by rendering each part
separately; the others are unaffected).

``render_with_layout`` returns the laid-out WeasyPrint document of such a pass together with its
PDF, for a caller that reads the boxes (the constancias' renderer measures its model and lays out
its frames with it, once).

The base font is DejaVu (Debian ``fonts-dejavu-core``, installed by ``scripts/system-deps.sh``),
declared with ``@font-face`` as the families ``"Normateca Sans"``/``"Normateca Mono"`` so the
result does not depend on what fontconfig would pick. WeasyPrint is imported lazily, once per
process (the import alone costs ~1.7 s); one ``FontConfiguration`` is kept per process. Renders in
one process are serialised by a lock: WeasyPrint does not promise that a font configuration can be
shared between threads, and a render is CPU-bound under the GIL anyway.
"""

from __future__ import annotations

import copy
import io
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

# Where Debian's fonts-dejavu-core puts the fonts (scripts/system-deps.sh installs it).
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# The families every template can use; printed text never depends on fontconfig's fallback.
BASE_CSS = "\n".join(
    f'@font-face {{ font-family: "{family}"; src: url("{(FONT_DIR / file).as_uri()}");'
    f" font-weight: {weight}; font-style: {style}; }}"
    for family, file, weight, style in (
        ("Normateca Sans", "DejaVuSans.ttf", "normal", "normal"),
        ("Normateca Sans", "DejaVuSans-Bold.ttf", "bold", "normal"),
        ("Normateca Sans", "DejaVuSans-Oblique.ttf", "normal", "italic"),
        ("Normateca Sans", "DejaVuSans-BoldOblique.ttf", "bold", "italic"),
        ("Normateca Mono", "DejaVuSansMono.ttf", "normal", "normal"),
        ("Normateca Mono", "DejaVuSansMono-Bold.ttf", "bold", "normal"),
    )
) + '\nhtml { font-family: "Normateca Sans", sans-serif; }\n'


@dataclass(frozen=True)
class PdfAttachment:
    """A file embedded in the PDF (shown by readers in the attachments panel)."""

    name: str
    data: bytes
    description: str | None = None


@dataclass(frozen=True)
class PdfPart:
    """One document of a ``render_pdfs`` run: the content of its ``<body>``, its title, its files."""

    body: str
    title: str = ""
    attachments: tuple[PdfAttachment, ...] = ()


# Page numbering per document inside a multi-document render (see the module docstring).
SERIES_CSS = """
.pdf-documento { page: pdf-documento; break-before: page; display: block;
                 string-set: documento-paginas target-counter(attr(data-fin url), page); }
@page :nth(1 of pdf-documento) { counter-reset: page 1; }
"""


class RefusedURL(ValueError):
    """A URL outside the bundled assets; WeasyPrint logs it and leaves the resource out."""


_lock = threading.Lock()
_state: dict = {}  # weasyprint module, FontConfiguration, fetchers and parsed CSS, per process


def _weasyprint():
    """Import WeasyPrint once per process and build the shared font configuration."""
    if "wp" not in _state:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration

        _state["wp"] = weasyprint
        _state["fonts"] = FontConfiguration()
        _state["fetchers"] = {}
        _state["css"] = {}
    return _state["wp"]


def _allowed_roots(assets: Path | None) -> tuple[Path, ...]:
    roots = [FONT_DIR.resolve()]
    if assets is not None:
        roots.append(Path(assets).resolve())
    return tuple(roots)


def _fetcher(assets: Path | None):
    """The (cached) URL fetcher that reads only bundled files and ``data:`` URIs."""
    wp = _weasyprint()
    roots = _allowed_roots(assets)
    fetcher = _state["fetchers"].get(roots)
    if fetcher is None:
        fetcher = _state["fetchers"][roots] = _make_fetcher_class(wp)(roots)
    return fetcher


def _make_fetcher_class(wp):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):
        """Serves files under ``roots`` and ``data:`` URIs; refuses everything else.

        ``fetch`` never calls the parent's opener, so no HTTP, FTP or redirect handler ever runs.
        """

        def __init__(self, roots: tuple[Path, ...]):
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
            self.roots = roots

        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "data":
                response = DataHandler().data_open(Request(url))
                return URLFetcherResponse(
                    url, response.read(), {"Content-Type": response.headers["Content-Type"]}
                )
            if scheme == "file":
                parts = urlsplit(url)
                if parts.netloc not in ("", "localhost"):
                    raise RefusedURL(f"Recurso remoto rechazado: {url}")
                path = Path(unquote(parts.path)).resolve()
                if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                    return URLFetcherResponse(path.as_uri(), path.read_bytes())
            raise RefusedURL(f"Recurso fuera de los archivos incluidos: {url}")

        def open(self, url, data=None, timeout=None):
            target = url.full_url if isinstance(url, Request) else url
            return self.fetch(target)

    return AssetFetcher


def _base_url(assets: Path | None) -> str | None:
    return Path(assets).resolve().as_uri() + "/" if assets is not None else None


def _stylesheet(css: str, assets: Path | None):
    """A parsed stylesheet, cached per process by (text, assets folder)."""
    key = (css, _allowed_roots(assets))
    parsed = _state["css"].get(key)
    if parsed is None:
        parsed = _state["css"][key] = _state["wp"].CSS(
            string=css,
            base_url=_base_url(assets),
            url_fetcher=_fetcher(assets),
            font_config=_state["fonts"],
        )
    return parsed


def render_pdf(
    html: str,
    *,
    stylesheets: tuple[str, ...] = (),
    assets: Path | None = None,
    attachments: tuple[PdfAttachment, ...] | list[PdfAttachment] | None = None,
) -> bytes:
    """Render ``html`` with ``stylesheets`` (CSS strings) to PDF bytes.

    Relative URLs resolve against ``assets``; only files under it (and the bundled fonts, and
    ``data:`` URIs) are read. A refused or missing resource is left out of the PDF, never fetched.
    """
    with _lock:
        wp = _weasyprint()
        fetcher = _fetcher(assets)
        sheets = [_stylesheet(BASE_CSS, None)] + [_stylesheet(css, assets) for css in stylesheets]
        document = wp.HTML(string=html, base_url=_base_url(assets), url_fetcher=fetcher)
        embedded = _attachments(wp, fetcher, attachments)
        return document.write_pdf(
            stylesheets=sheets,
            font_config=_state["fonts"],
            attachments=embedded or None,
        )


def _attachments(wp, fetcher, attachments) -> list:
    return [
        wp.Attachment(file_obj=io.BytesIO(item.data), url_fetcher=fetcher, name=item.name,
                      description=item.description)
        for item in attachments or ()
    ]


def _series_html(parts, head: str, lang: str) -> str:
    from html import escape

    sections = "".join(
        f'<section class="pdf-documento" id="pdf-documento-{n}" data-fin="#pdf-fin-{n}">{part.body}'
        f'<i id="pdf-fin-{n}"></i></section>'
        for n, part in enumerate(parts)
    )
    return (f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">{head}</head>'
            f"<body>{sections}</body></html>")


def _split(document, count: int) -> list[list]:
    """The pages of each part: part n ends on the page that holds its end marker."""
    groups, current, part = [], [], 0
    for page in document.pages:
        current.append(page)
        while part < count and f"pdf-fin-{part}" in page.anchors:
            groups.append(current)
            current, part = [], part + 1
    if part != count or current:
        raise RuntimeError("no se pudieron separar las páginas de cada documento")
    return groups


def render_with_layout(
    parts: list[PdfPart],
    *,
    stylesheets: tuple[str, ...] = (),
    assets: Path | None = None,
    head: str = "",
    lang: str = "es-MX",
    write: bool = True,
):
    """One pass over ``parts`` as ``render_pdfs`` lays them out, returned whole: the laid-out
    WeasyPrint document (its page boxes can be read, e.g. to find where an element was placed) and
    the PDF of all its pages (None with ``write=False``). For callers that reuse a layout (the
    constancias' frames)."""
    with _lock:
        wp = _weasyprint()
        document = _layout(wp, _fetcher(assets), parts, stylesheets, assets, head, lang)
        return document, (document.write_pdf() if write else None)


def _layout(wp, fetcher, parts, stylesheets, assets, head, lang):
    """One WeasyPrint layout pass over `parts` (caller holds `_lock`)."""
    sheets = ([_stylesheet(BASE_CSS, None), _stylesheet(SERIES_CSS, None)]
              + [_stylesheet(css, assets) for css in stylesheets])
    return wp.HTML(string=_series_html(parts, head, lang), base_url=_base_url(assets),
                   url_fetcher=fetcher).render(stylesheets=sheets, font_config=_state["fonts"])


def render_pdfs(
    parts: list[PdfPart],
    *,
    stylesheets: tuple[str, ...] = (),
    assets: Path | None = None,
    head: str = "",
    lang: str = "es-MX",
) -> list[bytes | Exception]:
    """Render several documents in one layout pass; one PDF (or the part's exception) per part."""
    if not parts:
        return []
    with _lock:
        wp = _weasyprint()
        fetcher = _fetcher(assets)
        try:
            document = _layout(wp, fetcher, parts, stylesheets, assets, head, lang)
            groups = _split(document, len(parts))
        except Exception as err:
            if len(parts) == 1:
                return [err]
            groups = None
    if groups is None:  # find the part that breaks the shared pass; the others still render
        results = []
        for part in parts:
            results += render_pdfs([part], stylesheets=stylesheets, assets=assets, head=head, lang=lang)
        return results
    with _lock:
        results = []
        for part, pages in zip(parts, groups):
            single = document.copy(pages)
            single.metadata = copy.copy(document.metadata)
            single.metadata.title = part.title or None
            try:
                results.append(single.write_pdf(attachments=_attachments(wp, fetcher, part.attachments) or None))
            except Exception as err:
                results.append(err)
        return results
