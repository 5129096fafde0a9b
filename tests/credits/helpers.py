"""Builders for credit CSV files and API calls used by the créditos tests."""
import io
from datetime import timedelta

from docs_service.core.fechas import hoy
from docs_service.credits.generator import COLUMNS, synthetic_nrp, synthetic_rfc, write_csv


def row(i: int, **over) -> dict:
    """A valid credit row for patrón i (unit 3301 unless told), notified 40 days ago."""
    today = hoy()
    base = {"numero": f"268{i:06d}", "nrp": synthetic_nrp(i), "rfc": synthetic_rfc(i, i % 2 == 0),
            "razon_social": f"PATRÓN SINTÉTICO {i:06d} S.A. DE C.V.", "subdelegacion": "3301", "concepto": "COP",
            "td": "02", "origen": "ECO", "periodo": "202401", "importe_historico": "1000.00",
            "actualizacion": "50.00", "recargos": "100.00", "multa": "0.00", "gastos_ejecucion": "0.00",
            "importe_total": "1150.00", "saldo": "", "fecha_emision": (today - timedelta(days=90)).isoformat(),
            "fecha_notificacion": (today - timedelta(days=40)).isoformat(), "fase": "NOTIFICADO"}
    base.update(over)
    return base


def csv_bytes(rows, delimiter=",", encoding="utf-8", columns=COLUMNS) -> bytes:
    text = io.StringIO()
    write_csv(rows, columns, text, delimiter=delimiter)
    return text.getvalue().encode(encoding)


def upload(client, token, data: bytes, name="creditos.csv"):
    return client.post("/api/v1/creditos/importaciones", headers={"Authorization": f"Bearer {token}"},
                       data={"archivo": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def load(client, token, rows):
    response = upload(client, token, csv_bytes(rows))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def get(client, token, numero):
    return client.get(f"/api/v1/creditos/{numero}", headers={"Authorization": f"Bearer {token}"})


def act(client, token, numero, accion, etag=None, **body):
    if etag is None:
        etag = get(client, token, numero).headers["ETag"]
    return client.post(f"/api/v1/creditos/{numero}/transiciones", json={"accion": accion, **body},
                       headers={"Authorization": f"Bearer {token}", "If-Match": etag})


def clock_at(monkeypatch, moment):
    """Every clock of the service (UTC timestamps and the Mexico City day) reads `moment` (aware)."""
    from datetime import datetime

    from docs_service.core import db as core_db
    from docs_service.core import fechas

    class Fixed(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz) if tz else moment.astimezone().replace(tzinfo=None)

    monkeypatch.setattr(core_db, "datetime", Fixed)
    monkeypatch.setattr(fechas, "datetime", Fixed)
