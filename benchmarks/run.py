"""Run benchmarks and print their JSON results: `python benchmarks/run.py [name ...]`."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import api_read, constancias, credits, formats, lote_reanudable, normateca, search  # noqa: E402

BENCHMARKS = {"api_read": api_read.run, "upload_docx": normateca.upload_docx,
              "catalog_vigente_al": normateca.catalog_vigente_al,
              "credits": credits.run, "formats_pdf": formats.pdf, "formats_docx": formats.docx, "constancias": constancias.run,
              "search": search.run, "lote_reanudable": lote_reanudable.bench}


def main(argv):
    names = argv or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"Benchmark desconocido: {', '.join(unknown)}. Disponibles: {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    results = [BENCHMARKS[name]() for name in names]
    print(json.dumps(results if len(results) > 1 else results[0], indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
