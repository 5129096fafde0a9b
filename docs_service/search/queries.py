"""A search as the API and pages run it: parse, decide what the caller may see, ask the engine,
then build fragments, highlights and the "¿quiso decir…?" suggestion from the database (published
text only, so drafts never leak through them)."""
import difflib
from collections import Counter
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select, tuple_

from ..core.db import db
from ..core.fechas import hoy
from ..core.errors import NotAllowed
from ..documents.models import PUBLISHED_STATES, Document, Section, Version
from ..documents.queries import sees_drafts
from ..workflow.states import IN_PROGRESS
from . import analysis
from .engine import Request, get_engine
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
    """The page's items, read from the database (the index only says which entries): two light
    queries, one for the versions and one for the sections shown."""
    if not hits:
        return []
    parts = [h.id.split(":") for h in hits]
    version_ids = {int(p[0]) for p in parts}
    versions = {row.id: row for row in db.session.execute(
        select(Version.id, Version.numero, Version.estado, Version.vigente_desde, Version.vigente_hasta,
               Document.id.label("documento_id"), Document.clave, Document.titulo, Document.tipo, Document.area,
               Document.abrogado_desde)
        .join(Document, Version.documento_id == Document.id).where(Version.id.in_(version_ids)))}
    wanted_sections = [(int(p[0]), int(p[2])) for p in parts if p[1] != "doc"]
    whole = {int(p[0]) for p in parts if p[1] == "doc"}
    cols = (Section.version_id, Section.orden, Section.numeral, Section.titulo, Section.texto)
    sections, full_text = {}, {}
    if wanted_sections:
        for row in db.session.execute(select(*cols).where(tuple_(Section.version_id, Section.orden).in_(wanted_sections))):
            sections[(row.version_id, row.orden)] = row
    if whole:
        for row in db.session.execute(select(*cols).where(Section.version_id.in_(whole)).order_by(Section.version_id, Section.orden)):
            full_text.setdefault(row.version_id, []).append(" ".join(p for p in (row.numeral, row.titulo, row.texto) if p))
    wanted, prefixes = parsed.positive_terms()
    items = []
    for hit, part in zip(hits, parts):
        version = versions.get(int(part[0]))
        if version is None or version.estado not in states:  # the database has the last word
            continue
        if part[1] == "doc":
            section, text = None, "\n".join(full_text.get(version.id, []))
        else:
            section = sections.get((version.id, int(part[2])))
            if section is None:
                continue
            text = " ".join(p for p in (section.titulo, section.texto) if p) or section.numeral
        fragment, spans = analysis.highlight(text, wanted, prefixes)
        in_force = (version.estado in PUBLISHED_STATES and version.vigente_desde is not None
                    and version.vigente_desde <= day and (version.vigente_hasta is None or version.vigente_hasta >= day)
                    and (version.abrogado_desde is None or day < version.abrogado_desde))
        items.append({
            "documento_id": version.documento_id, "clave": version.clave, "titulo": version.titulo,
            "tipo": version.tipo, "area": version.area, "version": version.numero,
            "estado": version.estado, "numeral": section.numeral if section else None,
            "encabezado": section.titulo if section else None,
            "seccion": int(part[1]) if section else None,
            "fragmento": fragment, "resaltado": [list(s) for s in spans],
            "vigente_desde": version.vigente_desde, "vigente_hasta": version.vigente_hasta,
            "vigente": in_force, "puntaje": round(hit.score, 4),
        })
    return items


# --- "¿quiso decir…?" -------------------------------------------------------------------------
def _vocabulary_key():
    return db.session.execute(select(func.count(Version.id), func.max(Version.publicado))
                              .where(Version.estado.in_(PUBLISHED_STATES))).one()


def vocabulary() -> dict:
    """Folded words of published text with their frequencies, cached per process until a version is
    published (drafts are never part of it)."""
    key = tuple(_vocabulary_key())
    cache = current_app.extensions.setdefault("docs_search_vocabulary", {})
    if cache.get("key") != key:
        counts = Counter()
        rows = db.session.execute(
            select(Document.titulo, Section.titulo, Section.texto)
            .join(Version, Section.version_id == Version.id).join(Document, Version.documento_id == Document.id)
            .where(Version.estado.in_(PUBLISHED_STATES)))
        for titulo, heading, texto in rows:
            counts.update(w for w in analysis.words(f"{titulo} {heading} {texto}")
                          if len(w) > 2 and not w.isdigit() and w not in analysis.STOP_WORDS)
        by_letter = {}
        for word in counts:
            by_letter.setdefault(word[0], []).append(word)
        cache.clear()
        cache.update(key=key, counts=counts, by_letter=by_letter)
    return cache


def suggest(text: str) -> str | None:
    """Replace each unknown word by the closest frequent word of the corpus; None if nothing changes."""
    vocab = vocabulary()
    counts, by_letter = vocab["counts"], vocab["by_letter"]
    out, changed = [], False
    for word in analysis.words(text):
        if word in counts or word in analysis.STOP_WORDS or word.isdigit() or len(word) < 3:
            out.append(word)
            continue
        candidates = [w for w in by_letter.get(word[0], []) if abs(len(w) - len(word)) <= 2]
        close = difflib.get_close_matches(word, candidates, n=3, cutoff=0.75)
        if close:
            best = max(close, key=lambda w: (difflib.SequenceMatcher(None, word, w).ratio(), counts[w]))
            out.append(best)
            changed = True
        else:
            out.append(word)
    return " ".join(out) if changed else None
