"""Pages of the Normateca: catalog, new document, document with its versions timeline, version
with its sections (and the panels other areas contribute, such as the workflow's), diff."""
from datetime import date

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from ..core.access import AUTHENTICATED, policy, roles
from ..core.api_helpers import last_page
from ..core.areas import HomeEntry, hooks
from ..core.db import writes
from ..core.errors import DomainError, InvalidInput, StaleVersion, refused_as
from ..core.fechas import hoy
from ..core.pages import refuse, reject
from ..workflow.states import STATES
from . import operations as ops
from . import queries
from .diff import diff_versions
from .loaders import original_file, visible_document, visible_version
from .printing import pdf_response
from .models import RELACIONES, TIPOS

bp = Blueprint("documents_pages", __name__, template_folder="templates")


def date_arg(value: str | None, field: str) -> date | None:
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
        vigente_al = date_arg(args.get("vigente_al"), "vigente_al")
    except DomainError as err:
        flash(err.message, "error")
        vigente_al = None
    tipo = args.get("tipo") if args.get("tipo") in TIPOS else None
    estado = args.get("estado") if args.get("estado") in STATES else None
    pagina = min(max(args.get("pagina", 1, type=int) or 1, 1), 10**6)
    stmt = queries.catalog_stmt(g.user, day=vigente_al or hoy(), only_in_force=vigente_al is not None,
                                tipo=tipo, estado=estado, area=(args.get("area") or "")[:200] or None,
                                texto=(args.get("q") or "")[:200] or None)
    total, rows = queries.page_catalog(stmt, pagina, 50)
    if not rows and pagina > last_page(total, 50):  # past the end: show the last page
        pagina = last_page(total, 50)
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
            status = reject(err)
            return render_template("documents/new.html", form=form, tipos=TIPOS, relaciones=RELACIONES), status
        flash(f"Documento {document.clave} registrado. Cargue ahora su primera versión.", "info")
        return redirect(url_for(".document", document_id=document.id))
    return render_template("documents/new.html", form=form, tipos=TIPOS, relaciones=RELACIONES)


@bp.route("/documentos/<int:document_id>")
@policy(AUTHENTICATED)
def document(document_id):
    doc = visible_document(document_id)
    versions = [v for v in doc.versions if queries.can_view_version(g.user, v)]
    today = hoy()
    return render_template("documents/document.html", doc=doc, versions=versions, today=today,
                           vigente=queries.version_in_force(doc, today), estados=STATES, relaciones=RELACIONES)


@bp.route("/documentos/<int:document_id>/versiones", methods=["POST"])
@policy(roles("normativo"))
def upload(document_id):
    doc = ops.get_document(document_id)
    archivo = request.files.get("archivo")
    try:
        with refused_as("upload_rechazado", documento_id=doc.id):
            if archivo is None or not archivo.filename:
                raise InvalidInput("Seleccione el archivo de la versión.", errors={"archivo": ["Obligatorio."]})
            version = ops.upload_version(g.user, doc, filename=archivo.filename, data=archivo.read(),
                                         resumen=request.form.get("resumen", ""))
    except DomainError as err:
        return refuse(err, url_for(".document", document_id=doc.id))
    flash(f"Versión {version.numero} cargada con {len(version.sections)} secciones.", "info")
    return redirect(url_for(".version", document_id=doc.id, numero=version.numero))


@bp.route("/documentos/<int:document_id>/versiones/<int:numero>")
@policy(AUTHENTICATED)
def version(document_id, numero):
    version = visible_version(document_id, numero)
    previous = max((v.numero for v in version.document.versions
                    if v.numero < version.numero and queries.can_view_version(g.user, v)), default=None)
    panels = [html for _area, panel in hooks(current_app, "version_panels") if (html := panel(version))]
    return render_template("documents/version.html", v=version, doc=version.document, panels=panels,
                           previous=previous, estados=STATES)


@bp.route("/documentos/<int:document_id>/versiones/<int:numero>/archivo")
@policy(AUTHENTICATED)
@writes
def download(document_id, numero):
    return original_file(visible_version(document_id, numero))


@bp.route("/documentos/<int:document_id>/versiones/<int:numero>/pdf")
@policy(AUTHENTICATED)
@writes
def version_pdf(document_id, numero):
    return pdf_response(visible_version(document_id, numero))


@bp.route("/documentos/<int:document_id>/diff")
@policy(AUTHENTICATED)
def diff(document_id):
    de, a = request.args.get("de", type=int), request.args.get("a", type=int)
    doc = visible_document(document_id)
    if not de or not a:
        raise InvalidInput("Indique las versiones a comparar (de, a).")
    if de == a:
        return refuse(InvalidInput("Elija dos versiones distintas para comparar."),
                      url_for(".document", document_id=doc.id))
    old, new = visible_version(doc.id, de), visible_version(doc.id, a)
    versions = [v for v in doc.versions if queries.can_view_version(g.user, v)]
    return render_template("documents/diff.html", doc=doc, diff=diff_versions(old, new), old=old, new=new,
                           versions=versions)


@bp.route("/documentos/<int:document_id>/editar", methods=["GET", "POST"])
@policy(roles("normativo"))
def edit_document(document_id):
    """Metadata (título, área, fundamento, palabras clave) with a lost-update check, and relations."""
    doc = ops.get_document(document_id)
    form = request.form
    if request.method == "POST":
        changes = {k: form.get(k, "") for k in ops.EDITABLE if form.get(k, "") != getattr(doc, k)}
        try:
            if form.get("lock") != str(doc.lock):
                raise StaleVersion("Otra persona modificó el documento mientras lo editaba; revise los datos actuales.")
            if changes:
                ops.update_metadata(g.user, doc, **changes)
        except DomainError as err:
            status = reject(err)
            return render_template("documents/edit.html", doc=doc, form=form, relaciones=RELACIONES), status
        flash("Metadatos guardados." if changes else "No hubo cambios que guardar.", "info")
        return redirect(url_for(".document", document_id=doc.id), 303)
    return render_template("documents/edit.html", doc=doc, form={k: getattr(doc, k) for k in ops.EDITABLE},
                           relaciones=RELACIONES)


@bp.route("/documentos/<int:document_id>/relaciones", methods=["POST"])
@policy(roles("normativo"))
def add_relation(document_id):
    doc = ops.get_document(document_id)
    form = request.form
    try:
        relation = ops.add_relation(g.user, doc, tipo=form.get("tipo", ""), clave=form.get("clave", "")[:32],
                                    numerales=form.get("numerales", "")[:500])
    except DomainError as err:
        return refuse(err, url_for(".edit_document", document_id=doc.id))
    flash(f"Relación registrada: {RELACIONES[relation.tipo].lower()} {relation.destino.clave}.", "info")
    return redirect(url_for(".edit_document", document_id=doc.id), 303)


def home_entries(user):
    if user.has_role("normativo"):
        return [HomeEntry("Registrar documentos normativos y cargar versiones", "documents_pages.new_document")]
    if user.has_role("operativo", "consultor"):
        return [HomeEntry("Consultar la normatividad vigente", "documents_pages.catalog")]
    return []
