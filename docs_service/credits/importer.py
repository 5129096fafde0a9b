"""Bulk import of credits from CSV: streamed in chunks, validated row by row (bad rows reported,
good rows loaded), idempotent (a número already loaded is 'sin cambios'), and all in the caller's
one transaction, so a fatal error or a kill leaves nothing half-loaded and a re-run completes."""
import hashlib
import json
import os
import signal
from decimal import Decimal

from sqlalchemy import insert, select

from ..accounts.models import Unit
from ..core.db import db, utcnow
from . import ids, rules
from .csvio import RowError, money, open_rows, parse_date
from .models import ORIGENES, Credit, ImportBatch, Patron
from .phases import PHASES
from .signals import credits_imported

REQUIRED = ("numero", "nrp", "rfc", "razon_social", "concepto", "td", "periodo", "importe_historico", "fecha_emision")
OPTIONAL = ("origen", "subdelegacion", "actualizacion", "recargos", "multa", "gastos_ejecucion", "importe_total",
            "saldo", "fecha_notificacion", "fase", "curp", "nss", "cotizantes", "sintetico")
ALIASES = {"numero_credito": "numero", "credito": "numero", "registro_patronal": "nrp", "reg_pat": "nrp",
           "regpat": "nrp", "omision": "importe_historico", "total": "importe_total", "subdel": "subdelegacion"}
AMOUNTS = ("importe_historico", "actualizacion", "recargos", "multa", "gastos_ejecucion")
NOTIFIED = {p for p in PHASES if p not in ("EMITIDO", "EN_NOTIFICACION", "NO_LOCALIZADO", "CANCELADO",
                                           "CANCELADO_EN_CUENTAS")}
TD_ORIGEN = {"02": "ECO", "03": "SIVEPA", "04": "AVISO_EXT", "00": "CAPITAL", "70": "CAPITAL", "71": "CAPITAL",
             "01": "CUOTA", "05": "AUDITORIA", "08": "MULTA"}
CHUNK = 2000
REPORT_CAP = 1000


def origen_of_td(td: str) -> str | None:
    if td in TD_ORIGEN:
        return TD_ORIGEN[td]
    if "50" <= td <= "60":
        return "AUDITORIA"
    if "80" <= td <= "89":
        return "MULTA"
    return None


class Report:
    """Counts every outcome exactly; keeps the first REPORT_CAP messages."""

    def __init__(self):
        self.items, self.errors, self.warnings = [], 0, 0

    def add(self, fila, campo, mensaje, nivel="error"):
        if nivel == "error":
            self.errors += 1
        else:
            self.warnings += 1
        if len(self.items) < REPORT_CAP:
            self.items.append({"fila": fila, "campo": campo, "mensaje": mensaje, "nivel": nivel})


def validate_row(row: dict, day, units: dict, required_unit: int | None = None,
                 fallback_unit: int | None = None) -> tuple[dict, list]:
    """A row → (values for Patron and Credit, warnings). Raises RowError on the first bad field.
    `required_unit`: the importer's own unit (an operativo); `fallback_unit`: for rows without one."""
    warnings = []

    def field(name, check):
        try:
            return check(row.get(name, ""))
        except ids.IdError as err:
            raise RowError(name, str(err)) from None

    numero = field("numero", ids.numero_credito)
    nrp = field("nrp", ids.nrp)
    rfc, warning = field("rfc", ids.rfc)
    if warning:
        warnings.append(("rfc", warning))
    razon = " ".join(row.get("razon_social", "").split())
    if not razon or len(razon) > 300:
        raise RowError("razon_social", "La razón social es obligatoria (hasta 300 caracteres).")
    concepto = row.get("concepto", "").upper()
    if concepto not in ("COP", "RCV"):
        raise RowError("concepto", "El concepto debe ser COP o RCV.")
    td = row.get("td", "").zfill(2)
    if not td.isdigit() or len(td) != 2:
        raise RowError("td", "El tipo de documento (TD) son 2 dígitos.")
    origen = (row.get("origen") or "").upper() or origen_of_td(td)
    if origen not in ORIGENES:
        raise RowError("origen", "Origen no reconocido: " + ", ".join(ORIGENES) + ".")
    periodo = field("periodo", lambda v: ids.periodo(v, concepto, day))
    curp = field("curp", ids.curp) if row.get("curp") else None
    nss = field("nss", ids.nss) if row.get("nss") else None
    amounts = {name: money(row.get(name, ""), name, required=name == "importe_historico") for name in AMOUNTS}
    total = sum(amounts.values(), Decimal("0.00"))
    if row.get("importe_total"):
        declared = money(row["importe_total"], "importe_total")
        if declared != total:
            raise RowError("importe_total", f"El total {declared} no es la suma de los importes ({total}).")
    saldo = money(row["saldo"], "saldo") if row.get("saldo") else total
    if saldo > total:
        raise RowError("saldo", "El saldo no puede exceder el total.")
    emision = parse_date(row.get("fecha_emision", ""), "fecha_emision", today=day)
    notificacion = parse_date(row.get("fecha_notificacion", ""), "fecha_notificacion", required=False, today=day)
    if notificacion and notificacion < emision:
        raise RowError("fecha_notificacion", "La notificación no puede ser anterior a la emisión.")
    fase = (row.get("fase") or "EMITIDO").upper()
    if fase not in PHASES or fase == "EN_TRASLADO":
        raise RowError("fase", "Fase no válida para una carga (EN_TRASLADO se alcanza solo con un traslado).")
    if fase in NOTIFIED and notificacion is None:
        raise RowError("fecha_notificacion", f"La fase {fase} requiere la fecha de notificación.")
    if fase == "PAGADO" and saldo != 0:
        raise RowError("saldo", "Un crédito PAGADO debe tener saldo cero.")
    clave = row.get("subdelegacion", "").strip()
    if clave:
        unit = units.get(clave.zfill(4))
        if unit is None:
            raise RowError("subdelegacion", f"La Subdelegación «{clave[:8]}» no existe.")
        if required_unit is not None and unit != required_unit:
            raise RowError("subdelegacion", "El crédito no corresponde a su Subdelegación.")
    elif (required_unit or fallback_unit) is not None:
        unit = required_unit or fallback_unit
    else:
        raise RowError("subdelegacion", "Indique la Subdelegación (DDSS).")
    cotizantes = row.get("cotizantes") or None
    if cotizantes is not None and (not cotizantes.isdigit() or int(cotizantes) > 10_000_000):
        raise RowError("cotizantes", "Cotizantes debe ser un entero no negativo.")
    sintetico = ids.is_synthetic_nrp(nrp)
    patron = {"nrp": nrp, "rfc": rfc, "curp": curp, "razon_social": razon, "tipo_persona": ids.tipo_persona_of(rfc),
              "modalidad": nrp[8:10], "municipio": nrp[:3], "unidad_id": unit, "sintetico": sintetico}
    credit = {"numero": numero, "unidad_id": unit, "concepto": concepto, "td": td, "origen": origen,
              "periodo": periodo, "nss": nss, "cotizantes": int(cotizantes) if cotizantes else None, **amounts,
              "importe_total": total, "saldo": saldo, "fecha_emision": emision, "fecha_notificacion": notificacion,
              "fecha_exigibilidad": rules.exigibilidad(notificacion) if notificacion and fase in NOTIFIED else None,
              "fase": fase, "fase_desde": notificacion or emision, "sintetico": sintetico}
    return {"patron": patron, "credit": credit}, warnings


def import_credits(actor, stream, nombre: str, *, unidad: str | None = None, progress=None) -> ImportBatch:
    """Load a CSV (binary stream). An operativo imports only into its own unit; the CLI may pass
    `unidad` as the default for rows without one. Returns the batch with its report."""
    session = db.session
    sha = hashlib.sha256()
    start = stream.tell()
    for block in iter(lambda: stream.read(1 << 20), b""):
        sha.update(block)
    stream.seek(start)
    units = {u.clave: u.id for u in session.scalars(select(Unit).where(Unit.tipo == "subdelegacion"))}
    required_unit = getattr(actor, "unidad_id", None) if actor is not None else None
    fallback_unit = units.get(unidad) if unidad else None
    encoding, delimiter, rows = open_rows(stream, REQUIRED, OPTIONAL, ALIASES, progress)
    batch = ImportBatch(nombre=(nombre or "creditos.csv")[:200], sha256=sha.hexdigest(), codificacion=encoding,
                        delimitador=delimiter, unidad_id=getattr(actor, "unidad_id", None),
                        creado_por_id=getattr(actor, "id", None))
    session.add(batch)
    session.flush()
    report = Report()
    day = rules.today()
    patrones: dict[str, tuple[int, int]] = {}
    chunk = []
    for line, row, ragged in rows:
        batch.filas += 1
        if ragged:
            report.add(line, None, "La fila no tiene el mismo número de columnas que el encabezado.")
            batch.rechazadas += 1
            continue
        try:
            values, warnings = validate_row(row, day, units, required_unit, fallback_unit)
        except RowError as err:
            report.add(line, err.campo, err.mensaje)
            batch.rechazadas += 1
            continue
        for campo, mensaje in warnings:
            report.add(line, campo, mensaje, "advertencia")
        chunk.append((line, values))
        if len(chunk) >= CHUNK:
            _flush(chunk, batch, patrones, report)
            chunk = []
    if chunk:
        _flush(chunk, batch, patrones, report)
    batch.advertencias = report.warnings
    batch.reporte = json.dumps(report.items, ensure_ascii=False)
    session.flush()
    credits_imported.send(batch, actor=actor, nombre=batch.nombre, filas=batch.filas, cargadas=batch.cargadas,
                          sin_cambios=batch.sin_cambios, rechazadas=batch.rechazadas)
    return batch


def _flush(chunk, batch, patrones, report):
    """Insert one chunk: missing patrones first, then credits whose número is new."""
    session = db.session
    if len(patrones) > 200_000:
        patrones.clear()
    wanted = {v["patron"]["nrp"] for _l, v in chunk} - set(patrones)
    if wanted:
        for row in session.execute(select(Patron.nrp, Patron.id, Patron.unidad_id).where(Patron.nrp.in_(wanted))):
            patrones[row.nrp] = (row.id, row.unidad_id)
    new_patrones = {}
    for _line, values in chunk:
        p = values["patron"]
        if p["nrp"] not in patrones and p["nrp"] not in new_patrones:
            new_patrones[p["nrp"]] = {**p, "creado": utcnow()}
    if new_patrones:
        result = session.execute(insert(Patron).returning(Patron.nrp, Patron.id, Patron.unidad_id,
                                                          sort_by_parameter_order=True), list(new_patrones.values()))
        for row in result:
            patrones[row.nrp] = (row.id, row.unidad_id)
    numeros = [v["credit"]["numero"] for _l, v in chunk]
    existing = {row.numero: row for row in session.execute(
        select(Credit.numero, Credit.lote_id, Credit.patron_id, Credit.periodo, Credit.importe_total)
        .where(Credit.numero.in_(numeros)))}
    inserts, seen = [], set()
    now = utcnow()
    for line, values in chunk:
        c = values["credit"]
        patron_id, _patron_unit = patrones[values["patron"]["nrp"]]
        old = existing.get(c["numero"])
        if c["numero"] in seen or (old is not None and old.lote_id == batch.id):
            report.add(line, "numero", "Número de crédito repetido en el archivo.")
            batch.rechazadas += 1
            continue
        seen.add(c["numero"])
        if old is not None:
            if old.patron_id == patron_id and old.periodo == c["periodo"] and old.importe_total == c["importe_total"]:
                batch.sin_cambios += 1
            else:
                report.add(line, "numero", "El crédito ya existe con otros datos (NRP, periodo o importe); no se modificó.")
                batch.rechazadas += 1
            continue
        inserts.append({**c, "patron_id": patron_id, "lote_id": batch.id, "creado": now, "lock": 1,
                        "observaciones": "", "en_aclaracion": False, "interes_fiscal_garantizado": False,
                        "pae_suspendido": False, "en_condonacion": False})
    if inserts:
        session.connection().execute(Credit.__table__.insert(), inserts)  # plain executemany
        batch.cargadas += len(inserts)
    if os.environ.get("DOCS_SERVICE_FAULT_AT") == "creditos_import_chunk":  # crash test: die mid-import
        os.kill(os.getpid(), signal.SIGKILL)
