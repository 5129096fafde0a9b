"""The query language every engine understands, parsed once here into a small tree:
words (all must match), "phrases", OR, NOT / -word, prefix*, parentheses, and a numeral typed as
such (`10 e)`, `7.3.1.1`) that ranks that section first. Bad input raises QueryError (400) with a
Spanish message; nothing reaches an engine unparsed."""
import re
from dataclasses import dataclass, field

from ..core.errors import DomainError
from . import analysis

MAX_LENGTH = 256
MAX_TERMS = 20
MIN_PREFIX = 3


class QueryError(DomainError):
    status, code, message = 400, "consulta_invalida", "La consulta de búsqueda no es válida."


@dataclass(frozen=True)
class Term:
    term: str   # analysed (stem + synonym group)
    word: str   # folded surface word, for suggestions


@dataclass(frozen=True)
class Prefix:
    prefix: str  # folded, unstemmed: matched against surface words


@dataclass(frozen=True)
class Phrase:
    terms: tuple


@dataclass(frozen=True)
class And:
    children: tuple


@dataclass(frozen=True)
class Or:
    children: tuple


@dataclass(frozen=True)
class Not:
    child: object


@dataclass
class ParsedQuery:
    expr: object | None          # None when the query is only a numeral
    numeral: str | None          # normalised numeral keyword, ranks that section first
    text: str                    # the query as received (trimmed)
    words: list = field(default_factory=list)

    def positive_terms(self) -> tuple[set, tuple]:
        """Terms and prefixes to highlight (those not under a NOT)."""
        terms, prefixes = set(), []

        def walk(node, negated=False):
            if isinstance(node, Term) and not negated:
                terms.add(node.term)
            elif isinstance(node, Phrase) and not negated:
                terms.update(node.terms)
            elif isinstance(node, Prefix) and not negated:
                prefixes.append(node.prefix)
            elif isinstance(node, (And, Or)):
                for child in node.children:
                    walk(child, negated)
            elif isinstance(node, Not):
                walk(node.child, True)
        if self.expr is not None:
            walk(self.expr)
        return terms, tuple(prefixes)


NUMERAL = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d{1,3})+\.?|\d{1,3}\.?\s?[a-zA-Z]\)|\d{1,3}\.)(?=\s|$)")
LONE_NUMBER = re.compile(r"^\d{1,3}\.?$")
TOKEN = re.compile(r'\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<quote>")|(?P<minus>-)(?=\S)|(?P<word>[^\s()"]+))')


def parse(raw: str) -> ParsedQuery:
    text = (raw or "").strip()
    if not text:
        raise QueryError("Escriba qué buscar.", code="consulta_vacia", errors={"q": ["Este dato es obligatorio."]})
    if len(text) > MAX_LENGTH:
        raise QueryError(f"La consulta es demasiado larga (máximo {MAX_LENGTH} caracteres).",
                         errors={"q": [f"Máximo {MAX_LENGTH} caracteres."]})
    if any(ord(c) < 32 for c in text):
        raise QueryError("La consulta contiene caracteres de control.", errors={"q": ["Caracteres no permitidos."]})
    numeral = None
    if LONE_NUMBER.match(text):
        numeral, text_rest = analysis.normalize_numeral(text), ""
    else:
        match = NUMERAL.search(text)
        text_rest = text
        if match:
            numeral = analysis.normalize_numeral(match.group(1))
            text_rest = (text[:match.start()] + " " + text[match.end():]).strip()
    parser = _Parser(text_rest)
    expr = parser.parse() if text_rest else None
    if expr is None and numeral is None:
        if parser.saw_words:
            raise QueryError("La consulta solo tiene palabras vacías (de, la, que…); agregue términos con contenido.",
                             code="consulta_sin_terminos", errors={"q": ["Sin términos buscables."]})
        raise QueryError("La consulta solo tiene operadores; escriba palabras que buscar.",
                         code="consulta_sin_terminos", errors={"q": ["Sin términos buscables."]})
    if expr is not None and _only_negative(expr):
        raise QueryError("Una consulta no puede contener solo exclusiones (NOT o -palabra).",
                         errors={"q": ["Agregue al menos un término que deba aparecer."]})
    return ParsedQuery(expr=expr, numeral=numeral, text=text, words=parser.words)


def _only_negative(node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(c) for c in node.children)
    if isinstance(node, Or):
        return any(_only_negative(c) for c in node.children)
    return False


class _Parser:
    """Recursive descent over tokens: or := and (OR and)*; and := unary+; unary := (NOT|-) unary | atom."""

    def __init__(self, text: str):
        self.tokens = self._lex(text)
        self.pos = 0
        self.terms = 0
        self.words: list[str] = []
        self.saw_words = False

    def _lex(self, text):
        tokens, pos = [], 0
        while pos < len(text):
            if text[pos].isspace():
                pos += 1
                continue
            m = TOKEN.match(text, pos)
            if m is None:  # pragma: no cover - TOKEN matches any non-space character
                raise QueryError("La consulta no es válida.")
            pos = m.end()
            if m.group("quote"):
                end = text.find('"', pos)
                if end < 0:
                    raise QueryError("Faltan comillas de cierre en la frase.", code="comillas_sin_cerrar",
                                     errors={"q": ["Comillas sin cerrar."]})
                tokens.append(("phrase", text[pos:end]))
                pos = end + 1
            elif m.group("lp"):
                tokens.append(("(", None))
            elif m.group("rp"):
                tokens.append((")", None))
            elif m.group("minus"):
                tokens.append(("NOT", None))
            else:
                word = m.group("word")
                if word in ("AND", "OR", "NOT"):
                    tokens.append((word, None))
                else:
                    tokens.append(("word", word))
        return tokens

    def peek(self):
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def parse(self):
        node = self.parse_or()
        if self.pos < len(self.tokens):
            if self.peek() == ")":
                raise QueryError("Hay un paréntesis de cierre sin apertura.", code="parentesis_desbalanceados",
                                 errors={"q": ["Paréntesis desbalanceados."]})
            raise QueryError("La consulta no es válida cerca de un operador.", errors={"q": ["Operador fuera de lugar."]})
        return node

    def parse_or(self):
        parts = [self.parse_and()]
        while self.peek() == "OR":
            self.pos += 1
            parts.append(self.parse_and())
        parts = [p for p in parts if p is not None]
        if len(parts) > 1 and any(isinstance(p, Not) for p in parts):  # a lone NOT is «solo exclusiones»
            raise QueryError("No se puede combinar una exclusión con OR.", errors={"q": ["Use NOT fuera de OR."]})
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self):
        parts = []
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.pos += 1
                continue
            part = self.parse_unary()
            if part is not None:
                parts.append(part)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_unary(self):
        kind = self.peek()
        if kind == "NOT":
            self.pos += 1
            if self.peek() in (None, ")", "OR", "AND", "NOT"):
                return None
            child = self.parse_unary()
            return Not(child) if child is not None else None
        return self.parse_atom()

    def parse_atom(self):
        kind, value = self.tokens[self.pos]
        self.pos += 1
        if kind == "(":
            node = self.parse_or()
            if self.peek() != ")":
                raise QueryError("Falta un paréntesis de cierre.", code="parentesis_desbalanceados",
                                 errors={"q": ["Paréntesis desbalanceados."]})
            self.pos += 1
            return node
        if kind == "phrase":
            self.saw_words = self.saw_words or bool(analysis.words(value))
            terms = tuple(analysis.terms(value))
            self._count(len(terms))
            self.words.extend(w for w in analysis.words(value) if w not in analysis.STOP_WORDS)
            if not terms:
                return None
            return Term(terms[0], terms[0]) if len(terms) == 1 else Phrase(terms)
        return self._word(value)

    def _word(self, value: str):
        if value.endswith("*"):
            stem = value.rstrip("*")
            if "*" in stem or "?" in stem or not stem:
                raise QueryError("Los comodines solo se permiten al final de una palabra (notifica*).",
                                 code="comodin_no_permitido", errors={"q": ["Comodín no permitido."]})
            parts = analysis.words(stem)
            if len(parts) != 1 or len(parts[0]) < MIN_PREFIX:
                raise QueryError(f"Un prefijo con * necesita al menos {MIN_PREFIX} letras.",
                                 code="comodin_no_permitido", errors={"q": ["Prefijo demasiado corto."]})
            self._count(1)
            self.saw_words = True
            return Prefix(parts[0])
        if "*" in value or "?" in value:
            raise QueryError("Los comodines solo se permiten al final de una palabra (notifica*).",
                             code="comodin_no_permitido", errors={"q": ["Comodín no permitido."]})
        found = analysis.words(value)
        self.saw_words = self.saw_words or bool(found)
        nodes = []
        for word in found:
            if word in analysis.STOP_WORDS:
                continue
            self._count(1)
            self.words.append(word)
            nodes.append(Term(analysis.stem(word), word))
        if not nodes:
            return None
        # "39-C" or "días/hábiles": the pieces of one token stay together, as a phrase
        return nodes[0] if len(nodes) == 1 else Phrase(tuple(n.term for n in nodes))

    def _count(self, n: int):
        self.terms += n
        if self.terms > MAX_TERMS:
            raise QueryError(f"La consulta tiene demasiados términos (máximo {MAX_TERMS}).",
                             errors={"q": [f"Máximo {MAX_TERMS} términos."]})
