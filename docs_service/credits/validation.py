"""The rules of one row of the credit import (DOMAIN.md §3, §8), written for 10⁶-row files.

A file repeats the same NRP, RFC, periodo, dates and Subdelegación across many rows, so each
distinct raw value is checked once per file (`RowValidator` keeps the verdicts of the valid ones;
an invalid value is checked again, and reported, on every row that carries it). Amounts in the
plain form `1234.56` skip the general parser. The rules themselves are the same as anywhere else:
`ids` for identifiers, `csvio.money`/`parse_date` for the rest of the forms."""
import operator
import re
from decimal import Decimal

from . import ids, rules
from .csvio import RowError, money, parse_date
from .models import ORIGENES
from .phases import PHASES

AMOUNTS = ("importe_historico", "actualizacion", "recargos", "multa", "gastos_ejecucion")
NOTIFIED = frozenset(p for p in PHASES if p not in ("EMITIDO", "EN_NOTIFICACION", "NO_LOCALIZADO", "CANCELADO",
                                                    "CANCELADO_EN_CUENTAS"))
LOADABLE = frozenset(p for p in PHASES if p != "EN_TRASLADO")
TD_ORIGEN = {"02": "ECO", "03": "SIVEPA", "04": "AVISO_EXT", "00": "CAPITAL", "70": "CAPITAL", "71": "CAPITAL",
             "01": "CUOTA", "05": "AUDITORIA", "08": "MULTA"}
# The columns of a validated credit, in the order RowValidator returns them (bulk.CREDIT_COLUMNS).
CREDIT_FIELDS = ("numero", "unidad_id", "concepto", "td", "origen", "periodo", "nss", "cotizantes", *AMOUNTS,
                 "importe_total", "saldo", "fecha_emision", "fecha_notificacion", "fecha_exigibilidad", "fase",
                 "fase_desde", "sintetico")
PLAIN_AMOUNT = re.compile(r"[0-9]{1,12}\.[0-9]{2}\Z")  # needs no normalisation; < 10¹² by length
ZERO = Decimal("0.00")
CACHE_ENTRIES = 20_000  # per kind of value; a chunk has at most 5,000 distinct ones


def origen_of_td(td: str) -> str | None:
    if td in TD_ORIGEN:
        return TD_ORIGEN[td]
    if "50" <= td <= "60":
        return "AUDITORIA"
    if "80" <= td <= "89":
        return "MULTA"
    return None


def origen_error(origen: str, td: str) -> tuple[str, str]:
    """(campo, mensaje) of a row whose origen is unknown: the one written, or the one its TD gives."""
    if origen:
        return "origen", f"Origen «{origen[:20]}» no reconocido: use " + ", ".join(ORIGENES) + "."
    return "td", (f"El TD «{td}» no corresponde a un origen conocido: indique el origen en la columna «origen» ("
                  + ", ".join(ORIGENES) + ").")


def _amount(raw: str, campo: str, required: bool = False) -> Decimal:
    if PLAIN_AMOUNT.match(raw):
        return Decimal(raw)
    return money(raw, campo, required=required)


# The fields a row is read for, in the order RowValidator unpacks them.
FIELDS = ("numero", "nrp", "rfc", "razon_social", "concepto", "td", "origen", "periodo", "curp", "nss", *AMOUNTS,
          "importe_total", "saldo", "fecha_emision", "fecha_notificacion", "fase", "subdelegacion", "cotizantes")


class RowValidator:
    """Validates the rows of one file, given its header `names`. `required_unit`: the importer's
    own unit (an operativo); `fallback_unit`: for rows without a Subdelegación (CLI `--unidad`)."""

    def __init__(self, names: list, day, units: dict, required_unit: int | None = None,
                 fallback_unit: int | None = None):
        self.day, self.units = day, units
        self.required_unit, self.fallback_unit = required_unit, fallback_unit
        self.own_clave = next((clave for clave, id_ in units.items() if id_ == required_unit), None)
        # A column the file lacks reads as the empty string appended to every row.
        self.fields = operator.itemgetter(*(names.index(f) if f in names else len(names) for f in FIELDS))
        self._nrp, self._rfc, self._razon, self._periodo, self._date, self._unit, self._exigible = ({} for _ in range(7))

    def __call__(self, values: list):
        """A row's values (as many as the header names) → (patrón tuple (nrp, rfc, curp, razón
        social, unit, synthetic), credit tuple in CREDIT_FIELDS order, warnings). Raises RowError on
        the first bad field."""
        values.append("")
        (numero, raw_nrp, raw_rfc, raw_razon, concepto, td, origen, raw_periodo, raw_curp, raw_nss, raw_historico,
         raw_actualizacion, raw_recargos, raw_multa, raw_gastos, declared, raw_saldo, raw_emision, raw_notificacion,
         fase, clave, cotizantes) = self.fields(values)
        warnings = ()
        if not (len(numero) == 9 and numero.isascii() and numero.isdigit()):
            numero = self._check("numero", ids.numero_credito, numero)
        nrp = self._nrp.get(raw_nrp) or self._remember(self._nrp, raw_nrp, self._check("nrp", ids.nrp, raw_nrp))
        rfc, warning = self._rfc.get(raw_rfc) or self._remember(self._rfc, raw_rfc,
                                                                self._check("rfc", ids.rfc, raw_rfc))
        if warning:
            warnings = (("rfc", warning),)
        razon = self._razon.get(raw_razon)
        if razon is None:
            razon = " ".join(raw_razon.split())
            if not razon or len(razon) > 300:
                raise RowError("razon_social", "La razón social es obligatoria (hasta 300 caracteres).")
            self._remember(self._razon, raw_razon, razon)
        if concepto != "COP" and concepto != "RCV":
            concepto = concepto.upper()
            if concepto != "COP" and concepto != "RCV":
                raise RowError("concepto", "El concepto debe ser COP o RCV.")
        if len(td) != 2:
            td = td.zfill(2)
        if not (len(td) == 2 and td.isascii() and td.isdigit()):
            raise RowError("td", "El tipo de documento (TD) son 2 dígitos.")
        checked = origen.upper() if origen else origen_of_td(td)
        if checked not in ORIGENES:
            raise RowError(*origen_error(origen, td))
        origen = checked
        key = (raw_periodo, concepto)
        periodo = self._periodo.get(key) or self._remember(
            self._periodo, key, self._check("periodo", ids.periodo, raw_periodo, concepto, self.day))
        curp = self._check("curp", ids.curp, raw_curp) if raw_curp else None
        nss = self._check("nss", ids.nss, raw_nss) if raw_nss else None
        plain = PLAIN_AMOUNT.match
        historico = Decimal(raw_historico) if plain(raw_historico) else _amount(raw_historico, "importe_historico", True)
        actualizacion = Decimal(raw_actualizacion) if plain(raw_actualizacion) else \
            _amount(raw_actualizacion, "actualizacion")
        recargos = Decimal(raw_recargos) if plain(raw_recargos) else _amount(raw_recargos, "recargos")
        multa = Decimal(raw_multa) if plain(raw_multa) else _amount(raw_multa, "multa")
        gastos = Decimal(raw_gastos) if plain(raw_gastos) else _amount(raw_gastos, "gastos_ejecucion")
        total = historico + actualizacion + recargos + multa + gastos + ZERO
        if declared and _amount(declared, "importe_total") != total:
            raise RowError("importe_total", f"El total {_amount(declared, 'importe_total')} no es la suma de los "
                                            f"importes ({total}).")
        saldo = (Decimal(raw_saldo) if plain(raw_saldo) else _amount(raw_saldo, "saldo")) if raw_saldo else total
        if saldo > total:
            raise RowError("saldo", "El saldo no puede exceder el total.")
        emision = self._date.get(raw_emision) or self._date_of(raw_emision, "fecha_emision", True)
        notificacion = (self._date.get(raw_notificacion) or self._date_of(raw_notificacion, "fecha_notificacion", False)
                        ) if raw_notificacion else None
        if notificacion and notificacion < emision:
            raise RowError("fecha_notificacion", "La notificación no puede ser anterior a la emisión.")
        fase = fase.upper() if fase else "EMITIDO"
        if fase not in LOADABLE:
            raise RowError("fase", "Fase no válida para una carga (EN_TRASLADO se alcanza solo con un traslado).")
        notified = fase in NOTIFIED
        if notified and notificacion is None:
            raise RowError("fecha_notificacion", f"La fase {fase} requiere la fecha de notificación.")
        if fase == "PAGADO" and saldo != 0:
            raise RowError("saldo", "Un crédito PAGADO debe tener saldo cero.")
        unit = self._unit.get(clave) or self._remember(self._unit, clave, self._unit_of(clave))
        if cotizantes:
            if not (cotizantes.isascii() and cotizantes.isdigit()) or int(cotizantes) > 10_000_000:
                raise RowError("cotizantes", "Cotizantes debe ser un entero no negativo.")
            cotizantes = int(cotizantes)
        else:
            cotizantes = None
        exigible = None
        if notified:
            exigible = self._exigible.get(notificacion) or self._remember(
                self._exigible, notificacion, rules.exigibilidad(notificacion))
        sintetico = nrp[0] == ids.SYNTHETIC_PREFIX
        return ((nrp, rfc, curp, razon, unit, sintetico),
                (numero, unit, concepto, td, origen, periodo, nss, cotizantes, historico, actualizacion, recargos,
                 multa, gastos, total, saldo, emision, notificacion, exigible, fase, notificacion or emision,
                 sintetico),
                warnings)

    def numero_of(self, values: list) -> str:
        """The row's crédito number as written (for the report)."""
        return " ".join(self.fields(values)[0].split())

    def all_errors(self, values: list) -> list[tuple[str | None, str]]:
        """Every bad field of a row that failed (the slow path, for the report): each field is checked
        on its own, and a rule between fields only when those fields are valid."""
        (numero, raw_nrp, raw_rfc, raw_razon, concepto, td, origen, raw_periodo, raw_curp, raw_nss, *raw_amounts,
         declared, raw_saldo, raw_emision, raw_notificacion, fase, clave, cotizantes) = self.fields(values)
        found, ok = [], {}

        def check(campo, func, *args, **kwargs):
            try:
                ok[campo] = func(*args, **kwargs)
            except (RowError, ids.IdError) as err:
                found.append((getattr(err, "campo", None) or campo, getattr(err, "mensaje", None) or str(err)))

        def razon(raw):
            if not " ".join(raw.split()) or len(" ".join(raw.split())) > 300:
                raise RowError("razon_social", "La razón social es obligatoria (hasta 300 caracteres).")

        def concept(raw):
            if raw.upper() not in ("COP", "RCV"):
                raise RowError("concepto", "El concepto debe ser COP o RCV.")
            return raw.upper()

        def tipo_documento(raw):
            if not (len(raw.zfill(2)) == 2 and raw.zfill(2).isascii() and raw.zfill(2).isdigit()):
                raise RowError("td", "El tipo de documento (TD) son 2 dígitos.")
            return raw.zfill(2)

        check("numero", ids.numero_credito, numero)
        check("nrp", ids.nrp, raw_nrp)
        check("rfc", ids.rfc, raw_rfc)
        check("razon_social", razon, raw_razon)
        check("concepto", concept, concepto)
        check("td", tipo_documento, td)
        if "td" in ok and (origen.upper() if origen else origen_of_td(ok["td"])) not in ORIGENES:
            found.append(origen_error(origen, ok["td"]))
        check("periodo", ids.periodo, raw_periodo, ok.get("concepto", "COP"), self.day)
        if raw_curp:
            check("curp", ids.curp, raw_curp)
        if raw_nss:
            check("nss", ids.nss, raw_nss)
        for campo, raw in zip(AMOUNTS, raw_amounts):
            check(campo, _amount, raw, campo, campo == AMOUNTS[0])
        if declared:
            check("importe_total", _amount, declared, "importe_total")
        if raw_saldo:
            check("saldo", _amount, raw_saldo, "saldo")
        check("fecha_emision", parse_date, raw_emision, "fecha_emision", required=True, today=self.day)
        if raw_notificacion:
            check("fecha_notificacion", parse_date, raw_notificacion, "fecha_notificacion", required=False,
                  today=self.day)
        if (fase.upper() if fase else "EMITIDO") not in LOADABLE:
            found.append(("fase", "Fase no válida para una carga (EN_TRASLADO se alcanza solo con un traslado)."))
        check("subdelegacion", self._unit_of, clave)
        if cotizantes and (not (cotizantes.isascii() and cotizantes.isdigit()) or int(cotizantes) > 10_000_000):
            found.append(("cotizantes", "Cotizantes debe ser un entero no negativo."))
        if not found:  # the fields are fine one by one: the rule between them is what failed
            try:
                self(list(values))
            except RowError as err:
                found.append((err.campo, err.mensaje))
        return list(dict.fromkeys(found))

    @staticmethod
    def _remember(cache: dict, key, value):
        if len(cache) >= CACHE_ENTRIES:  # memory stays flat on any file size; frequent values return at once
            cache.clear()
        cache[key] = value
        return value

    @staticmethod
    def _check(campo, check, *args):
        try:
            return check(*args)
        except ids.IdError as err:
            raise RowError(campo, str(err)) from None

    def _date_of(self, raw: str, campo: str, required: bool):
        day = parse_date(raw, campo, required=required, today=self.day)
        return self._remember(self._date, raw, day) if day else day

    def _unit_of(self, raw: str) -> int:
        clave = raw.strip()
        if clave:
            unit = self.units.get(clave.zfill(4))
            if unit is None:
                raise RowError("subdelegacion", f"La Subdelegación «{clave[:8]}» no existe.")
            if self.required_unit is not None and unit != self.required_unit:
                raise RowError("subdelegacion", f"El crédito es de la Subdelegación {clave.zfill(4)}: solo puede "
                                                f"cargar créditos de la suya ({self.own_clave}).")
            return unit
        if (self.required_unit or self.fallback_unit) is not None:
            return self.required_unit or self.fallback_unit
        raise RowError("subdelegacion", "Indique la Subdelegación (DDSS).")


def patron_values(patron: tuple) -> dict:
    """The Patron columns of a validated row's patrón tuple (the first row of an NRP wins)."""
    nrp, rfc, curp, razon, unit, sintetico = patron
    return {"nrp": nrp, "rfc": rfc, "curp": curp, "razon_social": razon, "tipo_persona": ids.tipo_persona_of(rfc),
            "modalidad": nrp[8:10], "municipio": nrp[:3], "unidad_id": unit, "sintetico": sintetico}
