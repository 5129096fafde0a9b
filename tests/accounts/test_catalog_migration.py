"""Revision 0003 upgrades an instance that holds the placeholder catalog (the revision before it), with
users, acuses and credits on its keys, to the official catalog with every reference valid (SQLite and
PostgreSQL)."""
import csv
import os
import secrets
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from docs_service import create_app
from docs_service.core.storage import MemoryStorage
from tests.conftest import PG_URL

PLACEHOLDER = Path(__file__).with_name("data") / "unidades_provisionales_0002.csv"
NOW = datetime(2026, 11, 30, 12, 0)


@pytest.fixture
def empty_url(backend, tmp_path):
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    from docs_service.config import normalize_db_url
    base = normalize_db_url(PG_URL)
    schema = f"m_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _seed_placeholder(conn) -> dict[str, int]:
    """The placeholder catalog, users on old keys, one published version with acuses, a credit with an
    event (append-only); returns unit ids."""
    with PLACEHOLDER.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    meta = sa.MetaData()
    meta.reflect(conn)
    t = meta.tables
    for row in rows:
        conn.execute(t["unidades"].insert().values(
            clave=row["clave"], nombre=row["nombre"], tipo=row["tipo"], ooad_clave=row["ooad_clave"] or None,
            clase=None, oficial=row["clave"] in ("09", "1601", "1605", "3301"), nota="No oficial"))
    ids = dict(conn.execute(sa.select(t["unidades"].c.clave, t["unidades"].c.id)).all())
    people = {"admin": "09", "op3302": "3302", "op3303": "3303", "op0201": "0201", "op0202": "0202",
              "op3501": "3501", "op3706": "3706", "sin.unidad": None}
    for nombre, clave in people.items():
        conn.execute(t["usuarios"].insert().values(nombre=nombre, nombre_completo="", unidad_id=ids.get(clave),
                                                   activo=True, creado=NOW, version=1))
    author = conn.execute(sa.select(t["usuarios"].c.id).where(t["usuarios"].c.nombre == "admin")).scalar_one()
    doc = conn.execute(t["documentos"].insert().values(
        clave="9312-003-012", titulo="Prueba", tipo="lineamiento", area="Cobranza", fundamento="",
        palabras_clave="", creado=NOW, lock=1).returning(t["documentos"].c.id)).scalar_one()
    version = conn.execute(t["versiones"].insert().values(
        documento_id=doc, numero=1, estado="publicado", sha256="0" * 64, nombre_archivo="a.md",
        tipo_archivo="md", tamano=1, resumen="", autor_id=author, creado=NOW, vigente_desde=date(2026, 11, 30),
        publicado=NOW, lock=1).returning(t["versiones"].c.id)).scalar_one()
    acuses = {"33": "pendiente", "3303": "recibido",        # both become 33: the receipt is kept
              "1403": "pendiente", "1404": "recibido",      # Libertad + Reforma -> 1439 Libertad Reforma
              "3302": "pendiente", "0201": "pendiente", "0202": "recibido",  # 3333; keys that swap places
              "35": "recibido", "3503": "pendiente",        # CDMX Norte 35 -> 39; Azcapotzalco -> its OOAD
              "3301": "recibido"}
    for clave, estado in acuses.items():
        conn.execute(t["acuses"].insert().values(
            version_id=version, unidad_id=ids[clave], estado=estado, fecha_envio=date(2026, 11, 30),
            fecha_limite=date(2026, 12, 14), recibido=NOW if estado == "recibido" else None, nota=""))
    patron = conn.execute(t["patrones"].insert().values(
        nrp="Y1234567890", rfc="XAXX010101000", razon_social="Patrón de prueba", tipo_persona="M", modalidad="10",
        municipio="050", unidad_id=ids["3302"], sintetico=True, creado=NOW).returning(t["patrones"].c.id)).scalar_one()
    money = dict(importe_historico=100, actualizacion=0, recargos=0, multa=0, gastos_ejecucion=0,
                 importe_total=100, saldo=100)
    credit = conn.execute(t["creditos"].insert().values(
        numero="260000001", patron_id=patron, unidad_id=ids["3303"], unidad_origen_id=ids["0201"], concepto="COP",
        td="02", origen="COP", periodo="202601", fecha_emision=date(2026, 2, 1), fase="EMITIDO",
        fase_desde=date(2026, 2, 1), en_aclaracion=False, interes_fiscal_garantizado=False, pae_suspendido=False,
        en_condonacion=False, sintetico=True, observaciones="", creado=NOW, lock=1, **money)
        .returning(t["creditos"].c.id)).scalar_one()
    conn.execute(t["credito_eventos"].insert().values(
        credito_id=credit, accion="emitir", fase_a="EMITIDO", fecha=date(2026, 2, 1), registrado=NOW,
        unidad_id=ids["3303"], fundamento="", comentario="", detalle="{}"))
    return ids


def test_upgrade_from_placeholder_catalog_keeps_every_reference(empty_url):
    from docs_service.core.migrate import upgrade
    from docs_service.models import metadata
    app = create_app({"INSTANCE": "/tmp/docs-service-migration-test", "DATABASE_URL": empty_url,
                      "SECRET_KEY": "x", "STORAGE": MemoryStorage()})
    engine = app.extensions["docs_engine"]
    try:
        with app.app_context():
            upgrade("0005")  # the revision before 0003
        with engine.begin() as conn:
            old_ids = _seed_placeholder(conn)
        with app.app_context():
            upgrade()
        with engine.connect() as conn:
            units = conn.execute(sa.text("SELECT id, clave, nombre, tipo, ooad_clave FROM unidades")).all()
            by_id = {u.id: u for u in units}
            users = dict(conn.execute(sa.text("SELECT nombre, unidad_id FROM usuarios")).all())
            acuses = conn.execute(sa.text("SELECT unidad_id, estado, recibido FROM acuses")).all()
            credit = conn.execute(sa.text("SELECT unidad_id, unidad_origen_id FROM creditos")).one()
            patron_unit = conn.execute(sa.text("SELECT unidad_id FROM patrones")).scalar_one()
            event_unit = conn.execute(sa.text("SELECT unidad_id FROM credito_eventos")).scalar_one()
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata) == []
            if engine.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        # Exactly the official catalog.
        kinds = [u.tipo for u in units]
        assert (kinds.count("central"), kinds.count("ooad"), kinds.count("subdelegacion")) == (1, 35, 133)
        keys = {u.clave: u for u in units}
        assert keys["NC"].tipo == "central" and keys["39"].nombre == "Ciudad de México Norte"
        assert keys["3333"].nombre == "Mérida Sur" and keys["3333"].ooad_clave == "33"
        assert not {"09", "35", "37", "3302", "3501"} & set(keys)
        # Users follow their unit; nobody lost theirs.
        assert {n: by_id[i].clave if i else None for n, i in users.items()} == {
            "admin": "NC", "op3302": "3333", "op3303": "33", "op0201": "0203", "op0202": "0201",
            "op3501": "3956", "op3706": "40", "sin.unidad": None}
        assert by_id[users["op0201"]].nombre == "Ensenada" and by_id[users["op0202"]].nombre == "Mexicali"
        # Acuses follow too; two landing on one unit keep the receipt.
        got = sorted((by_id[a.unidad_id].clave, a.estado, a.recibido is not None) for a in acuses)
        assert got == sorted([("33", "recibido", True), ("1439", "recibido", True), ("3333", "pendiente", False),
                              ("0203", "pendiente", False), ("0201", "recibido", True), ("39", "recibido", True),
                              ("3301", "recibido", True)])
        # Credits too, the append-only event log included.
        assert by_id[patron_unit].clave == "3333" and by_id[event_unit].clave == "33"
        assert (by_id[credit.unidad_id].clave, by_id[credit.unidad_origen_id].clave) == ("33", "0203")
        # Rows that stood for an official unit kept their id (3301 and 3302 are the same rows as before).
        assert keys["3301"].id == old_ids["3301"] and keys["3333"].id == old_ids["3302"]
        # `init` afterwards finds nothing left to change.
        with app.app_context():
            from docs_service.accounts.operations import load_catalog
            from docs_service.core.db import transaction
            with transaction():
                assert load_catalog() == 0
        # The event log is append-only again.
        with pytest.raises(sa.exc.DatabaseError, match="solo anexado"):
            with engine.begin() as conn:
                conn.execute(sa.text("UPDATE credito_eventos SET unidad_id = :u"), {"u": keys["3301"].id})
    finally:
        engine.dispose()
