"""Workflow API: transitions of a version, acuses and coverage."""
from flask import g
from flask.views import MethodView

from ..core.access import AUTHENTICATED, policy, require, roles
from ..core.api_helpers import require_if_match
from ..core.blueprint import Blueprint
from ..documents.api import version_etag
from ..documents.loaders import visible_version
from ..accounts.models import STAFF_ROLES as STAFF
from ..documents.schemas import VersionOut
from .schemas import AcusesOut, MyAcuseOut, TransitionIn, TransitionLogOut
from . import operations as ops
from . import queries
from .models import TransitionLog

blp = Blueprint("flujo", __name__, url_prefix="/api/v1", description="Flujo de aprobación, difusión y acuses.")
ACTORS = roles("normativo", "revisor", "titular", "validador")


@blp.route("/documentos/<int:document_id>/versiones/<int:numero>/transiciones")
class Transitions(MethodView):
    @policy(AUTHENTICATED)
    @blp.response(200, TransitionLogOut(many=True))
    def get(self, document_id, numero):
        """Bitácora de transiciones de la versión"""
        version = visible_version(document_id, numero)
        from ..core.db import db
        return db.session.query(TransitionLog).filter_by(version_id=version.id).order_by(TransitionLog.id).all()

    @policy(ACTORS)
    @blp.if_match
    @blp.arguments(TransitionIn)
    @blp.response(200, VersionOut)
    def post(self, data, document_id, numero):
        """Aplicar una acción del flujo (requiere If-Match); 409 con las acciones permitidas"""
        version = visible_version(document_id, numero)
        require_if_match(version_etag(version))
        accion = data.pop("accion")
        ops.transition(g.user, version, accion, **data)
        return version, 200, {"ETag": version_etag(version)}


@blp.route("/documentos/<int:document_id>/versiones/<int:numero>/acuses")
class Acuses(MethodView):
    @policy(roles(*STAFF))
    @blp.response(200, AcusesOut)
    def get(self, document_id, numero):
        """Acuses por unidad destinataria y cobertura (recibidos, pendientes, vencidos)"""
        version = visible_version(document_id, numero)
        cobertura, items = queries.coverage(version)
        return {"documento": version.document.clave, "version": version.numero, "cobertura": cobertura, "items": items}

    @policy(roles("operativo"))
    @blp.response(201, MyAcuseOut, description="Acuse registrado")
    @blp.alt_response(200, schema=MyAcuseOut, description="Ya constaba: el acuse registrado antes")
    def post(self, document_id, numero):
        """Acusar recibo por la unidad de quien llama (idempotente: 200 si ya constaba)"""
        version = visible_version(document_id, numero)
        acuse, created = ops.acknowledge(g.user, version)
        return acuse, 201 if created else 200


@blp.route("/acuses")
class MyAcuses(MethodView):
    @policy(roles("operativo"))
    @blp.response(200, MyAcuseOut(many=True))
    def get(self):
        """Acuses de la unidad de quien llama (pendientes primero)"""
        require(g.user.unidad_id is not None, message="Su cuenta no tiene unidad asignada.")
        return queries.unit_acuses(g.user)
