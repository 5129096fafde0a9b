"""The API documentation page (for signed-in people) works as a console: "Try it out" writes with the
session (its CSRF token travels in a header) and, after *Authorize* with a bearer token, acts as that
token's owner."""
import json

import pytest
from sqlalchemy import select

from docs_service.accounts.models import User
from docs_service.core.db import db
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _operation(page, method: str, path: str):
    block = page.locator(f".opblock-{method}", has=page.locator(f".opblock-summary-path[data-path='{path}']"))
    block.locator(".opblock-summary").first.click()
    block.get_by_role("button", name="Try it out").click()
    return block


def _execute(block) -> str:
    block.get_by_role("button", name="Execute").click()
    status = block.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    return status.inner_text().strip()


def _user_exists(app, nombre: str) -> bool:
    with app.app_context():
        found = db.session.scalar(select(User.id).where(User.nombre == nombre))
        db.session.close()
        return found is not None


def test_try_it_out_writes_with_the_session_and_acts_as_the_authorized_token(live_server, page, users):
    _id, token = users("consola", ["admin"], "NC")
    base = live_server.base_url
    sign_in(page, base, "consola", PASSWORD)
    page.goto(f"{base}/api/v1/docs")

    # With the session: the page's CSRF token goes in X-CSRFToken; the write is accepted.
    block = _operation(page, "post", "/api/v1/usuarios")
    block.locator("textarea.body-param__text").fill(json.dumps(
        {"nombre": "desde.consola", "roles": ["consultor"], "unidad": "NC"}))
    assert _execute(block) == "201"
    assert _user_exists(live_server, "desde.consola")

    # After *Authorize* the calls are the token owner's, not the session's: a consultor's token reads
    # /yo as the consultor and may not create users (no CSRF header needed with a token).
    _id, lector = users("lector.api", ["consultor"], "NC")
    page.get_by_role("button", name="Authorize").first.click()
    page.locator(".auth-container input").first.fill(lector)
    page.get_by_role("button", name="Apply credentials").click()
    page.locator(".auth-btn-wrapper .btn-done").click()
    yo = _operation(page, "get", "/api/v1/yo")
    assert _execute(yo) == "200"
    assert '"lector.api"' in yo.locator(".live-responses-table .response-col_description pre").first.inner_text()
    block.locator("textarea.body-param__text").fill(json.dumps(
        {"nombre": "sin.permiso", "roles": ["consultor"], "unidad": "NC"}))
    assert _execute(block) == "403"
    assert not _user_exists(live_server, "sin.permiso")
