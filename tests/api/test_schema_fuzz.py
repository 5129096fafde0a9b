"""The API does what its OpenAPI document says: schemathesis drives every operation it finds in
the app's own /api/v1/openapi.json (so endpoints added later are covered without touching this
file) as admin, normativo and operativo, with every check, a fixed seed and a bounded number of
examples per operation, and the test fails on any server error or any answer off the spec. As admin it
runs in the default suite; as normativo and operativo it is marked slow (about a minute each) and
runs in CI's `pytest -m slow` step.

The one adjustment, and why: a request can match the schema and still break a business rule the
schema cannot express (a unit key that is not in the catalog, an expiry in the past, a file whose
bytes are not the DOCX its name says, a search query beyond the grammar). Those answer 422 (or 400,
415) with their own `error` key. `positive_data_acceptance` is told that 400/415/422 are such
refusals, and the stricter check below takes its place for the rest: schema-valid data refused *by
the schema layer itself* (`datos_invalidos`, `solicitud_invalida`) means the document and the
validation disagree, and fails.

The app is served by waitress on an ephemeral local port (schemathesis 4.32's engine cannot drive a
WSGI app in-process: it hands socket options to werkzeug's test client). SQLite only: the fuzzer checks the contract, which does not depend on
the database, and PostgreSQL would double its time; the database-specific paths have their own
tests on both backends."""
import json
import threading

import pytest
import schemathesis
from schemathesis.engine import events, from_schema
from waitress.server import create_server

from tests.documents.helpers import act, approve, create_document, upload

ROLES = ("admin", "normativo", "operativo")
SEED = 20261201
MAX_EXAMPLES = 8
SCHEMA_LAYER_CODES = {"datos_invalidos", "solicitud_invalida"}  # what webargs/marshmallow refusals answer


@schemathesis.check
def schema_valid_passes_schema_layer(ctx, response, case):
    """Schema-valid data may be refused by a business rule, never by the schema layer."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code not in (400, 422):
        return None
    try:
        code = json.loads(response.content).get("error")
    except (ValueError, AttributeError):
        code = None
    if code in SCHEMA_LAYER_CODES:
        raise AssertionError(f"Datos válidos según el esquema rechazados por la validación del esquema: "
                             f"{response.status_code} {response.content[:300]!r}")
    return None


@pytest.fixture
def backend():
    return "sqlite"


@pytest.fixture
def fuzz_tokens(app, client, staff, users):
    """An instance set up as `docs-service init` leaves it (every area's init hook: search index,
    signing keys…), a published document, a draft, and a token per role."""
    from docs_service.core.areas import hooks
    from docs_service.core.db import transaction
    with app.app_context(), transaction():
        for _area, init in hooks(app, "init"):
            init()
    admin = users("ada", ["admin"], "NC", password=None)[1]
    published = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], published)
    approve(client, staff, published, 1)
    act(client, staff["normativo"], published, 1, "publicar", destinatarios={"todas": True})
    draft = create_document(client, staff["normativo"], clave="9312-003-013")
    upload(client, staff["normativo"], draft)
    return {"admin": admin, **staff}


@pytest.fixture
def served(app):
    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(5)


def run_fuzzer(base_url, token):
    header = {"Authorization": f"Bearer {token}"}
    config = schemathesis.Config.from_dict({
        "seed": SEED,
        "headers": header,
        "suppress-health-check": ["all"],
        "request-timeout": 120,  # correctness, not latency: a PDF render on a loaded CI machine may take long
        "generation": {"max-examples": MAX_EXAMPLES, "mode": "all"},
        "checks": {"enabled": True,
                   "positive_data_acceptance": {"expected-statuses": ["2xx", "3xx", "400", "401", "403", "404",
                                                                      "409", "415", "422", "429"]},
                   # RFC 6585 (and DESIGN): a write without its If-Match answers 428
                   "missing_required_header": {"expected-statuses": ["400", "401", "403", "406", "415", "422",
                                                                     "428"]}},
    })
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json", config=config, headers=header)
    failures, errors, operations = {}, [], set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            operations.add(event.recorder.label)
            for case_id, checks in event.recorder.checks.items():
                for check in checks:
                    if check.failure_info is None:
                        continue
                    failure = check.failure_info.failure
                    key = (failure.operation or event.recorder.label, check.name, failure.title)
                    interaction = event.recorder.interactions.get(case_id)
                    request = f"{interaction.request.method} {interaction.request.uri}" if interaction else ""
                    failures.setdefault(key, f"{request}\n{failure.message[:800]}")
        elif isinstance(event, events.NonFatalError):
            inner = getattr(event.value, "exceptions", None) or [event.value]
            errors.append(f"{event.label}: " + " | ".join(repr(e)[:500] for e in inner))
        elif isinstance(event, events.FatalError):
            errors.append(f"fatal: {event.exception!r}")
    return operations, failures, errors


@pytest.mark.parametrize("role", [role if role == "admin" else pytest.param(role, marks=pytest.mark.slow)
                                  for role in ROLES])
def test_api_behaves_as_its_openapi_says(served, fuzz_tokens, role):
    operations, failures, errors = run_fuzzer(served, fuzz_tokens[role])
    report = "\n\n".join(f"[{op}] {check}: {title}\n{detail}" for (op, check, title), detail in sorted(failures.items()))
    assert not errors, "\n".join(errors)
    assert not failures, f"{len(failures)} fallas distintas como {role}:\n\n{report}"
    assert len(operations) >= 20, sorted(operations)  # every documented operation was driven
