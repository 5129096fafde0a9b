"""A field's `patron` is a regular expression written by normative staff and matched against what
anyone posts: it must not be able to hang a worker (ReDoS, e.g. `(a+)+$`). When a schema is
uploaded the pattern is bounded in length, compiled, and refused if it nests a variable repetition
inside another (star height > 1), uses backreferences or look-behind, or exceeds a few repetitions; every
match then runs with the `regex` module's time bound, and a match that hits it refuses the value."""
import re
import re._constants as sre
import re._parser as sre_parse

import regex

MAX_PATTERN = 200
MATCH_TIMEOUT_S = 0.05
MAX_REPEATS = 12
REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT)
FORBIDDEN = {sre.GROUPREF: "referencias a grupos", sre.GROUPREF_EXISTS: "grupos condicionales",
             sre.ASSERT_NOT: None, sre.ASSERT: None}


class PatternRefused(ValueError):
    """Why a pattern cannot be used, in Spanish."""


class PatternTimeout(ValueError):
    """A value took longer than the bound to match."""


def check(pattern: str) -> None:
    """Refuse a pattern that is too long, invalid, or whose matching time could explode."""
    if len(pattern) > MAX_PATTERN:
        raise PatternRefused(f"excede {MAX_PATTERN} caracteres.")
    try:
        tree = sre_parse.parse(pattern)
        regex.compile(pattern)
    except (re.error, regex.error, RecursionError, OverflowError):
        raise PatternRefused("no es una expresión regular válida.") from None
    repeats = _walk(tree, inside_repeat=False)
    if repeats > MAX_REPEATS:
        raise PatternRefused(f"lleva más de {MAX_REPEATS} repeticiones.")


def _walk(items, inside_repeat: bool) -> int:
    """Counts repetitions; refuses a variable repetition inside another repetition (the many ways
    to split the input make backtracking exponential), and constructs it cannot bound."""
    count = 0
    for op, arg in items:
        if op in FORBIDDEN and FORBIDDEN[op]:
            raise PatternRefused(f"no admite {FORBIDDEN[op]}.")
        if op in (sre.ASSERT, sre.ASSERT_NOT) and arg[0] < 0:
            raise PatternRefused("no admite aserciones hacia atrás.")
        if op in REPEATS:
            low, high, sub = arg
            repeats_many = high is sre.MAXREPEAT or high > 1
            if inside_repeat and low != high:  # a variable repetition inside one that repeats
                raise PatternRefused("no admite repeticiones anidadas como (a+)+ (su evaluación puede no terminar).")
            count += 1 + _walk(sub, inside_repeat or repeats_many)
        elif op == sre.SUBPATTERN:
            count += _walk(arg[-1], inside_repeat)
        elif op == sre.BRANCH:
            count += sum(_walk(branch, inside_repeat) for branch in arg[1])
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            count += _walk(arg[1], inside_repeat)
        elif op == sre.ATOMIC_GROUP:
            count += _walk(arg, inside_repeat)
    return count


def fullmatch(pattern: str, value: str) -> bool:
    """Whether the whole value matches, within MATCH_TIMEOUT_S (PatternTimeout past it)."""
    try:
        return regex.fullmatch(pattern, value, timeout=MATCH_TIMEOUT_S) is not None
    except TimeoutError:
        raise PatternTimeout("no se pudo verificar su formato a tiempo; avise al área normativa.") from None
