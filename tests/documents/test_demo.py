"""`docs-service demo` loads the shipped Normateca through the real workflow, idempotently."""
from datetime import timedelta

from docs_service.workflow.operations import today


def test_demo_loads_documents_versions_and_pending_acuses(runner, client, users, auth):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "Documentos de demostración cargados: 8 de 8." in first.output
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 0 and "cargados: 0 de 8" in again.output and "creados: 0" in again.output
    _uid, token = users("ines", ["auditor"], "NC", password=None)
    catalog = client.get("/api/v1/documentos?por_pagina=100", headers=auth(token)).get_json()
    assert catalog["total"] >= 6
    by_clave = {d["clave"]: d for d in catalog["items"]}
    assert by_clave["9300-006-014"]["abrogado_desde"] is not None and by_clave["9300-006-014"]["version_vigente"] is None
    assert by_clave["9312-003-012"]["version_vigente"]["numero"] == 2
    future = client.get(f"/api/v1/documentos?vigente_al={today() + timedelta(days=31)}", headers=auth(token)).get_json()
    assert {d["clave"]: d["version_vigente"]["numero"] for d in future["items"]}["9312-003-015"] == 2
    doc = by_clave["9312-003-012"]["id"]
    coverage = client.get(f"/api/v1/documentos/{doc}/versiones/2/acuses", headers=auth(token)).get_json()["cobertura"]
    assert coverage["recibidos"] == 2 and coverage["pendientes"] == 35 + 133 - 2
    lineamiento = by_clave["9300-005-001"]["id"]
    versions = client.get(f"/api/v1/documentos/{lineamiento}/versiones", headers=auth(token)).get_json()
    assert [v["estado"] for v in versions] == ["publicado", "en_revision"]
    verify = runner.invoke(args=["audit", "verify"])
    assert verify.exit_code == 0
