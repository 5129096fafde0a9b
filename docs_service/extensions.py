"""Unbound extensions, bound to an app in create_app()."""
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from .core.db import db  # noqa: F401  (re-exported)
from .core.openapi import Api

api = Api()
csrf = CSRFProtect()
login_manager = LoginManager()
