"""Set-based writes of the credit import, on the DBAPI connection of the current transaction: one
query per chunk for the keys already there, `executemany` of plain tuples on SQLite and `COPY` on
PostgreSQL. Values are converted with SQLAlchemy's own bind processors of each column (computed
once), so rows read back exactly as if the ORM had written them.

On PostgreSQL a chunk's credits are COPied from a thread while the importer validates the next
chunk: the server's work (indexes, foreign keys) overlaps the client's instead of following it. One
write at a time, on the same connection and transaction; every other use of the connection waits
for it first (`finish`), and its error is raised there."""
import threading
from decimal import Decimal

from sqlalchemy import Numeric

from ..core.db import db, utcnow
from .models import Credit, Patron
from .validation import CREDIT_FIELDS

PATRON_COLUMNS = ("nrp", "rfc", "curp", "razon_social", "tipo_persona", "modalidad", "municipio", "unidad_id",
                  "sintetico", "creado")
# Per-row fields, then the ones every imported credit shares.
CONSTANT_FIELDS = ("patron_id", "lote_id", "creado", "lock", "observaciones", "en_aclaracion",
                   "interes_fiscal_garantizado", "pae_suspendido", "en_condonacion")
CREDIT_COLUMNS = CREDIT_FIELDS + CONSTANT_FIELDS
CENT = Decimal("0.01")
# SQLite page cache during an import (KiB, as PRAGMA cache_size takes it when negative): the default
# 2 MB spills the indexes' pages many times over on a large file; 64 MB is a fixed bound, not one
# that grows with the file.
IMPORT_CACHE_KIB = 65536


class Writer:
    """Reads and writes of one import, inside the caller's transaction."""

    def __init__(self, lote_id: int):
        connection = db.session.connection()
        self.dialect = connection.dialect
        self.postgres = self.dialect.name == "postgresql"
        self.dbapi = connection.connection.driver_connection
        self._cache_size, self._pending, self._error = None, None, None
        if self.postgres:  # imports run one at a time: a concurrent one waits, then sees these rows
            self.dbapi.execute("SELECT pg_advisory_xact_lock(hashtext('creditos_importacion'))")
        else:
            self._cache_size = self._pragma("PRAGMA cache_size")
            self._pragma(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        now = utcnow()
        self._credit_steps = self._steps(Credit, CREDIT_FIELDS)
        self._patron_procs = self._processors(Patron, PATRON_COLUMNS)
        self._constants = self._convert(Credit, CONSTANT_FIELDS[1:], (lote_id, now, 1, "", False, False, False, False))
        self._now = now

    def finish(self):
        """Wait for the write in progress; raise its error, if it failed."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.join()
        error, self._error = self._error, None
        if error is not None:
            raise error

    def close(self):
        """After the import, whatever its outcome: no write is left running on the connection, and
        the connection gets its page cache back (it returns to the pool)."""
        if self._pending is not None:  # an error is already on its way up
            self._pending.join()
            self._pending = self._error = None
        if self._cache_size is not None:
            self._pragma(f"PRAGMA cache_size = {int(self._cache_size)}")
            self._cache_size = None

    def _pragma(self, sql: str):
        cursor = self.dbapi.cursor()
        try:
            row = cursor.execute(sql).fetchone()
        finally:
            cursor.close()
        return row[0] if row else None

    def _processors(self, model, names):
        if self.postgres:  # psycopg adapts Decimal, date and bool itself (COPY included)
            return [None] * len(names)
        return [model.__table__.c[name].type._cached_bind_processor(self.dialect) for name in names]

    def _steps(self, model, names):
        """(index, converter) of the columns whose values need converting; dates and booleans,
        which repeat, through a memo."""
        steps = []
        for i, (name, proc) in enumerate(zip(names, self._processors(model, names))):
            if proc is not None:
                steps.append((i, proc if isinstance(model.__table__.c[name].type, Numeric) else _Memo(proc)))
        return steps

    def _convert(self, model, names, values):
        procs = self._processors(model, names)
        return tuple(v if p is None or v is None else p(v) for p, v in zip(procs, values))

    def _select(self, sql: str, values: list):
        """Rows of `sql` whose last condition is `key IN (…values…)`."""
        if not values:
            return []
        if self.postgres:
            self.finish()
            return self.dbapi.execute(sql + " = ANY(%s)", (values,)).fetchall()
        cursor = self.dbapi.cursor()
        try:
            return cursor.execute(sql + " IN (" + ",".join("?" * len(values)) + ")", values).fetchall()
        finally:
            cursor.close()

    def existing_credits(self, numeros: list) -> dict:
        """número → (lote_id, patron_id, periodo, importe_total) of those already loaded."""
        rows = self._select("SELECT numero, lote_id, patron_id, periodo, importe_total FROM creditos WHERE numero",
                            numeros)
        if self.postgres:
            return {r[0]: r[1:] for r in rows}
        return {r[0]: (r[1], r[2], r[3], Decimal(str(r[4])).quantize(CENT)) for r in rows}

    def patrones(self, nrps: list) -> dict:
        """NRP → (id, RFC) of the patrones already registered."""
        return {nrp: (id_, rfc) for nrp, id_, rfc in self._select("SELECT nrp, id, rfc FROM patrones WHERE nrp", nrps)}

    def insert_patrones(self, rows: list[dict]) -> dict:
        """Insert new patrones; NRP → (id, RFC) of each."""
        tuples = [tuple(p(v) if p is not None and v is not None else v
                        for p, v in zip(self._patron_procs, (*(r[c] for c in PATRON_COLUMNS[:-1]), self._now)))
                  for r in rows]
        self.finish()
        self._write("patrones", PATRON_COLUMNS, tuples)
        return self.patrones([r["nrp"] for r in rows])

    def insert_credits(self, rows: list[tuple], patron_ids: list[int]):
        """`rows` in CREDIT_FIELDS order, `patron_ids` aligned with them."""
        constants = self._constants
        if self.postgres:
            tuples = [(*row, patron_id, *constants) for row, patron_id in zip(rows, patron_ids)]
            self._in_background(self._write, "creditos", CREDIT_COLUMNS, tuples)
            return
        steps, tuples = self._credit_steps, []
        for row, patron_id in zip(rows, patron_ids):
            values = [*row, patron_id, *constants]
            for i, convert in steps:
                values[i] = convert(values[i])
            tuples.append(values)
        self._write("creditos", CREDIT_COLUMNS, tuples)

    def _in_background(self, work, *args):
        self.finish()

        def run():
            try:
                work(*args)
            except BaseException as error:  # noqa: BLE001 — handed to the importer's thread by finish()
                self._error = error

        self._pending = threading.Thread(target=run, name="creditos-copy", daemon=True)
        self._pending.start()

    def _write(self, table: str, columns: tuple, tuples: list):
        if not tuples:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        if self.postgres:
            with self.dbapi.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in tuples:
                    copy.write_row(values)
            return
        cursor = self.dbapi.cursor()
        try:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", tuples)
        finally:
            cursor.close()


class _Memo(dict):
    """A bind processor remembered per value (a file has a few thousand distinct dates)."""

    def __init__(self, proc):
        super().__init__()
        self.proc = proc

    def __call__(self, value):
        if value is None:
            return None
        if len(self) > 50_000:
            self.clear()
        return self[value]

    def __missing__(self, value):
        converted = self[value] = self.proc(value)
        return converted
