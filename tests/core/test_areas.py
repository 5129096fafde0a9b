"""Areas plug themselves in: core imports none of them, and documents reads only the workflow's
state table (no import cycle between the two)."""
import ast
from pathlib import Path

import docs_service
from docs_service.areas import AREAS

PACKAGE = Path(docs_service.__file__).parent


def _imports(path: Path) -> set[str]:
    """Absolute dotted names imported by a module of docs_service (relative imports resolved)."""
    module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    package = module.rsplit(".", 1)[0] if path.name != "__init__.py" else module
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            names.add(prefix)
            names.update(f"{prefix}.{alias.name}" for alias in node.names)
    return names


def _area_of(name: str) -> str | None:
    parts = name.split(".")
    if len(parts) >= 2 and parts[0] == "docs_service" and parts[1] in AREAS:
        return parts[1]
    return None


def test_core_imports_no_area():
    """GIVEN every module under docs_service/core WHEN its imports are read THEN none names an area."""
    offenders = {f"{path.name}: {name}" for path in (PACKAGE / "core").rglob("*.py")
                 for name in _imports(path) if _area_of(name)}
    assert offenders == set()


def test_documents_reads_only_the_workflow_state_table():
    """GIVEN the documents area WHEN its imports are read THEN from workflow it takes only `states`,
    a leaf module; workflow builds on documents, never the other way round."""
    offenders = {f"{path.name}: {name}" for path in (PACKAGE / "documents").rglob("*.py")
                 for name in _imports(path)
                 if name.startswith("docs_service.workflow") and not name.startswith("docs_service.workflow.states")
                 and name != "docs_service.workflow"}
    assert offenders == set()
    states = PACKAGE / "workflow" / "states.py"
    assert not {n for n in _imports(states) if n.startswith("docs_service")}


def test_every_area_declares_itself_and_is_installed(app):
    installed = [area.name for area in app.extensions["docs_areas"]]
    assert installed == list(AREAS)
    endpoints = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules()}
    assert {"documents_pages", "workflow_pages", "accounts_pages", "web"} <= endpoints
    assert {"demo", "init", "users", "tokens", "audit", "blobs"} <= set(app.cli.commands)
