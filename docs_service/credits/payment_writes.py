"""Set-based statements of a conciliation chunk. On PostgreSQL they avoid what costs the driver more
than the server: no multi-row INSERT … RETURNING or thousand-value IN lists (psycopg parses such a
statement anew every time); arrays, COPY and one UPDATE … FROM unnest instead."""
from sqlalchemy import Date, String, bindparam, func, insert, select, text, update

from ..core.db import utcnow
from .models import Credit, Payment


def _postgres(conn) -> bool:
    return conn.dialect.name == "postgresql"


def applied_before(conn, origen: str, refs) -> set:
    """(origen, referencia, nrp, periodo) of the payments already applied among these referencias."""
    if _postgres(conn):
        rows = conn.execute(text("SELECT origen, referencia, nrp, periodo FROM pagos WHERE origen = :o "
                                 "AND referencia = ANY(CAST(:r AS text[])) AND estado <> 'duplicado'"),
                            {"o": origen, "r": list(refs)})
    else:
        rows = conn.execute(select(Payment.origen, Payment.referencia, Payment.nrp, Payment.periodo)
                            .where(Payment.origen == origen, Payment.referencia.in_(refs),
                                   Payment.estado != "duplicado"))
    return {tuple(r) for r in rows}


def insert_payments(conn, rows: list[dict]) -> list[int]:
    """Insert a chunk's payments; their ids in order: from the sequence on PostgreSQL; on SQLite the
    next ones after the greatest (this transaction has already written, so it holds the database's
    write lock and no other writer can take them)."""
    if _postgres(conn):
        ids = [r[0] for r in conn.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence('pagos', 'id')) FROM generate_series(1, %(n)s)", {"n": len(rows)})]
    else:
        last = conn.execute(select(func.max(Payment.id))).scalar() or 0
        ids = list(range(last + 1, last + 1 + len(rows)))
    now = utcnow()
    insert_rows(conn, Payment.__table__, [{**row, "id": pago_id, "registrado": now} for pago_id, row in zip(ids, rows)])
    return ids


def insert_rows(conn, table, rows: list[dict]):
    """INSERT of dicts with the same keys: executemany, or COPY on PostgreSQL."""
    if not rows:
        return
    if not _postgres(conn):
        conn.execute(insert(table), rows)
        return
    names = list(rows[0])
    cursor = conn.connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in names])


_UPDATE_PG = text(
    "UPDATE creditos SET saldo = u.saldo, fase = u.fase, lock = u.old + 1, "
    "fase_desde = coalesce(u.desde, creditos.fase_desde), motivo = coalesce(u.motivo, creditos.motivo) "
    "FROM unnest(CAST(:ids AS bigint[]), CAST(:old AS integer[]), CAST(:saldo AS numeric[]), CAST(:fase AS text[]), "
    "CAST(:desde AS date[]), CAST(:motivo AS text[])) AS u(id, old, saldo, fase, desde, motivo) "
    "WHERE creditos.id = u.id AND creditos.lock = u.old")


def update_credits(conn, credits) -> int:
    """Write the new saldo, phase and lock of the credits touched, each guarded by the lock it was
    read with; how many rows were updated (fewer: someone else changed one meanwhile)."""
    credits = list(credits)
    if _postgres(conn):
        return conn.execute(_UPDATE_PG, {"ids": [c.id for c in credits], "old": [c.old_lock for c in credits],
                                         "saldo": [c.saldo for c in credits], "fase": [c.fase for c in credits],
                                         "desde": [c.fase_desde for c in credits],
                                         "motivo": [c.motivo for c in credits]}).rowcount
    table = Credit.__table__
    statement = (update(table).where(table.c.id == bindparam("b_id"), table.c.lock == bindparam("b_old"))
                 .values(saldo=bindparam("b_saldo"), fase=bindparam("b_fase"), lock=bindparam("b_lock"),
                         fase_desde=func.coalesce(bindparam("b_desde", type_=Date), table.c.fase_desde),
                         motivo=func.coalesce(bindparam("b_motivo", type_=String), table.c.motivo)))
    result = conn.execute(statement, [{"b_id": c.id, "b_old": c.old_lock, "b_saldo": c.saldo, "b_fase": c.fase,
                                       "b_lock": c.old_lock + 1, "b_desde": c.fase_desde, "b_motivo": c.motivo}
                                      for c in credits])
    return result.rowcount if conn.dialect.supports_sane_multi_rowcount else len(credits)
