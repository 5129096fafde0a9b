"""Deterministic synthetic data (DOMAIN.md §8): credit rows in the import CSV layout and matching
PROCESAR-like payment rows. Same (n, seed, units) → the same rows, byte for byte. Every identifier
is marked synthetic: NRPs use the reserved municipality prefix Z (with the documented synthetic
check digit), RFCs start with the improbable letters XZ (valid check digit), names say SINTÉTICO."""
import csv
import io
import random
from functools import lru_cache
from datetime import date, timedelta
from decimal import Decimal

from stdnum.mx import rfc as _rfc

from . import ids

REFERENCE = date(2026, 6, 30)  # fixed, so the output does not depend on the day it runs
COLUMNS = ("numero", "nrp", "rfc", "razon_social", "subdelegacion", "concepto", "td", "origen", "periodo",
           "importe_historico", "actualizacion", "recargos", "multa", "gastos_ejecucion", "importe_total", "saldo",
           "fecha_emision", "fecha_notificacion", "fase")
PAYMENT_COLUMNS = ("plaza", "registro_patronal", "folio", "periodo", "fecha_pago", "importe_cop", "importe_rcv")
# (origen, concepto, td, weight %, median amount, sigma of log)
ORIGINS = [("ECO", "COP", "02", 35, 5000, 1.3), ("ECO", "RCV", "02", 17, 3000, 1.2), ("MULTA", "COP", "80", 35, 2000, 1.3),
           ("SIVEPA", "COP", "03", 10, 2000, 1.2), ("AUDITORIA", "COP", "05", 2, 150000, 1.5),
           ("CAPITAL", "COP", "70", 0.5, 250000, 1.0), ("AVISO_EXT", "COP", "04", 0.5, 4000, 1.0)]
PHASES = [("EMITIDO", 5), ("NOTIFICADO", 15), ("NO_LOCALIZADO", 12), ("EXIGIBLE", 21), ("PAE_REQUERIDO", 15),
          ("PAE_EMBARGADO", 5), ("PAE_REMATE", 0.3), ("CONVENIO", 6), ("CONTROVERTIDO", 4), ("IMPEDIMENTO", 0.7),
          ("PAGADO", 14), ("CANCELADO", 2)]
NOT_NOTIFIED = ("EMITIDO", "NO_LOCALIZADO")
CENT = Decimal("0.01")


@lru_cache(maxsize=1 << 18)
def synthetic_nrp(index: int) -> str:
    municipio = f"Z{index % 99 + 1:02d}"
    modalidad = ("10", "10", "10", "10", "10", "10", "10", "10", "13", "17")[index % 10]
    body = f"{municipio}{index % 100000:05d}{modalidad}"
    if index >= 100000:  # keep NRPs unique beyond 100k patrones: vary the municipality too
        body = f"Z{(index // 100000 + index) % 99 + 1:02d}{index % 100000:05d}{modalidad}"
    return body + ids.synthetic_nrp_dv(body)


@lru_cache(maxsize=1 << 18)
def synthetic_rfc(index: int, fisica: bool) -> str:
    letters = "XZ" + "ABCDEFGHJKLMNPQRSTUVWYZ"[index % 23] + ("ABCDEFGHJKLMNPQRSTUVWYZ"[(index // 23) % 23] if fisica else "")
    born = date(1960, 1, 1) + timedelta(days=index % 15000)
    body = f"{letters}{born:%y%m%d}" + "ABCDEFGHJKLMNPQRSTUVWXYZ123456789"[index % 33] + "123456789ABCDEFGHJKLMN"[(index // 33) % 22]
    return body + _rfc.calc_check_digit(body)


def _weighted(rng, table, weight_at):
    total = sum(row[weight_at] for row in table)
    x = rng.random() * total
    for row in table:
        x -= row[weight_at]
        if x <= 0:
            return row
    return table[-1]


def credit_rows(n: int, seed: int, units=("3301", "3333", "1601"), errors: bool = False):
    """Yield n dicts with COLUMNS. With `errors`, inject the §8.3 error rates (RFC DV 1 %, NRP 0.2 %)."""
    rng = random.Random(seed)
    patrones = max(1, n // 3)
    months = [(y, m) for y in range(2021, 2027) for m in range(1, 13) if (y, m) <= (2026, 3)]
    for i in range(n):
        p = min(int(rng.paretovariate(1.2)) - 1, patrones - 1) if rng.random() < 0.3 else rng.randrange(patrones)
        fisica = p % 2 == 0  # ≈ 50 % personas físicas (DOMAIN §8.1)
        nrp = synthetic_nrp(p)
        rfc = synthetic_rfc(p, fisica)
        origen, concepto, td, _w, median, sigma = _weighted(rng, ORIGINS, 3)
        y, m = months[rng.randrange(len(months))]
        if concepto == "RCV" and m % 2:
            m += 1
        historico = min(Decimal(str(round(median * rng.lognormvariate(0, sigma) / 2.0, 2))), Decimal("50000000"))
        historico = max(historico, Decimal("100.00")).quantize(CENT)
        actualizacion = (historico * Decimal("0.05")).quantize(CENT)
        recargos = (historico * Decimal(str(round(0.05 + rng.random() * 0.2, 3)))).quantize(CENT)
        multa = Decimal("0.00") if origen == "MULTA" else (historico * Decimal("0.40")).quantize(CENT) if rng.random() < 0.3 else Decimal("0.00")
        total = historico + actualizacion + recargos + multa
        fase = _weighted(rng, PHASES, 1)[0]
        emision = date(y + (m + 1) // 12, (m + 1) % 12 + 1, 20 + rng.randrange(9))
        notificacion = None if fase in NOT_NOTIFIED else min(emision + timedelta(days=10 + rng.randrange(50)), REFERENCE)
        row = {"numero": f"{(20 + i // 1_000_000) % 100:02d}{'6' if concepto == 'RCV' else '8'}{i % 1_000_000:06d}",
               "nrp": nrp, "rfc": rfc,
               "razon_social": f"PATRÓN SINTÉTICO {p:06d} {'(PERSONA FÍSICA)' if fisica else 'S.A. DE C.V.'}",
               "subdelegacion": units[int(nrp[1:3]) % len(units)], "concepto": concepto, "td": td, "origen": origen,
               "periodo": f"{y}{m:02d}", "importe_historico": str(historico), "actualizacion": str(actualizacion),
               "recargos": str(recargos), "multa": str(multa), "gastos_ejecucion": "0.00", "importe_total": str(total),
               "saldo": "0.00" if fase == "PAGADO" else str(total), "fecha_emision": emision.isoformat(),
               "fecha_notificacion": notificacion.isoformat() if notificacion else "", "fase": fase}
        if errors:
            x = rng.random()
            if x < 0.01:
                row["rfc"] = rfc[:-1] + ("0" if rfc[-1] != "0" else "1")
            elif x < 0.012:
                row["nrp"] = nrp[:10]
        yield row


def payment_rows(credits, seed: int, share: float = 0.6):
    """PROCESAR-like rows paying `share` of the given credit rows (some partially, 1 % duplicated,
    2 % for periods without a credit), amounts in centavos."""
    rng = random.Random(seed)
    for i, c in enumerate(credits):
        if c["fase"] in ("PAGADO", "CANCELADO") or rng.random() > share:
            continue
        total = Decimal(c["saldo"])
        paid = total if rng.random() < 0.8 else (total * Decimal("0.5")).quantize(CENT)
        cents = int(paid * 100)
        periodo = c["periodo"] if rng.random() > 0.02 else "201001"
        row = {"plaza": "001", "registro_patronal": c["nrp"], "folio": f"S{seed % 1000:03d}{i:09d}", "periodo": periodo,
               "fecha_pago": REFERENCE.strftime("%Y%m%d"), "importe_cop": str(cents if c["concepto"] == "COP" else 0),
               "importe_rcv": str(cents if c["concepto"] == "RCV" else 0)}
        yield row
        if rng.random() < 0.01:
            yield row


def write_csv(rows, columns, stream: io.TextIOBase, delimiter: str = ","):
    writer = csv.DictWriter(stream, fieldnames=columns, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
