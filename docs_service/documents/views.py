"""Pages of the Normateca: catalog, new document, document with its versions timeline, version
with its sections and workflow actions, diff."""
from datetime import date

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from ..core.access import AUTHENTICATED, policy, roles
from ..core.db import db, utcnow, writes
from ..core.errors import DomainError, InvalidInput, StaleVersion
from ..workflow import operations as flow
from ..workflow import queries as flow_queries
from ..workflow.models import Acuse, TransitionLog
from ..workflow.states import STATES, TRANSITIONS, allowed_actions
from . import operations as ops
from . import queries
from .diff import diff_versions
from .loaders import original_file, visible_document, visible_version
from .models import RELACIONES, TIPOS

bp = Blueprint("documents_pages", __name__, template_folder="templates")


def _date_arg(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"La fecha «{value[:20]}» no es válida (AAAA-MM-DD).", errors={field: ["Fecha no válida."]}) from None


@bp.route("/documentos")
@policy(AUTHENTICATED)
def catalog():
    args = request.args
    try:
        vigente_al = _date_arg(args.get("vigente_al"), "vigente_al")
    except DomainError as err:
        flash(err.message, "error")
        vigente_al = None
    tipo = args.get("tipo") if args.get("tipo") in TIPOS else None
    estado = args.get("estado") if args.get("estado") in STATES else None
    pagina = max(args.get("pagina", 1, type=int) or 1, 1)
    stmt = queries.catalog_stmt(g.user, day=vigente_al or utcnow().date(), only_in_force=vigente_al is not None,
                                tipo=tipo, estado=estado, area=(args.get("area") or "")[:200] or None,
                                texto=(args.get("q") or "")[:200] or None)
    total, rows = queries.page_catalog(stmt, pagina, 50)
    return render_template("documents/catalog.html", rows=rows, total=total, pagina=pagina, tipos=TIPOS,
                           estados=STATES, vigente_al=vigente_al, filtros=args)


@bp.route("/documentos/nuevo", methods=["GET", "POST"])
@policy(roles("normativo"))
def new_document():
    form = request.form
    if request.method == "POST":
        relaciones = []
        if form.get("relacion_tipo") in RELACIONES and form.get("relacion_clave"):
            relaciones.append({"tipo": form["relacion_tipo"], "clave": form["relacion_clave"],
                               "numerales": form.get("relacion_numerales", "")})
        try:
            document = ops.create_document(g.user, clave=form.get("clave", ""), titulo=form.get("titulo", ""),
                                           tipo=form.get("tipo", ""), area=form.get("area", ""),
                                           fundamento=form.get("fundamento", ""),
                                           palabras_clave=form.get("palabras_clave", ""), relaciones=relaciones)
        except DomainError as err:
            flash(err.message, "error")
            return render_template("documents/new.html", form=form, tipos=TIPOS, relaciones=RELACIONES), err.status
        flash(f"Documento {document.clave} registrado. Cargue ahora su primera versión.", "info")
        return redirect(url_for(".document", document_id=document.id))
    return render_template("documents/new.html", form=form, tipos=TIPOS, relaciones=RELACIONES)


@bp.route("/documentos/<int:document_id>")
@policy(AUTHENTICATED)
def document(document_id):
    doc = visible_document(document_id)
    versions = [v for v in doc.versions if queries.can_view_version(g.user, v)]
    today = utcnow().date()
    return render_template("documents/document.html", doc=doc, versions=versions, today=today,
                           vigente=queries.version_in_force(doc, today), estados=STATES, relaciones=RELACIONES)


@bp.route("/documentos/<int:document_id>/versiones", methods=["POST"])
@policy(roles("normativo"))
def upload(document_id):
    doc = ops.get_document(document_id)
    archivo = request.files.get("archivo")
    try:
        if archivo is None or not archivo.filename:
            raise InvalidInput("Seleccione el archivo de la versión.", errors={"archivo": ["Obligatorio."]})
        version = ops.upload_version(g.user, doc, filename=archivo.filename, data=archivo.read(),
                                     resumen=request.form.get("resumen", ""))
    except DomainError as err:
        from ..audit.operations import record_refusal
        record_refusal("upload_rechazado", resultado="rechazado", objeto_tipo="documentos", objeto_id=str(doc.id),
                       detalle={"motivo": err.code})
        flash(err.message, "error")
        return redirect(url_for(".document", document_id=doc.id)), 303
    flash(f"Versión {version.numero} cargada con {len(version.sections)} secciones.", "info")
    return redirect(url_for(".version", document_id=doc.id, numero=version.numero))


@bp.route("/documentos/<int:document_id>/versiones/<int:numero>")
@policy(AUTHENTICATED)
def version(document_id, numero):
    version = visible_version(document_id, numero)
    is_format = version.document.tipo == "formato"
    actions = [(a, TRANSITIONS[(version.estado, a)]) for a in allowed_actions(version.estado, is_format)
               if g.user.has_role(*TRANSITIONS[(version.estado, a)].roles)]
    log = db.session.query(TransitionLog).filter_by(version_id=version.id).order_by(TransitionLog.id).all()
    coverage = flow_queries.coverage(version) if queries.sees_drafts(g.user) else None
    my_acuse = None
    if g.user.unidad_id and g.user.has_role("operativo"):
        my_acuse = db.session.query(Acuse).filter_by(version_id=version.id, unidad_id=g.user.unidad_id).one_or_none()
    previous = max((v.numero for v in version.document.versions
                    if v.numero < version.numero and queries.can_view_version(g.user, v)), default=None)
    return render_template("documents/version.html", v=version, doc=version.document, actions=actions, log=log,
                           coverage=coverage, my_acuse=my_acuse, previous=previous, estados=STATES,
                           today=utcnow().date())


@bp.route("/documentos/<int:document_id>/versiones/<int:numero>/accion", methods=["POST"])
@policy(roles("normativo", "revisor", "titular", "validador"))
def transition(document_id, numero):
    version = visible_version(document_id, numero)
    form = request.form
    try:
        if form.get("lock") != str(version.lock):
            raise StaleVersion("La versión cambió mientras la consultaba; revise su estado actual.")
        destinatarios = None
        if form.get("accion") == "publicar":
            destinatarios = _recipients_from_form(form)
        flow.transition(g.user, version, form.get("accion", ""), comentario=form.get("comentario", ""),
                        vigente_desde=_date_arg(form.get("vigente_desde"), "vigente_desde"),
                        vigente_hasta=_date_arg(form.get("vigente_hasta"), "vigente_hasta"),
                        destinatarios=destinatarios, fecha=_date_arg(form.get("fecha"), "fecha"))
    except DomainError as err:
        flash(err.message, "error")
        return redirect(url_for(".version", document_id=document_id, numero=numero)), 303
    flash(f"Versión {version.numero}: {STATES[version.estado]}.", "info")
    return redirect(url_for(".version", document_id=document_id, numero=numero))


def _recipients_from_form(form) -> dict:
    kind = form.get("destino")
    keys = [k.strip() for k in (form.get("claves") or "").replace(";", ",").split(",") if k.strip()]
    if kind == "todas":
        return {"todas": True}
    if kind == "ooad":
        return {"ooad": keys}
    if kind == "unidades":
        return {"unidades": keys}
    return {}


@bp.route("/documentos/<int:document_id>/versiones/<int:numero>/archivo")
@policy(AUTHENTICATED)
@writes
def download(document_id, numero):
    return original_file(visible_version(document_id, numero))


@bp.route("/documentos/<int:document_id>/diff")
@policy(AUTHENTICATED)
def diff(document_id):
    de, a = request.args.get("de", type=int), request.args.get("a", type=int)
    doc = visible_document(document_id)
    if not de or not a:
        raise InvalidInput("Indique las versiones a comparar (de, a).")
    old, new = visible_version(doc.id, de), visible_version(doc.id, a)
    return render_template("documents/diff.html", doc=doc, diff=diff_versions(old, new), old=old, new=new)
