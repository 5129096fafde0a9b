"""Untrusted format templates (SECURITY B): one sandboxed Jinja environment shape for the HTML of the
PDF and for docxtpl's DOCX. No globals, a short list of filters, no string multiplication or
power, no `range`, output capped; only the schema's variables (plus `formato` and `letra`, amounts
in words) reach a template, and in HTML the helpers `campo()`/`filas()` that draw labelled boxes."""
import operator
import re
from datetime import date

from jinja2 import TemplateError, Undefined, nodes
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from ..core import fechas
from .fields import FormSchema
from .words import amount_in_words, format_amount

MAX_TEMPLATE = 200_000     # characters of template source
MAX_OUTPUT = 2_000_000     # characters rendered
MAX_LOOP_DEPTH = 2         # loops run only over schema rows (<= 50), so at most 2,500 iterations
ALLOWED_FILTERS = ("e", "escape", "upper", "lower", "title", "capitalize", "trim", "default", "d", "length",
                   "count", "first", "last", "join", "replace", "truncate", "string", "int", "float", "round",
                   "striptags", "list", "sort", "abs")
EXTERNAL_REF = re.compile(r"(?i)\b(?:file|https?|ftp|data|gopher|ldap|smb|jar)\s*:|@import|<\s*(?:link|iframe|object|"
                          r"embed|script|base|meta)\b|\brel\s*=\s*['\"]?attachment")


class TemplateRefused(ValueError):
    """A template that cannot be used (syntax, sandbox violation, external reference, size)."""


class FormatSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset(["*", "**", "+"])

    def call_binop(self, context, op, left, right):
        if op == "**":
            raise SecurityError("la potencia no está permitida en plantillas")
        if op == "*" and (isinstance(left, (str, list, tuple)) or isinstance(right, (str, list, tuple))):
            raise SecurityError("no se permite repetir texto o listas")
        result = {"*": operator.mul, "+": operator.add}[op](left, right)
        if isinstance(result, (str, list, tuple)) and len(result) > MAX_OUTPUT:
            raise SecurityError("resultado demasiado grande")
        return result

    def is_safe_attribute(self, obj, attr, value):
        # Only plain data reaches templates: dict items, never attributes of Python objects.
        return isinstance(obj, (dict, LoopContext)) and super().is_safe_attribute(obj, attr, value)


def sandbox(autoescape: bool = True) -> FormatSandbox:
    env = FormatSandbox(autoescape=autoescape, undefined=Undefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.clear()
    env.filters = {name: env.filters[name] for name in ALLOWED_FILTERS if name in env.filters}
    env.tests = {name: env.tests[name] for name in ("defined", "undefined", "none", "number", "string", "eq", "ne")
                 if name in env.tests}
    return env


def check_source(source: str, what: str = "La plantilla") -> None:
    """Refuse before rendering: size, syntax, references to anything outside the bundled assets."""
    if not isinstance(source, str) or len(source) > MAX_TEMPLATE:
        raise TemplateRefused(f"{what} excede {MAX_TEMPLATE} caracteres.")
    match = EXTERNAL_REF.search(source)
    if match:
        raise TemplateRefused(f"{what} hace referencia a un recurso externo ({match.group(0)[:20]}); "
                              "solo se admiten los recursos incluidos en el servicio.")
    env = sandbox()
    try:
        tree = env.parse(source)
    except TemplateError as err:
        raise TemplateRefused(f"{what} tiene un error de sintaxis: {str(err)[:200]}") from None
    if any(True for _ in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends))):
        raise TemplateRefused(f"{what} no puede incluir ni importar otras plantillas.")
    if _loop_depth(tree) > MAX_LOOP_DEPTH:
        raise TemplateRefused(f"{what} anida más de {MAX_LOOP_DEPTH} ciclos.")
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        name = getattr(node, "attr", None) or getattr(getattr(node, "arg", None), "value", None)
        if isinstance(name, str) and name.startswith("_"):
            raise TemplateRefused(f"{what} intenta acceder a atributos internos ({name[:30]}).")


def _loop_depth(node, depth: int = 0) -> int:
    deepest = depth
    for child in node.iter_child_nodes():
        deepest = max(deepest, _loop_depth(child, depth + isinstance(child, nodes.For)))
    return deepest


def render_capped(template, context: dict) -> str:
    out, size = [], 0
    try:
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise TemplateRefused("La plantilla produce un documento demasiado grande.")
            out.append(chunk)
    except SecurityError as err:
        raise TemplateRefused(f"La plantilla intentó una operación no permitida: {str(err)[:120]}") from None
    except TemplateRefused:
        raise
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError, AttributeError,
            RecursionError, MemoryError, OverflowError) as err:
        raise TemplateRefused(f"La plantilla no se pudo procesar: {str(err)[:200]}") from None
    return "".join(out)


def shown(f, value):
    """A field's value as a filled format prints it: an option by its label («Concurso mercantil», not
    `concurso`), an amount as `$1,150.00`, a date as `30/11/2026`; the data stay as validated."""
    if value in ("", None):
        return ""
    if f.tipo == "opcion":
        return dict(f.opciones).get(value, value)
    if f.tipo == "importe":
        return format_amount(value)
    if f.tipo == "fecha":
        try:
            return fechas.fecha(date.fromisoformat(str(value)))
        except ValueError:
            return value
    return value


def context_for(schema: FormSchema, data: dict, meta: dict, blank_rows: int = 0) -> dict:
    """Only schema names (their values as printed, `shown`), `formato` (clave, titulo, version,
    vigencia) and `letra` (amounts in words)."""
    context = {}
    for f in schema.campos:
        value = data.get(f.nombre, "")
        if f.tipo == "filas":
            rows = [{c.nombre: shown(c, row.get(c.nombre, "")) for c in f.campos} for row in (value or [])]
            if not rows and blank_rows:
                rows = [{c.nombre: "" for c in f.campos} for _ in range(min(blank_rows, f.filas_max))]
            context[f.nombre] = rows
        else:
            context[f.nombre] = shown(f, value)
    context["letra"] = {f.nombre: (amount_in_words(data[f.nombre]) if data.get(f.nombre) not in ("", None) else "")
                        for f in schema.amount_fields}
    context["formato"] = {k: str(v) for k, v in meta.items()}
    return context


def _box(label: str, inner, help_text: str = "", wide: bool = False) -> Markup:
    cls = "caja ancha" if wide else "caja"
    help_html = Markup('<span class="ayuda">{}</span>').format(help_text) if help_text else ""
    return Markup('<div class="{}"><span class="etiqueta">{}</span>{}{}</div>').format(cls, label, inner, help_html)


def html_helpers(schema: FormSchema, data: dict, fillable: bool) -> dict:
    """`campo(nombre)` and `filas(nombre)`: labelled boxes; form fields in the fillable blank PDF."""
    by_name = {f.nombre: f for f in schema.campos}

    def _input(name: str, f, value) -> Markup:
        if f.tipo == "opcion":
            options = Markup("").join(Markup('<option value="{}">{}</option>').format(v, e) for v, e in f.opciones)
            return Markup('<select name="{}" title="{}"><option value=""></option>{}</select>').format(
                name, f.etiqueta, options)
        if f.tipo == "texto" and (f.longitud_max or 0) > 120:
            return Markup('<textarea name="{}" title="{}"></textarea>').format(name, f.etiqueta)
        return Markup('<input type="text" name="{}" title="{}" value="">').format(name, f.etiqueta)

    def _value(f, value) -> Markup:
        return Markup('<span class="valor">{}</span>').format(shown(f, value) or "\u00a0")

    def campo(nombre: str) -> Markup:
        f = by_name.get(nombre)
        if f is None or f.tipo == "filas":
            return Markup("")
        inner = _input(nombre, f, "") if fillable else _value(f, data.get(nombre, ""))
        return _box(f.etiqueta + (" *" if f.requerido else ""), inner, f.ayuda if fillable else "",
                    wide=f.tipo == "texto" and (f.longitud_max or 200) > 60)

    def filas(nombre: str) -> Markup:
        f = by_name.get(nombre)
        if f is None or f.tipo != "filas":
            return Markup("")
        head = Markup("").join(Markup("<th>{}</th>").format(c.etiqueta) for c in f.campos)
        rows = data.get(nombre) or []
        count = f.filas_max if fillable else max(len(rows), 1)
        body = []
        for i in range(count):
            row = rows[i] if i < len(rows) else {}
            cells = Markup("").join(
                Markup("<td>{}</td>").format(_input(f"{nombre}__{i + 1}__{c.nombre}", c, "") if fillable
                                             else _value(c, row.get(c.nombre, "")))
                for c in f.campos)
            body.append(Markup("<tr>{}</tr>").format(cells))
        return Markup('<table class="filas"><caption>{}</caption><thead><tr>{}</tr></thead><tbody>{}</tbody></table>'
                      ).format(f.etiqueta, head, Markup("").join(body))

    return {"campo": campo, "filas": filas}


def render_html_body(source: str, schema: FormSchema, data: dict, meta: dict, fillable: bool) -> str:
    check_source(source)
    env = sandbox(autoescape=True)
    try:
        template = env.from_string(source)
    except TemplateError as err:
        raise TemplateRefused(f"La plantilla no es válida: {str(err)[:200]}") from None
    context = context_for(schema, data, meta)
    context.update(html_helpers(schema, data, fillable))
    return render_capped(template, context)

