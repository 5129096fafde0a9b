"""What a person reads of a section's text. A format's file is its DOCX template: its fields read as
blanks to fill and its template tags are not shown (`{{ fila.numero }}` → `____`, `{%tr for … %}` →
nothing), on the version's page, in its PDF and in the search. Other documents read as written."""
import re

_FIELD = re.compile(r"\{\{.*?\}\}", re.S)
_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)


def readable(tipo: str, text: str) -> str:
    """`text` of a section of a document of kind `tipo`, as a person reads it."""
    if tipo != "formato" or "{" not in text:
        return text
    return re.sub(r"[ \t]{2,}", " ", _TAG.sub("", _FIELD.sub("____", text))).strip()
