"""Field schemas: identifiers (python-stdnum for RFC/CURP; NRP, NSS and periodo per DOMAIN §3),
types, rows, and errors that name each bad field by its Spanish label."""
import pytest

from docs_service.formats import identifiers
from docs_service.formats.fields import FormSchema, SchemaError


def test_rfc_curp_nss_nrp_periodo():
    assert identifiers.rfc("gode-561231-gr8") == ("GODE561231GR8", None)
    assert identifiers.rfc("MAB9307148T4") == ("MAB9307148T4", None)
    assert identifiers.rfc("XAXX010101000") == ("XAXX010101000", None)  # generic RFC
    number, warning = identifiers.rfc("VACE460910SX6")  # wrong check digit: a warning, not an error
    assert number == "VACE460910SX6" and "dígito verificador" in warning
    for bad in ("GODE561331GR8", "G0DE561231GR8", "GODE56123"):
        with pytest.raises(ValueError):
            identifiers.rfc(bad)
    assert identifiers.curp("BOXW310820HNERXN09")[0] == "BOXW310820HNERXN09"
    with pytest.raises(ValueError, match="verificador"):
        identifiers.curp("BOXW310820HNERXN08")
    assert identifiers.nss("92919084431") == ("92919084431", None)
    with pytest.raises(ValueError, match="verificador"):
        identifiers.nss("92919084432")
    assert identifiers.nrp("A12-34567-10") == ("A123456710", None)
    assert identifiers.nrp("A1234567101")[1] is None
    assert "Modalidad 42" in identifiers.nrp("A1234567421")[1]
    with pytest.raises(ValueError):
        identifiers.nrp("AB234567101")
    assert identifiers.periodo("202504", bimestral=True) == ("202504", None)
    for bad, bimestral in (("202513", False), ("202503", True), ("1996-01", False), ("2025", False)):
        with pytest.raises(ValueError):
            identifiers.periodo(bad, bimestral=bimestral)


SCHEMA = {"campos": [
    {"nombre": "rfc", "etiqueta": "RFC del patrón", "tipo": "rfc", "requerido": True},
    {"nombre": "total", "etiqueta": "Importe total", "tipo": "importe", "requerido": True, "maximo": "1000000"},
    {"nombre": "cuantos", "etiqueta": "Número de trabajadores", "tipo": "numero", "minimo": 1},
    {"nombre": "dia", "etiqueta": "Fecha", "tipo": "fecha"},
    {"nombre": "clabe", "etiqueta": "CLABE", "tipo": "texto", "patron": "\\d{18}", "longitud_max": 18},
    {"nombre": "concepto", "etiqueta": "Concepto", "tipo": "opcion", "opciones": [{"valor": "COP", "etiqueta": "Cuotas"}]},
    {"nombre": "pagos", "etiqueta": "Pagos", "tipo": "filas", "requerido": True, "filas_max": 2, "campos": [
        {"nombre": "periodo", "etiqueta": "Periodo", "tipo": "periodo", "requerido": True, "bimestral": True},
        {"nombre": "nss", "etiqueta": "NSS", "tipo": "nss"}]},
]}


def test_valid_data_is_normalised():
    result = FormSchema.parse(SCHEMA).validate({
        "rfc": " gode561231gr8 ", "total": "$1,250.5", "cuantos": "12", "dia": "30/11/2026",
        "clabe": "012345678901234567", "concepto": "cuotas", "pagos": [{"periodo": "202506", "nss": "92919084431"},
                                                                        {"periodo": "", "nss": ""}]})
    assert result.ok, result.errors
    assert result.data == {"rfc": "GODE561231GR8", "total": "1250.50", "cuantos": "12", "dia": "2026-11-30",
                           "clabe": "012345678901234567", "concepto": "COP",
                           "pagos": [{"periodo": "202506", "nss": "92919084431"}]}


def test_each_bad_field_is_named_in_spanish():
    result = FormSchema.parse(SCHEMA).validate({
        "rfc": "NO-ES-RFC", "total": "2000000", "cuantos": "0", "dia": "31/02/2026", "clabe": "123",
        "concepto": "otro", "pagos": [{"periodo": "202505", "nss": "123"}, {"periodo": "202506"},
                                      {"periodo": "202508"}], "extra": "x"})
    assert not result.ok
    assert set(result.errors) == {"rfc", "total", "cuantos", "dia", "clabe", "concepto", "pagos", "extra"}
    assert result.errors["rfc"][0].startswith("«RFC del patrón»")
    assert "máximo 2 filas" in result.errors["pagos"][0]
    result = FormSchema.parse(SCHEMA).validate({"rfc": "", "total": "1", "pagos": [{"periodo": "202505", "nss": "1"}]})
    assert result.errors["rfc"] == ["«RFC del patrón»: este dato es obligatorio."]
    assert "pagos.1.periodo" in result.errors and "fila 1" in result.errors["pagos.1.nss"][0]
    assert FormSchema.parse(SCHEMA).validate({"total": "1", "pagos": []}).errors["pagos"][0].endswith("al menos una fila.")
    assert FormSchema.parse(SCHEMA).validate(["no", "objeto"]).errors


@pytest.mark.parametrize("bad", [
    {"campos": []},
    {"campos": [{"nombre": "Mal Nombre", "etiqueta": "x", "tipo": "texto"}]},
    {"campos": [{"nombre": "formato", "etiqueta": "x", "tipo": "texto"}]},
    {"campos": [{"nombre": "a", "etiqueta": "x", "tipo": "desconocido"}]},
    {"campos": [{"nombre": "a", "etiqueta": "x", "tipo": "texto", "patron": "("}]},
    {"campos": [{"nombre": "a", "etiqueta": "x", "tipo": "opcion", "opciones": []}]},
    {"campos": [{"nombre": "a", "etiqueta": "x", "tipo": "texto"}, {"nombre": "a", "etiqueta": "y", "tipo": "texto"}]},
    {"campos": [{"nombre": "a", "etiqueta": "x", "tipo": "filas", "campos": [
        {"nombre": "b", "etiqueta": "y", "tipo": "filas", "campos": []}]}]},
    {"campos": [{"nombre": "a", "etiqueta": "x", "tipo": "texto", "codigo": "import os"}]},
])
def test_malformed_schemas_refused(bad):
    with pytest.raises(SchemaError):
        FormSchema.parse(bad)


@pytest.mark.parametrize("pattern, reason", [
    ("(a+)+$", "anidadas"), ("(\\d+){5}", "anidadas"), ("([a-z]*\\d?)*", "anidadas"), ("(a)\\1", "referencias"),
    ("(?<=a)b", "hacia atrás"), ("x{1,2}" * 13, "repeticiones"), ("a" * 201, "200"), ("[", "no es una expresión"),
])
def test_patterns_that_could_hang_a_worker_are_refused_on_upload(pattern, reason):
    field = {"nombre": "a", "etiqueta": "A", "tipo": "texto", "patron": pattern}
    with pytest.raises(SchemaError, match=reason):
        FormSchema.parse({"campos": [field]})
    for fine in ("\\d{9}", "(\\d{3}-){2}\\d{4}", "[A-Z]{4}\\d{6}[A-Z0-9]{3}", "(CO|RCV)-\\d+", "(?=\\d)\\w+"):
        FormSchema.parse({"campos": [dict(field, patron=fine)]})


def test_a_match_past_its_time_bound_refuses_the_value_and_returns():
    from docs_service.formats import patterns
    with pytest.raises(patterns.PatternTimeout):  # refused on upload, but bounded even if it got in
        patterns.fullmatch("(a+)+$", "a" * 5000 + "!")
    # Passes the upload check (no nested repetition) yet backtracks exponentially: the bound stops it.
    schema = FormSchema.parse({"campos": [{"nombre": "clave", "etiqueta": "Clave interna", "tipo": "texto",
                                           "longitud_max": 2000, "patron": "(a|aa)*$"}]})
    result = schema.validate({"clave": "a" * 1990 + "!"})
    assert result.errors["clave"] == ["«Clave interna»: no se pudo verificar su formato a tiempo; avise al área "
                                      "normativa."]
    assert schema.validate({"clave": "aaaa"}).ok
