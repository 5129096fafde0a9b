"""Section-by-section diff between two versions, with word-level changes inside changed sections."""
import difflib
import re

from .models import Version

WORD = re.compile(r"\S+")


def _keyed(version: Version):
    """(key, section) pairs; a numeral repeated in the same version gets an occurrence suffix."""
    seen: dict[str, int] = {}
    pairs = []
    for section in version.sections:
        base = section.numeral or f"«{section.titulo or 'preámbulo'}»"
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else f"{base}#{seen[base]}"
        pairs.append((key, section))
    return pairs


def word_changes(old: str, new: str) -> list[dict]:
    a, b = WORD.findall(old or ""), WORD.findall(new or "")
    ops = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append({"op": "igual", "texto": " ".join(a[i1:i2])})
        if tag in ("delete", "replace"):
            ops.append({"op": "eliminado", "texto": " ".join(a[i1:i2])})
        if tag in ("insert", "replace"):
            ops.append({"op": "agregado", "texto": " ".join(b[j1:j2])})
    return ops


def _content(section) -> str:
    return f"{section.titulo}\n{section.texto}"


def diff_versions(old: Version, new: Version) -> dict:
    left, right = _keyed(old), _keyed(new)
    left_map, right_map = dict(left), dict(right)
    result = []

    def changed(key):
        a, b = left_map[key], right_map[key]
        if _content(a) != _content(b):
            result.append({"numeral": a.numeral or b.numeral, "clave_seccion": key, "cambio": "modificada",
                           "titulo": b.titulo, "titulo_anterior": a.titulo, "texto_anterior": a.texto,
                           "texto": b.texto, "palabras": word_changes(_content(a).strip(), _content(b).strip())})

    def removed(key):
        s = left_map[key]
        result.append({"numeral": s.numeral, "clave_seccion": key, "cambio": "eliminada", "titulo": s.titulo,
                       "texto_anterior": s.texto})

    def added(key):
        s = right_map[key]
        result.append({"numeral": s.numeral, "clave_seccion": key, "cambio": "agregada", "titulo": s.titulo,
                       "texto": s.texto})

    left_keys, right_keys = [k for k, _ in left], [k for k, _ in right]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, left_keys, right_keys, autojunk=False).get_opcodes():
        if tag == "equal":
            for key in left_keys[i1:i2]:
                changed(key)
            continue
        for key in left_keys[i1:i2]:
            if key in right_map:
                changed(key)
            else:
                removed(key)
        for key in right_keys[j1:j2]:
            if key not in left_map:
                added(key)
    counts = {c: sum(1 for r in result if r["cambio"] == c) for c in ("agregada", "eliminada", "modificada")}
    return {"documento": old.document.clave, "de": old.numero, "a": new.numero, "resumen": counts, "secciones": result}
