"""The constancias' renderer: the kind's template is laid out by WeasyPrint once (its model and its
frame) and each document only typesets its own part into it. Batch and single emission give the
same pages; Spanish text, and characters beyond Latin-1, print and extract; the QR on the page is
the code of the verification URL; an element the renderer does not take refuses the constancia."""
import dataclasses
import io
import shutil

import pytest
from pypdf import PdfReader

from docs_service.certification.pipeline import Producer, RenderFailed, qr_modules
from docs_service.certification.render import compose, fonts
from docs_service.certification.signing import validate_pdf
from docs_service.config import PROJECT_ROOT
from tests.certification.test_pipeline import _job, seal  # noqa: F401  (the module's seal fixture)

FOLDER = str(PROJECT_ROOT / "certificaciones")


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _counting(monkeypatch) -> list:
    calls = []
    real = compose.render_with_layout

    def counted(*args, **kwargs):
        calls.append(kwargs.get("write", True))
        return real(*args, **kwargs)
    monkeypatch.setattr(compose, "render_with_layout", counted)
    return calls


def test_batch_and_single_emission_give_the_same_pages(seal):  # noqa: F811
    material, _root = seal
    job = _job(7, 60)
    alone = Producer(FOLDER, "https://normateca.example", material).produce(job)
    in_batch = Producer(FOLDER, "https://normateca.example", material).produce_many([_job(6, 3), job, _job(8, 0)])[1]
    # the sello is an ECDSA signature (randomised): the same cadena, another sello
    assert alone.cadena == in_batch.cadena
    same = [page.replace(alone.sello, "SELLO") for page in _pages(alone.pdf)]
    assert same == [page.replace(in_batch.sello, "SELLO") for page in _pages(in_batch.pdf)]
    assert len(same) == 2


def test_weasyprint_lays_out_the_kind_once_and_each_static_part_once(seal, monkeypatch):  # noqa: F811
    material, _root = seal
    calls = _counting(monkeypatch)
    producer = Producer(FOLDER, "https://normateca.example", material)
    results = producer.produce_many([_job(n, n % 5) for n in range(1, 21)])
    assert not any(isinstance(r, Exception) for r in results)
    assert calls == [False, True]  # the model (layout only) and the unit's frame (printed once)
    other_unit = dataclasses.replace(_job(30, 2), unidad_clave="3302", unidad_nombre="Mérida Sur")
    assert "3302 Mérida Sur" in _pages(producer.produce(other_unit).pdf)[0]
    assert calls == [False, True, True]


def test_spanish_text_and_characters_beyond_latin1_print_and_extract(seal):  # noqa: F811
    material, root = seal
    razon = "ÑANDÚ Y CÍA., S.A. DE C.V. — “Łódź” Ørsted Straße"
    job = _job(9, 1)
    job.datos["patron"]["razon_social"] = razon
    result = Producer(FOLDER, "https://normateca.example", material).produce(job)
    text = _pages(result.pdf)[0]
    assert razon in text
    assert "Créditos registrados al" in text and "Nombre o razón social" in text
    reader = PdfReader(io.BytesIO(result.pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for font in fonts.values():
        descendant = font.get_object()["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # embedded, not a system font
    assert validate_pdf(result.pdf, root).ok


def test_a_long_paragraph_wraps_inside_the_text_column(seal):  # noqa: F811
    material, _root = seal
    job = _job(10, 1)
    job.datos["patron"]["razon_social"] = " ".join(["COMERCIALIZADORA"] * 40)
    result = Producer(FOLDER, "https://normateca.example", material).produce(job)
    reader = PdfReader(io.BytesIO(result.pdf))
    page = reader.pages[0]
    right = float(page.mediabox.right)
    lines = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: lines.append((text, tm[4])) if text.strip() else None)
    wrapped = [(t, x) for t, x in lines if "COMERCIALIZADORA" in t]
    assert len(wrapped) >= 3  # several lines
    sans = fonts.face(("sans", False, False))
    margin = 18 / 25.4 * 72  # the template's right margin
    assert all(x + sans.width(t.rstrip(), 9) <= right - margin + 0.5 for t, x in wrapped)
    assert _pages(result.pdf)[0].count("COMERCIALIZADORA") == 40


def test_the_printed_qr_is_the_verification_url(seal):  # noqa: F811
    pdfium = pytest.importorskip("pypdfium2")
    material, _root = seal
    producer = Producer(FOLDER, "https://normateca.example", material)
    job = _job(11, 0)
    result = producer.produce(job)
    model = producer.composer.models[producer.kinds["situacion_creditos"].plantilla]
    style = next(s for key, s in model.styles.items() if key[-1] == "img.qr")
    frame = next(iter(producer.composer.frames.values()))
    matrix = qr_modules(producer.verification_url(job.codigo))
    scale = 4.0
    image = pdfium.PdfDocument(result.pdf)[0].render(scale=scale).to_pil().convert("L")
    count = len(matrix) + 4
    unit = style.fw * 0.75 * scale / count
    left = style.x * 0.75 * scale
    # the QR floats at the top of the closing block: find the top of its first finder pattern (seven
    # dark modules, then a light one) below the flow's top
    top = None

    def dark(column, y):
        return image.getpixel((int(left + (column + 2.5) * unit), y)) < 128
    for y in range(int(frame.flow_top * 0.75 * scale), image.height):
        if dark(0, y) and dark(3, y) and dark(6, y) and not dark(7, y):
            top = y - 2 * unit
            break
    assert top is not None
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            pixel = image.getpixel((int(left + (c + 2.5) * unit), int(top + (r + 2.5) * unit)))
            assert (pixel < 128) == bool(dark), (r, c)


def test_an_element_the_renderer_does_not_take_refuses_the_constancia(seal, tmp_path):  # noqa: F811
    material, _root = seal
    folder = tmp_path / "certificaciones"
    shutil.copytree(FOLDER, folder)
    template = folder / "situacion_creditos" / "plantilla.html"
    template.write_text(template.read_text().replace('<p class="seccion">Patrón</p>',
                                                     '<table><tr><td>Patrón</td></tr></table>'))
    result = Producer(str(folder), "https://normateca.example", material).produce_many([_job(12, 1)])[0]
    assert isinstance(result, RenderFailed) and "table" in str(result)
