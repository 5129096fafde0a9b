"""Accounts API: the caller, units, users and tokens."""
from flask import g
from flask.views import MethodView

from ..core.access import AUTHENTICATED, policy, require, roles
from ..core.api_helpers import etag_of, list_schema, paginate, require_if_match
from ..core.blueprint import Blueprint
from ..core.db import db
from ..core.errors import NotFound
from . import operations as ops
from . import queries
from .models import ApiToken
from .schemas import (TokenCreate, TokenCreated, TokenOut, UnitOut, UnitQuery, UserCreate, UserOut,
                      UserQuery, UserUpdate)

blp = Blueprint("cuentas", __name__, url_prefix="/api/v1", description="Usuarios, tokens y unidades.")
READERS = roles("admin", "auditor")


def _user_etag(user):
    return etag_of("usuario", user.id, user.version)


@blp.route("/yo")
class Me(MethodView):
    @policy(AUTHENTICATED)
    @blp.response(200, UserOut)
    def get(self):
        """El usuario que llama"""
        return g.user.model


@blp.route("/unidades")
class Units(MethodView):
    @policy(AUTHENTICATED)
    @blp.arguments(UnitQuery, location="query")
    @blp.response(200, list_schema(UnitOut, "UnitList"))
    def get(self, args):
        """Catálogo de OOAD y Subdelegaciones"""
        total, items = paginate(queries.units_stmt(args.get("tipo"), args.get("ooad")),
                                args["pagina"], args["por_pagina"])
        return {"total": total, "items": items}


@blp.route("/unidades/<clave>")
class UnitDetail(MethodView):
    @policy(AUTHENTICATED)
    @blp.response(200, UnitOut)
    def get(self, clave):
        """Una unidad por su clave"""
        unit = queries.unit_row(clave)
        if unit is None:
            raise NotFound("La unidad no existe.")
        return unit


@blp.route("/usuarios")
class Users(MethodView):
    @policy(READERS)
    @blp.arguments(UserQuery, location="query")
    @blp.response(200, list_schema(UserOut, "UserList"))
    def get(self, args):
        """Usuarios"""
        total, items = paginate(queries.users_stmt(args.get("rol"), args.get("unidad"), args.get("activo")),
                                args["pagina"], args["por_pagina"])
        return {"total": total, "items": items}

    @policy(roles("admin"))
    @blp.arguments(UserCreate)
    @blp.response(201, UserOut)
    def post(self, data):
        """Crear un usuario"""
        return ops.create_user(g.user, **data)


@blp.route("/usuarios/<int:user_id>")
class UserDetail(MethodView):
    @policy(READERS)
    @blp.response(200, UserOut)
    def get(self, user_id):
        """Un usuario (ETag para modificarlo)"""
        user = ops.get_user(user_id)
        return user, 200, {"ETag": _user_etag(user)}

    @policy(roles("admin"))
    @blp.if_match
    @blp.arguments(UserUpdate)
    @blp.response(200, UserOut)
    def patch(self, data, user_id):
        """Modificar roles, unidad o estado de un usuario (requiere If-Match)"""
        user = ops.get_user(user_id)
        require_if_match(_user_etag(user))
        ops.update_user(g.user, user, **data)
        return user, 200, {"ETag": etag_of("usuario", user.id, user.version)}


@blp.route("/usuarios/<int:user_id>/tokens")
class UserTokens(MethodView):
    @policy(roles("admin"))
    @blp.response(200, TokenOut(many=True))
    def get(self, user_id):
        """Tokens de un usuario (sin el secreto)"""
        return queries.tokens_of(ops.get_user(user_id))

    @policy(roles("admin"))
    @blp.arguments(TokenCreate, required=False)
    @blp.response(201, TokenCreated)
    def post(self, data, user_id):
        """Emitir un token de API (el secreto se muestra solo esta vez)"""
        token, secret = ops.create_token(g.user, ops.get_user(user_id), **data)
        token.token = secret
        return token


@blp.route("/tokens/<int:token_id>")
class TokenDetail(MethodView):
    @policy(AUTHENTICATED)
    @blp.response(200, TokenOut)
    def delete(self, token_id):
        """Revocar un token (el propio, o cualquiera siendo admin)"""
        token = db.session.get(ApiToken, token_id)
        if token is None:
            raise NotFound()  # the same answer as someone else's token: ids cannot be enumerated
        require(g.user.has_role("admin") or token.usuario_id == g.user.id, hide=True)
        return ops.revoke_token(g.user, token)
