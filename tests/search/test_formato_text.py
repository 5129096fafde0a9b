"""A format's DOCX template is indexed as a person reads it: fields as blanks, no template tags."""
from datetime import date
from types import SimpleNamespace

from docs_service.documents.readable import readable
from docs_service.search.projection import version_entries


def test_template_tags_are_not_indexed_or_shown():
    text = ("Crédito {{ fila.numero }}  periodo {{fila.periodo}}\n{%tr for fila in creditos %}\n"
            "{# nota interna #}Importe {{ fila.importe|pesos }}{%tr endfor %}")
    assert readable("formato", text) == "Crédito ____ periodo ____\n\nImporte ____"
    assert readable("manual_procedimientos", "Use {{ }} así") == "Use {{ }} así"


def test_version_entries_of_a_format_carry_readable_text():
    document = SimpleNamespace(id=1, clave="9312-020-005", tipo="formato", area="Cobranza", titulo="Solicitud",
                               palabras_clave="", abrogado_desde=None)
    version = SimpleNamespace(id=7, numero=1, estado="publicado", vigente_desde=date(2026, 1, 1), vigente_hasta=None)
    section = SimpleNamespace(version_id=7, orden=1, numeral="1", titulo="Datos del crédito", nivel=1,
                              texto="Número de crédito: {{ credito }} {%p if nota %}Nota{%p endif %}")
    entries = version_entries(document, version, [section])
    assert all("{" not in e.text for e in entries)
    assert entries[0].text == "Número de crédito: ____ Nota"
