"""The text a person reads on a page (no markup, no attribute values, no scripts)."""
import re
from html.parser import HTMLParser

# Internal codes that must never be shown to a person.
CODES = ("en_revision", "en_aprobacion", "enviar_revision", "aprobar_revision", "manual_procedimientos",
         "criterio_normativo", "subdelegacion")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def codes_in(text: str) -> list[str]:
    return [code for code in CODES if re.search(rf"\b{code}\b", text)]
