"""Producing one constancia's signed PDF from its data: no database, no request, so the same code
runs in the web process and in the batch worker processes.

Prepared once per process (`Producer`): the kinds and their compiled templates, the parsed CSS and
fonts (core.pdf caches them), the seal key and the prepared CMS pieces. Per document: the cadena
original and its sello (one ECDSA operation), the QR (segno, PNG), the HTML of its body, and the
PAdES signature (one digest and one ECDSA operation). Several documents are laid out together
(`produce_many`: one WeasyPrint pass for a whole chunk, split into one PDF per document, each with
its own page numbering, title and datos.json), which is where a batch saves most of its time."""
from __future__ import annotations

import base64
import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..core import fechas
from ..core.pdf import PdfAttachment, PdfPart, render_pdfs
from . import cadena as cadena_mod
from .kinds import environment, load_kinds, stylesheet
from .signing import PdfSealer, SealMaterial, SigningConfig, load_material

ASSETS = None  # templates use only data: URIs and the bundled fonts
HEAD = '<meta name="author" content="Instituto Mexicano del Seguro Social">'


class RenderFailed(Exception):
    """The template could not be rendered with these data (nothing is issued, no folio consumed)."""


@dataclass(frozen=True)
class Job:
    """What one constancia needs besides its kind: picklable, so it can cross to a worker process."""
    tipo: str
    folio: str
    codigo: str
    emitida: datetime            # naive UTC
    fecha_corte: date | None
    unidad_clave: str
    unidad_nombre: str
    rfc: str | None
    nrp: str | None
    datos: dict


@dataclass(frozen=True)
class Produced:
    folio: str
    codigo: str
    pdf: bytes
    sha256: str
    cadena: str
    sello: str
    serie: str
    plantilla: str


def mask_rfc(rfc: str | None) -> str | None:
    """`ABC******XY1`: the first three and last three characters."""
    if not rfc:
        return None
    rfc = rfc.strip().upper()
    return rfc[:3] + "*" * max(len(rfc) - 6, 0) + rfc[-3:]


def qr_data_uri(url: str) -> str:
    import segno
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=4, border=2)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


class Producer:
    """Holds what is prepared once (per process) and produces signed constancias."""

    def __init__(self, certificaciones_dir: str, public_url: str, material: SealMaterial, tsa_url: str = ""):
        self.folder = certificaciones_dir
        self.kinds = load_kinds(certificaciones_dir)
        self.env = environment(certificaciones_dir)
        self.templates = {t: self.env.get_template(f"{t}/plantilla.html") for t in self.kinds}
        self.css = stylesheet(certificaciones_dir)
        self.public_url = public_url.rstrip("/")
        self.material = material
        self.sealer = PdfSealer(material, tsa_url=tsa_url)

    @classmethod
    def from_settings(cls, certificaciones_dir: str, public_url: str, signing: SigningConfig) -> "Producer":
        return cls(certificaciones_dir, public_url, load_material(signing), signing.tsa_url)

    def verification_url(self, codigo: str) -> str:
        return f"{self.public_url}/v/{codigo}"

    def html(self, job: Job, cadena: str, sello: str) -> str:
        kind = self.kinds[job.tipo]
        context = {
            "k": {"titulo": kind.titulo, "fundamento": kind.fundamento},
            "c": {"folio": job.folio, "unidad": f"{job.unidad_clave} {job.unidad_nombre}",
                  "emitida_local": fechas.fecha_hora(job.emitida),
                  "fecha_corte": fechas.fecha_larga(job.fecha_corte) if job.fecha_corte else None,
                  "qr": qr_data_uri(self.verification_url(job.codigo)),
                  "url": self.verification_url(job.codigo), "url_raiz": f"{self.public_url}/firma/raiz.pem",
                  "cadena_lineas": cadena_mod.wrap(cadena, 118), "sello_lineas": cadena_mod.wrap(sello, 118),
                  "serie": self.material.serial},
            "d": job.datos,
        }
        try:
            return self.templates[job.tipo].render(context)
        except Exception as err:  # strict undefined, type errors in filters…: refuse, never print blanks
            raise RenderFailed(f"{type(err).__name__}: {err}") from err

    def produce(self, job: Job) -> Produced:
        """One signed constancia; raises RenderFailed (nothing issued) when its template fails."""
        result = self.produce_many([job])[0]
        if isinstance(result, Exception):
            raise result
        return result

    def produce_many(self, jobs: list[Job]) -> list[Produced | RenderFailed]:
        """Signed constancias for `jobs`, in order, laid out in one pass; a job whose template fails
        gets its RenderFailed in its place and the others are still produced."""
        self.material.check_valid()
        prepared, parts = [], []
        for job in jobs:
            kind = self.kinds[job.tipo]
            cadena = cadena_mod.build(tipo=job.tipo, folio=job.folio, emitida=job.emitida,
                                      fecha_corte=job.fecha_corte, unidad=job.unidad_clave, rfc=job.rfc,
                                      nrp=job.nrp, plantilla=kind.plantilla, serie_certificado=self.material.serial,
                                      datos=job.datos)
            sello = self.material.sello(cadena)
            try:
                body = self.html(job, cadena, sello)
            except RenderFailed as err:
                prepared.append(err)
                continue
            datos_json = cadena_mod.canonical_json(job.datos).encode("utf-8")
            parts.append(PdfPart(body, f"{kind.titulo} {job.folio}",
                                 (PdfAttachment("datos.json", datos_json, "Datos de la constancia (JSON canónico)"),)))
            prepared.append((job, kind, cadena, sello))
        rendered = iter(render_pdfs(parts, stylesheets=(self.css,), assets=Path(self.folder), head=HEAD))
        results = []
        for item in prepared:
            if isinstance(item, RenderFailed):
                results.append(item)
                continue
            job, kind, cadena, sello = item
            unsigned = next(rendered)
            if isinstance(unsigned, Exception):
                results.append(RenderFailed(f"{type(unsigned).__name__}: {unsigned}"))
                continue
            pdf = self.sealer.sign(unsigned)
            results.append(Produced(folio=job.folio, codigo=job.codigo, pdf=pdf,
                                    sha256=hashlib.sha256(pdf).hexdigest(), cadena=cadena, sello=sello,
                                    serie=self.material.serial, plantilla=kind.plantilla))
        return results


def warm_up(producer: Producer) -> None:
    """One throw-away render and signature: imports, parsed CSS, fonts and signer ready before a batch forks."""
    from datetime import date, datetime
    job = Job(tipo="situacion_creditos", folio="CSC-2000-000000", codigo="0" * 32, emitida=datetime(2000, 1, 1),
              fecha_corte=date(2000, 1, 1), unidad_clave="0000", unidad_nombre="Prueba", rfc="XAXX010101000",
              nrp="A0000000000", datos={"patron": {"nrp": "A0000000000", "rfc": "XAXX010101000", "razon_social": "-"},
                                        "creditos": [], "total": "0.00", "total_fmt": "0.00",
                                        "importe_total_fmt": "0.00", "total_letra": "CERO PESOS 00/100 M.N."})
    producer.produce(job)
