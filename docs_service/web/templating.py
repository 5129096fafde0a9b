"""Jinja helpers shared by every page: navigation, es-MX dates, login wiring."""
from babel.dates import format_date, format_datetime
from flask import current_app, g
from flask_wtf.csrf import CSRFError

from ..core.access import load_principal
from ..core.errors import render_error
from ..extensions import login_manager

NAV = [  # (label, endpoint, roles allowed; empty = everyone signed in)
    ("Inicio", "web.home", ()),
    ("Normateca", "documents_pages.catalog", ()),
    ("Bandeja", "workflow_pages.inbox", ("normativo", "revisor", "titular", "validador")),
    ("Acuses", "workflow_pages.acuses", ("operativo",)),
    ("Difusión", "workflow_pages.coverage", ("normativo", "revisor", "titular", "validador", "auditor", "admin")),
    ("Usuarios", "accounts_pages.users", ("admin",)),
]


def nav_links():
    user = g.get("user")
    return [(label, endpoint) for label, endpoint, roles in NAV
            if endpoint in current_app.view_functions and user is not None
            and (not roles or user.has_role(*roles))]


def fecha(value):
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        return format_datetime(value, "d 'de' MMMM 'de' y, HH:mm", locale="es_MX") + " UTC"
    return format_date(value, "d 'de' MMMM 'de' y", locale="es_MX")


def init_app(app):
    app.jinja_env.globals["nav_links"] = nav_links
    app.jinja_env.filters["fecha"] = fecha
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(user_id):
        if not str(user_id).isdigit():
            return None
        return load_principal(user_id=int(user_id))[0]

    @app.errorhandler(CSRFError)
    def _csrf(err):
        return render_error(400, "csrf_invalido",
                            "El formulario expiró o no es válido (token CSRF). Recargue la página e intente de nuevo.")
