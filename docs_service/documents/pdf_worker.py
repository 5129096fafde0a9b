"""PDF text extraction in a separate, resource-limited process: a parser bomb costs that process,
never the web worker. Reads the PDF on stdin, writes JSON {"pages": [...], "active": [...]}."""
import json
import os
import resource
import subprocess
import sys

from ..core.errors import InvalidUpload

TIMEOUT_S = 10
MEMORY_BYTES = 512 * 1024 * 1024


def _limits():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (TIMEOUT_S, TIMEOUT_S + 1))


def extract_pdf_pages(data: bytes) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH", "LANG", "HOME")}
    try:
        proc = subprocess.run([sys.executable, "-m", "docs_service.documents.pdf_worker"], input=data,
                              capture_output=True, timeout=TIMEOUT_S, preexec_fn=_limits, env=env)
    except subprocess.TimeoutExpired:
        proc = None
    if proc is None or proc.returncode != 0:
        raise InvalidUpload("El PDF no se pudo leer o excede los límites de procesamiento.",
                            code="pdf_invalido_o_excede_limites")
    result = json.loads(proc.stdout)
    if result.get("active"):
        raise InvalidUpload("El PDF contiene contenido activo (JavaScript, acciones o archivos incrustados); "
                            "no se permite.", code="pdf_contenido_activo", elementos=result["active"])
    return result["pages"]


def _main():
    import io

    from pypdf import PdfReader
    reader = PdfReader(io.BytesIO(sys.stdin.buffer.read()), strict=False)
    root = reader.trailer["/Root"]
    active = [key for key in ("/OpenAction", "/AA") if key in root]
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        active += [key for key in ("/JavaScript", "/EmbeddedFiles") if key in names]
    for page in reader.pages:  # page and annotation actions, by their parsed names
        if "/AA" in page:
            active.append("/AA")
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            action = action.get_object() if action is not None else {}
            if "/AA" in annot or action.get("/S") in ("/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute"):
                active.append(str(action.get("/S") or "/AA"))
    active = sorted(set(active))
    pages = [page.extract_text() or "" for page in reader.pages]
    json.dump({"pages": pages, "active": active}, sys.stdout)


if __name__ == "__main__":
    _main()
