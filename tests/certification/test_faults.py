"""Signing and template faults (SECURITY G-37): no key, an expired certificate or a template that
cannot render issue nothing, answer clearly, and consume no folio."""
import datetime as dt
import shutil
from pathlib import Path

from sqlalchemy import func, select

from docs_service.certification.models import Constancia, FolioCounter
from docs_service.certification.signing import FOLDER, generate_embedded
from docs_service.core.db import db

from .helpers import copia, emit, published_document


def _nothing_issued(app):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Constancia)) == 0
        assert db.session.scalar(select(func.coalesce(func.sum(FolioCounter.ultimo), 0))) == 0


def test_missing_key_answers_503_and_issues_nothing(make_app, tmp_path, staff):
    app = make_app(INSTANCE=str(tmp_path / "sin-llave"), SEAL=False)
    client = app.test_client()
    published_document(client, staff)
    response = emit(client, staff["oscar"], copia())
    assert response.status_code == 503
    assert response.get_json()["error"] == "servicio_firma_no_disponible"
    assert response.headers["Retry-After"]
    _nothing_issued(app)


def test_expired_certificate_answers_503_and_issues_nothing(make_app, tmp_path, staff):
    instance = tmp_path / "vencido"
    generate_embedded(instance / FOLDER, days=1, now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=10))
    app = make_app(INSTANCE=str(instance))
    client = app.test_client()
    published_document(client, staff)
    response = emit(client, staff["oscar"], copia())
    assert response.status_code == 503 and "vigente" in response.get_json()["message"]
    _nothing_issued(app)


def test_template_that_fails_to_render_consumes_no_folio(make_app, tmp_path, staff):
    folder = tmp_path / "certificaciones"
    shutil.copytree(Path(__file__).resolve().parents[2] / "certificaciones", folder)
    template = folder / "copia_certificada" / "plantilla.html"
    template.write_text(template.read_text().replace("{{ d.documento.titulo }}", "{{ d.documento.no_existe }}"))
    app = make_app(CERTIFICACIONES_DIR=str(folder))
    client = app.test_client()
    published_document(client, staff)
    response = emit(client, staff["oscar"], copia())
    assert response.status_code == 503 and response.get_json()["error"] == "plantilla_con_error"
    _nothing_issued(app)


def test_sandbox_refuses_python_internals_in_a_template(make_app, tmp_path, staff):
    folder = tmp_path / "certificaciones"
    shutil.copytree(Path(__file__).resolve().parents[2] / "certificaciones", folder)
    template = folder / "copia_certificada" / "plantilla.html"
    template.write_text(template.read_text().replace(
        "{{ d.documento.titulo }}", "{{ ''.__class__.__mro__[1].__subclasses__() }}"))
    app = make_app(CERTIFICACIONES_DIR=str(folder))
    client = app.test_client()
    published_document(client, staff)
    assert emit(client, staff["oscar"], copia()).status_code == 503
    _nothing_issued(app)


def test_verification_codes_are_not_logged_whole(client, staff, caplog):
    published_document(client, staff)
    codigo = emit(client, staff["oscar"], copia()).get_json()["codigo"]
    with caplog.at_level("INFO", logger="docs_service.access"):
        client.get(f"/v/{codigo}")
        client.get(f"/api/v1/verificacion/{codigo}")
    assert caplog.records and all(codigo not in r.getMessage() and codigo not in getattr(r, "path", "")
                                  for r in caplog.records)


def test_rate_limit_answers_429_with_retry_after(make_app):
    app = make_app(VERIFICACION_LIMITE="3/minute")
    client = app.test_client()
    statuses = [client.get(f"/api/v1/verificacion/{'A' * 32}").status_code for _ in range(5)]
    assert statuses[:3] == [404, 404, 404] and statuses[3:] == [429, 429]
    assert client.get(f"/api/v1/verificacion/{'A' * 32}").headers.get("Retry-After")
    limited = client.get(f"/v/{'B' * 32}")
    assert limited.status_code == 429 and limited.headers.get("Retry-After")


def test_rate_limit_headers_only_on_limited_routes(make_app, users, auth):
    """The limiter's headers come with the verification routes; other routes never run its hooks."""
    app = make_app(VERIFICACION_LIMITE="5/minute")
    client = app.test_client()
    verified = client.get(f"/api/v1/verificacion/{'C' * 32}")
    assert verified.headers.get("X-RateLimit-Limit") and verified.headers.get("X-RateLimit-Remaining") == "4"
    _id, token = users("lectora", ["consultor"], "NC")
    other = client.get("/api/v1/unidades/3301", headers=auth(token))
    assert other.status_code == 200 and "X-RateLimit-Limit" not in other.headers
    assert "Cookie" not in other.headers.get("Vary", "")  # a token call never reads the session
