"""A numeral written inline with its sub-item (`2 a) texto`) is the section `2 a)` in Markdown,
DOCX and PDF, and a bare `b)` after it belongs to the same numeral."""
import io

import pytest
from docx import Document

from docs_service.documents.extract import extract_sections
from tests.documents.pdfs import simple_pdf

LINES = ["1. Objetivo", "2 a) El notificador se identifica ante el patron.", "b) Levanta el acta en el acto.",
         "3. Responsabilidades", "3.1 c) La Jefatura supervisa las diligencias."]
EXPECTED = [("1", "Objetivo", ""), ("2 a)", "", "El notificador se identifica ante el patron."),
            ("2 b)", "", "Levanta el acta en el acto."), ("3", "Responsabilidades", ""),
            ("3.1 c)", "", "La Jefatura supervisa las diligencias.")]


def _markdown() -> bytes:
    return ("# Manual de notificación\n\n" + "\n\n".join(LINES) + "\n").encode()


def _docx() -> bytes:
    document = Document()
    document.add_heading("Manual de notificación", level=1)
    for line in LINES:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pdf() -> bytes:
    return simple_pdf(["Manual de notificacion"] + LINES)


@pytest.mark.parametrize("kind,build", [("md", _markdown), ("docx", _docx), ("pdf", _pdf)])
def test_inline_sub_item_is_its_own_section(kind, build):
    sections = [(s.numeral, s.titulo, s.texto) for s in extract_sections(kind, build()) if s.numeral]
    assert sections == EXPECTED
    levels = {s.numeral: s.nivel for s in extract_sections(kind, build())}
    assert levels["2 a)"] == 2 and levels["3.1 c)"] == 3


def test_a_number_followed_by_words_is_not_a_sub_item():
    text = b"1. Objetivo\n\n2 apartados forman este manual.\n"
    assert [s.numeral for s in extract_sections("md", text)] == ["1"]
