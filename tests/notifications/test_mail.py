"""E-mail notifications: an outbox written in the transaction, sent after commit to a real SMTP server
(aiosmtpd, started here), retried with back-off when the server is down, never sent twice, off by default."""
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from docs_service.core.db import db, transaction, utcnow
from docs_service.notifications import operations as ops
from docs_service.notifications.mail import _claim, deliver_due
from docs_service.notifications.models import OutboxMail
from tests.documents.helpers import act, create_document, upload


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    controller.stop()


def wants_mail(app, user_id, correo="rita@imss.gob.mx"):
    from docs_service.accounts.models import User
    with app.app_context(), transaction():
        ops.set_preference(db.session.get(User, user_id), correo=correo, por_correo=True)


def outbox(app):
    with app.app_context():
        rows = db.session.scalars(select(OutboxMail).order_by(OutboxMail.id)).all()
        db.session.close()
        return rows


def send_to_review(client, staff):
    doc = create_document(client, staff["normativo"])
    upload(client, staff["normativo"], doc)
    assert act(client, staff["normativo"], doc, 1, "enviar_revision").status_code == 200
    return doc


def revisor_id(app):
    from docs_service.accounts.models import User
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.nombre == "rita"))


def test_mail_is_sent_once_after_commit(make_app, staff, smtp, runner):
    app = make_app(SMTP_URL=smtp.url)
    client = app.test_client()
    wants_mail(app, revisor_id(app))
    send_to_review(client, staff)
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["rita@imss.gob.mx"]
    assert message["Subject"].startswith("[Normateca] Por revisar: 9312-003-012 versión 1")
    assert "http://testserver/documentos/1/versiones/1" in message.get_content()
    [row] = outbox(app)
    assert row.estado == "enviado" and row.intentos == 1 and row.enviado is not None
    # Running the sender again (cron) sends nothing more.
    assert deliver_due(app) == {"enviados": 0, "reintentos": 0, "fallidos": 0}
    result = app.test_cli_runner().invoke(args=["notificaciones", "enviar"])
    assert result.exit_code == 0 and "Enviados: 0" in result.output
    assert len(smtp.messages) == 1


def test_server_down_is_retried_with_backoff_then_sent(make_app, staff, smtp):
    down = make_app(SMTP_URL=f"smtp://127.0.0.1:{free_port()}")
    wants_mail(down, revisor_id(down))
    send_to_review(down.test_client(), staff)  # the change commits even though the mail cannot go out
    [row] = outbox(down)
    assert row.estado == "pendiente" and row.intentos == 1 and "ConnectionRefused" in row.error
    assert row.proximo_intento > utcnow() + timedelta(seconds=30)
    up = make_app(SMTP_URL=smtp.url)
    assert deliver_due(up)["enviados"] == 0  # not due yet: the back-off is respected
    with up.app_context(), transaction():
        db.session.execute(update(OutboxMail).values(proximo_intento=utcnow()))
    assert deliver_due(up)["enviados"] == 1
    assert deliver_due(up)["enviados"] == 0
    assert len(smtp.messages) == 1
    [row] = outbox(up)
    assert row.estado == "enviado" and row.intentos == 2 and row.error == ""


def test_a_claimed_row_is_not_sent_by_another_sender(make_app, staff, smtp):
    down = make_app(SMTP_URL=f"smtp://127.0.0.1:{free_port()}")
    wants_mail(down, revisor_id(down))
    send_to_review(down.test_client(), staff)
    up = make_app(SMTP_URL=smtp.url)
    with up.app_context(), transaction():
        db.session.execute(update(OutboxMail).values(proximo_intento=utcnow()))
    with up.app_context():
        session = up.extensions["docs_db"]()
        assert len(_claim(session, utcnow())) == 1  # sender A claims the row (and then dies)
        session.close()
    assert deliver_due(up)["enviados"] == 0  # sender B finds nothing to send
    assert smtp.messages == []
    assert outbox(up)[0].estado == "enviando"


def test_off_by_default_and_only_for_who_asked(app, client, staff, smtp):
    wants_mail(app, revisor_id(app))
    send_to_review(client, staff)
    assert outbox(app) == [] and smtp.messages == []


def test_preference_refuses_a_bad_address(app, staff):
    from docs_service.accounts.models import User
    from docs_service.core.errors import InvalidInput
    from docs_service.notifications.models import Preference
    uid = revisor_id(app)
    for bad, enabled in (("no es correo", True), ("a@b", True), ("", True), ("x@y.mx\nBcc: z@w.mx", True)):
        with app.app_context(), pytest.raises(InvalidInput), transaction():
            ops.set_preference(db.session.get(User, uid), correo=bad, por_correo=enabled)
    with app.app_context():
        assert db.session.get(Preference, uid) is None
