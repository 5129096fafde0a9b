"""Writes `plantilla.docx` (the editable working copy's template) of each kind in certificaciones/
whose definicion.json says `"docx": true`: `python scripts/build_certificaciones.py [carpeta]`. Run
after changing docs_service/certification/docx_build.py; the DOCX files are committed, like formatos'."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docs_service.certification.docx_build import build_template  # noqa: E402


def main(argv):
    root = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "certificaciones"
    for spec_path in sorted(root.glob("*/definicion.json")):
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        if not spec.get("docx"):
            continue
        data = build_template(spec["tipo"])
        (spec_path.parent / "plantilla.docx").write_bytes(data)
        print(f"{spec_path.parent.name}/plantilla.docx ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
