"""RFC 3161 timestamps (PAdES B-T) when a timestamp server is configured (`DOCS_SERVICE_TSA_URL`).

The timestamp server here is a real HTTP endpoint on 127.0.0.1 that answers `application/timestamp-query`
with pyHanko's own test TSA (RSA key, a certificate with the critical timeStamping purpose). A server
that is down or answers garbage issues nothing (503) and consumes no folio."""
import datetime as dt
import hashlib
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from sqlalchemy import func, select

from docs_service.certification.models import Constancia, FolioCounter
from docs_service.certification.signing import validate_pdf
from docs_service.core.db import db

from .helpers import copia, emit, published_document


def _tsa_material():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Servidor de sellos de tiempo de prueba")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(key, hashes.SHA256()))
    key_der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return (asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
            asn1_keys.PrivateKeyInfo.load(key_der))


class _Tsa:
    """A timestamp server on a free local port; `answer` can be replaced to misbehave."""

    def __init__(self):
        cert, key = _tsa_material()
        self.stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)
        self.requests: list[tsp.TimeStampReq] = []
        self.answer = self._stamp
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, content_type, payload = tsa.answer(self.headers.get("Content-Type", ""), body)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsa"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _stamp(self, content_type, body):
        assert content_type == "application/timestamp-query"
        request = tsp.TimeStampReq.load(body)
        self.requests.append(request)
        return 200, "application/timestamp-reply", self.stamper.request_tsa_response(request).dump()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def tsa():
    server = _Tsa()
    yield server
    server.close()


def _nothing_issued(app):
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Constancia)) == 0
        assert db.session.scalar(select(func.coalesce(func.sum(FolioCounter.ultimo), 0))) == 0


def test_configured_tsa_timestamps_every_signature(make_app, tmp_path, staff, tsa):
    app = make_app(INSTANCE=str(tmp_path / "con-tsa"), TSA_URL=tsa.url)
    client = app.test_client()
    published_document(client, staff)
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    issued = emit(client, staff["oscar"], copia())
    assert issued.status_code == 201, issued.get_json()
    pdf = client.get(f"/api/v1/constancias/{issued.get_json()['folio']}/pdf", headers={"Authorization": f"Bearer {staff['oscar']}"}).data
    assert len(tsa.requests) == 1

    signature = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[-1]
    tokens = [attr["values"][0] for attr in signature.signer_info["unsigned_attrs"]
              if attr["type"].native == "signature_time_stamp_token"]
    assert len(tokens) == 1, "la firma no lleva sello de tiempo"
    info = tokens[0]["content"]["encap_content_info"]["content"].parsed
    assert before - dt.timedelta(seconds=5) <= info["gen_time"].native <= dt.datetime.now(dt.timezone.utc)
    # The token stamps this signature: its imprint is the SHA-256 of the signature value (RFC 3161, PAdES B-T).
    imprint = info["message_imprint"]
    assert imprint["hash_algorithm"]["algorithm"].native == "sha256"
    assert imprint["hashed_message"].native == hashlib.sha256(signature.signer_info["signature"].native).digest()

    root = client.get("/firma/raiz.pem").data
    check = validate_pdf(pdf, root, client.get("/firma/crl.der").data)
    assert check.ok, check
    verdict = client.post("/api/v1/verificacion", data={"archivo": (io.BytesIO(pdf), "constancia.pdf")},
                          content_type="multipart/form-data")
    assert verdict.status_code == 200 and verdict.get_json()["resultado"] == "autentico"


@pytest.mark.parametrize("fault", ["caido", "basura"])
def test_tsa_down_or_garbage_issues_nothing(make_app, tmp_path, staff, tsa, fault):
    if fault == "caido":
        url = tsa.url
        tsa.close()
    else:
        url = tsa.url
        tsa.answer = lambda content_type, body: (200, "application/timestamp-reply", b"\x30\x03\x02\x01\x00")
    app = make_app(INSTANCE=str(tmp_path / f"tsa-{fault}"), TSA_URL=url)
    client = app.test_client()
    published_document(client, staff)
    response = emit(client, staff["oscar"], copia())
    assert response.status_code == 503
    body = response.get_json()
    assert body["error"] == "servicio_firma_no_disponible" and "sellos de tiempo" in body["message"]
    _nothing_issued(app)
