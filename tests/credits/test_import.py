"""Bulk import of credits: per-row report while good rows load, idempotent re-import, encodings and
delimiters, fatal errors that load nothing."""
import codecs

import pytest

from sqlalchemy import func, select

from docs_service.core.db import db
from docs_service.credits.models import Credit, ImportBatch, Patron

from .helpers import csv_bytes, load, row, upload


def count(app, model=Credit):
    with app.app_context():
        n = db.session.scalar(select(func.count(model.id)))
        db.session.close()
        return n


def test_bad_rows_reported_good_rows_load_and_reimport_changes_nothing(app, client, staff):
    """GIVEN a file with good rows and one bad row of each kind WHEN an operativo of 3301 imports it
    THEN the good rows load, each bad row is reported with its line and field, and a second import
    loads nothing new."""
    rows = [row(i) for i in range(1, 6)]
    rows += [row(10, nrp="A1234"), row(11, rfc="NOTANRFC"), row(12, importe_historico="-5"),
             row(13, importe_historico="mil"), row(14, concepto="RCV", periodo="202401"),
             row(15, fecha_emision="2999-01-01"), row(16, subdelegacion="1601"),
             row(17, importe_total="99.00"), row(1)]
    report = load(client, staff["oscar"], rows)
    assert (report["filas"], report["cargadas"], report["rechazadas"]) == (14, 5, 9)
    by_line = {item["fila"]: item for item in report["reporte"] if item["nivel"] == "error"}
    assert by_line[7]["campo"] == "nrp" and "11 caracteres" in by_line[7]["mensaje"]
    assert by_line[8]["campo"] == "rfc"
    assert by_line[9]["campo"] == "importe_historico" and "negativo" in by_line[9]["mensaje"]
    assert by_line[10]["campo"] == "importe_historico" and "numérico" in by_line[10]["mensaje"]
    assert by_line[11]["campo"] == "periodo" and "par" in by_line[11]["mensaje"]
    assert by_line[12]["campo"] == "fecha_emision" and "futura" in by_line[12]["mensaje"]
    assert by_line[13]["campo"] == "subdelegacion" and "1601" in by_line[13]["mensaje"] \
        and "3301" in by_line[13]["mensaje"]
    assert by_line[14]["campo"] == "importe_total"
    assert by_line[15]["campo"] == "numero" and "repetido" in by_line[15]["mensaje"]
    assert count(app) == 5
    again = load(client, staff["oscar"], rows)
    assert (again["cargadas"], again["sin_cambios"]) == (0, 5)
    assert count(app) == 5 and count(app, Patron) == 5


def test_wrong_rfc_check_digit_is_a_warning(client, staff):
    bad = row(3)
    bad["rfc"] = bad["rfc"][:-1] + ("0" if bad["rfc"][-1] != "0" else "1")
    report = load(client, staff["oscar"], [bad])
    assert report["cargadas"] == 1 and report["advertencias"] == 1
    assert report["reporte"][0]["nivel"] == "advertencia"
    assert report["reporte"][0]["numero"] == bad["numero"]


def test_a_patron_keeps_its_rfc_and_a_row_with_another_is_warned(app, client, staff):
    """GIVEN a new NRP on two rows with different RFCs, and a row with another RFC for an NRP already
    registered WHEN imported THEN every credit loads, the patrón keeps the first RFC, and each row
    with another RFC gets a warning naming both."""
    first = load(client, staff["oscar"], [row(1), row(2, nrp=row(1)["nrp"], rfc=row(2)["rfc"])])
    assert (first["cargadas"], first["advertencias"]) == (2, 1), first["reporte"]
    warning = first["reporte"][0]
    assert (warning["fila"], warning["campo"], warning["nivel"], warning["numero"]) == (3, "rfc", "advertencia",
                                                                                      row(2)["numero"])
    assert row(1)["rfc"] in warning["mensaje"] and row(2)["rfc"] in warning["mensaje"]
    later = load(client, staff["oscar"], [row(3, nrp=row(1)["nrp"], rfc=row(3)["rfc"])])
    assert (later["cargadas"], later["advertencias"]) == (1, 1) and row(1)["rfc"] in later["reporte"][0]["mensaje"]
    with app.app_context():
        assert db.session.scalars(select(Patron.rfc)).all() == [row(1)["rfc"]]
        db.session.close()


def test_an_unknown_td_without_origen_names_the_column_to_fill(client, staff):
    without = load(client, staff["oscar"], [row(1, td="47", origen="")])
    assert without["rechazadas"] == 1
    assert without["reporte"][0]["campo"] == "td" and "«47»" in without["reporte"][0]["mensaje"] \
        and "columna «origen»" in without["reporte"][0]["mensaje"]
    wrong = load(client, staff["oscar"], [row(2, origen="XYZ")])
    assert wrong["reporte"][0]["campo"] == "origen" and "«XYZ»" in wrong["reporte"][0]["mensaje"]


def test_latin1_with_semicolons_and_utf8_with_bom(app, client, staff):
    latin = csv_bytes([row(1, razon_social="PEÑA Y ASOCIADOS SINTÉTICO")], delimiter=";", encoding="latin-1")
    first = upload(client, staff["oscar"], latin)
    assert first.status_code == 201, first.get_json()
    assert (first.get_json()["codificacion"], first.get_json()["delimitador"]) == ("latin-1", ";")
    bom = codecs.BOM_UTF8 + csv_bytes([row(2, razon_social="MÉRIDA SINTÉTICA")])
    second = upload(client, staff["oscar"], bom).get_json()
    assert second["codificacion"] == "utf-8-sig" and second["cargadas"] == 1
    with app.app_context():
        names = set(db.session.scalars(select(Patron.razon_social)))
        db.session.close()
    assert names == {"PEÑA Y ASOCIADOS SINTÉTICO", "MÉRIDA SINTÉTICA"}


def test_fatal_errors_load_nothing(app, client, staff):
    """Missing columns, UTF-16, a file without delimiter: 422 with a Spanish message and no batch."""
    good = csv_bytes([row(i) for i in range(1, 4)])
    missing = good.replace(b"importe_historico", b"importe_x", 1)
    response = upload(client, staff["oscar"], missing)
    assert response.status_code == 422
    assert response.get_json()["error"] == "csv_columnas_faltantes"
    assert "importe_historico" in response.get_json()["message"]
    utf16 = upload(client, staff["oscar"], good.decode().encode("utf-16"))
    assert utf16.status_code == 422 and utf16.get_json()["error"] == "codificacion_no_admitida"
    blob = upload(client, staff["oscar"], b"una sola columna\nvalor\n")
    assert blob.status_code == 422
    assert count(app) == 0 and count(app, ImportBatch) == 0 and count(app, Patron) == 0


def test_thousands_of_good_rows_and_one_bad(app, client, staff):
    rows = [row(i) for i in range(1, 2501)]
    rows[1234]["periodo"] = "202413"
    report = load(client, staff["oscar"], rows)
    assert (report["cargadas"], report["rechazadas"]) == (2499, 1)
    assert report["reporte"][0]["fila"] == 1236


def test_only_operativos_import(client, staff):
    response = upload(client, staff["auditor"], csv_bytes([row(1)]))
    assert response.status_code == 403


def test_loaded_values_read_back_exactly_and_changed_rows_are_refused(app, client, staff):
    """GIVEN rows with amounts in plain and in local forms WHEN imported THEN the ORM reads back the
    exact decimals, dates and flags; AND re-importing a número with another total is refused."""
    from datetime import timedelta
    from decimal import Decimal

    from docs_service.core.fechas import hoy
    rows = [row(1), row(2, importe_historico="1,000.00", actualizacion="50", recargos="100,00",
                      importe_total="$1150.00", saldo="1 000.5")]
    report = load(client, staff["oscar"], rows)
    assert (report["cargadas"], report["rechazadas"]) == (2, 0), report["reporte"]
    with app.app_context():
        one, two = db.session.scalars(select(Credit).order_by(Credit.numero)).all()
        assert (one.importe_historico, one.importe_total, one.saldo) == (Decimal("1000.00"), Decimal("1150.00"),
                                                                         Decimal("1150.00"))
        assert (two.importe_total, two.saldo) == (Decimal("1150.00"), Decimal("1000.50"))
        notified = hoy() - timedelta(days=40)
        assert one.fecha_notificacion == notified and one.fase_desde == notified and one.fecha_exigibilidad > notified
        assert one.sintetico is True and one.en_aclaracion is False and one.lock == 1
        assert one.patron.nrp == rows[0]["nrp"] and one.patron.tipo_persona in ("F", "M")
        db.session.close()
    changed = load(client, staff["oscar"], [row(1, importe_historico="2000.00", importe_total="")])
    assert (changed["cargadas"], changed["sin_cambios"], changed["rechazadas"]) == (0, 0, 1)
    assert "otros datos" in changed["reporte"][0]["mensaje"]


def test_today_is_the_mexico_city_day(monkeypatch, client, staff):
    """GIVEN it is 2026-12-02 03:00 UTC, still 21:00 of 1 December in Mexico City WHEN a file with a
    credit issued on 1 December and one issued on 2 December is imported THEN the first loads and the
    second is refused as a future date."""
    from datetime import date, datetime, timezone

    from docs_service.credits import rules
    from .helpers import clock_at
    clock_at(monkeypatch, datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc))
    assert rules.today() == date(2026, 12, 1)
    report = load(client, staff["oscar"], [row(1, fecha_emision="2026-12-01", fecha_notificacion="", fase="EMITIDO"),
                                           row(2, fecha_emision="2026-12-02", fecha_notificacion="", fase="EMITIDO")])
    assert (report["cargadas"], report["rechazadas"]) == (1, 1)
    assert report["reporte"][0]["campo"] == "fecha_emision" and "futura" in report["reporte"][0]["mensaje"]


def test_report_names_every_bad_field_of_a_row_and_its_credit(client, staff):
    bad = row(2, periodo="202513", importe_historico="-50", rfc="NO-ES-RFC", importe_total="")
    body = upload(client, staff["oscar"], csv_bytes([row(1), bad])).get_json()
    assert (body["cargadas"], body["rechazadas"]) == (1, 1)
    fields = {item["campo"] for item in body["reporte"] if item["fila"] == 3}
    assert {"periodo", "importe_historico", "rfc"} <= fields
    assert all(item["numero"] == "268000002" for item in body["reporte"] if item["fila"] == 3)


def test_a_row_whose_fields_are_fine_but_disagree_reports_the_rule(client, staff):
    body = upload(client, staff["oscar"], csv_bytes([row(1, importe_total="999.00")])).get_json()
    assert [(i["campo"], i["numero"]) for i in body["reporte"]] == [("importe_total", "268000001")]


@pytest.mark.parametrize("written, amount", [("1.234,50", "1234.50"), ("1,234.50", "1234.50"), ("1234,5", "1234.50"),
                                             ("$ 12,345,678.90", "12345678.90"), ("12.345.678,90", "12345678.90")])
def test_amounts_with_either_decimal_separator(written, amount):
    from decimal import Decimal

    from docs_service.credits.csvio import money
    assert money(written, "importe") == Decimal(amount)


def test_chunks_see_the_rows_of_the_chunks_before_them(monkeypatch, app, client, staff):
    """GIVEN chunks of 3 rows (on PostgreSQL each chunk's credits are written while the next is
    checked) WHEN a patrón's credits are spread over several chunks and a número repeats two chunks
    later THEN the shared patrón is created once, the repeat is refused as repeated in the file, and a second
    import finds every credit unchanged."""
    from docs_service.credits import importer
    monkeypatch.setattr(importer, "CHUNK", 3)
    rows = [row(i, nrp=row(1)["nrp"], rfc=row(1)["rfc"], razon_social=row(1)["razon_social"]) for i in range(1, 8)]
    rows += [row(2), row(8)]
    report = load(client, staff["oscar"], rows)
    assert (report["cargadas"], report["rechazadas"]) == (8, 1), report["reporte"]
    assert report["reporte"][0]["fila"] == 9 and "repetido" in report["reporte"][0]["mensaje"]
    assert count(app) == 8 and count(app, Patron) == 3  # patrón 1 once, and those of rows 2 and 8
    again = load(client, staff["oscar"], rows[:7])
    assert (again["cargadas"], again["sin_cambios"], again["rechazadas"]) == (0, 7, 0)


def test_a_failed_write_loads_nothing_and_leaves_the_connection_as_it_was(monkeypatch, app):
    """GIVEN the database refuses the second chunk of credits WHEN a file is imported THEN the error
    reaches the caller, nothing of the file stays, and the connection keeps its own page cache."""
    import io
    from docs_service.core.db import transaction
    from docs_service.credits import bulk, importer
    from .helpers import csv_bytes
    monkeypatch.setattr(importer, "CHUNK", 2)
    write, calls = bulk.Writer._write, []

    def failing(self, table, columns, tuples):
        if table == "creditos":
            calls.append(len(tuples))
            if len(calls) == 2:
                raise RuntimeError("disco lleno")
        return write(self, table, columns, tuples)

    monkeypatch.setattr(bulk.Writer, "_write", failing)
    with app.app_context():
        with pytest.raises(RuntimeError, match="disco lleno"):
            with transaction():
                importer.import_credits(None, io.BytesIO(csv_bytes([row(i) for i in range(1, 6)])), "x.csv")
        connection = db.session.connection()
        if connection.dialect.name == "sqlite":
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -2000
        db.session.close()
    assert calls[:2] == [2, 2]
    assert count(app) == 0 and count(app, ImportBatch) == 0 and count(app, Patron) == 0
