"""Batch emission as an API job: create (or resume) the lote of a Subdelegación at a cut-off date
and follow its progress. The work never runs in the web server: after the commit the lote goes to
its runner (`lotes.start`: a detached `docs-service constancias emitir --lote ID` process on the
embedded default, or procrastinate jobs), and each poll by an emitter resumes a lote whose runner
died."""
from flask import current_app, g
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from ..core.blueprint import Blueprint
from ..core.access import policy, require, roles
from ..core.api_helpers import StrictSchema
from ..core.db import after_commit, db
from . import batch, lotes
from . import operations as ops
from .models import Lote

blp = Blueprint("constancia_lotes", __name__, url_prefix="/api/v1",
                description="Lotes de constancias: la de situación de cada patrón de una Subdelegación.")


class LoteIn(StrictSchema):
    unidad = fields.String(required=True, validate=validate.Regexp(r"^[0-9]{4}$"),
                           metadata={"description": "Clave de la Subdelegación (DDSS)."})
    fecha_corte = fields.Date(required=True, metadata={
        "description": "Hoy o antes, día de la Ciudad de México (posterior: 422 fecha_corte_futura)."})


class LoteOut(Schema):
    lote = fields.Integer()
    estado = fields.String(metadata={"description": "pendiente, en_proceso o terminado."})
    total = fields.Integer()
    por_estado = fields.Dict(keys=fields.String(), values=fields.Integer())
    folios_distintos = fields.Integer()


def _may_use(lote: Lote) -> bool:
    return g.user.has_role("titular") or lote.unidad_id == g.user.unidad_id


@blp.route("/constancias/lotes")
class Lotes(MethodView):
    @policy(roles("operativo", "titular"))
    @blp.arguments(LoteIn)
    @blp.response(202, LoteOut)
    def post(self, data):
        """Emitir un lote de constancias: la de situación de cada patrón de una Subdelegación (o reanudar ese lote)"""
        lote, _created = ops.open_lote(g.user, data["unidad"], data["fecha_corte"])
        db.session.flush()
        lote_id, app = lote.id, current_app._get_current_object()
        if lote.estado != "terminado":
            after_commit(lambda: lotes.start(app, lote_id))
        return batch.status(lote_id), 202, {"Location": f"/api/v1/constancias/lotes/{lote_id}"}


@blp.route("/constancias/lotes/<int:lote_id>")
class LoteItem(MethodView):
    @policy(roles("operativo", "titular", "admin", "auditor"))
    @blp.response(200, LoteOut)
    def get(self, lote_id):
        """Avance de un lote de constancias (quien puede emitir, al consultarlo, reanuda uno interrumpido)"""
        lote = db.session.get(Lote, lote_id)
        require(lote is not None and (g.user.has_role("admin", "auditor") or _may_use(lote)), hide=True)
        state = batch.status(lote_id)
        if state["estado"] != "terminado" and g.user.has_role("operativo", "titular") and _may_use(lote):
            app = current_app._get_current_object()
            after_commit(lambda: lotes.start(app, lote_id))
        return state


