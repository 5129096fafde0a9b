"""official catalog of OOAD and Subdelegaciones; central level keyed NC; drop the provenance flags

Until 0002 the catalog was a placeholder: 4 keys confirmed, the rest illustrative, some wrong
(Ciudad de México as 35/37 instead of 39/40, a "3302 Mérida Sur" that is 3333). This revision
turns an existing instance into the official catalog (docs_service/accounts/unidades.csv) keeping
every reference valid: each placeholder unit is folded into the official unit it stands for (same
place, by name), or into its OOAD when the official list has no counterpart, and every foreign key to
`unidades` (users, acuses, credits and whatever else references it) follows. Two acuses of one
version that land on the same unit are merged, keeping the one with the receipt. Append-only tables
that name a unit (the credit event log) are re-pointed too: the guard is lifted for that one UPDATE
and restored; the rows keep their meaning (the same place under its official key).

Revision ID: 0003
Revises: 0005
Create Date: 2026-12-01
"""
import logging

import sqlalchemy as sa
from alembic import op

from docs_service.accounts.catalog import CENTRAL_CLAVE, read_catalog
from docs_service.migrations.helpers import create_append_only, drop_append_only, is_append_only

revision = '0003'
down_revision = '0005'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# Every key of the placeholder catalog (0001–0002) -> its official key. Where the placeholder named a
# place the official list has, the place's official key; otherwise (marked ·) the unit's OOAD.
REMAP = {
    "09": CENTRAL_CLAVE,
    "01": "01", "0101": "0101",
    "02": "02", "0201": "0203", "0202": "0201", "0203": "0205", "0204": "0202",
    "03": "03", "0301": "0301", "0302": "0308",
    "04": "04", "0401": "0401", "0402": "0404",
    "05": "05", "0501": "0503", "0502": "0509", "0503": "0517", "0504": "0512", "0505": "0511",
    "06": "06", "0601": "0601", "0602": "0603",
    "07": "07", "0701": "0701", "0702": "0702", "0703": "07", "0704": "07",  # · San Cristóbal, Comitán
    "08": "08", "0801": "0801", "0802": "08", "0803": "0805", "0804": "0822", "0805": "0803",  # · Juárez (1 or 2?)
    "10": "10", "1001": "1001", "1002": "1013",
    "11": "11", "1101": "1117", "1102": "1108", "1103": "1105", "1104": "1101", "1105": "1114",
    "12": "12", "1201": "1201", "1202": "1202", "1203": "1203", "1204": "1213",
    "13": "13", "1301": "1301", "1302": "1310", "1303": "1305",
    "14": "14", "1401": "1438", "1402": "1440", "1403": "1439", "1404": "1439", "1405": "14", "1406": "14",
    "1407": "1450", "1408": "1422",  # · Zapopan, Tlaquepaque
    "15": "15", "1501": "1554", "1502": "15", "1503": "1580", "1504": "15", "1505": "15",
    "16": "16", "1601": "1601", "1602": "1506", "1603": "16", "1604": "16", "1605": "1605",
    "17": "17", "1701": "1703", "1702": "1709", "1703": "1713", "1704": "1727", "1705": "1717",
    "18": "18", "1801": "1801", "1802": "1811", "1803": "1815",
    "19": "19", "1901": "1901", "1902": "19",
    "20": "20", "2001": "20", "2002": "20", "2003": "20", "2004": "20", "2005": "20", "2006": "20",  # · all
    "21": "21", "2101": "2102", "2102": "2103", "2103": "2104", "2104": "21",
    "22": "22", "2201": "2201", "2202": "2222", "2203": "2206", "2204": "2205", "2205": "22",
    "23": "23", "2301": "2301", "2302": "2303",
    "24": "24", "2401": "2407", "2402": "2401", "2403": "2402",
    "25": "25", "2501": "25", "2502": "2505", "2503": "2503",  # · San Luis Potosí (Oriente or Poniente?)
    "26": "26", "2601": "2601", "2602": "2605", "2603": "2603", "2604": "2604",
    "27": "27", "2701": "2701", "2702": "2770", "2703": "2710", "2704": "2707", "2705": "2703",
    "28": "28", "2801": "2801", "2802": "2802",
    "29": "29", "2901": "2901", "2902": "2910", "2903": "2904", "2904": "2919", "2905": "2918", "2906": "2913",
    "30": "30", "3001": "3001", "3002": "30",
    "31": "31", "3101": "3102", "3102": "3112", "3103": "3107", "3104": "31",
    "32": "32", "3201": "3203", "3202": "3202", "3203": "3245", "3204": "32",
    "33": "33", "3301": "3301", "3302": "3333", "3303": "33",
    "34": "34", "3401": "3401", "3402": "3409",
    "35": "39", "3501": "3956", "3502": "3954", "3503": "39", "3504": "39", "3505": "39",
    "37": "40", "3701": "4006", "3702": "40", "3703": "40", "3704": "40", "3705": "40", "3706": "40",
}

units = sa.table("unidades", sa.column("id", sa.Integer), sa.column("clave", sa.String),
                 sa.column("nombre", sa.String), sa.column("tipo", sa.String), sa.column("ooad_clave", sa.String))
acuses = sa.table("acuses", sa.column("id", sa.Integer), sa.column("version_id", sa.Integer),
                  sa.column("unidad_id", sa.Integer), sa.column("estado", sa.String))


def _target(clave: str, ooad: str | None, official: set[str]) -> str:
    """The official key an existing unit becomes: the table above, an official key kept as is, or
    (for a Subdelegación unknown to both) its OOAD."""
    for key in (REMAP.get(clave), clave if clave in official else None, REMAP.get(ooad or "", ooad)):
        if key in official:
            return key
    raise RuntimeError(f"La unidad {clave} no tiene equivalente en el catálogo oficial; "
                       "asígnela a mano antes de migrar.")


def _references(bind) -> list[tuple[str, str]]:
    """(table, column) of every foreign key to unidades.id, other than acuses (merged apart)."""
    inspector = sa.inspect(bind)
    found = []
    for table in inspector.get_table_names():
        for fk in inspector.get_foreign_keys(table):
            if fk["referred_table"] == "unidades" and table != "acuses":
                found.extend((table, column) for column in fk["constrained_columns"])
    return found


def _move_acuses(bind, old_id: int, new_id: int) -> None:
    """Acuses of old_id go to new_id; where the version already has one there, keep the receipt."""
    for acuse_id, version_id, estado in bind.execute(
            sa.select(acuses.c.id, acuses.c.version_id, acuses.c.estado).where(acuses.c.unidad_id == old_id)).all():
        other = bind.execute(sa.select(acuses.c.id, acuses.c.estado).where(
            acuses.c.version_id == version_id, acuses.c.unidad_id == new_id)).first()
        if other is not None and (other.estado == "recibido" or estado != "recibido"):
            bind.execute(acuses.delete().where(acuses.c.id == acuse_id))
            continue
        if other is not None:
            bind.execute(acuses.delete().where(acuses.c.id == other.id))
        bind.execute(acuses.update().where(acuses.c.id == acuse_id).values(unidad_id=new_id))


def _temporary_key(unit_id: int) -> str:
    """A key no catalog uses, within the column's 4 characters."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if unit_id >= 36 ** 3:
        raise RuntimeError(f"Id de unidad fuera de rango para la migración: {unit_id}")
    return "~" + "".join(digits[unit_id // 36 ** p % 36] for p in (2, 1, 0))


def upgrade():
    bind = op.get_bind()
    for column in ("oficial", "nota", "clase"):  # every unit is official now; the class was never verified
        op.execute(f"ALTER TABLE unidades DROP COLUMN {column}")
    catalog = {u.clave: u for u in read_catalog()}
    existing = bind.execute(sa.select(units.c.id, units.c.clave, units.c.ooad_clave).order_by(units.c.id)).all()
    if existing:  # a new database gets the catalog from `docs-service init`
        _to_official(bind, catalog, existing)


def _to_official(bind, catalog, existing) -> None:
    target = {row.id: _target(row.clave, row.ooad_clave, set(catalog)) for row in existing}
    # One existing row survives per official key (the one already holding it, else the first).
    keeper: dict[str, int] = {}
    for row in sorted(existing, key=lambda r: (r.clave != target[r.id], r.id)):
        keeper.setdefault(target[row.id], row.id)
    # Free every key first (keys swap places: 0201 becomes 0203 while 0202 becomes 0201).
    for row in existing:
        bind.execute(units.update().where(units.c.id == row.id).values(clave=_temporary_key(row.id)))
    for clave, unit in catalog.items():
        values = dict(clave=clave, nombre=unit.nombre, tipo=unit.tipo, ooad_clave=unit.ooad_clave)
        if clave in keeper:
            bind.execute(units.update().where(units.c.id == keeper[clave]).values(**values))
        else:
            keeper[clave] = bind.execute(units.insert().values(**values).returning(units.c.id)).scalar_one()
    references = _references(bind)
    guarded = sorted({table for table, _column in references if is_append_only(table)})
    for table in guarded:
        drop_append_only(table)
    for row in existing:
        new_id = keeper[target[row.id]]
        if new_id == row.id:
            continue
        _move_acuses(bind, row.id, new_id)
        for table, column in references:
            bind.execute(sa.text(f'UPDATE "{table}" SET "{column}" = :new WHERE "{column}" = :old'),
                         {"new": new_id, "old": row.id})
        bind.execute(units.delete().where(units.c.id == row.id))
        log.info("unidad %s -> %s", row.clave, target[row.id])
    for table in guarded:
        create_append_only(table)


def downgrade():
    # The schema of 0005 again; the catalog stays the official one (the placeholder is not restored).
    op.add_column("unidades", sa.Column("clase", sa.String(16), nullable=True))
    op.add_column("unidades", sa.Column("oficial", sa.Boolean(), nullable=False, server_default=sa.true()))
    op.add_column("unidades", sa.Column("nota", sa.String(200), nullable=True))
