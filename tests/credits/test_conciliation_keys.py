"""Conciliation by indexed keys, chunk by chunk: the result is the same as applying every payment in
file order against all the open credits of its NRP + periodo (the rule), even when a patrón has many
credits per periodo, a payment uses up more credits than its chunk read first, a payment names its
credit, and duplicates fall in other chunks."""
import random
from decimal import Decimal
from types import SimpleNamespace

from docs_service.credits import matching, payments
from docs_service.credits.generator import synthetic_nrp

from .helpers import load, row
from .test_payments import PROCESAR, h, post_file


def _credits():
    rows, n = [], 0
    for patron, periodo, concepto, count in ((1, "202401", "COP", 40), (1, "202402", "RCV", 12), (1, "202402", "COP", 6),
                                             (1, "202403", "COP", 5), (2, "202401", "COP", 4)):
        for _ in range(count):
            n += 1
            historico = 200 + (n * 37) % 900
            extra = {"importe_historico": f"{historico}.00", "actualizacion": "0.00", "recargos": "0.00",
                     "importe_total": f"{historico}.00"}
            rows.append(row(patron, numero=f"268{n:06d}", periodo=periodo, concepto=concepto,
                            fase="EXIGIBLE" if n % 7 == 0 else "NOTIFICADO", **extra))
    return rows


def _payments(credit_rows):
    rng = random.Random(5)
    last = credit_rows[-1]  # named, for its whole saldo: aplicado
    lines = [f"001,{last['nrp']},R9999,{last['periodo']},20260105,{last['importe_total'].replace('.', '')},0,"
             f"{last['numero']}\n"]
    numeros = [r["numero"] for r in credit_rows]
    for i in range(90):
        patron = 1 if rng.random() < 0.9 else 2
        periodo = rng.choice(("202401", "202401", "202402", "202403", "201901"))
        cop = rng.choice((0, 20000, 50000, 120000, 300000)) if periodo != "202402" or rng.random() < 0.5 else 0
        rcv = rng.choice((30000, 90000, 150000)) if periodo == "202402" and (cop == 0 or rng.random() < 0.5) else 0
        cop = cop or (0 if rcv else 40000)
        named = rng.choice(numeros) if rng.random() < 0.1 else ""
        line = f"001,{synthetic_nrp(patron)},R{i:04d},{periodo},20260105,{cop},{rcv},{named}\n"
        lines.append(line)
        if rng.random() < 0.08:
            lines.append(line)  # the same payment again, maybe in another chunk
    return lines


def _expected(credit_rows, lines):
    """The rule, applied one payment at a time over all the open credits of the NRP + periodo."""
    credits = [SimpleNamespace(numero=r["numero"], nrp=r["nrp"], periodo=r["periodo"], concepto=r["concepto"],
                               fase=r["fase"], saldo=Decimal(r["importe_total"])) for r in credit_rows]
    seen, outcome = set(), []
    for line in lines:
        _plaza, nrp, ref, periodo, _f, cop, rcv, named = line.strip().split(",")
        if (ref, nrp, periodo) in seen:
            outcome.append(("duplicado", Decimal("0.00")))
            continue
        seen.add((ref, nrp, periodo))
        data = {"credito_numero": named or None, "importe_cop": Decimal(cop) / 100, "importe_rcv": Decimal(rcv) / 100}
        mine = sorted((c for c in credits if c.nrp == nrp and c.periodo == periodo), key=lambda c: c.numero)
        parts, applied, left_open = payments.plan_payment(data, payments.listed(data, mine))
        for credit, _part, _before in parts:
            if credit.saldo == 0:
                credit.fase = "PAGADO"
        outcome.append((payments._outcome(applied, data["importe_cop"] + data["importe_rcv"], left_open),
                        applied.quantize(Decimal("0.01"))))
    return outcome, {c.numero: (c.fase, c.saldo.quantize(Decimal("0.01"))) for c in credits}


def _all(client, token, url):
    items, page = [], 1
    while True:
        body = client.get(f"{url}&pagina={page}&por_pagina=100", headers=h(token)).get_json()
        items += body["items"]
        if len(items) >= body["total"]:
            return items
        page += 1


def test_chunked_conciliation_matches_the_rule(client, staff, monkeypatch):
    """GIVEN 67 credits (40 of one patrón in one periodo) WHEN a 90-payment file is conciliated in
    chunks of 7, reading 2 credits of a key at a time THEN every payment's outcome and every saldo and
    phase are those of the rule applied one payment at a time."""
    credit_rows = _credits()
    load(client, staff["oscar"], credit_rows)
    lines = _payments(credit_rows)
    monkeypatch.setattr(payments, "CHUNK", 7)
    monkeypatch.setattr(matching, "MORE", 2)
    monkeypatch.setattr(matching, "PER_PAYMENT", 0)
    reads, read = [], matching.OpenCredits._read
    monkeypatch.setattr(matching.OpenCredits, "_read", lambda self, keys: reads.append(len(keys)) or read(self, keys))
    response = post_file(client, staff["oscar"], PROCESAR.strip() + ",credito\n" + "".join(lines), "procesar")
    assert response.status_code == 201, response.get_json()
    expected_payments, expected_credits = _expected(credit_rows, lines)
    got = sorted(_all(client, staff["oscar"], "/api/v1/pagos?origen=PROCESAR"), key=lambda p: p["fila"])
    assert [(p["estado"], Decimal(p["importe_aplicado"])) for p in got] == expected_payments
    states = {c["numero"]: (c["fase"], Decimal(c["saldo"]))
              for nrp in (synthetic_nrp(1), synthetic_nrp(2))
              for c in _all(client, staff["oscar"], f"/api/v1/creditos?nrp={nrp}")}
    assert states == expected_credits
    assert reads.count(1) > 5  # payments that used up what their chunk read first read more
    assert {e for e, _a in expected_payments} >= {"aplicado", "parcial", "sin_credito", "duplicado", "excedente"}
