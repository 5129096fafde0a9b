"""`creditos generar` is deterministic and marks its data synthetic; `creditos import` shows a
summary, and a kill in the middle of an import leaves nothing (the re-run completes)."""
import os
import subprocess
import sys

from sqlalchemy import func, select

from docs_service.core.db import db
from docs_service.credits import ids
from docs_service.credits.models import Credit, ImportBatch, Patron


def counts(app):
    with app.app_context():
        result = tuple(db.session.scalar(select(func.count(m.id))) for m in (Credit, Patron, ImportBatch))
        db.session.close()
        return result


def test_generar_is_deterministic_and_synthetic(runner, tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    for path, seed in ((a, 5), (b, 5), (c, 6)):
        result = runner.invoke(args=["creditos", "generar", "--n", "300", "--seed", str(seed), "--salida", str(path)])
        assert result.exit_code == 0, result.output
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    lines = a.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 301
    header = lines[0].split(",")
    for line in lines[1:]:
        fields = dict(zip(header, line.split(",")))
        assert ids.is_synthetic_nrp(ids.nrp(fields["nrp"])) and fields["rfc"].startswith("XZ")
        assert "SINTÉTICO" in fields["razon_social"]


def test_import_command_reports_and_is_idempotent(app, runner, tmp_path):
    path = tmp_path / "g.csv"
    assert runner.invoke(args=["creditos", "generar", "--n", "200", "--seed", "3", "--salida", str(path),
                               "--errores"]).exit_code == 0
    first = runner.invoke(args=["creditos", "import", str(path)])
    assert first.exit_code == 0, first.output
    assert "200 filas" in first.output
    loaded = counts(app)[0]
    assert 190 <= loaded <= 200
    second = runner.invoke(args=["creditos", "import", str(path)])
    assert f"0 cargadas, {loaded} sin cambios" in second.output
    assert counts(app)[0] == loaded
    missing = runner.invoke(args=["creditos", "import", str(tmp_path / "no-existe.csv")])
    assert missing.exit_code != 0


def test_kill_midway_leaves_nothing_and_rerun_completes(app, db_url, tmp_path):
    """GIVEN a 5,000-row file WHEN the import process is killed (SIGKILL) after its first chunk is
    written THEN no credit, patrón or batch remains; AND a re-run loads every row."""
    path = tmp_path / "big.csv"
    env = {**os.environ, "DOCS_SERVICE_DATABASE_URL": db_url, "DOCS_SERVICE_INSTANCE": str(tmp_path / "inst"),
           "DOCS_SERVICE_SECRET_KEY": "prueba"}
    cli = [sys.executable, "-m", "docs_service.core.cli"]
    subprocess.run(cli + ["creditos", "generar", "--n", "5000", "--seed", "9", "--salida", str(path)], env=env,
                   check=True, capture_output=True)
    killed = subprocess.run(cli + ["creditos", "import", str(path)], env={**env, "DOCS_SERVICE_FAULT_AT":
                                                                          "creditos_import_chunk"}, capture_output=True)
    assert killed.returncode == -9
    assert counts(app) == (0, 0, 0)
    done = subprocess.run(cli + ["creditos", "import", str(path)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert counts(app)[0] == 5000
