"""Dates as people in the Coordinación read them: the calendar day in America/Mexico_City, and
es-MX text (`27/11/2026`, `27 de noviembre de 2026`, 24-hour times). Timestamps are stored as naive
UTC (`core.db.utcnow`); vigencia and plazo dates are Mexican calendar days. Pages (Jinja filters)
and messages that name a date both format through here, so they read the same."""
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from sqlalchemy import Date, cast, func, literal_column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

ZONA = ZoneInfo("America/Mexico_City")
LOCALE = "es_MX"


def local(value: datetime) -> datetime:
    """A stored (naive UTC) or aware timestamp, as a time in Mexico City."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZONA)


def inicio_del_dia(day: date, zone=ZONA) -> datetime:
    """Midnight starting `day` in `zone` (Mexico City by default), as the naive UTC timestamps are
    stored in: the lower bound of a day filter (`< inicio_del_dia(day + 1 día)` is its upper bound)."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)


class dia_local(FunctionElement):
    """SQL: the Mexico City day of a stored (naive UTC) timestamp column, as `local(value).date()`
    reads it, daylight saving time of past years included. PostgreSQL converts with its time zone
    database; SQLite calls `dia_local_sqlite`, registered on each connection (core.db.make_engine)."""
    type = Date()
    name = "dia_local"
    inherit_cache = True


@compiles(dia_local)
def _dia_local_sqlite(element, compiler, **kw):
    return compiler.process(func.dia_local(*element.clauses), **kw)


@compiles(dia_local, "postgresql")
def _dia_local_postgresql(element, compiler, **kw):
    utc = func.timezone(literal_column("'UTC'"), *element.clauses)
    return compiler.process(cast(func.timezone(literal_column(f"'{ZONA.key}'"), utc), Date), **kw)


def dia_local_sqlite(value: str | None) -> str | None:
    """SQLite's `dia_local(timestamp)`: '2026-12-02 03:00:00' (UTC) -> '2026-12-01'."""
    if value is None:
        return None
    return local(datetime.fromisoformat(value)).date().isoformat()


def hoy() -> date:
    """Today's date in Mexico City (after 18:00 local time the UTC date is already tomorrow)."""
    return datetime.now(ZONA).date()


def fecha(value: date | datetime | None) -> str:
    """`27/11/2026`; a timestamp gives its local day."""
    if value is None:
        return "—"
    day = local(value).date() if isinstance(value, datetime) else value
    return format_date(day, "dd/MM/y", locale=LOCALE)


def fecha_larga(value: date | datetime | None) -> str:
    """`27 de noviembre de 2026`; a timestamp gives its local day."""
    if value is None:
        return "—"
    day = local(value).date() if isinstance(value, datetime) else value
    return format_date(day, "d 'de' MMMM 'de' y", locale=LOCALE)


def fecha_hora(value: datetime | None) -> str:
    """`27/11/2026 14:05` in Mexico City time, 24-hour clock."""
    if value is None:
        return "—"
    return format_datetime(local(value), "dd/MM/y HH:mm", tzinfo=ZONA, locale=LOCALE)


def iso_local(value: datetime | None) -> str:
    """The local time with its offset (for `<time datetime>` and CSV exports)."""
    return local(value).isoformat(timespec="seconds") if value is not None else ""
