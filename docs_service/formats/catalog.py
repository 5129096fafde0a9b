"""The shipped catalog of formats: a folder (config DOCS_FORMATOS_DIR, `formatos/` by default) with
one sub-folder per format holding `formato.json` (metadata, schema, instructivo), `plantilla.html`
(body of the PDF) and `plantilla.docx` (docxtpl template). Read as data, never imported."""
import json
from dataclasses import dataclass
from pathlib import Path

from flask import current_app


@dataclass
class ShippedFormat:
    folder: Path
    meta: dict
    html: str
    docx: bytes


def folder() -> Path:
    return Path(current_app.config["DOCS_FORMATOS_DIR"])


def shipped(root: Path | None = None) -> list[ShippedFormat]:
    root = root or folder()
    items = []
    for path in sorted(p for p in root.iterdir() if p.is_dir() and (p / "formato.json").is_file()):
        items.append(ShippedFormat(path, json.loads((path / "formato.json").read_text(encoding="utf-8")),
                                   (path / "plantilla.html").read_text(encoding="utf-8"),
                                   (path / "plantilla.docx").read_bytes()))
    return items
