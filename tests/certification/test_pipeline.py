"""Producing a chunk of constancias in one layout pass: each PDF is its own document (its pages only,
numbered "Página X de Y" within it, its folio, title and datos.json) and carries its own PAdES
signature over its own cadena, sello and code; a job whose template fails does not stop the others."""
import io
import json
import re
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from docs_service.certification import cadena as cadena_mod
from docs_service.certification.pipeline import Job, Producer, RenderFailed
from docs_service.certification.signing import FOLDER, generate_embedded, load_material, validate_pdf, \
    root_certificate, SigningConfig, verify_sello
from docs_service.config import PROJECT_ROOT


def _credit(n: int) -> dict:
    return {"numero": f"2060{n:05d}", "concepto": "RCV", "periodo": "202401", "fase": "Notificado",
            "importe_total": "100.00", "importe_total_fmt": "100.00", "saldo": "100.00", "saldo_fmt": "100.00"}


def _job(n: int, creditos: int, **datos) -> Job:
    nrp = f"Z01000{n:05d}"
    base = {"patron": {"nrp": nrp, "rfc": "XAXX010101000", "razon_social": f"PATRÓN {n}"},
            "creditos": [_credit(i) for i in range(creditos)], "total": f"{100 * creditos}.00",
            "total_fmt": f"{100 * creditos:,}.00", "importe_total_fmt": f"{100 * creditos:,}.00",
            "total_letra": "CIEN PESOS 00/100 M.N."}
    base.update(datos)
    return Job(tipo="situacion_creditos", folio=f"CSC-2026-{n:06d}", codigo=f"codigo-{n:02d}-" + "x" * 22,
               emitida=datetime(2026, 7, 1, 15, 30), fecha_corte=date(2026, 6, 30), unidad_clave="3301",
               unidad_nombre="Mérida Norte", rfc="XAXX010101000", nrp=nrp, datos=base)


@pytest.fixture(scope="module")
def seal(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sello") / FOLDER
    generate_embedded(folder)
    config = SigningConfig(folder=str(folder))
    return load_material(config), root_certificate(config)


def _footers(pdf: bytes) -> list[str]:
    return [re.search(r"Folio \S+ Página \d+ de \d+", page.extract_text().replace("\n", " ")).group(0)
            for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_chunk_gives_one_signed_document_per_job_with_its_own_pages(seal):
    material, root = seal
    producer = Producer(str(PROJECT_ROOT / "certificaciones"), "https://normateca.example", material)
    jobs = [_job(1, 2), _job(2, 140), _job(3, 0), _job(4, 75)]
    results = producer.produce_many(jobs)
    assert [r.folio for r in results] == [j.folio for j in jobs]
    pages = [len(PdfReader(io.BytesIO(r.pdf)).pages) for r in results]
    assert pages[0] == 1 and pages[1] >= 3 and pages[2] == 1 and pages[3] >= 2
    for job, result, count in zip(jobs, results, pages):
        assert _footers(result.pdf) == [f"Folio {job.folio} Página {p} de {count}" for p in range(1, count + 1)]
        reader = PdfReader(io.BytesIO(result.pdf))
        assert reader.metadata.title == f"Constancia de situación de créditos fiscales {job.folio}"
        assert json.loads(reader.attachments["datos.json"][0]) == job.datos
        text = "".join(page.extract_text() for page in reader.pages)
        assert f"https://normateca.example/v/{job.codigo}" in text.replace("\n", "")
        assert job.datos["patron"]["nrp"] in text
        assert validate_pdf(result.pdf, root).ok
        assert cadena_mod.parse(result.cadena)["folio"] == job.folio
        assert verify_sello(material.cert, result.cadena, result.sello)
    assert "Sin adeudos registrados" in PdfReader(io.BytesIO(results[2].pdf)).pages[0].extract_text()
    assert len({r.sha256 for r in results}) == len(jobs)


def test_a_job_whose_template_fails_does_not_stop_the_chunk(seal):
    material, root = seal
    producer = Producer(str(PROJECT_ROOT / "certificaciones"), "https://normateca.example", material)
    broken = _job(2, 1)
    del broken.datos["total_letra"]
    results = producer.produce_many([_job(1, 1), broken, _job(3, 1)])
    assert isinstance(results[1], RenderFailed)
    assert [r.folio for r in (results[0], results[2])] == ["CSC-2026-000001", "CSC-2026-000003"]
    assert all(validate_pdf(r.pdf, root).ok for r in (results[0], results[2]))
    with pytest.raises(RenderFailed):
        producer.produce(broken)
