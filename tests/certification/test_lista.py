"""The list of constancias (page, CSV export and API): every page reachable (`pagina`), filters by
folio, NRP, tipo, estado and days of issue (Mexico City), scoped to the operativo's unit. The rows
are written straight into the registry: the list reads the registry, not the PDFs."""
import csv
import io
import re
from datetime import datetime, timedelta

from sqlalchemy import select

from docs_service.accounts.models import Unit
from docs_service.certification.models import Constancia
from docs_service.core.db import db, transaction


def _fill(app, clave: str, n: int, start: int = 1):
    """n constancias of unit `clave`: CSC with an NRP for odd numbers, CC otherwise; every tenth
    revoked; issued one hour apart from 2026-11-01 12:00 UTC (06:00 in Mexico City)."""
    with app.app_context(), transaction():
        unit = db.session.scalar(select(Unit).where(Unit.clave == clave))
        for i in range(start, start + n):
            csc = i % 2 == 1
            db.session.add(Constancia(
                tipo="situacion_creditos" if csc else "copia_certificada", anio=2026, consecutivo=i,
                folio=f"{'CSC' if csc else 'CC'}-2026-{i:06d}", codigo=f"codigo-{i:026d}",
                estado="REVOCADA" if i % 10 == 0 else "VIGENTE", unidad_id=unit.id,
                nrp=f"A{i:010d}" if csc else None, referencia="=HYPERLINK(1)" if i == 2 else f"ref {i}",
                emitida=datetime(2026, 11, 1, 12) + timedelta(hours=i - 1),
                datos="{}", plantilla="x@1", cadena="||", sello="s", serie_certificado="1", sha256=f"{i:064x}",
                tamano=1))


def _folios(html: str) -> list[str]:
    return re.findall(r'/constancias/((?:CSC|CC)-2026-\d{6})"', html)


def test_page_paginates_and_filters(app, client, users, login):
    _fill(app, "3301", 60)
    _fill(app, "3333", 3, start=61)
    users("opa", ["operativo"], "3301")
    login("opa")
    first = client.get("/constancias").get_data(as_text=True)
    assert len(_folios(first)) == 50 and "60 constancias" in first and "Página 1 de 2" in first
    assert _folios(first)[0] == "CC-2026-000060"  # newest first
    second = client.get("/constancias?pagina=2").get_data(as_text=True)
    assert len(_folios(second)) == 10 and "Página 2 de 2" in second
    assert set(_folios(first)) | set(_folios(second)) == {f"{'CSC' if i % 2 else 'CC'}-2026-{i:06d}" for i in range(1, 61)}
    beyond = client.get("/constancias?pagina=99").get_data(as_text=True)
    assert "Página 2 de 2" in beyond  # clamped to the last page
    assert _folios(client.get("/constancias?folio=csc-2026-000007").get_data(as_text=True)) == ["CSC-2026-000007"]
    assert _folios(client.get("/constancias?folio=CSC-2026-000061").get_data(as_text=True)) == []  # 3333's
    assert _folios(client.get("/constancias?nrp=A0000000011").get_data(as_text=True)) == ["CSC-2026-000011"]
    revoked = _folios(client.get("/constancias?estado=REVOCADA").get_data(as_text=True))
    assert sorted(revoked) == [f"CC-2026-{i:06d}" for i in range(10, 61, 10)]
    copias = client.get("/constancias?tipo=copia_certificada").get_data(as_text=True)
    assert "30 constancias" in copias and all(f.startswith("CC-") for f in _folios(copias))
    # Row 17 is issued 2026-11-02 04:00 UTC: still 1 November (22:00) in Mexico City; row 19 is 2 November.
    day = _folios(client.get("/constancias?desde=2026-11-01&hasta=2026-11-01").get_data(as_text=True))
    assert len(day) == 18 and "CSC-2026-000017" in day and "CSC-2026-000019" not in day
    bad = client.get("/constancias?desde=ayer")
    assert bad.status_code == 200 and "no es válida" in bad.get_data(as_text=True)
    assert 'href="/constancias?pagina=2"' in first


def test_csv_export_has_every_row_with_the_filters(app, client, users, login):
    _fill(app, "3301", 60)
    _fill(app, "3333", 3, start=61)
    users("opa", ["operativo"], "3301")
    login("opa")
    assert 'data-testid="exportar-csv"' in client.get("/constancias").get_data(as_text=True)
    response = client.get("/constancias.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 60 and {r["unidad"] for r in rows} == {"3301"}
    assert next(r for r in rows if r["folio"] == "CC-2026-000002")["referencia"] == "'=HYPERLINK(1)"
    assert "codigo" not in rows[0]
    filtered = list(csv.DictReader(io.StringIO(
        client.get("/constancias.csv?estado=REVOCADA").get_data(as_text=True).lstrip("\ufeff"))))
    assert len(filtered) == 6


def test_api_list_filters_by_folio_and_days(app, client, staff, auth):
    _fill(app, "3301", 30)
    url = "/api/v1/constancias"
    page = client.get(url + "?por_pagina=20&pagina=2", headers=auth(staff["oscar"])).get_json()
    assert page["total"] == 30 and len(page["items"]) == 10
    one = client.get(url + "?folio=CSC-2026-000003", headers=auth(staff["oscar"])).get_json()
    assert [i["folio"] for i in one["items"]] == ["CSC-2026-000003"]
    day = client.get(url + "?desde=2026-11-02&hasta=2026-11-02", headers=auth(staff["oscar"])).get_json()
    assert day["total"] == 12  # rows 19..30: 2 November 00:00 to 11:00 in Mexico City
    bad = client.get(url + "?folio=nada", headers=auth(staff["oscar"]))
    assert bad.status_code == 422 and "folio" in str(bad.get_json()["errors"])
    assert client.get(url, headers=auth(staff["olga"])).get_json()["total"] == 0
