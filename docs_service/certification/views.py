"""Pages: request, list, download and revoke constancias (scoped by unit), the public verification
page (the QR link, or an uploaded PDF), and the published trust material (root and seal
certificates, revocation list, cadena original specification)."""
import csv
import io
import json
import re
import secrets
from datetime import date
from pathlib import Path

from flask import (Blueprint, Response, current_app, flash, g, make_response, redirect, render_template, request,
                   stream_with_context, url_for)
from sqlalchemy import func, select

from ..core.access import PUBLIC, policy, require, roles
from ..core.api_helpers import paginate
from ..core.areas import HomeEntry
from ..core.db import db, writes
from ..core.errors import DomainError, InvalidInput, NotFound
from ..core.fechas import hoy, iso_local
from ..core.pages import day_range, refuse, reject
from ..core.exports import safe_cell
from . import operations as ops
from . import credit_reads, queries, verify
from .api import pdf_response
from .collectors import credits_installed
from .copia_docx import docx_response
from .kinds import ETIQUETAS, TIPOS, kinds_of
from .limits import limited
from .models import Constancia
from .signing import SEAL_CERT, SigningConfig, crl_bytes, load_material, root_certificate

bp = Blueprint("certification_pages", __name__, template_folder="templates")
LECTORES = ("operativo", "titular", "admin", "auditor")
ESTADOS = {"VIGENTE": "Vigente", "REVOCADA": "Revocada", "SUSTITUIDA": "Sustituida"}
MAX_PDF = 10 * 1024 * 1024
PER_PAGE = 50
PUBLIC_URL_PLACEHOLDER = "<DOCS_SERVICE_PUBLIC_URL>"
NRP_FORM = re.compile(r"[A-Z0-9]{10,11}")


def template_filters(app):
    app.jinja_env.filters.update({"tipo_constancia": lambda code: ETIQUETAS.get(code, code),
                                  "estado_constancia": lambda code: ESTADOS.get(code, code),
                                  "unidad_emisora": verify.issuing_unit})


def with_docx() -> set[str]:
    """The kinds whose constancias also have an editable DOCX working copy (definicion.json)."""
    return {tipo for tipo, kind in kinds_of(current_app).items() if kind.docx}


def home_entries(user):
    if not user.has_role(*ops.EMISORES):
        return []
    stmt = select(func.count()).select_from(Constancia).where(Constancia.estado == "VIGENTE")
    if not user.has_role("titular"):
        stmt = stmt.where(Constancia.unidad_id == user.unidad_id)
    return [HomeEntry("Constancias vigentes emitidas", "certification_pages.index", count=db.session.scalar(stmt))]


def list_filters(args) -> tuple[dict, list[str]]:
    """The list's filters from the query string (bounded; an unknown tipo or estado is ignored, like
    the other list pages do) and the Spanish complaints about malformed dates."""
    filters, problems = {}, []
    for key, limit in (("folio", 32), ("nrp", 11)):
        value = "".join(c for c in (args.get(key) or "") if c.isprintable()).strip()[:limit]
        if value:
            filters[key] = value.upper()
    if args.get("tipo") in TIPOS:
        filters["tipo"] = args["tipo"]
    if args.get("estado") in ESTADOS:
        filters["estado"] = args["estado"]
    day_range(args, filters, problems, "Emitidas desde", "Emitidas hasta", "no hay constancias en ese intervalo")
    return filters, problems


def _form_params(form) -> tuple[str, dict]:
    tipo = form.get("tipo", "")
    if tipo not in TIPOS:
        raise InvalidInput("Elija el tipo de constancia.", code="tipo_requerido")
    params = {}
    if tipo == "situacion_creditos":
        return tipo, _situacion_params(form)
    elif tipo == "certificacion_pago":
        if not form.get("pago", "").isdigit() or len(form["pago"]) > 9:
            raise InvalidInput("Indique el número de la certificación de pago.", code="pago_requerido",
                               errors={"pago": ["Número de la certificación de pago, solo dígitos."]})
        params["pago"] = int(form["pago"])
    else:
        params["clave"] = form.get("clave", "").strip()[:32] or None
        if not form.get("version", "").isdigit() or len(form["version"]) > 6:
            raise InvalidInput("Indique el número de versión.", code="version_requerida",
                               errors={"version": ["Número de la versión publicada, solo dígitos."]})
        params["version"] = int(form["version"])
    return tipo, params


def _situacion_params(form) -> dict:
    """NRP and cut-off date, each checked, so one message names everything that is missing."""
    problems = {}
    nrp = form.get("nrp", "").strip().replace("-", "").upper()
    if not nrp:
        problems["nrp"] = "Indique el registro patronal (NRP)."
    elif not NRP_FORM.fullmatch(nrp):
        problems["nrp"] = "El registro patronal tiene 10 u 11 letras y números."
    raw = form.get("fecha_corte", "").strip()
    corte = None
    if not raw:
        problems["fecha_corte"] = "Indique la fecha de corte."
    else:
        try:
            corte = date.fromisoformat(raw)
        except ValueError:
            problems["fecha_corte"] = "La fecha de corte debe ser AAAA-MM-DD."
    if problems:
        raise InvalidInput(" ".join(problems.values()), code="datos_incompletos",
                           errors={field: [text] for field, text in problems.items()})
    return {"nrp": nrp, "fecha_corte": corte}


@bp.route("/constancias", methods=["GET", "POST"])
@policy(roles(*LECTORES))
def index():
    status, errores = 200, {}
    if request.method == "POST":
        require(g.user.has_role(*ops.EMISORES))
        try:
            tipo, params = _form_params(request.form)
            constancia, _again = ops.emit(g.user, tipo, params, request.form.get("idempotencia") or None)
        except DomainError as err:
            status = reject(err)
            errores = err.errors if isinstance(err.errors, dict) else {}
        else:
            flash(f"Constancia emitida con folio {constancia.folio}.", "info")
            return redirect(url_for(".detail", folio=constancia.folio), 303)
    filters, problems = list_filters(request.args)
    for problem in problems:
        flash(problem, "error")
    stmt = queries.constancias_stmt(g.user, **filters)
    total, _ = paginate(stmt, 1, 1)
    last = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    pagina = min(max(request.args.get("pagina", 1, type=int) or 1, 1), last)
    total, constancias = paginate(stmt, pagina, PER_PAGE)
    filtros = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in filters.items()}
    return render_template("certification/index.html", constancias=constancias, total=total, pagina=pagina,
                           ultima=last, filtros=filtros, tipos=ETIQUETAS, estados=ESTADOS, form=request.form,
                           idempotencia=secrets.token_urlsafe(16), hoy=hoy(), errores=errores,
                           puede_emitir=g.user.has_role(*ops.EMISORES), con_docx=with_docx()), status


CSV_COLUMNS = (
    ("folio", lambda c: c.folio), ("tipo", lambda c: c.tipo),
    ("tipo_etiqueta", lambda c: ETIQUETAS.get(c.tipo, c.tipo)), ("estado", lambda c: c.estado),
    ("unidad", lambda c: c.unidad.clave), ("nrp", lambda c: c.nrp or ""), ("referencia", lambda c: safe_cell(c.referencia)),
    ("fecha_corte", lambda c: c.fecha_corte.isoformat() if c.fecha_corte else ""),
    ("emitida", lambda c: iso_local(c.emitida)), ("revocada", lambda c: iso_local(c.revocada)),
    ("motivo_revocacion", lambda c: safe_cell(c.motivo_revocacion)),
    ("sustituida_por", lambda c: c.sustituida_por.folio if c.sustituida_por else ""), ("sha256", lambda c: c.sha256))


@bp.route("/constancias.csv")
@policy(roles(*LECTORES))
def export():
    """The list with the same filters, every page, as CSV (UTF-8 with BOM), streamed."""
    filters, _problems = list_filters(request.args)
    stmt = queries.constancias_stmt(g.user, **filters)

    def generate():
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([name for name, _get in CSV_COLUMNS])
        yield "\ufeff" + out.getvalue()
        for c in queries.iter_rows(stmt):
            out.seek(0)
            out.truncate()
            writer.writerow([get(c) for _name, get in CSV_COLUMNS])
            yield out.getvalue()

    response = Response(stream_with_context(generate()), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="constancias.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _visible(folio: str) -> Constancia:
    c = db.session.scalar(select(Constancia).where(Constancia.folio == folio[:32]))
    require(c is not None and ops.can_see(g.user, c), hide=True)
    return c


def _razon_social(c: Constancia) -> str:
    """The patrón's name as the constancia printed it (its snapshot), not as it reads today."""
    try:
        patron = json.loads(c.datos or "{}").get("patron")
    except (ValueError, AttributeError):
        return ""
    return str(patron.get("razon_social") or "") if isinstance(patron, dict) else ""


@bp.route("/constancias/<string:folio>")
@policy(roles(*LECTORES))
def detail(folio):
    c = _visible(folio)
    url = f"{current_app.config['DOCS_PUBLIC_URL'].rstrip('/')}/v/{c.codigo}"
    ver_patron = bool(c.nrp) and credits_installed() and credit_reads.patron_page_visible(g.user, c.nrp)
    return render_template("certification/detail.html", c=c, url=url, con_docx=with_docx(),
                           razon_social=_razon_social(c), ver_patron=ver_patron,
                           puede_revocar=g.user.has_role(*ops.REVOCADORES) and c.estado == "VIGENTE")


@bp.route("/constancias/<string:folio>/pdf")
@policy(roles(*LECTORES))
@writes
def pdf(folio):
    return pdf_response(_visible(folio))


@bp.route("/constancias/<string:folio>/docx")
@policy(roles(*LECTORES))
@writes
def docx(folio):
    return docx_response(_visible(folio), g.user)


@bp.route("/constancias/<string:folio>/revocacion", methods=["POST"])
@policy(roles(*ops.REVOCADORES))
def revoke(folio):
    c = _visible(folio)
    try:
        if request.form.get("reemitir") == "1":
            new = ops.reissue(g.user, c, request.form.get("motivo", ""))
            flash(f"Constancia {c.folio} sustituida por {new.folio}.", "info")
            return redirect(url_for(".detail", folio=new.folio), 303)
        ops.revoke(g.user, c, request.form.get("motivo", ""))
    except DomainError as err:
        return refuse(err, url_for(".detail", folio=c.folio))
    flash(f"Constancia {c.folio} revocada.", "info")
    return redirect(url_for(".detail", folio=c.folio), 303)


def _public(response):
    response.headers.update(verify.PUBLIC_HEADERS)
    return response


@bp.route("/v/<string:codigo>")
@policy(PUBLIC)
@limited
def verification(codigo):
    c = verify.by_code(codigo)
    if c is None:
        return _public(make_response(render_template("certification/verificacion.html", vista=None,
                                                     con_crl=_with_crl()), 404))
    return _public(make_response(render_template("certification/verificacion.html", vista=verify.public_view(c),
                                                 con_crl=_with_crl())))


@bp.route("/verificacion", methods=["GET", "POST"])
@policy(PUBLIC)
@limited
def verification_upload():
    resultado, status = None, 200
    if request.method == "POST":
        archivo = request.files.get("archivo")
        if archivo is None or not archivo.filename:
            flash("Elija el PDF de la constancia.", "error")
            status = 422
        else:
            resultado = verify.check_file(archivo.read(MAX_PDF + 1)[:MAX_PDF])
    return _public(make_response(render_template("certification/verificar_archivo.html", resultado=resultado,
                                                 con_crl=_with_crl()), status))


def _file(data: bytes, mimetype: str, name: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/firma/raiz.pem")
@policy(PUBLIC)
def root_pem():
    return _file(root_certificate(SigningConfig.from_app(current_app)), "application/x-pem-file", "raiz.pem")


@bp.route("/firma/sello.pem")
@policy(PUBLIC)
def seal_pem():
    from cryptography.hazmat.primitives import serialization
    material = load_material(SigningConfig.from_app(current_app))
    return _file(material.cert.public_bytes(serialization.Encoding.PEM), "application/x-pem-file", "sello.pem")


@bp.route("/firma/crl.der")
@policy(PUBLIC)
def crl():
    data = crl_bytes(SigningConfig.from_app(current_app))
    if data is None:
        raise NotFound("La lista de revocación la publica la autoridad certificadora de producción.")
    return _file(data, "application/pkix-crl", "crl.der")


def _cadena_markdown() -> str:
    """The specification with the placeholder of the public URL replaced by this service's."""
    path = Path(current_app.config["DOCS_CERTIFICACIONES_DIR"]) / "cadena_original.md"
    return path.read_text(encoding="utf-8").replace(PUBLIC_URL_PLACEHOLDER,
                                                     current_app.config["DOCS_PUBLIC_URL"].rstrip("/"))


@bp.route("/firma/cadena-original")
@policy(PUBLIC)
def cadena_spec():
    """The specification as a page (the stable URL printed in the spec and linked from verification)."""
    import nh3
    from markdown_it import MarkdownIt
    from markupsafe import Markup
    html = nh3.clean(MarkdownIt("commonmark").enable("table").render(_cadena_markdown()))
    return render_template("certification/cadena.html", cuerpo=Markup(html), con_crl=_with_crl())


@bp.route("/firma/cadena-original.md")
@policy(PUBLIC)
def cadena_spec_md():
    """The same specification as Markdown text, for whoever wants the source."""
    return _file(_cadena_markdown().encode("utf-8"), "text/markdown; charset=utf-8", "cadena_original.md")


def _with_crl() -> bool:
    """The embedded CA publishes its CRL here; a production PKCS#12's CA publishes its own."""
    return not SigningConfig.from_app(current_app).p12


__all__ = ["bp", "home_entries", "SEAL_CERT"]
