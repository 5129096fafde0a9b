"""The one text analysis every engine uses: tokenize → lowercase → fold accents → Spanish Snowball
(PyStemmer, Snowball ≥ 3.0) → a short domain synonym list. Engines receive already analysed tokens,
so the three backends index and query exactly the same terms (their own stemmers differ: Whoosh's
and PostgreSQL's `spanish` predate Snowball 3.0 and miss the -acion/-ucion plurals)."""
import re
import unicodedata
from bisect import bisect_left
from functools import lru_cache

import Stemmer

WORD = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits (no underscore: PostgreSQL splits there)
MAX_TOKEN = 40  # longer tokens are noise (hashes, URLs); tantivy's remove_long does the same

# Snowball's Spanish stop list, shortened to the words that carry no meaning in a query.
STOP_WORDS = frozenset("""
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
ella ellas ellos en entre era esa esas ese eso esos esta estas este esto estos fue fueron ha han
hasta hay la las le les lo los mas me mi mis mucho muy ni no nos o os otra otro para pero por porque
que quien se sea ser si sin sobre su sus tambien te tiene tienen u un una uno unos y ya
""".split())

# Derivations no stemmer joins, by stem: each group is indexed and queried as its first stem.
SYNONYM_GROUPS = (
    ("prescrib", "prescripcion", "prescrit"),   # prescribir, prescripción, prescrito
    ("notif", "notific"),                       # notificación, notificar
    ("embarg", "embargabl"),                    # embargo, embargar, inembargable
    ("requer", "requier"),                      # requerir, requiere, requerimiento
    ("devolu", "devolv", "devuelt"),            # devolución, devolver, devuelto
    ("pag", "pagu"),                            # pago, paguen
)
SYNONYMS = {stem: group[0] for group in SYNONYM_GROUPS for stem in group}
GROUPS_BY_HEAD = {group[0]: group for group in SYNONYM_GROUPS}


@lru_cache(maxsize=1)
def _stemmer():
    return Stemmer.Stemmer("spanish")


class _FoldTable(dict):
    """str.translate table built on demand: each character maps to its NFKD decomposition without
    combining marks (é → e, ñ → n, ﬁ → fi); computed once per distinct character."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        self[code] = folded
        return folded


_FOLD = _FoldTable()


NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold_char(match) -> str:
    return _FOLD[ord(match.group())]


def fold(text: str) -> str:
    """Lowercase and strip accents (ñ → n too, as tantivy's ascii_fold does). Only the non-ASCII
    characters are looked up (a few in Spanish text), which is several times faster than
    translating every character."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return NON_ASCII.sub(_fold_char, lowered)


def term_of(word: str) -> str:
    """The indexed term of one folded word, "" if it is not indexed (stop word, overlong token);
    `stem` keeps its own cache."""
    return "" if word in STOP_WORDS or len(word) > MAX_TOKEN else stem(word)


def words(text: str) -> list[str]:
    """Folded surface words (no stop words removed): what prefix queries and suggestions use."""
    return [w for w in WORD.findall(fold(text)) if len(w) <= MAX_TOKEN and w != "_"]


@lru_cache(maxsize=50000)
def stem(word: str) -> str:
    """The indexed term of one folded word: Snowball stem, then its synonym group."""
    stemmed = _stemmer().stemWord(word)
    return SYNONYMS.get(stemmed, stemmed)


def terms(text: str) -> list[str]:
    """Indexed terms of a text, in order (stop words dropped, so phrases are compared without them)."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


def term_string(text: str) -> str:
    return " ".join(terms(text))


def word_string(text: str) -> str:
    return " ".join(w for w in words(text) if w not in STOP_WORDS)


NUMERAL_CHARS = re.compile(r"[^0-9a-zñ.]+")


def normalize_numeral(numeral: str) -> str:
    """`10 e)`, `10 E)`, `10e` → `10e`; `7.3.1.1.` → `7.3.1.1`; `IV.` → `iv`: the keyword we index."""
    value = NUMERAL_CHARS.sub("", (numeral or "").lower()).strip(".")
    return value[:64]


def _heads(wanted_terms, prefixes) -> frozenset:
    """First letters every word that can match must start with (folded). Snowball's Spanish steps
    only change a word inside its RV region, which never holds the first three letters, and a
    synonym group adds the heads of all its stems."""
    heads = set()
    for term in wanted_terms:
        for stem_ in GROUPS_BY_HEAD.get(term, (term,)):
            heads.add(stem_[:3])
    heads.update(p[:3] for p in prefixes)
    return frozenset(h for h in heads if h)


# Characters a Spanish text may hold (Latin, its extensions, punctuation and letter-like symbols,
# ligatures, full-width forms): scanned once per process to match heads in the text as written.
FOLD_RANGES = ((0x80, 0x2FF), (0x1E00, 0x1EFF), (0x2000, 0x24FF), (0xFB00, 0xFB4F), (0xFF00, 0xFFEF))
_FOLDS_TO: dict = {}   # folded character → the characters that fold to it alone
_MULTI = []            # [pattern of the characters whose folded form is not one character]


def _fold_tables():
    if not _MULTI:
        multi = []
        for first, last in FOLD_RANGES:
            for code in range(first, last + 1):
                original = chr(code)
                folded = fold(original)
                if len(folded) == 1:
                    _FOLDS_TO.setdefault(folded, []).append(original)
                else:
                    multi.append(original)
        _MULTI.append(re.compile("[" + re.escape("".join(multi)) + "]"))
    return _FOLDS_TO, _MULTI[0]


def _folds_to(char: str) -> str:
    return char + "".join(c for c in _fold_tables()[0].get(char, ()) if c != char) + char.upper()


@lru_cache(maxsize=512)
def _heads_pattern(heads: frozenset):
    """The candidates of a query in the text as written: a word part starting with one of `heads`,
    each letter matched by every character that folds to it (c, C, ç…; e, é, É…), so the text is
    never folded as a whole. The word boundary is checked by the caller: a leading \\b or
    look-behind makes Python's engine try every position instead of jumping to the heads' letters."""
    alternatives = "|".join("".join("[" + re.escape(_folds_to(c)) + "]" for c in head)
                            for head in sorted(heads, key=len, reverse=True))
    return re.compile("(?:" + alternatives + r")[^\W_]*")


_SURFACE: dict = {}  # word as written → (folded word, term), for highlighting (bounded)


def _matches(text: str, wanted_terms, prefixes: tuple, heads: frozenset) -> list:
    """(start, end) of the words of `text` whose term is wanted or that start with a prefix: the
    candidates (words starting with a wanted head) found by one regular expression over the text
    as written, each checked by its term."""
    if not heads:
        return []
    matches = []
    known = _SURFACE
    if text.isascii() or not _fold_tables()[1].search(text):
        candidates = _heads_pattern(heads).finditer(text)
    else:  # a ligature or the like: its word may fold to a head it does not start with
        candidates = WORD.finditer(text)
    for m in candidates:
        start = m.start()
        if start and text[start - 1].isalnum():  # inside a word: not a candidate
            continue
        surface = m.group()
        found = known.get(surface)
        if found is None:
            word = fold(surface)
            found = (word, term_of(word))
            if len(known) < 200_000:
                known[surface] = found
        word, term = found
        if term and (term in wanted_terms or (prefixes and word.startswith(prefixes))):
            matches.append(m.span())
    return matches


class Highlighter:
    """Fragments and highlights for one query: what it looks for is worked out once, then applied
    to each result's text."""

    def __init__(self, wanted_terms: set, prefixes=(), size: int = 240):
        self.wanted = wanted_terms
        self.prefixes = tuple(prefixes)
        self.heads = _heads(wanted_terms, self.prefixes)
        self.size = size

    def __call__(self, text: str) -> tuple[str, list]:
        if not text.isascii() and not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)  # combining accents would split words
        return _fragment(text, _matches(text, self.wanted, self.prefixes, self.heads), self.size)


def highlight(text: str, wanted_terms: set[str], prefixes: tuple = (), size: int = 240) -> tuple[str, list]:
    """A fragment of `text` around the densest run of matching words, with the match spans given as
    (start, end) **character** offsets into the fragment (never byte offsets: accented text slices
    correctly). Matching is by analysed term, so `devoluciones` highlights *devolución*."""
    return Highlighter(wanted_terms, prefixes, size)(text)


def _fragment(text: str, matches: list, size: int) -> tuple[str, list]:
    if not matches:
        fragment = text[:size]
        cut = fragment.rfind(" ") if len(text) > size else -1
        fragment = fragment[:cut] + " …" if cut > size // 2 else fragment
        return fragment, []
    best = 0
    if len(matches) > 1:  # the densest window: matches starting within `size` of each match
        starts = [start for start, _end in matches]
        counts = [bisect_left(starts, start + size, i) - i for i, start in enumerate(starts)]
        best = counts.index(max(counts))
    anchor = matches[best][0]
    begin = max(0, anchor - size // 4)
    if begin > 0:
        space = text.rfind(" ", 0, begin)
        begin = space + 1 if space >= 0 and begin - space < 30 else begin
    end = min(len(text), begin + size)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > begin + size // 2 else end
    spans = [(s - begin, e - begin) for s, e in matches if s >= begin and e <= end]
    fragment = text[begin:end]
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text) else ""
    spans = [(s + len(prefix), e + len(prefix)) for s, e in spans]
    return prefix + fragment + suffix, spans


def mark(fragment: str, spans: list) -> str:
    """HTML of a fragment with <mark> around the spans (the text itself escaped)."""
    from markupsafe import escape
    out, last = [], 0
    for start, end in spans:
        out.append(str(escape(fragment[last:start])))
        out.append("<mark>" + str(escape(fragment[start:end])) + "</mark>")
        last = end
    out.append(str(escape(fragment[last:])))
    return "".join(out)
