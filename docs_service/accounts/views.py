"""Pages: login/logout and user administration for admin."""
from datetime import timedelta

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user

from ..core import signals
from ..core.access import AUTHENTICATED, PUBLIC, policy, roles, safe_next
from ..core.api_helpers import last_page, paginate
from ..core.areas import HomeEntry
from ..core.db import db, utcnow
from ..core.errors import DomainError, Unauthorized
from ..core.pages import reject
from . import operations as ops
from . import queries
from .labels import ROLES as ROLE_LABELS
from .models import ROLES

NEW_TOKEN_KEY = "token_nuevo"
TOKEN_DAYS = (30, 90, 180, 365)  # expiries offered for a new token (or none)

bp = Blueprint("accounts_pages", __name__, template_folder="templates")
ADMIN = roles("admin")


@bp.route("/login", methods=["GET", "POST"])
@policy(PUBLIC)
def login():
    next_url = safe_next(request.values.get("next"))
    if request.method == "POST":
        user = ops.check_login(request.form.get("nombre", "")[:64], request.form.get("password", "")[:200])
        if user is None:
            status = reject(Unauthorized("Usuario o contraseña incorrectos.", code="credenciales_invalidas",
                                         refusal="inicio_sesion_fallido",
                                         audit={"nombre": request.form.get("nombre", "")[:64]}))
            return render_template("accounts/login.html", next=next_url), status
        session.clear()
        session.permanent = True
        login_user(user)
        signals.login_succeeded.send(user, actor=user)
        return redirect(next_url)
    return render_template("accounts/login.html", next=next_url)


@bp.route("/logout", methods=["POST"])
@policy(AUTHENTICATED)
def logout():
    signals.logout.send(g.user, actor=g.user)
    logout_user()
    session.clear()
    flash("Sesión cerrada.", "info")
    return redirect(url_for("accounts_pages.login"))


@bp.route("/admin/usuarios")
@policy(ADMIN)
def users():
    pagina = min(max(request.args.get("pagina", 1, type=int) or 1, 1), 10**6)
    rol = request.args.get("rol") if request.args.get("rol") in ROLES else None
    total, items = paginate(queries.users_stmt(rol=rol), pagina, 50)
    if not items and pagina > last_page(total, 50):  # past the end: show the last page
        pagina = last_page(total, 50)
        total, items = paginate(queries.users_stmt(rol=rol), pagina, 50)
    return render_template("accounts/users.html", users=items, total=total, pagina=pagina, rol=rol,
                           roles=ROLES, labels=ROLE_LABELS)


@bp.route("/admin/usuarios/nuevo", methods=["GET", "POST"])
@policy(ADMIN)
def new_user():
    form = request.form
    if request.method == "POST":
        password = form.get("password") or None
        try:
            user = ops.create_user(g.user, nombre=form.get("nombre", ""), roles=form.getlist("roles"),
                                   unidad=form.get("unidad") or None,
                                   nombre_completo=form.get("nombre_completo", ""), password=password)
        except DomainError as err:
            status = reject(err)
            return render_template("accounts/user_form.html", form=form, roles=ROLES, labels=ROLE_LABELS,
                                   units=_units(), min_password=ops.MIN_PASSWORD), status
        flash(f"Usuario «{user.nombre}» creado.", "info")
        return redirect(url_for("accounts_pages.user_detail", user_id=user.id))
    return render_template("accounts/user_form.html", form=form, roles=ROLES, labels=ROLE_LABELS,
                           units=_units(), min_password=ops.MIN_PASSWORD)


@bp.route("/admin/usuarios/<int:user_id>", methods=["GET", "POST"])
@policy(ADMIN)
def user_detail(user_id):
    user = ops.get_user(user_id)
    status = 200
    if request.method == "POST":
        action = request.form.get("accion")
        try:
            if action == "token":
                days = request.form.get("expira_dias", type=int)
                expira = utcnow() + timedelta(days=days) if days in TOKEN_DAYS else None
                _token, secret = ops.create_token(g.user, user, descripcion=request.form.get("descripcion", ""),
                                                  expira=expira)
                # Shown once, on the page the redirect leads to: a reload creates nothing.
                session[NEW_TOKEN_KEY] = {"usuario": user.id, "secreto": secret}
                flash("Token creado. Cópielo ahora: no se volverá a mostrar.", "info")
            elif action == "revocar":
                token = next((t for t in queries.tokens_of(user)
                              if str(t.id) == request.form.get("token_id")), None)
                if token is not None:
                    ops.revoke_token(g.user, token)
                    flash("Token revocado.", "info")
            elif action in ("activar", "desactivar"):
                ops.update_user(g.user, user, activo=action == "activar")
                flash("Cuenta " + ("activada." if action == "activar" else "desactivada."), "info")
            elif action == "roles":
                ops.update_user(g.user, user, roles=request.form.getlist("roles"),
                                unidad=request.form.get("unidad", ""))
                flash("Roles y unidad actualizados.", "info")
            elif action == "password":
                ops.set_password(g.user, user, request.form.get("password", ""))
                flash("Contraseña establecida.", "info")
        except DomainError as err:
            status = reject(err)
        else:
            return redirect(url_for("accounts_pages.user_detail", user_id=user.id), 303)
    new_secret = None
    if request.method == "GET" and (pending := session.pop(NEW_TOKEN_KEY, None)) and pending.get("usuario") == user.id:
        new_secret = pending.get("secreto")
    return render_template("accounts/user_detail.html", user=user, tokens=queries.tokens_of(user),
                           new_secret=new_secret, roles=ROLES, labels=ROLE_LABELS, units=_units(),
                           token_days=TOKEN_DAYS, min_password=ops.MIN_PASSWORD), status


def _units():
    return db.session.scalars(queries.units_stmt()).all()


def home_entries(user):
    if user.has_role("admin"):
        return [HomeEntry("Administrar usuarios, roles y tokens", "accounts_pages.users")]
    return []
