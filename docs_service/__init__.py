"""Normateca de Cobranza: the Flask application factory."""
from pathlib import Path

from flask import Flask

from . import config
from .core.app import App

__all__ = ["create_app"]


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application. `test_config` overrides settings (and may carry a 'STORAGE' object)."""
    settings = config.load(test_config)
    app = App(__name__, instance_path=settings["DOCS_INSTANCE"],
              template_folder="web/templates", static_folder="web/static")
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if test_config and test_config.get("STORAGE") is not None:
        app.extensions["docs_storage"] = test_config["STORAGE"]

    from .areas import AREAS
    from .core import access, areas, errors, http, openapi, routing, storage
    from .core.cli import register_commands
    from .extensions import api, csrf, db, login_manager

    routing.init_app(app)  # before any rule is added
    db.init_app(app)
    storage.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    openapi.init_app(app, api)
    register_commands(app)
    with app.app_context():  # the OpenAPI document is built with this app's configuration
        areas.install(app, api, areas.load(__name__, AREAS))
    errors.init_app(app)   # after the Api: our handlers answer in Spanish, JSON or HTML
    http.init_app(app)     # request id before authorization
    access.init_app(app)
    return app
