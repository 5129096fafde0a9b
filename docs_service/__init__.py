"""Normateca de Cobranza: the Flask application factory."""
from pathlib import Path

from flask import Flask

from . import config

__all__ = ["create_app"]


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application. `test_config` overrides settings (and may carry a 'STORAGE' object)."""
    settings = config.load(test_config)
    app = Flask(__name__, instance_path=settings["DOCS_INSTANCE"],
                template_folder="web/templates", static_folder="web/static")
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if test_config and test_config.get("STORAGE") is not None:
        app.extensions["docs_storage"] = test_config["STORAGE"]

    from .core import access, errors, http, storage
    from .core.cli import register_commands
    from .extensions import api, csrf, db, login_manager
    from .web import templating

    db.init_app(app)
    storage.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    api.init_app(app)
    _register_blueprints(app, api)
    errors.init_app(app)   # after the Api: our handlers answer in Spanish, JSON or HTML
    http.init_app(app)     # request id before authorization
    access.init_app(app)
    templating.init_app(app)
    register_commands(app)

    from .documents import demo as documents_demo
    app.extensions["docs_demo_loaders"] = [documents_demo.load]

    from .audit.operations import connect_signals
    connect_signals()
    return app


def _register_blueprints(app, api):
    from .accounts import api as accounts_api
    from .accounts import views as accounts_views
    from .audit import api as audit_api
    from .documents import api as documents_api
    from .web import views as web_views
    from .workflow import api as workflow_api

    for module in (accounts_api, audit_api, documents_api, workflow_api):
        api.register_blueprint(module.blp)
    from .documents import views as documents_views
    from .workflow import views as workflow_views
    for module in (web_views, accounts_views, documents_views, workflow_views):
        app.register_blueprint(module.bp)
