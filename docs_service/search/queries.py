"""A search as the API and pages run it: parse, decide what the caller may see, ask the engine,
then build fragments and highlights from what the engine stored with each entry, and the "¿quiso
decir…?" suggestion from the database (published text only, so drafts never leak through it)."""
import difflib
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from ..core.db import db
from ..core.fechas import fecha, hoy
from ..core.errors import InvalidInput, NotAllowed
from ..documents.models import PUBLISHED_STATES, Document, Section, Version
from ..documents.queries import sees_drafts, visible_versions
from ..workflow.states import IN_PROGRESS
from . import analysis
from .engine import FAR_FUTURE, FAR_PAST, Request, get_engine
from .operations import apply_pending_quietly
from .query import parse


@dataclass
class SearchArgs:
    q: str
    tipo: str | None = None
    area: str | None = None
    clave: str | None = None
    vigente_al: date | None = None
    historico: bool = False
    borradores: bool = False
    pagina: int = 1
    por_pagina: int = 10


def search(user, args: SearchArgs) -> dict:
    parsed = parse(args.q)
    day = args.vigente_al or hoy()
    if not FAR_PAST <= day <= FAR_FUTURE:  # the engines store vigencias within these (tantivy: 1677–2262)
        raise InvalidInput(f"«Vigente al» debe estar entre el {fecha(FAR_PAST)} y el {fecha(FAR_FUTURE)}.",
                           code="fecha_fuera_de_rango", errors={"vigente_al": ["Fecha fuera del intervalo permitido."]})
    if args.borradores:
        if not sees_drafts(user):
            raise NotAllowed("Solo los roles del flujo normativo pueden buscar en borradores.",
                             code="borradores_no_permitidos")
        states, filter_day = PUBLISHED_STATES + IN_PROGRESS, None
    elif args.historico:
        states, filter_day = PUBLISHED_STATES, None
    else:
        states, filter_day = PUBLISHED_STATES, day
    apply_pending_quietly()
    request = Request(query=parsed, states=tuple(states), day=filter_day, tipo=args.tipo, area=args.area,
                      clave=args.clave, offset=(args.pagina - 1) * args.por_pagina, limit=args.por_pagina)
    result = get_engine().search(request)
    items = _items(result.hits, parsed, day, set(states))
    answer = {"total": result.total, "items": items, "facetas": result.facets, "vigente_al": day,
              "sugerencia": None}
    if result.total == 0 and parsed.words:
        answer["sugerencia"] = suggest(parsed.text)
    return answer


def _items(hits, parsed, day, states) -> list[dict]:
    """The page's items, from what each entry stores (no database read): fragment and highlights
    computed over the stored text, in force or not on `day` from the stored dates."""
    highlight = analysis.Highlighter(*parsed.positive_terms())
    iso_day = day.isoformat()
    items = []
    for hit in hits:
        shown = hit.payload
        if shown["estado"] not in states:  # never trust a stale entry with what the caller may see
            continue
        whole = shown["orden"] < 0
        if whole:
            text = shown["texto"].partition("\n")[2]  # the first line holds the keywords
        else:
            text = " ".join(p for p in (shown["encabezado"], shown["texto"]) if p) or shown["numeral"]
        fragment, spans = highlight(text)
        in_force = shown["estado"] in PUBLISHED_STATES and shown["desde"] <= iso_day <= shown["hasta"]
        items.append({
            "documento_id": shown["documento_id"], "clave": shown["clave"], "titulo": shown["titulo"],
            "tipo": shown["tipo"], "area": shown["area"], "version": shown["version"],
            "estado": shown["estado"], "numeral": None if whole else shown["numeral"],
            "encabezado": None if whole else shown["encabezado"],
            "seccion": None if whole else shown["orden"],
            "fragmento": fragment, "resaltado": [list(s) for s in spans],
            "vigente_desde": _date(shown["vigente_desde"]), "vigente_hasta": _date(shown["vigente_hasta"]),
            "vigente": in_force, "puntaje": round(hit.score, 4),
        })
    return items


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def document_by_clave(user, text: str) -> Document | None:
    """The document whose clave is the whole query (a clave is not indexed as words), if `user` may
    see one of its versions: a draft-only document does not exist for whoever does not see drafts."""
    clave = text.strip().upper()
    if not re.fullmatch(current_app.config["DOCS_CLAVE_PATTERN"], clave):
        return None
    document = db.session.scalar(select(Document).where(Document.clave == clave))
    if document is None or not visible_versions(user, document):
        return None
    return document


def published_areas() -> list[str]:
    """The áreas responsables of documents with a published version, for the search page's filter
    (an área known only from drafts is not shown)."""
    return list(db.session.scalars(
        select(Document.area).join(Version, Version.documento_id == Document.id)
        .where(Version.estado.in_(PUBLISHED_STATES)).distinct().order_by(Document.area)))


# --- "¿quiso decir…?" -------------------------------------------------------------------------
def _vocabulary_key():
    return db.session.execute(select(func.count(Version.id), func.max(Version.publicado))
                              .where(Version.estado.in_(PUBLISHED_STATES))).one()


def vocabulary() -> dict:
    """Folded words of published text with their frequencies and the form each is most often written
    in («prescripción» for prescripcion), cached per process until a version is published (drafts
    are never part of it)."""
    key = tuple(_vocabulary_key())
    cache = current_app.extensions.setdefault("docs_search_vocabulary", {})
    if cache.get("key") != key:
        forms = Counter()  # (folded word, word as written) → how often
        rows = db.session.execute(
            select(Document.titulo, Section.titulo, Section.texto)
            .join(Version, Section.version_id == Version.id).join(Document, Version.documento_id == Document.id)
            .where(Version.estado.in_(PUBLISHED_STATES)))
        for titulo, heading, texto in rows:
            for written in analysis.WORD.findall(f"{titulo} {heading} {texto}".lower()):
                word = analysis.fold(written)
                if 2 < len(word) <= analysis.MAX_TOKEN and not word.isdigit() and word not in analysis.STOP_WORDS:
                    forms[word, written] += 1
        counts, written_as = Counter(), {}
        for (word, written), n in forms.most_common():  # the most frequent form of each word first
            counts[word] += n
            written_as.setdefault(word, written)
        by_letter = {}
        for word in counts:
            by_letter.setdefault(word[0], []).append(word)
        cache.clear()
        cache.update(key=key, counts=counts, by_letter=by_letter, written_as=written_as)
    return cache


OPERATORS = ("AND", "OR", "NOT")


def suggest(text: str) -> str | None:
    """The query as typed with each unknown word replaced by the closest frequent word of the
    corpus (quotes, OR/NOT, -exclusions, prefixes*, parentheses and numerals stay as they were);
    None if nothing changes."""
    vocab = vocabulary()
    counts, by_letter = vocab["counts"], vocab["by_letter"]
    out, last, changed = [], 0, False
    for match in analysis.WORD.finditer(text):
        typed = match.group()
        word = analysis.fold(typed)
        if (typed in OPERATORS or word in counts or word in analysis.STOP_WORDS or word.isdigit() or len(word) < 3
                or text[match.end():match.end() + 1] == "*" or not word.isalpha()):
            continue
        candidates = [w for w in by_letter.get(word[0], []) if abs(len(w) - len(word)) <= 2]
        close = difflib.get_close_matches(word, candidates, n=3, cutoff=0.75)
        if close:
            best = max(close, key=lambda w: (difflib.SequenceMatcher(None, word, w).ratio(), counts[w]))
            out += [text[last:match.start()], vocab["written_as"].get(best, best)]
            last = match.end()
            changed = True
    return "".join(out) + text[last:] if changed else None
