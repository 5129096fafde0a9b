"""The PostgreSQL engine's match condition, built from the parsed query: the `matched` CTE of the
search statement (id, tipo, area, whole, score) and its parameters.

Without a phrase everything is answered by the GIN index, exactly. With one, positions must be
read: a section's small tsvector is checked directly, but a whole version matches a phrase where
one of its sections does, or its `cabeza` (title, keywords and numerals) does. Its large tsvector is only
asked, through the index, whether it holds the words — never walked position by position, which
cost as much as checking every section. The words kept apart by SECTION_GAP in the other engines
give the same answers."""
from . import query as q

NUMERAL_BOOST = 50.0
# A word in the text counts as much as one in the heading (weights D, C, B, A; the default gives the
# text 0.4), and the score is divided by 1 + log(length): a section that treats the subject (words in
# its heading and throughout its text) ranks above a short one that only names it, as BM25 ranks it
# on tantivy and Whoosh (with the default weights and rank / length, the demo's preamble «Criterio
# normativo 02/2021. Prescripción de los créditos fiscales…» came before numeral 2.1 for
# `prescripcion creditos`; MRR@10 of the labelled set 0.841 → 0.91).
RANK = "ts_rank('{0.1, 0.2, 1.0, 1.0}', tsv, to_tsquery('simple', %(rank_q)s), 1)"


def lexeme(term: str) -> str:
    return "'" + term.replace("'", "''").replace("\\", "") + "'"


class MatchBuilder:
    """SQL pieces for one query; `params` collects the driver's placeholders (psycopg style)."""

    def __init__(self, table: str, words: str, params: dict):
        self.table, self.words, self.params = table, words, params
        self.phrases: dict = {}  # Phrase -> its number (f<n>: a section matches it, h<n>: a cabeza does)
        self.more = False  # a whole version may need sections that are not candidates themselves

    def bind(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"

    def tsquery(self, text: str) -> str:
        return f"to_tsquery('simple', {self.bind(text)})"

    def prefix(self, node) -> str:
        return (f"id IN (SELECT id FROM {self.words} WHERE wtsv @@ "
                f"{self.tsquery(lexeme(node.prefix) + ':*')})")

    # --- no phrase: the index answers exactly --------------------------------------------------
    def indexed(self, node) -> str:
        if isinstance(node, q.Term):
            return f"tsv @@ {self.tsquery(lexeme(node.term))}"
        if isinstance(node, q.Phrase):
            return f"tsv @@ {self.tsquery(' <-> '.join(lexeme(t) for t in node.terms))}"
        if isinstance(node, q.Prefix):
            return self.prefix(node)
        if isinstance(node, q.And):
            return "(" + " AND ".join(f"NOT ({self.indexed(c.child)})" if isinstance(c, q.Not)
                                      else self.indexed(c) for c in node.children) + ")"
        if isinstance(node, q.Or):
            return "(" + " OR ".join(self.indexed(c) for c in node.children) + ")"
        raise ValueError(f"nodo desconocido {node!r}")

    # --- with phrases ------------------------------------------------------------------------
    def relaxed(self, node) -> str | None:
        """An indexed condition every match satisfies (a phrase asks only for its words; what is
        under a NOT is left to the exact check). None: no such condition (any row)."""
        if isinstance(node, q.Phrase):
            return f"tsv @@ {self.tsquery(' & '.join(lexeme(t) for t in node.terms))}"
        if isinstance(node, (q.Term, q.Prefix)):
            return self.indexed(node)
        if isinstance(node, q.And):
            parts = [p for p in (self.relaxed(c) for c in node.children if not isinstance(c, q.Not)) if p]
            return "(" + " AND ".join(parts) + ")" if parts else None
        if isinstance(node, q.Or):
            parts = [self.relaxed(c) for c in node.children]
            return None if None in parts else "(" + " OR ".join(parts) + ")"
        return None

    def exact(self, node, whole: bool, implied: bool = True) -> str:
        """The condition itself, on a candidate row of `cand`. `implied`: reached from the root
        through ANDs only, so the relaxed condition already settled a word or prefix (a whole
        version is a candidate only through it; a section may be one through a phrase's words)."""
        if isinstance(node, q.Term):
            tsq = self.tsquery(lexeme(node.term))
            if not whole:
                return f"ts_match_vq(tsv, {tsq})"
            return "TRUE" if implied else f"id IN (SELECT id FROM {self.table} WHERE tsv @@ {tsq})"
        if isinstance(node, q.Phrase):
            n = self.phrases.setdefault(node, len(self.phrases))
            if not whole:
                return f"f{n}"
            more = f" OR version_id IN (SELECT version_id FROM more WHERE f{n})" if self.more else ""
            return f"(h{n} OR version_id IN (SELECT version_id FROM cand WHERE f{n}){more})"
        if isinstance(node, q.Prefix):
            return "TRUE" if whole and implied else self.prefix(node)
        if isinstance(node, q.And):
            return "(" + " AND ".join(f"NOT ({self.exact(c.child, whole, False)})" if isinstance(c, q.Not)
                                      else self.exact(c, whole, implied) for c in node.children) + ")"
        if isinstance(node, q.Or):
            return "(" + " OR ".join(self.exact(c, whole, False) for c in node.children) + ")"
        raise ValueError(f"nodo desconocido {node!r}")


def has_phrase(node) -> bool:
    if isinstance(node, q.Phrase):
        return True
    if isinstance(node, q.Not):
        return has_phrase(node.child)
    return isinstance(node, (q.And, q.Or)) and any(has_phrase(c) for c in node.children)


def _one_phrase(node) -> bool:
    """The query is one phrase, alone or with exclusions of no phrase: every section with its words
    is a candidate already."""
    if isinstance(node, q.Phrase):
        return True
    if not isinstance(node, q.And):
        return False
    positive = [c for c in node.children if not isinstance(c, q.Not)]
    return (len(positive) == 1 and isinstance(positive[0], q.Phrase)
            and not any(has_phrase(c.child) for c in node.children if isinstance(c, q.Not)))


def rank_query(parsed) -> str:
    """All positive terms and phrases OR-ed: what ts_rank scores against."""
    parts = []

    def walk(node, negated=False):
        if isinstance(node, q.Term) and not negated:
            parts.append(lexeme(node.term))
        elif isinstance(node, q.Phrase) and not negated:
            parts.append("(" + " <-> ".join(lexeme(t) for t in node.terms) + ")")
        elif isinstance(node, (q.And, q.Or)):
            for child in node.children:
                walk(child, negated)
        elif isinstance(node, q.Not):
            walk(node.child, True)
    if parsed.expr is not None:
        walk(parsed.expr)
    return " | ".join(parts)


def matched_cte(table: str, words: str, parsed, filters: list, params: dict) -> str:
    """`matched AS MATERIALIZED (…)` (and `cand`, and maybe `more`, before it when the query has a
    phrase): the rows
    that match, with `whole` and the score of a section (a whole version's is computed later, only
    when the page reaches past the sections)."""
    params["numeral"] = parsed.numeral or ""
    rank_q = rank_query(parsed)
    params["rank_q"] = rank_q
    rank = RANK if rank_q else "0"
    if parsed.numeral:
        params["boost"] = NUMERAL_BOOST
        rank += " + CASE WHEN numeral = %(numeral)s THEN %(boost)s ELSE 0 END"
    build = MatchBuilder(table, words, params)
    condition = " AND ".join(filters)
    if parsed.expr is None or not has_phrase(parsed.expr):
        found = "numeral = %(numeral)s" if parsed.expr is None else build.indexed(parsed.expr)
        return f"""matched AS MATERIALIZED (
                SELECT id, tipo, area, cabeza IS NOT NULL AS whole,
                       CASE WHEN cabeza IS NULL THEN {rank} ELSE 0 END AS score
                  FROM {table} WHERE {condition} AND {found})"""
    # a whole version may need, for a phrase's sake, a section that is no candidate itself (`137
    # "acta de notificación"`: the section with the phrase lacks 137); `more` holds those of the
    # candidate whole versions only, found by the phrase's words and the version
    build.more = not _one_phrase(parsed.expr)
    section = build.exact(parsed.expr, whole=False)
    whole = build.exact(parsed.expr, whole=True)
    relaxed = build.relaxed(parsed.expr)
    tsqs = {n: build.tsquery(" <-> ".join(lexeme(t) for t in p.terms)) for p, n in build.phrases.items()}
    flags = ", ".join(f"CASE WHEN cabeza IS NULL THEN ts_match_vq(tsv, {tsq}) END AS f{n}, "
                      f"CASE WHEN cabeza IS NOT NULL THEN ts_match_vq(cabeza, {tsq}) END AS h{n}"
                      for n, tsq in tsqs.items())
    names = ", ".join(f"f{n}, h{n}" for n in build.phrases.values())
    more = ""
    if build.more:
        words_of = " OR ".join(build.relaxed(p) for p in build.phrases)
        more_flags = ", ".join(f"ts_match_vq(tsv, {tsq}) AS f{n}" for n, tsq in tsqs.items())
        more = f"""
            more AS MATERIALIZED (
                SELECT version_id, {more_flags} FROM {table}
                 WHERE cabeza IS NULL AND ({words_of}) AND version_id IN (SELECT version_id FROM cand WHERE whole)),"""
    return f"""cand AS MATERIALIZED (
                SELECT id, version_id, tipo, area, whole, {names},
                       CASE WHEN whole THEN NULL ELSE {section} END AS hit,
                       CASE WHEN whole THEN 0 ELSE {rank} END AS score
                  FROM (SELECT id, version_id, tipo, area, numeral, tsv, cabeza IS NOT NULL AS whole, {flags}
                          FROM {table} WHERE {condition}{f" AND {relaxed}" if relaxed else ""} OFFSET 0) c),{more}
            matched AS MATERIALIZED (
                SELECT id, tipo, area, whole, score FROM cand WHERE CASE WHEN whole THEN {whole} ELSE hit END)"""
