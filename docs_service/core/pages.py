"""What a page does when an operation refuses: settle the request as failed (its transaction rolls
back and a refusal is audited after it), tell the person why, and show the form or redirect."""
from flask import flash, redirect

from .errors import DomainError, fail


def reject(err: DomainError) -> int:
    """Fail the request and flash the Spanish message; returns the status to render the form with."""
    fail(err)
    flash(err.message, "error")
    return err.status


def refuse(err: DomainError, url: str):
    """Fail the request, flash the message and redirect (303, so a reload does not re-post)."""
    reject(err)
    return redirect(url, 303)
