"""Bulk import of credits from CSV: streamed in chunks, validated row by row (bad rows reported,
good rows loaded), idempotent (a número already loaded is 'sin cambios'), and all in the caller's
one transaction, so a fatal error or a kill leaves nothing half-loaded and a re-run completes."""
import hashlib
import json
import os
import signal

from sqlalchemy import select

from ..accounts.models import Unit
from ..core.db import db
from . import rules
from .bulk import Writer
from .csvio import RowError, open_lists
from .models import ImportBatch
from .signals import credits_imported
from .validation import RowValidator, patron_values

REQUIRED = ("numero", "nrp", "rfc", "razon_social", "concepto", "td", "periodo", "importe_historico", "fecha_emision")
OPTIONAL = ("origen", "subdelegacion", "actualizacion", "recargos", "multa", "gastos_ejecucion", "importe_total",
            "saldo", "fecha_notificacion", "fase", "curp", "nss", "cotizantes", "sintetico")
ALIASES = {"numero_credito": "numero", "credito": "numero", "registro_patronal": "nrp", "reg_pat": "nrp",
           "regpat": "nrp", "omision": "importe_historico", "total": "importe_total", "subdel": "subdelegacion"}
CHUNK = 5000
REPORT_CAP = 1000


class Report:
    """Counts every outcome exactly; keeps the first REPORT_CAP messages."""

    def __init__(self):
        self.items, self.errors, self.warnings = [], 0, 0

    def add(self, fila, campo, mensaje, nivel="error", numero=None):
        if nivel == "error":
            self.errors += 1
        else:
            self.warnings += 1
        if len(self.items) < REPORT_CAP:
            item = {"fila": fila, "campo": campo, "mensaje": mensaje, "nivel": nivel}
            if numero:
                item["numero"] = numero[:20]
            self.items.append(item)


def import_credits(actor, stream, nombre: str, *, unidad: str | None = None, progress=None,
                   avance=None) -> ImportBatch:
    """Load a CSV (binary stream). An operativo imports only into its own unit; the CLI may pass
    `unidad` as the default for rows without one. `progress(bytes)` is called as the file is read,
    `avance(batch)` after each chunk is written (rows read, loaded, unchanged, rejected so far).
    Returns the batch with its report."""
    session = db.session
    sha = hashlib.sha256()
    start = stream.tell()
    for block in iter(lambda: stream.read(1 << 20), b""):
        sha.update(block)
    stream.seek(start)
    units = {u.clave: u.id for u in session.scalars(select(Unit).where(Unit.tipo == "subdelegacion"))}
    required_unit = getattr(actor, "unidad_id", None) if actor is not None else None
    encoding, delimiter, names, rows = open_lists(stream, REQUIRED, OPTIONAL, ALIASES, progress)
    validate = RowValidator(names, rules.today(), units, required_unit, units.get(unidad) if unidad else None)
    batch = ImportBatch(nombre=(nombre or "creditos.csv")[:200], sha256=sha.hexdigest(), codificacion=encoding,
                        delimitador=delimiter, unidad_id=getattr(actor, "unidad_id", None),
                        creado_por_id=getattr(actor, "id", None), filas=0, cargadas=0, sin_cambios=0, rechazadas=0)
    session.add(batch)
    session.flush()
    writer = Writer(batch.id)
    try:
        _load(rows, validate, _Loader(batch, writer), avance)
        writer.finish()
    finally:
        writer.close()
    session.flush()
    credits_imported.send(batch, actor=actor, nombre=batch.nombre, filas=batch.filas, cargadas=batch.cargadas,
                          sin_cambios=batch.sin_cambios, rechazadas=batch.rechazadas)
    return batch


def _load(rows, validate, loader, avance):
    """Validate and write every row, chunk by chunk; the batch gets its counts and report."""
    batch, report = loader.batch, loader.report
    chunk = []
    for line, row, ragged in rows:
        try:
            if ragged:
                raise RowError(None, "La fila no tiene el mismo número de columnas que el encabezado.")
            patron, credit, warnings = validate(row)
        except RowError as err:
            numero = validate.numero_of(row) if not ragged else None
            for campo, mensaje in (validate.all_errors(row) if not ragged else None) or [(err.campo, err.mensaje)]:
                report.add(line, campo, mensaje, numero=numero)
            loader.rejected += 1
        else:
            for campo, mensaje in warnings:
                report.add(line, campo, mensaje, "advertencia", numero=credit[0])
            chunk.append((line, patron, credit))
        if len(chunk) >= CHUNK or line - loader.last_line >= CHUNK:  # also reports progress on bad stretches
            loader.flush(chunk, line, avance)
            chunk = []
    loader.flush(chunk, None, avance)
    batch.advertencias = report.warnings
    batch.reporte = json.dumps(report.items, ensure_ascii=False)


class _Loader:
    """Writes chunks of validated rows: missing patrones first, then credits whose número is new.
    A número already loaded with the same NRP, periodo and total is 'sin cambios'."""

    def __init__(self, batch, writer):
        self.batch, self.writer, self.report = batch, writer, Report()
        self.patrones: dict[str, tuple[int, str]] = {}  # NRP → (id, RFC it is registered with)
        self.rejected, self.last_line = 0, 1

    def flush(self, chunk, line, avance):
        batch = self.batch
        if chunk:
            self._write(chunk)
        batch.rechazadas += self.rejected
        self.rejected = 0
        batch.filas = batch.cargadas + batch.sin_cambios + batch.rechazadas
        self.last_line = line or self.last_line
        if avance is not None:
            avance(batch)
        if os.environ.get("DOCS_SERVICE_FAULT_AT") == "creditos_import_chunk" and chunk:  # crash test
            os.kill(os.getpid(), signal.SIGKILL)

    def _write(self, chunk):
        batch, report, writer, patrones = self.batch, self.report, self.writer, self.patrones
        if len(patrones) > 50_000:  # NRP → id of patrones seen; bounded so memory stays flat
            patrones.clear()
        wanted = list({p[0] for _l, p, _c in chunk} - patrones.keys())
        patrones.update(writer.patrones(wanted))
        new = {}
        for _line, p, _c in chunk:
            if p[0] not in patrones and p[0] not in new:
                new[p[0]] = patron_values(p)
        if new:
            patrones.update(writer.insert_patrones(list(new.values())))
        existing = writer.existing_credits([c[0] for _l, _p, c in chunk])
        rows, patron_ids, seen = [], [], set()
        for line, p, c in chunk:
            numero, (patron_id, rfc) = c[0], patrones[p[0]]
            old = existing.get(numero)
            if numero in seen or (old is not None and old[0] == batch.id):
                report.add(line, "numero", "Número de crédito repetido en el archivo.", numero=numero)
                batch.rechazadas += 1
                continue
            seen.add(numero)
            if p[1] != rfc:  # the patrón keeps its data: the first row of a new NRP, or what is registered
                report.add(line, "rfc", f"El patrón {p[0]} ya está registrado con el RFC {rfc}; se conserva ese "
                                        f"(esta fila trae {p[1]}).", "advertencia", numero=numero)
            if old is not None:
                if old[1] == patron_id and old[2] == c[5] and old[3] == c[13]:
                    batch.sin_cambios += 1
                else:
                    report.add(line, "numero", "El crédito ya existe con otros datos (NRP, periodo o importe); "
                                               "no se modificó.", numero=numero)
                    batch.rechazadas += 1
                continue
            rows.append(c)
            patron_ids.append(patron_id)
        writer.insert_credits(rows, patron_ids)
        batch.cargadas += len(rows)
