"""Pages of formats: catalog in force (search by name, clave or topic), the format page (preview of
page 1, instructivo, norm, downloads, fill-in form generated from the schema, read-back of a filled
PDF, history), and for normative staff the definition of a draft version."""
import json
from pathlib import Path

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from markupsafe import Markup

from ..core.access import AUTHENTICATED, PUBLIC, policy, roles
from ..core.areas import HomeEntry
from ..core.db import writes_apart
from ..core.fechas import hoy
from ..core.errors import DomainError, InvalidInput, fail
from ..core.pages import refuse, reject
from ..documents import operations as documents
from ..documents import queries as doc_queries
from . import operations as ops
from . import preview, queries
from .fields import TYPES
from .loaders import count, downloadable, file_response
from .pdf import read_filled, to_form_data

bp = Blueprint("formats_pages", __name__, template_folder="templates")
CSS = (Path(__file__).parent / "static" / "formatos.css").read_text(encoding="utf-8")
STAFF = ("normativo", "revisor", "titular", "validador", "auditor")


@bp.route("/formatos/estilo.css")
@policy(PUBLIC)
def stylesheet():
    response = Response(CSS, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/formatos")
@policy(AUTHENTICATED)
def catalog():
    args = request.args
    q = (args.get("q") or "")[:200].strip() or None
    tema = (args.get("tema") or "")[:100] or None
    pagina = max(args.get("pagina", 1, type=int) or 1, 1)
    total, rows = queries.catalog(hoy(), texto=q, tema=tema, pagina=pagina, por_pagina=30)
    return render_template("formats/catalog.html", rows=rows, total=total, q=q or "", tema=tema or "",
                           temas=queries.topics(), pagina=pagina)


def _page(format_id, numero=None, values=None, errors=None, warnings=None, status=200, leido=False):
    document, version, spec, today = downloadable(format_id, numero)
    norma_vigente = doc_queries.version_in_force(spec.norma, today) if spec.norma else None
    history = [v for v in document.versions if v.estado in ("publicado", "sustituido", "abrogado")]
    return render_template("formats/format.html", doc=document, v=version, spec=spec, schema=spec.schema,
                           vigente=version.in_force_on(today), norma_vigente=norma_vigente, history=history,
                           values=values or {}, errors=errors or {}, warnings=warnings or {}, numero=numero,
                           leido=leido, staff=g.user.has_role(*STAFF)), status


@bp.route("/formatos/<int:format_id>")
@policy(AUTHENTICATED)
def format_page(format_id):
    return _page(format_id, request.args.get("version", type=int))


@bp.route("/formatos/<int:format_id>/vista.png")
@policy(AUTHENTICATED)
def preview_image(format_id):
    _document, version, spec, today = downloadable(format_id, request.args.get("version", type=int))
    png = preview.cached(preview.cache_key(version, spec),
                         lambda: preview.first_page_png(ops.render(version, spec, "pdf", None, today)))
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=600"
    return response


@bp.route("/formatos/<int:format_id>/descargar/<kind>")
@policy(AUTHENTICATED)
@writes_apart
def download_blank(format_id, kind):
    if kind not in ("docx", "pdf"):
        abort(404)
    numero = request.args.get("version", type=int)
    _document, version, spec, today = downloadable(format_id, numero)
    content = ops.render(version, spec, kind, None, today)
    count(version, kind, "blanco")
    return file_response(version, content, kind, "blanco", version.in_force_on(today))


def _flat_form() -> dict:
    return {k: v for k, v in request.form.items() if k not in ("csrf_token", "tipo")}


@bp.route("/formatos/<int:format_id>/llenar", methods=["POST"])
@policy(AUTHENTICATED)
@writes_apart
def fill(format_id):
    numero = request.args.get("version", type=int)
    kind = request.form.get("tipo")
    _document, version, spec, today = downloadable(format_id, numero)
    flat = _flat_form()
    if kind not in ("docx", "pdf"):
        fail()
        return _page(format_id, numero, values=flat, status=422)
    data = to_form_data(flat, spec.schema)
    result = spec.schema.validate(data)
    if not result.ok:
        fail()
        return _page(format_id, numero, values=flat, errors=_by_input(result.errors), warnings=result.warnings,
                     status=422)
    content = ops.render(version, spec, kind, result.data, today)
    count(version, kind, "prellenado")
    return file_response(version, content, kind, "prellenado", version.in_force_on(today))


@bp.route("/formatos/<int:format_id>/lectura", methods=["POST"])
@policy(AUTHENTICATED)
def read_back(format_id):
    numero = request.args.get("version", type=int)
    _document, _version, spec, _today = downloadable(format_id, numero)
    archivo = request.files.get("archivo")
    back = url_for(".format_page", format_id=format_id, version=numero)
    try:
        if archivo is None or not archivo.filename:
            raise InvalidInput("Seleccione el PDF llenado.", errors={"archivo": ["Obligatorio."]})
        raw, _keyword = read_filled(archivo.read(), spec.schema)
    except DomainError as err:
        return refuse(err, back)
    result = spec.schema.validate(raw)
    flat = _flatten(raw, spec.schema)
    if result.ok:
        flat = _flatten(result.data, spec.schema)
    return _page(format_id, numero, values=flat, errors=_by_input(result.errors), warnings=result.warnings,
                 status=200 if result.ok else 422, leido=True)


def _by_input(errors: dict) -> dict:
    """Error keys as the names of the form's inputs: creditos.1.numero -> creditos__1__numero."""
    return {key.replace(".", "__"): messages for key, messages in errors.items()}


def _flatten(data: dict, schema) -> dict:
    flat = {}
    for f in schema.campos:
        if f.tipo == "filas":
            for i, row in enumerate(data.get(f.nombre) or [], start=1):
                for c in f.campos:
                    flat[f"{f.nombre}__{i}__{c.nombre}"] = row.get(c.nombre, "")
        else:
            flat[f.nombre] = data.get(f.nombre, "")
    return flat


@bp.route("/formatos/<int:format_id>/versiones/<int:numero>/definicion", methods=["GET", "POST"])
@policy(roles("normativo"))
def definition(format_id, numero):
    document = ops.get_format(format_id)
    version = documents.get_version(document, numero)
    spec = ops.spec_of(version)
    form = request.form
    if request.method == "POST":
        try:
            try:
                esquema = json.loads(form.get("esquema", ""))
            except ValueError:
                raise InvalidInput("El esquema no es JSON válido.", errors={"esquema": ["JSON no válido."]}) from None
            ops.set_definition(g.user, version, esquema=esquema, plantilla_html=form.get("plantilla_html", ""),
                               instructivo=form.get("instructivo", ""), norma=form.get("norma") or None,
                               tema=form.get("tema", ""))
        except DomainError as err:
            status = reject(err)
            return render_template("formats/definition.html", doc=document, v=version, form=form), status
        flash("Definición guardada.", "info")
        return redirect(url_for("documents_pages.version", document_id=document.id, numero=numero))
    current = {"esquema": json.dumps(spec.schema.as_dict(), ensure_ascii=False, indent=2) if spec else "",
               "plantilla_html": spec.plantilla_html if spec else "", "instructivo": spec.instructivo if spec else "",
               "norma": spec.norma.clave if spec and spec.norma else "", "tema": spec.tema if spec else ""}
    return render_template("formats/definition.html", doc=document, v=version, form=current)


def version_panel(version):
    """On a format's version page: its definition (fields, norm, topic) and links to edit and try it."""
    if version.document.tipo != "formato":
        return None
    spec = ops.spec_of(version)
    return Markup(render_template("formats/panel.html", v=version, doc=version.document, spec=spec, tipos=TYPES,
                                  autor=g.user.has_role("normativo"),
                                  editable=version.estado == "borrador" and g.user.has_role("normativo")))


def home_entries(user):
    return [HomeEntry("Descargar y llenar los formatos oficiales vigentes", "formats_pages.catalog")]
