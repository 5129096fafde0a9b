"""The institutional seal: key and certificates, the sello digital over the cadena original, the PAdES
signature of every PDF, and the revocation list (CRL) published with the root certificate.

Embedded default: `docs-service init` generates a private CA and a seal certificate (ECDSA P-256)
under `<instance>/firma/` (never committed). Production sets `DOCS_SERVICE_SIGNING_P12` (a PKCS#12
file with the seal key, its certificate and the chain) and its password in the environment variable
named by `DOCS_SERVICE_SIGNING_P12_PASSWORD_ENV`. A missing key or an expired certificate refuses
every emission with 503 `servicio_firma_no_disponible`: no unsigned constancia is ever produced.

PAdES: pyHanko writes the signature field and the incremental update. The CMS container (PAdES
baseline B: content-type, message-digest, signing-certificate-v2 signed attributes; ECDSA or RSA)
is assembled from DER pieces prepared once per signer, so a signature costs one digest and one
private-key operation instead of rebuilding every ASN.1 structure twice (pyHanko's default sizes the
container with a dry-run signature first). With a timestamp server configured
(`DOCS_SERVICE_TSA_URL`), the standard pyHanko pipeline adds the RFC 3161 token (PAdES B-T)."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms as asn1_cms
from asn1crypto import core as asn1_core
from asn1crypto import tsp as asn1_tsp  # noqa: F401  (registers the timestamp attribute types)
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ..core.errors import DomainError

FOLDER = "firma"
CA_KEY, CA_CERT, SEAL_KEY, SEAL_CERT, CRL = "ca_key.pem", "ca.pem", "sello_key.pem", "sello.pem", "crl.der"
SIGNATURE_BYTES = 16384  # room reserved in /Contents (certificates + signature; no timestamp)
SIGNATURE_BYTES_TSA = 32768


class SigningUnavailable(DomainError):
    status, code = 503, "servicio_firma_no_disponible"
    message = "El servicio de firma no está disponible; no se emitió la constancia. Intente más tarde."


@dataclass
class SealMaterial:
    """What a process needs to seal and sign: loaded once, reused for every document."""
    key: object                 # cryptography private key
    cert: x509.Certificate      # seal certificate
    chain: list                 # issuer certificates (root last)

    @property
    def serial(self) -> str:
        return format(self.cert.serial_number, "X")

    def check_valid(self, now: dt.datetime | None = None) -> None:
        now = now or dt.datetime.now(dt.timezone.utc)
        if not (self.cert.not_valid_before_utc <= now < self.cert.not_valid_after_utc):
            raise SigningUnavailable("El certificado del sello no está vigente; no se emitió la constancia.",
                                     motivo="certificado_vencido")

    def sello(self, cadena: str) -> str:
        """The sello digital: base64 of the institutional key's signature over the cadena (UTF-8, SHA-256)."""
        data = cadena.encode("utf-8")
        if isinstance(self.key, ec.EllipticCurvePrivateKey):
            raw = self.key.sign(data, ec.ECDSA(hashes.SHA256()))
        else:
            raw = self.key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(raw).decode("ascii")


def verify_sello(cert: x509.Certificate, cadena: str, sello: str) -> bool:
    try:
        raw = base64.b64decode(sello, validate=True)
        public = cert.public_key()
        if isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(raw, cadena.encode("utf-8"), ec.ECDSA(hashes.SHA256()))
        else:
            public.verify(raw, cadena.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        return True
    except Exception:  # any malformed or wrong signature is simply "does not verify"
        return False


# ---- embedded default: our own CA and seal certificate -------------------------------------------------

def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "MX"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Instituto Mexicano del Seguro Social"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Coordinación de Cobranza"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key_usage(**on) -> x509.KeyUsage:
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{n: on.get(n, False) for n in names})


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def generate_embedded(folder: Path, *, common_name: str = "Sello digital de constancias",
                      days: int = 730, now: dt.datetime | None = None) -> bool:
    """Create the CA, the seal certificate and an empty CRL when absent. Returns whether it created them."""
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / SEAL_CERT).exists() and (folder / SEAL_KEY).exists():
        return False
    now = now or dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Autoridad certificadora de la Normateca de Cobranza")
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=3650))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    seal_key = ec.generate_private_key(ec.SECP256R1())
    seal = (x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca_name)
            .public_key(seal_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(seal_key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    pem = serialization.Encoding.PEM
    _write_private(folder / CA_KEY, ca_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    (folder / CA_CERT).write_bytes(ca.public_bytes(pem))
    _write_private(folder / SEAL_KEY, seal_key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()))
    (folder / SEAL_CERT).write_bytes(seal.public_bytes(pem))
    write_crl(folder, [], now=now)
    return True


def write_crl(folder: Path, revoked_serials: list[int], now: dt.datetime | None = None) -> bytes:
    """The CA's revocation list (DER), signed with the embedded CA key."""
    now = now or dt.datetime.now(dt.timezone.utc)
    ca = x509.load_pem_x509_certificate((folder / CA_CERT).read_bytes())
    ca_key = serialization.load_pem_private_key((folder / CA_KEY).read_bytes(), password=None)
    builder = (x509.CertificateRevocationListBuilder().issuer_name(ca.subject)
               .last_update(now - dt.timedelta(minutes=5)).next_update(now + dt.timedelta(days=30)))
    for serial in revoked_serials:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(now).build())
    der = builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    (folder / CRL).write_bytes(der)
    return der


# ---- loading ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SigningConfig:
    folder: str            # embedded default
    p12: str = ""          # production PKCS#12
    p12_password: str = ""
    tsa_url: str = ""

    @classmethod
    def from_app(cls, app) -> "SigningConfig":
        env_name = app.config.get("DOCS_SIGNING_P12_PASSWORD_ENV") or "DOCS_SERVICE_SIGNING_P12_PASSWORD"
        return cls(folder=str(Path(app.config["DOCS_INSTANCE"]) / FOLDER),
                   p12=app.config.get("DOCS_SIGNING_P12") or "",
                   p12_password=os.environ.get(env_name, ""),
                   tsa_url=app.config.get("DOCS_TSA_URL") or "")


def load_material(config: SigningConfig) -> SealMaterial:
    """Load the seal key and certificates; any problem is a 503 (never an unsigned constancia)."""
    try:
        if config.p12:
            data = Path(config.p12).read_bytes()
            key, cert, extra = pkcs12.load_key_and_certificates(data, config.p12_password.encode() or None)
            if key is None or cert is None:
                raise ValueError("PKCS#12 sin llave o certificado")
            return SealMaterial(key, cert, list(extra or []))
        folder = Path(config.folder)
        key = serialization.load_pem_private_key((folder / SEAL_KEY).read_bytes(), password=None)
        cert = x509.load_pem_x509_certificate((folder / SEAL_CERT).read_bytes())
        chain = [x509.load_pem_x509_certificate((folder / CA_CERT).read_bytes())]
        return SealMaterial(key, cert, chain)
    except (OSError, ValueError, TypeError) as err:
        raise SigningUnavailable("No se encontró la llave del sello institucional; no se emitió la constancia.",
                                 motivo="llave_no_disponible") from err


def root_certificate(config: SigningConfig) -> bytes:
    """PEM of the trust anchor published at /firma/raiz.pem (the last certificate of the chain)."""
    material = load_material(config)
    anchor = material.chain[-1] if material.chain else material.cert
    return anchor.public_bytes(serialization.Encoding.PEM)


def crl_bytes(config: SigningConfig) -> bytes | None:
    path = Path(config.folder) / CRL
    return path.read_bytes() if not config.p12 and path.exists() else None


# ---- PAdES ---------------------------------------------------------------------------------------------

def _tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


class FastCms:
    """CMS SignedData for PAdES baseline B, assembled from DER prepared once per seal."""

    def __init__(self, material: SealMaterial):
        self.material = material
        cert = asn1_x509.Certificate.load(material.cert.public_bytes(serialization.Encoding.DER))
        chain = [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER)) for c in material.chain]
        self.ec = isinstance(material.key, ec.EllipticCurvePrivateKey)
        sha256 = asn1_cms.DigestAlgorithm({"algorithm": "sha256"}).dump()
        self.digest_set = _tlv(0x31, sha256)
        self.digest_alg = sha256
        self.sig_alg = asn1_cms.SignedDigestAlgorithm(
            {"algorithm": "sha256_ecdsa" if self.ec else "sha256_rsa"}).dump()
        self.sid = asn1_cms.SignerIdentifier({"issuer_and_serial_number": {
            "issuer": cert.issuer, "serial_number": cert.serial_number}}).dump()
        self.certs = b"".join(c.dump() for c in [cert, *chain])
        self.encap = asn1_cms.EncapsulatedContentInfo({"content_type": "data"}).dump()
        ess = asn1_cms.CMSAttribute({"type": "signing_certificate_v2", "values": [{
            "certs": [{"cert_hash": hashlib.sha256(cert.dump()).digest()}]}]}).dump()
        content_type = asn1_cms.CMSAttribute({"type": "content_type", "values": ["data"]}).dump()
        self.attrs_before = content_type
        self.attrs_after = ess
        # message-digest attribute: SEQ { OID 1.2.840.113549.1.9.4, SET { OCTET STRING(32) } }
        self.md_prefix = _tlv(0x30, asn1_core.ObjectIdentifier("1.2.840.113549.1.9.4").dump()
                              + _tlv(0x31, _tlv(0x04, b"\0" * 32)))[:-32]

    def signed_attrs(self, digest: bytes) -> bytes:
        """The SET OF attributes (DER sorts SET OF by encoding; these three already sort this way)."""
        items = sorted([self.attrs_before, self.md_prefix + digest, self.attrs_after])
        return b"".join(items)

    def sign(self, digest: bytes) -> bytes:
        attrs = self.signed_attrs(digest)
        to_sign = _tlv(0x31, attrs)
        key = self.material.key
        if self.ec:
            signature = key.sign(to_sign, ec.ECDSA(hashes.SHA256()))
        else:
            signature = key.sign(to_sign, padding.PKCS1v15(), hashes.SHA256())
        signer_info = _tlv(0x30, asn1_core.Integer(1).dump() + self.sid + self.digest_alg
                           + _tlv(0xA0, attrs) + self.sig_alg + _tlv(0x04, signature))
        signed_data = _tlv(0x30, asn1_core.Integer(1).dump() + self.digest_set + self.encap
                           + _tlv(0xA0, self.certs) + _tlv(0x31, signer_info))
        return _tlv(0x30, asn1_core.ObjectIdentifier("1.2.840.113549.1.7.2").dump() + _tlv(0xA0, signed_data))


def _pyhanko_signer_class():
    from pyhanko.sign import signers

    class PreparedSigner(signers.Signer):
        """pyHanko signer whose CMS comes from FastCms (no dry run: the caller reserves the bytes)."""

        def __init__(self, fast: FastCms, cert, chain):
            from pyhanko_certvalidator.registry import SimpleCertificateStore
            super().__init__(signing_cert=cert, cert_registry=SimpleCertificateStore.from_certs(chain))
            self.fast = fast

        async def async_sign(self, data_digest, digest_algorithm, dry_run=False, use_pades=False,
                             timestamper=None, signed_attr_settings=None, is_pdf_sig=True,
                             encap_content_info=None):
            return asn1_cms.ContentInfo.load(self.fast.sign(data_digest))

        async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
            """A raw signature of `data` by the seal key (SHA-256; ECDSA or RSA PKCS#1 v1.5)."""
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric import ec as ec_mod
            from cryptography.hazmat.primitives.asymmetric import padding
            key = self.fast.material.key
            if isinstance(key, ec_mod.EllipticCurvePrivateKey):
                return key.sign(data, ec_mod.ECDSA(hashes.SHA256()))
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    return PreparedSigner


class PdfSealer:
    """Signs PDFs with the seal. Build once per process (or per batch worker) and reuse."""

    def __init__(self, material: SealMaterial, tsa_url: str = "", field_name: str = "SelloInstitucional",
                 reason: str = "Constancia certificada", location: str = "Ciudad de México"):
        from pyhanko.sign import signers
        from pyhanko.sign.fields import SigSeedSubFilter
        self.material = material
        self.tsa_url = tsa_url
        self.meta = signers.PdfSignatureMetadata(
            field_name=field_name, md_algorithm="sha256", reason=reason, location=location,
            subfilter=SigSeedSubFilter.PADES)
        der = serialization.Encoding.DER
        self.cert = asn1_x509.Certificate.load(material.cert.public_bytes(der))
        self.chain = [asn1_x509.Certificate.load(c.public_bytes(der)) for c in material.chain]
        self.fast = FastCms(material)
        self._signer = _pyhanko_signer_class()(self.fast, self.cert, self.chain)

    def sign(self, pdf: bytes) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import signers
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        if self.tsa_url:
            return self._sign_with_timestamp(writer)
        out = outside_event_loop(signers.PdfSigner(self.meta, signer=self._signer).sign_pdf, writer,
                                 bytes_reserved=SIGNATURE_BYTES)
        return out.getvalue()

    def _sign_with_timestamp(self, writer) -> bytes:
        from pyhanko.sign import signers, timestamps
        key_der = self.material.key.private_bytes(serialization.Encoding.DER,
                                                  serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption())
        from asn1crypto import keys as asn1_keys
        from pyhanko_certvalidator.registry import SimpleCertificateStore
        signer = signers.SimpleSigner(signing_cert=self.cert, signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
                                      cert_registry=SimpleCertificateStore.from_certs(self.chain))
        try:
            out = outside_event_loop(signers.PdfSigner(
                self.meta, signer=signer, timestamper=timestamps.HTTPTimeStamper(self.tsa_url, timeout=10)
            ).sign_pdf, writer, bytes_reserved=SIGNATURE_BYTES_TSA)
        except Exception as err:  # the TSA is down or answered garbage: no constancia without its timestamp
            raise SigningUnavailable("El servidor de sellos de tiempo no respondió; no se emitió la constancia.",
                                     motivo="tsa_no_disponible") from err
        return out.getvalue()


def outside_event_loop(func, *args, **kwargs):
    """Call one of pyHanko's synchronous entry points, which run `asyncio.run` inside. Where this thread
    already runs an event loop (a host that embeds one, such as a sync Playwright session in the same
    process), asyncio refuses that: the call then runs in a short-lived thread of its own."""
    import asyncio
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func(*args, **kwargs)
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func, *args, **kwargs).result()


# ---- validation -----------------------------------------------------------------------------------------

@dataclass
class SignatureCheck:
    firmado: bool
    intacto: bool = False
    valido: bool = False
    confiable: bool = False
    cubre_todo: bool = False
    serie_certificado: str | None = None
    detalle: str = ""

    @property
    def ok(self) -> bool:
        return self.firmado and self.intacto and self.valido and self.confiable and self.cubre_todo


def validate_pdf(pdf: bytes, root_pem: bytes, crl_der: bytes | None = None) -> SignatureCheck:
    """Offline validation of the last signature against our published root (and CRL when we have one)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext
    from asn1crypto import crl as asn1_crl
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception as err:
        return SignatureCheck(firmado=False, detalle=f"PDF ilegible: {type(err).__name__}")
    if not sigs:
        return SignatureCheck(firmado=False, detalle="El PDF no tiene firma.")
    root = asn1_x509.Certificate.load(x509.load_pem_x509_certificate(root_pem).public_bytes(serialization.Encoding.DER))
    crls = [asn1_crl.CertificateList.load(crl_der)] if crl_der else []
    context = ValidationContext(trust_roots=[root], crls=crls, allow_fetching=False,
                                revocation_mode="hard-fail" if crls else "soft-fail")
    try:
        status = outside_event_loop(validate_pdf_signature, sigs[-1], context)
    except Exception as err:
        return SignatureCheck(firmado=True, detalle=f"Firma ilegible: {type(err).__name__}")
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    return SignatureCheck(
        firmado=True, intacto=bool(status.intact), valido=bool(status.valid), confiable=bool(status.trusted),
        cubre_todo=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        serie_certificado=format(status.signing_cert.serial_number, "X") if status.signing_cert else None,
        detalle=status.summary())
