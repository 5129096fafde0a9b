"""Producing one constancia's signed PDF from its data: no database, no request, so the same code
runs in the web process and in the batch worker processes.

Prepared once per process (`Producer`): the kinds and their compiled templates, the seal key and the
prepared CMS pieces, and (render.compose.Composer) each kind's model and each unit's frame, laid
out by WeasyPrint once. Per document: the cadena original and its sello (one ECDSA operation), the
HTML of its body (Jinja), its variable part typeset into the frame with the QR drawn from segno's
matrix, and the PAdES signature (one digest and one ECDSA operation). A batch and a single emission
take the same path, so they give the same pages."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from ..core import fechas
from . import cadena as cadena_mod
from .render.compose import Composer
from .kinds import environment, load_kinds, stylesheet
from .signing import PdfSealer, SealMaterial, SigningConfig, load_material

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
    fundamento: str = ""  # the legal basis printed in this PDF (stored with the constancia)
    titulo: str = ""  # the kind's title printed in this PDF (stored with the constancia)


def mask_rfc(rfc: str | None) -> str | None:
    """`ABC******XY1`: the first three and last three characters."""
    if not rfc:
        return None
    rfc = rfc.strip().upper()
    return rfc[:3] + "*" * max(len(rfc) - 6, 0) + rfc[-3:]


# The template's <img class="qr"> only gives the QR its box (WeasyPrint measures it once); the code
# itself is drawn per document as vector modules from segno's matrix.
QR_BOX = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhf"
          "DwAChwGA60e6kgAAAABJRU5ErkJggg==")
QR_MASK = 2  # fixed (ISO/IEC 18004 lets the encoder choose); skips scoring all eight masks per document


def qr_modules(url: str) -> list:
    import segno
    return segno.make(url, error="m", micro=False, mask=QR_MASK).matrix


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
        self.composer = Composer(self.css, certificaciones_dir, HEAD)

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
                  "qr": QR_BOX,
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
        """Signed constancias for `jobs`, in order; a job whose template fails gets its RenderFailed
        in its place and the others are still produced."""
        self.material.check_valid()
        return [self._produce_one(job) for job in jobs]

    def _produce_one(self, job: Job) -> Produced | RenderFailed:
        kind = self.kinds[job.tipo]
        cadena = cadena_mod.build(tipo=job.tipo, folio=job.folio, emitida=job.emitida,
                                  fecha_corte=job.fecha_corte, unidad=job.unidad_clave, rfc=job.rfc,
                                  nrp=job.nrp, plantilla=kind.plantilla, serie_certificado=self.material.serial,
                                  datos=job.datos)
        sello = self.material.sello(cadena)
        try:
            body = self.html(job, cadena, sello)
            datos_json = cadena_mod.canonical_json(job.datos).encode("utf-8")
            unsigned = self.composer.compose(
                body, plantilla=kind.plantilla, folio=job.folio, title=f"{kind.titulo} {job.folio}",
                created=job.emitida, qr_modules=qr_modules(self.verification_url(job.codigo)),
                attachment=("datos.json", datos_json, "Datos de la constancia (JSON canónico)"))
        except RenderFailed as err:
            return err
        except Exception as err:  # an element the renderer does not take, a layout error: nothing issued
            return RenderFailed(f"{type(err).__name__}: {err}")
        pdf = self.sealer.sign(unsigned)
        return Produced(folio=job.folio, codigo=job.codigo, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(),
                        cadena=cadena, sello=sello, serie=self.material.serial, plantilla=kind.plantilla,
                        fundamento=kind.fundamento, titulo=kind.titulo)


def warm_up(producer: Producer, unidad_clave: str = "0000", unidad_nombre: str = "Prueba") -> None:
    """One throw-away constancia of the unit: imports, parsed CSS, font subsets, the kind's model,
    the unit's frame and the signer ready before a batch forks."""
    from datetime import date, datetime
    job = Job(tipo="situacion_creditos", folio="CSC-2000-000000", codigo="0" * 32, emitida=datetime(2000, 1, 1),
              fecha_corte=date(2000, 1, 1), unidad_clave=unidad_clave, unidad_nombre=unidad_nombre, rfc="XAXX010101000",
              nrp="A0000000000", datos={"patron": {"nrp": "A0000000000", "rfc": "XAXX010101000", "razon_social": "-"},
                                        "creditos": [], "total": "0.00", "total_fmt": "0.00",
                                        "importe_total_fmt": "0.00", "total_letra": "CERO PESOS 00/100 M.N."})
    producer.produce(job)
