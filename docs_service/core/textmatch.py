"""Text matching the way people type in a search box: ignoring case and the accents of Spanish
(«gomez» finds «GÓMEZ», «prescripcion» finds «prescripción»), on SQLite as on PostgreSQL, with `%`
and `_` taken literally. Shared by the areas' searches."""
from sqlalchemy import String, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

# Accented letters of Spanish names and their plain form, in both cases: SQLite's upper() only knows
# ASCII, so they are replaced before upper-casing.
_ACCENTS = (("Á", "A"), ("É", "E"), ("Í", "I"), ("Ó", "O"), ("Ú", "U"), ("Ü", "U"), ("Ñ", "N"),
            ("á", "a"), ("é", "e"), ("í", "i"), ("ó", "o"), ("ú", "u"), ("ü", "u"), ("ñ", "n"))
_FOLD = str.maketrans(dict(_ACCENTS))


class fold_accents(FunctionElement):
    """SQL: the text of a column with the accents of `_ACCENTS` folded. PostgreSQL does it in one
    translate() per row; SQLite, which has no translate(), with a chain of replace()."""
    type = String()
    name = "fold_accents"
    inherit_cache = True


@compiles(fold_accents)
def _fold_with_replace(element, compiler, **kw):
    folded = list(element.clauses)[0]
    for accented, plain in _ACCENTS:
        folded = func.replace(folded, literal_column(f"'{accented}'"), literal_column(f"'{plain}'"))
    return compiler.process(folded, **kw)


@compiles(fold_accents, "postgresql")
def _fold_with_translate(element, compiler, **kw):
    accented, plain = ("".join(letters) for letters in zip(*_ACCENTS))
    return compiler.process(func.translate(list(element.clauses)[0], literal_column(f"'{accented}'"),
                                           literal_column(f"'{plain}'")), **kw)


def contains_folded(column, text: str):
    """SQL condition: `column` contains `text` ignoring case and accents («gomez» finds «GÓMEZ»,
    «panadería» finds «PANADERÍA» on SQLite too); `%` and `_` are literal."""
    needle = text.translate(_FOLD).upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return func.upper(fold_accents(column)).like(f"%{needle}%", escape="\\")
