"""Rendering of untrusted templates is bounded in time and memory, in worker processes (SECURITY B):
a template that would blow the bound is stopped with a Spanish error, its worker is replaced and
the service keeps answering; a definition whose blank PDF already blows it is refused."""
import pytest
from sqlalchemy import select

from .helpers import VALID, load_aclaracion, pdf_text, people

# Light while blank (no rows), ~2,500 pages once five credit rows are sent (5 x 5 x 100 page breaks).
HEAVY_WHEN_FILLED = ("{{ campo('rfc') }}{% for a in creditos %}{% for b in creditos %}"
                     + "<p style=\"break-after: page\">{{ b.numero }}</p>" * 100 + "{% endfor %}{% endfor %}")
FIVE_ROWS = dict(VALID, creditos=[dict(VALID["creditos"][0], numero=f"25812345{i}") for i in range(5)])


def _swap_template(app, format_id: int, html: str) -> None:
    """As if a template that renders fine blank had been approved and published."""
    from docs_service.core.db import db, transaction
    from docs_service.documents.models import Version
    from docs_service.formats.models import FormatVersion
    with app.app_context(), transaction():
        spec = db.session.scalar(select(FormatVersion).join(Version, FormatVersion.version_id == Version.id)
                                 .where(Version.documento_id == format_id))
        spec.plantilla_html = html


@pytest.mark.parametrize("bound, settings", [
    ("el tiempo permitido (2 s)", {"RENDER_TIEMPO_S": 2}),
    ("la memoria permitida (48 MB)", {"RENDER_MEMORIA_MB": 48, "RENDER_TIEMPO_S": 300}),
])
def test_render_past_its_bound_is_stopped_and_the_service_keeps_answering(make_app, users, auth, bound, settings):
    tokens = people(users)
    fmt = load_aclaracion(make_app.first)
    _swap_template(make_app.first, fmt, HEAVY_WHEN_FILLED)
    client = make_app(STORAGE=make_app.first.extensions["docs_storage"], **settings).test_client()
    op = auth(tokens["operativo.3301"])

    response = client.post(f"/api/v1/formatos/{fmt}/pdf", json={"datos": FIVE_ROWS}, headers=op)
    assert response.status_code == 422, response.data[:300]
    body = response.get_json()
    assert body["error"] == "formato_excede_limites"
    assert body["message"].startswith("El formato no se pudo generar") and bound in body["message"]

    # The worker was replaced: the next renders of the same process answer.
    blank = client.get(f"/api/v1/formatos/{fmt}/pdf", headers=op)
    assert blank.status_code == 200 and "RFC DEL PATRÓN" in pdf_text(blank.data)
    docx = client.post(f"/api/v1/formatos/{fmt}/docx", json={"datos": FIVE_ROWS}, headers=op)
    assert docx.status_code == 200 and docx.data.startswith(b"PK")


def test_definition_whose_blank_pdf_blows_the_bound_is_refused(make_app, users):
    from docs_service.core.errors import InvalidInput
    from docs_service.documents.models import Document
    from docs_service.core.db import db
    from docs_service.formats import operations as ops
    people(users)
    fmt = load_aclaracion(make_app.first)
    app = make_app(STORAGE=make_app.first.extensions["docs_storage"], RENDER_TIEMPO_S=2)
    endless = "<p style=\"break-after: page\">x</p>" * 5000  # 5,000 pages, no Jinja needed
    with app.app_context():
        version = db.session.get(Document, fmt).versions[0]
        spec = ops.spec_of(version)
        with pytest.raises(InvalidInput) as err:
            ops.check_definition(version, spec.schema, endless, "")
        assert err.value.code == "plantilla_invalida" and "el tiempo permitido (2 s)" in err.value.message
        ops.check_definition(version, spec.schema, spec.plantilla_html, spec.instructivo)  # a sane one passes
        db.session.rollback()
