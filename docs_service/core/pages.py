"""What a page does when an operation refuses: settle the request as failed (its transaction rolls
back and a refusal is audited after it), tell the person why, and show the form or redirect."""
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
