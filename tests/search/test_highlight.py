"""Fragments and highlights (analysis.Highlighter): matched by analysed term over the text as
written, offsets in characters, the same on every engine."""
import unicodedata

from docs_service.search import analysis
from docs_service.search.query import parse


def marked(query: str, text: str) -> list[str]:
    fragment, spans = analysis.Highlighter(*parse(query).positive_terms())(text)
    return [fragment[s:e] for s, e in spans]


def test_accents_case_and_inflections_match_by_term():
    text = "La PRESCRIPCIÓN de los Créditos prescribe; el crédito prescrito y la devolución."
    assert marked("prescripcion creditos", text) == ["PRESCRIPCIÓN", "Créditos", "prescribe", "crédito", "prescrito"]
    assert marked("devoluciones", text) == ["devolución"]


def test_words_inside_other_words_and_stop_words_are_not_marked():
    text = "Se reembargó; el embargo y la inembargabilidad; de la notificación"
    assert marked("embargo", text) == ["embargo"]
    assert marked("de la notificacion", text) == ["notificación"]


def test_underscore_and_digits_separate_words_as_the_index_does():
    assert marked("prescripcion", "ver_prescripción y 3prescripción") == ["prescripción"]


def test_prefix_and_phrase():
    text = "El notificador notificó la notificación al patrón."
    assert marked("notifica*", text) == ["notificador", "notificación"]
    assert marked("notific*", text) == ["notificador", "notificó", "notificación"]
    # a phrase marks the words of its terms (a notificar/notificación synonym group included)
    assert marked('"notificación al patrón"', text) == ["notificador", "notificó", "notificación", "patrón"]


def test_a_ligature_or_combining_accent_keeps_offsets_right():
    text = "Crédito ﬁscal: la notificacio\u0301n y el crédito ﬁscal."
    fragment, spans = analysis.Highlighter(*parse("fiscal credito").positive_terms())(text)
    assert [fragment[s:e] for s, e in spans] == ["Crédito", "ﬁscal", "crédito", "ﬁscal"]
    decomposed = unicodedata.normalize("NFD", "La notificación del crédito")  # accents as combining marks
    assert marked("credito notificacion", decomposed) == ["notificación", "crédito"]


def test_fragment_is_the_densest_window_of_a_long_text():
    filler = "Texto sin relación alguna con la consulta. " * 40
    dense = "El embargo de bienes y el embargo de cuentas; otro embargo más."
    text = "Un embargo al principio. " + filler + dense + filler
    fragment, spans = analysis.highlight(text, *parse("embargo").positive_terms())
    assert dense in fragment and fragment.startswith("… ") and fragment.endswith(" …")
    assert len(spans) == 3 and all(fragment[s:e] == "embargo" for s, e in spans)


def test_fold_is_lowercase_without_accents():
    assert analysis.fold("Ñandú PRESCRIPCIÓN Ünica ﬁn") == "nandu prescripcion unica fin"
    assert analysis.fold("plain ascii") == "plain ascii"
