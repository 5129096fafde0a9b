"""The one text analysis every engine uses: tokenize → lowercase → fold accents → Spanish Snowball
(PyStemmer, Snowball ≥ 3.0) → a short domain synonym list. Engines receive already analysed tokens,
so the three backends index and query exactly the same terms (their own stemmers differ: Whoosh's
and PostgreSQL's `spanish` predate Snowball 3.0 and miss the -acion/-ucion plurals)."""
import re
import unicodedata
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


def fold(text: str) -> str:
    """Lowercase and strip accents (ñ → n too, as tantivy's ascii_fold does)."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    return lowered.translate(_FOLD)


_WORD_TERMS: dict = {}  # surface word → _word_term(word), for highlighting (bounded in highlight())


@lru_cache(maxsize=100000)
def _word_term(word: str) -> tuple[str, str]:
    """(folded word, indexed term or "" for a stop word / overlong token) of one surface word."""
    folded = fold(word)
    if folded in STOP_WORDS or len(folded) > MAX_TOKEN:
        return folded, ""
    return folded, stem(folded)


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


@lru_cache(maxsize=512)
def _heads_pattern(heads: frozenset):
    alternatives = "|".join(re.escape(h) for h in sorted(heads, key=len, reverse=True))
    return re.compile(r"(?<![^\W_])(?:" + alternatives + r")[^\W_]*")


def _candidate_spans(text: str, wanted_terms, prefixes):
    """(start, end) of the words of `text` that may match: found by one regular expression over the
    folded text when folding keeps every character's position (it does for Spanish), else every word."""
    heads = _heads(wanted_terms, prefixes)
    if not heads:
        return []
    folded = fold(text)
    if not _keeps_positions(text, folded):
        return [m.span() for m in WORD.finditer(text)]
    return [m.span() for m in _heads_pattern(heads).finditer(folded)]


NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ONE_TO_ONE: dict = {}  # non-ASCII character -> whether folding leaves exactly one character


def _keeps_positions(text: str, folded: str) -> bool:
    """Whether every character of `text` folds to exactly one (so offsets in `folded` are offsets
    in `text`); each distinct character is checked once per process."""
    if len(folded) != len(text):
        return False
    if folded is text or text.isascii():
        return True
    known = _ONE_TO_ONE
    for c in set(NON_ASCII.findall(text)):
        same = known.get(c)
        if same is None:
            same = known[c] = len(fold(c)) == 1
        if not same:
            return False
    return True


def highlight(text: str, wanted_terms: set[str], prefixes: tuple = (), size: int = 240) -> tuple[str, list]:
    """A fragment of `text` around the densest run of matching words, with the match spans given as
    (start, end) **character** offsets into the fragment (never byte offsets: accented text slices
    correctly). Matching is by analysed term, so `devoluciones` highlights *devolución*."""
    matches = []
    prefixes = tuple(prefixes)
    known = _WORD_TERMS
    for start, end in _candidate_spans(text, wanted_terms, prefixes):
        surface = text[start:end]
        found = known.get(surface)
        if found is None:
            found = _word_term(surface)
            if len(known) < 200_000:
                known[surface] = found
        word, term = found
        if term and (term in wanted_terms or (prefixes and word.startswith(prefixes))):
            matches.append((start, end))
    if not matches:
        fragment = text[:size]
        cut = fragment.rfind(" ") if len(text) > size else -1
        fragment = fragment[:cut] + " …" if cut > size // 2 else fragment
        return fragment, []
    best, best_count, j = 0, 0, 0
    for i, (start, _end) in enumerate(matches):  # densest window, two pointers
        j = max(j, i)
        while j + 1 < len(matches) and matches[j + 1][0] - start < size:
            j += 1
        if j - i + 1 > best_count:
            best, best_count = i, j - i + 1
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
