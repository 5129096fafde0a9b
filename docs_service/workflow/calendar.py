"""Días hábiles: Monday to Friday except Mexican public holidays (the `holidays` package)."""
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset:
    """The year's holidays, computed once (a set lookup is ~50× cheaper than asking the package)."""
    return frozenset(holidays.Mexico(years=year))


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            days -= 1
    return day
