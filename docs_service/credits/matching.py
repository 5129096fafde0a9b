"""Open credits for the conciliation of a chunk of payments, read by indexed keys.

A payment matches the open credits (saldo > 0, phase not terminal) of its NRP + periodo + concepto in
número order, or only the credit it names. A chunk reads, per (patrón, periodo, concepto) key it
needs, only the first few open credits in número order (one statement for many keys, on the partial
index `ix_creditos_abiertos`) and more of a key only when a payment uses them all up: a patrón with
a hundred thousand credits costs a chunk what its own payments touch, not all of its credits."""
from dataclasses import dataclass, field
from functools import lru_cache

from sqlalchemy import Integer, String, select, text

from .models import Credit, Money, Patron
from .phases import NON_TERMINAL

COLUMNS = "id, numero, concepto, saldo, fase, lock, periodo, patron_id"
BRANCHES = 200  # keys per statement (SQLite allows 500 terms in a compound SELECT)
PER_PAYMENT = 2  # credits read first per payment of a key (a payment often closes more than one)
FLOORS = 200_000  # keys whose floor is kept between chunks
MORE = 64  # credits per extra read of a key whose first ones were used up
# Literal `saldo > 0`: SQLite uses a partial index only when the query repeats its condition.
_OPEN = "saldo > 0 AND fase IN (" + ", ".join(f"'{p}'" for p in NON_TERMINAL) + ")"


@lru_cache(maxsize=BRANCHES + 1)
def _first_open(branches: int):
    """One statement: for each key i, its first :k{i} open credits with número > :n{i}."""
    one = ("SELECT * FROM (SELECT {cols} FROM creditos WHERE patron_id = :p{i} AND periodo = :v{i} "
           "AND concepto = :c{i} AND numero > :n{i} AND {open} ORDER BY numero LIMIT :k{i}) AS q{i}")
    sql = " UNION ALL ".join(one.format(cols=COLUMNS, open=_OPEN, i=i) for i in range(branches))
    return text(sql).columns(id=Integer, numero=String, concepto=String, saldo=Money, fase=String, lock=Integer,
                             periodo=String, patron_id=Integer)


# PostgreSQL: the same for any number of keys in one short statement (planned once, arrays bound).
_FIRST_OPEN_PG = text(
    "SELECT c.* FROM unnest(CAST(:p AS integer[]), CAST(:v AS text[]), CAST(:c AS text[]), CAST(:n AS text[]), "
    "CAST(:k AS integer[])) AS k(patron_id, periodo, concepto, numero, k) CROSS JOIN LATERAL (SELECT " + COLUMNS +
    " FROM creditos WHERE creditos.patron_id = k.patron_id AND creditos.periodo = k.periodo AND creditos.concepto = "
    "k.concepto AND creditos.numero > k.numero AND " + _OPEN + " ORDER BY creditos.numero LIMIT k.k) AS c"
).columns(id=Integer, numero=String, concepto=String, saldo=Money, fase=String, lock=Integer, periodo=String,
          patron_id=Integer)


@dataclass(eq=False)
class OpenCredit:
    id: int
    numero: str
    concepto: str
    saldo: object
    fase: str
    lock: int
    periodo: str
    patron_id: int
    old_lock: int = 0
    fase_desde: object = None
    motivo: object = None


@dataclass
class _Key:
    wanted: int
    items: list = field(default_factory=list)
    complete: bool = False
    start: int = 0  # items before it have no saldo left


class OpenCredits:
    """The chunk's view of the open credits it touches (one object per credit, so a credit's saldo
    lowered by one payment is what the next payment of the chunk sees)."""

    def __init__(self, conn, floors: dict | None = None):
        self.conn, self.by_id, self.keys, self.patrones, self.named = conn, {}, {}, {}, {}
        # Per key, a número at or below which this import has seen every open credit closed: the
        # next chunk reads from there (on PostgreSQL a credit paid in this transaction leaves a
        # dead index entry that every later read of its key would otherwise step over).
        self.floors = {} if floors is None else floors
        self.postgres = conn.dialect.name == "postgresql"

    def _credit(self, row) -> OpenCredit:
        credit = self.by_id.get(row[0])
        if credit is None:
            credit = self.by_id[row[0]] = OpenCredit(*row, old_lock=row[5])
        return credit

    def load(self, nrps, wanted: dict, numeros=()):
        """Read the patrones of `nrps`; for each (nrp, periodo) → n in `wanted`, the first n + 1 open
        credits of each concepto; the credits named by `numeros` (any phase and saldo)."""
        self.patrones = dict(self.conn.execute(select(Patron.nrp, Patron.id).where(Patron.nrp.in_(nrps))).all())
        todo = []
        for (nrp, periodo), count in wanted.items():
            patron_id = self.patrones.get(nrp)
            if patron_id is None:
                continue
            for concepto in ("COP", "RCV"):
                key = (patron_id, periodo, concepto)
                self.keys[key] = _Key(wanted=PER_PAYMENT * count + 2)
                todo.append(key)
        step = (len(todo) or 1) if self.postgres else BRANCHES
        for start in range(0, len(todo), step):
            self._read(todo[start:start + step])
        if numeros:
            stmt = (select(Credit.id, Credit.numero, Credit.concepto, Credit.saldo, Credit.fase, Credit.lock,
                           Credit.periodo, Credit.patron_id, Patron.nrp).join(Patron, Credit.patron_id == Patron.id)
                    .where(Credit.numero.in_(numeros)))
            for row in self.conn.execute(stmt):
                self.named[row.numero] = (row.nrp, self._credit(tuple(row)[:8]))

    def _read(self, keys):
        entries = [self.keys[key] for key in keys]
        after = [e.items[-1].numero if e.items else self.floors.get(k, "") for k, e in zip(keys, entries)]
        if self.postgres:
            statement = _FIRST_OPEN_PG
            params = {"p": [k[0] for k in keys], "v": [k[1] for k in keys], "c": [k[2] for k in keys], "n": after,
                      "k": [e.wanted for e in entries]}
        else:
            statement, params = _first_open(len(keys)), {}
            for i, (key, entry) in enumerate(zip(keys, entries)):
                params.update({f"p{i}": key[0], f"v{i}": key[1], f"c{i}": key[2], f"k{i}": entry.wanted,
                               f"n{i}": after[i]})
        found = {key: [] for key in keys}
        for row in self.conn.execute(statement, params):
            credit = self._credit(tuple(row))
            found[(credit.patron_id, credit.periodo, credit.concepto)].append(credit)
        for key, rows in found.items():
            entry = self.keys[key]
            entry.complete = len(rows) < entry.wanted
            entry.items.extend(rows)

    def close(self):
        """Move each key's floor past the credits now closed at the start of its list."""
        floors = self.floors
        if len(floors) > FLOORS:  # memory stays flat; a key that loses its floor reads from its start
            floors.clear()
        for key, entry in self.keys.items():
            floor = None
            for credit in entry.items:
                if credit.saldo > 0 and credit.fase in NON_TERMINAL:
                    break
                floor = credit.numero
            if floor is not None:
                floors[key] = floor

    def candidates(self, data):
        """For plan_payment: concepto → the payment's open credits in número order, read on demand."""
        numero = data.get("credito_numero")
        if numero:
            nrp, credit = self.named.get(numero, (None, None))
            matches = [credit] if credit is not None and nrp == data["nrp"] and credit.periodo == data["periodo"] \
                else []
            return lambda concepto: (c for c in matches if c.concepto == concepto)
        patron_id = self.patrones.get(data["nrp"])
        return lambda concepto: self._open(patron_id, data["periodo"], concepto)

    def _open(self, patron_id, periodo, concepto):
        entry = self.keys.get((patron_id, periodo, concepto))
        if entry is None:
            return
        while entry.start < len(entry.items) and entry.items[entry.start].saldo <= 0:
            entry.start += 1
        at = entry.start
        while True:
            while at < len(entry.items):
                yield entry.items[at]
                at += 1
            if entry.complete:
                return
            entry.wanted = MORE
            self._read([(patron_id, periodo, concepto)])
