"""Page 1 of the blank PDF rasterised server-side (pypdfium2) for the format page, cached per
process by version and definition."""
import hashlib
import io
import threading
from collections import OrderedDict

_lock = threading.Lock()
_cache: OrderedDict = OrderedDict()
MAX_CACHED = 32


def cache_key(version, spec) -> str:
    digest = hashlib.sha256((spec.esquema + spec.plantilla_html + spec.instructivo).encode()).hexdigest()[:16]
    return f"{version.id}-{version.estado}-{digest}"


def first_page_png(pdf: bytes, width_px: int = 820) -> bytes:
    import pypdfium2

    with _lock:  # pdfium is not thread-safe
        document = pypdfium2.PdfDocument(pdf)
        try:
            page = document[0]
            scale = width_px / page.get_width()
            image = page.render(scale=scale, may_draw_forms=True).to_pil()
            page.close()
        finally:
            document.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def cached(key: str, produce) -> bytes:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    png = produce()
    with _lock:
        _cache[key] = png
        while len(_cache) > MAX_CACHED:
            _cache.popitem(last=False)
    return png
