"""Sending the e-mail outbox. A row is claimed with one conditional UPDATE (pendiente → enviando) and
committed before the SMTP conversation, so two senders never send the same row; then it is marked
enviado, or returned to pendiente with a back-off, or fallido. A row left in `enviando` (the process
died mid-send) is not retried: it may have gone out, and an e-mail must never be sent twice.

DOCS_SERVICE_SMTP_URL: smtp://[user:password@]host[:port] (STARTTLS with ?starttls=1) or
smtps://…; unset = no e-mail at all."""
import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select, update

from ..core.db import utcnow
from .models import OutboxMail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
BACKOFF = timedelta(minutes=1)  # 1, 2, 4, 8, 16 minutes between attempts
BATCH = 50


def backoff(attempts: int) -> timedelta:
    return BACKOFF * (2 ** max(attempts - 1, 0))


def parse_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("DOCS_SERVICE_SMTP_URL debe ser smtp://host[:puerto] o smtps://host[:puerto]")
    query = parse_qs(parts.query)
    return {"ssl": parts.scheme == "smtps", "host": parts.hostname,
            "port": parts.port or (465 if parts.scheme == "smtps" else 25),
            "user": unquote(parts.username) if parts.username else None,
            "password": unquote(parts.password) if parts.password else None,
            "starttls": query.get("starttls", ["0"])[0] in ("1", "true", "si")}


def _connect(settings: dict, timeout: float):
    if settings["ssl"]:
        server = smtplib.SMTP_SSL(settings["host"], settings["port"], timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(settings["host"], settings["port"], timeout=timeout)
        if settings["starttls"]:
            server.starttls(context=ssl.create_default_context())
    if settings["user"]:
        server.login(settings["user"], settings["password"] or "")
    return server


def _message(row: OutboxMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, row.destinatario, row.asunto
    message["Message-ID"] = make_msgid(idstring=f"normateca-{row.id}")
    message.set_content(row.cuerpo)
    return message


def _claim(session, now) -> list[int]:
    """Claim due rows for this sender; each UPDATE succeeds for one sender only."""
    due = session.scalars(select(OutboxMail.id).where(OutboxMail.estado == "pendiente",
                                                      OutboxMail.proximo_intento <= now)
                          .order_by(OutboxMail.id).limit(BATCH)).all()
    claimed = []
    for row_id in due:
        result = session.execute(update(OutboxMail).where(OutboxMail.id == row_id, OutboxMail.estado == "pendiente")
                                 .values(estado="enviando", intentos=OutboxMail.intentos + 1))
        if result.rowcount == 1:
            claimed.append(row_id)
    session.commit()
    return claimed


def deliver_due(app) -> dict:
    """Send every due row of the outbox (own session, own transactions). Never raises."""
    counts = {"enviados": 0, "reintentos": 0, "fallidos": 0}
    url = app.config.get("DOCS_SMTP_URL")
    if not url:
        return counts
    with app.app_context():
        session = app.extensions["docs_db"]()
        try:
            claimed = _claim(session, utcnow())
            if claimed:
                _send(app, session, claimed, counts)
        except Exception:
            log.exception("could not deliver the e-mail outbox")
            session.rollback()
        finally:
            session.close()
    return counts


def _send(app, session, claimed: list[int], counts: dict) -> None:
    settings = parse_url(app.config["DOCS_SMTP_URL"])
    sender = app.config["DOCS_SMTP_FROM"]
    server, down = None, None  # `down`: the connection error, so one batch does not retry it per row
    for row_id in claimed:
        row = session.get(OutboxMail, row_id)
        try:
            if down is not None:
                raise down
            if server is None:
                try:
                    server = _connect(settings, app.config["DOCS_SMTP_TIMEOUT"])
                except (smtplib.SMTPException, OSError) as err:
                    down = err
                    raise
            server.send_message(_message(row, sender))
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as err:
            row.estado, row.error = "fallido", str(err)[:500]  # refused for good: retrying would not help
            counts["fallidos"] += 1
        except (smtplib.SMTPException, OSError) as err:
            permanent = isinstance(err, smtplib.SMTPResponseException) and 500 <= err.smtp_code < 600
            if permanent or row.intentos >= MAX_ATTEMPTS:
                row.estado = "fallido"
                counts["fallidos"] += 1
            else:
                row.estado, row.proximo_intento = "pendiente", utcnow() + backoff(row.intentos)
                counts["reintentos"] += 1
            row.error = f"{type(err).__name__}: {err}"[:500]
            if not permanent and server is not None:
                _quit(server)
                server = None
        else:
            row.estado, row.enviado, row.error = "enviado", utcnow(), ""
            counts["enviados"] += 1
        session.commit()
    if server is not None:
        _quit(server)


def _quit(server) -> None:
    try:
        server.quit()
    except (smtplib.SMTPException, OSError):
        server.close()
