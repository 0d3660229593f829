"""Messages composed once when queued (MIME in the outbox row); confirmations by the worker."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from extensions import db
from mailing.attachments import Attachment
from mailing.compose import Written, compose_mime, outgoing
from mailing.links import LINK_PLACEHOLDER, MASK
from mailing.outbox import add_deferred, add_message
from mailing.worker import worker_for
from models import Invitation, OutboxMessage, Response
from services.messages import queue_confirmation
from services.questionnaires import survey_for_round
from services.review import add_version

from support.smtp import queue_invitations, smtp_settings


@pytest.fixture
def app_config(app_config, smtp_server):
    app_config.update(smtp_settings(smtp_server))
    return app_config


def _drain(app):
    with app.app_context():
        return worker_for(app, rate_per_second=0).drain()


def _row(app, **where) -> OutboxMessage:
    with app.app_context():
        row = db.session.scalars(select(OutboxMessage).filter_by(**where)
                                 .order_by(OutboxMessage.id)).first()
        db.session.expunge(row)
        return row


def test_an_invitation_is_stored_composed_and_only_the_link_and_date_go_in_when_sent(
        app, world, smtp_server):
    tokens = queue_invitations(app, world, 1)
    [(address, token)] = tokens.items()
    row = _row(app, kind="invitation")
    stored = message_from_bytes(row.mime, policy=policy.default)
    assert stored["Date"] is None  # the moment of sending, not of queueing
    assert token.encode() not in row.mime  # the token is never in clear at rest
    assert LINK_PLACEHOLDER in stored.get_body(("plain",)).get_content()
    assert stored.get_body(("plain",))["Content-Transfer-Encoding"] == "8bit"

    assert _drain(app).sent == 1
    [mail] = smtp_server.received
    assert mail.rcpt_tos == (address,)
    assert mail.message["Date"] is not None
    assert f"http://esmon.test/r/{token}" in mail.text
    assert f'href="http://esmon.test/r/{token}"' in mail.html
    assert LINK_PLACEHOLDER not in mail.text
    assert mail.message_id == stored["Message-ID"]
    assert "Gmina testowa nr 1" in mail.text
    assert "prośba o wypełnienie ankiety" in mail.subject


def test_a_message_without_stored_mime_is_composed_when_sent(app, world, smtp_server):
    """Rows queued before the outbox kept MIME, and bodies with a line too long for 8bit."""
    tokens = queue_invitations(app, world, 2)
    with app.app_context():
        first = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        first.mime = None
        invitation = db.session.scalars(select(Invitation)).first()
        long_line = "x" * 1200
        message = add_message(kind="other", recipients=["dlugi@example.pl"], subject="Długi",
                              body_text=f"{long_line}\nhttp://esmon.test/r/{LINK_PLACEHOLDER}",
                              invitation_id=invitation.id, token="token-dlugiego")
        assert message.mime is None
        db.session.commit()
    assert _drain(app).sent == 3
    texts = {mail.rcpt_tos[0]: mail.text for mail in smtp_server.received}
    for address, token in tokens.items():
        assert f"http://esmon.test/r/{token}" in texts[address]
    assert long_line in texts["dlugi@example.pl"]
    assert "http://esmon.test/r/token-dlugiego" in texts["dlugi@example.pl"]


def _submitted(app, world, answers) -> int:
    round_id = world.round("jst-annual")
    unit_id = world.unit("gmina", "160402", name="Gmina Kluczbork",
                         emails="es@kluczbork.example.pl")
    world.invite(round_id, unit_id)
    with app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        response = Response(invitation=invitation, answers=answers, warnings={},
                            status="submitted",
                            submitted_at=datetime(2026, 1, 21, 9, 30, tzinfo=UTC))
        db.session.add(response)
        db.session.flush()
        add_version(response)
        queue_confirmation(response, survey_for_round(invitation.round).survey)
        db.session.commit()
        return response.id


def test_the_worker_writes_the_confirmation_from_the_version_submitted(app, world, smtp_server):
    response_id = _submitted(app, world, {"uwagi": "Wersja wysłana"})
    row = _row(app, kind="confirmation")
    assert (row.mime, row.body_text, row.composer) == (None, "", "confirmation")
    assert row.subject.startswith("Potwierdzenie:")  # the subject is there from the start
    with app.app_context():  # returned and changed before the worker ran
        response = db.session.get(Response, response_id)
        response.answers = {"uwagi": "Zmienione później"}
        response.status = "returned"
        db.session.commit()
    assert _drain(app).sent == 1
    [mail] = smtp_server.received
    assert mail.rcpt_tos == ("es@kluczbork.example.pl",)
    assert mail.subject.startswith("Potwierdzenie:")
    assert "Kopia odpowiedzi" in mail.text
    assert "Wersja wysłana" in mail.text
    assert "Zmienione później" not in mail.text
    assert "Gmina Kluczbork" in mail.html
    row = _row(app, kind="confirmation")
    assert row.status == "sent"
    assert "Wersja wysłana" in row.body_text  # the readable copy on the Poczta page


def test_a_confirmation_is_written_in_the_language_it_was_queued_in(app, world, smtp_server):
    _submitted(app, world, {"uwagi": "Bez uwag"})
    with app.app_context():
        row = db.session.scalars(select(OutboxMessage)).one()
        row.compose_args = {**row.compose_args, "lang": "en"}
        db.session.commit()
    assert _drain(app).sent == 1
    [mail] = smtp_server.received
    assert not mail.subject.startswith("Potwierdzenie:")
    assert "Kopia odpowiedzi" not in mail.text


def test_a_confirmation_that_cannot_be_written_fails_with_why_and_the_batch_goes_on(
        app, world, smtp_server):
    tokens = queue_invitations(app, world, 2)
    with app.app_context():
        add_deferred(kind="confirmation", recipients=["ktos@example.pl"], subject="Potwierdzenie",
                     composer="confirmation", args={"response_id": 987654, "lang": "pl"})
        db.session.commit()
    result = _drain(app)
    assert (result.sent, result.failed) == (2, 1)
    assert {mail.rcpt_tos[0] for mail in smtp_server.received} == set(tokens)
    failed = _row(app, kind="confirmation")
    assert failed.status == "failed"
    assert "nie istnieje" in failed.last_error


def test_a_stored_message_can_carry_attachments(app):
    pdf = b"%PDF-1.7 kopia odpowiedzi"
    with app.app_context():
        mime = compose_mime(app, msg_id="<1.esmon@rops.example.pl>", recipients=["a@example.pl"],
                            written=Written("Potwierdzenie", f"Link: /r/{LINK_PLACEHOLDER}",
                                            "<p>Treść</p>",
                                            (Attachment("odpowiedzi.pdf", "application/pdf",
                                                        content=pdf),)))
        sent = outgoing(mime, sender="esmon@rops.example.pl", recipients=["a@example.pl"],
                        msg_id="<1.esmon@rops.example.pl>", token="tajny", live=True)
        copy = outgoing(mime, sender="esmon@rops.example.pl", recipients=["a@example.pl"],
                        msg_id="<1.esmon@rops.example.pl>", token="tajny", live=False)
    parsed = message_from_bytes(sent.data, policy=policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    assert parsed.get_body(("plain",)).get_content().strip() == "Link: /r/tajny"
    [attachment] = parsed.iter_attachments()
    assert attachment.get_filename() == "odpowiedzi.pdf"
    assert attachment.get_content() == pdf
    masked = message_from_bytes(copy.data, policy=policy.default)
    assert masked.get_body(("plain",)).get_content().strip() == f"Link: /r/{MASK}"
