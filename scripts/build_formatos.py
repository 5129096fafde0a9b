"""Writes `plantilla.docx` of each shipped format in formatos/ from its formato.json (schema,
title, instructivo): `python scripts/build_formatos.py [carpeta]`. Run after changing a schema;
the DOCX files are committed (they are the templates the demo uploads)."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from docs_service.formats.docx_build import build_template  # noqa: E402
from docs_service.formats.fields import FormSchema  # noqa: E402


def main(argv):
    root = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "formatos"
    for spec_path in sorted(root.glob("*/formato.json")):
        meta = json.loads(spec_path.read_text(encoding="utf-8"))
        data = build_template(FormSchema.parse(meta["esquema"]), meta["titulo"], meta.get("instructivo", ""))
        (spec_path.parent / "plantilla.docx").write_bytes(data)
        print(f"{spec_path.parent.name}/plantilla.docx ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
