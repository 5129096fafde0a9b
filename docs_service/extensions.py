"""Unbound extensions, bound to an app in create_app()."""
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .core.db import db  # noqa: F401  (re-exported)
from .core.openapi import Api


class SessionLoginManager(LoginManager):
    """Flask-Login for sign-in by session only. This service never issues "remember me" cookies
    (`login_user` is called without `remember`), so the hook Flask-Login runs after every response
    to keep them up to date has nothing to do; run anyway, it reads the session on every request,
    which marks each API response `Vary: Cookie` and costs a tenth of a token-authenticated read."""

    def _update_remember_cookie(self, response):
        return response


api = Api()
csrf = CSRFProtect()
login_manager = SessionLoginManager()
