"""What a page does when an operation refuses: settle the request as failed (its transaction rolls
back and a refusal is audited after it), tell the person why, and show the form or redirect."""
from datetime import date

from flask import flash, g, redirect

from .errors import DomainError, fail


def reject(err: DomainError) -> int:
    """Fail the request and flash the Spanish message; returns the status to render the form with.
    A session left unusable by a failed flush is rolled back now, so the form can be drawn again
    (the request's outcome is already settled as failed)."""
    fail(err)
    session = g.get("db_session")
    if session is not None and not session.is_active:
        session.rollback()
    flash(err.message, "error")
    return err.status


def refuse(err: DomainError, url: str):
    """Fail the request, flash the message and redirect (303, so a reload does not re-post)."""
    reject(err)
    return redirect(url, 303)


def day_range(args, filters: dict, problems: list, desde: str = "Desde", hasta: str = "Hasta",
              empty: str = "no hay resultados en ese intervalo") -> None:
    """The `desde`/`hasta` days (AAAA-MM-DD) of a list page's query string into `filters`; a malformed
    day is left out with a Spanish note in `problems`, and so is an interval that ends before it starts."""
    for key, label in (("desde", desde), ("hasta", hasta)):
        raw = (args.get(key) or "").strip()
        if raw:
            try:
                filters[key] = date.fromisoformat(raw[:10])
            except ValueError:
                problems.append(f"La fecha «{label}» no es válida (AAAA-MM-DD); se omitió.")
    if filters.get("desde") and filters.get("hasta") and filters["hasta"] < filters["desde"]:
        problems.append(f"«{hasta}» es anterior a «{desde}»: {empty}.")
