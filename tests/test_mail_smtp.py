"""The outbox worker against a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import re
import smtplib
import time
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from test_printouts import fill_and_submit, open_as_respondent, pdf_text

from extensions import db
from mailing.outbox import Claimed, SentMarks, claim_batch
from mailing.transport import _angled, transport_for
from mailing.worker import MailWorker, RateLimiter, WorkerSettings, worker_for
from models import OutboxAttachment, OutboxMessage
from models.types import utcnow
from services.questionnaires import registry

from support.smtp import queue_invitations, smtp_settings
from support.valid_answers import VALID

LINK = re.compile(r"http://esmon\.test/r/[A-Za-z0-9_-]+")


@pytest.fixture
def app_config(app_config, smtp_server):
    """The app sends through the loopback server, without a rate limit."""
    app_config.update(smtp_settings(smtp_server))
    return app_config


def _drain(app, clock=utcnow, **overrides):
    with app.app_context():
        worker = MailWorker(transport_for(app),
                            WorkerSettings.from_config(app.config, **overrides), clock=clock)
        return worker.drain()


def _messages(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
        return rows


def test_invitations_arrive_and_the_emailed_link_opens_the_questionnaire(
        app, world, client, smtp_server):
    tokens = queue_invitations(app, world, 4)
    assert smtp_server.received == []  # queued, not sent: MAIL_SERVER is set, no inline send
    result = _drain(app)
    assert (result.sent, result.failed, result.retried) == (4, 0, 0)
    received = {r.rcpt_tos: r for r in smtp_server.received}
    assert sorted(received) == sorted((address,) for address in tokens)
    for address, token in tokens.items():
        mail = received[(address,)]
        assert mail.message["To"] == address
        assert mail.mail_from == "esmon@rops.example.pl"
        assert "prośba o wypełnienie ankiety" in mail.subject
        assert "Ankieta JST" in mail.subject
        number = address.removeprefix("gmina").split("@")[0]
        assert f"Gmina testowa nr {number}" in mail.text
        assert LINK.findall(mail.text) == [f"http://esmon.test/r/{token}"]
        assert f'href="http://esmon.test/r/{token}"' in mail.html
    # follow the link exactly as it arrived
    mail = received[("gmina3@example.pl",)]
    page = client.get(urlsplit(LINK.search(mail.text).group()).path)
    assert page.status_code == 303
    assert page.headers["Location"].endswith("/ankieta")
    assert "Gmina testowa nr 3" in client.get("/ankieta").text
    assert {m.status for m in _messages(app)} == {"sent"}
    assert all(m.sent_at is not None for m in _messages(app))


def test_one_smtp_connection_per_batch(app, world, smtp_server):
    queue_invitations(app, world, 5)
    _drain(app, batch_size=2)
    connections = Counter(r.peer for r in smtp_server.received)
    assert sorted(connections.values()) == [1, 2, 2]


def test_server_down_mid_batch_keeps_messages_queued_with_the_error_then_sends_them(
        app, world, smtp_server):
    queue_invitations(app, world, 5)
    accepted = 0

    async def shut_down_after_two(envelope):
        nonlocal accepted
        accepted += 1
        return "421 4.3.2 Serwer wyłącza się" if accepted > 2 else None

    smtp_server.handler.before_data = shut_down_after_two
    first = _drain(app)
    assert first.sent == 2
    assert "421" in first.connection_error
    smtp_server.stop()
    messages = _messages(app)
    assert [m.status for m in messages] == ["sent", "sent", "queued", "queued", "queued"]
    for message in messages[2:]:
        assert message.attempts == 1
        assert "421 4.3.2 Serwer wyłącza się" in message.last_error
        assert message.next_attempt_at > utcnow()  # backoff: not retried at once
        assert message.claimed_by is None

    later = utcnow() + timedelta(hours=2)
    second = _drain(app, clock=lambda: later)
    assert second.sent == 0
    assert "Connection" in second.connection_error
    messages = _messages(app)
    assert [m.status for m in messages[2:]] == ["queued"] * 3
    assert all("Connection" in m.last_error and m.attempts == 2 for m in messages[2:])

    smtp_server.handler.before_data = None
    smtp_server.start()
    much_later = utcnow() + timedelta(days=1)
    third = _drain(app, clock=lambda: much_later)
    assert third.sent == 3
    assert {m.status for m in _messages(app)} == {"sent"}
    delivered = Counter(r.rcpt_tos for r in smtp_server.received)
    assert len(delivered) == 5
    assert set(delivered.values()) == {1}


def test_an_outage_never_fails_a_message(app, world, smtp_server):
    queue_invitations(app, world, 2)
    smtp_server.stop()
    for day in range(1, 6):
        moment = utcnow() + timedelta(days=day)
        _drain(app, clock=lambda moment=moment: moment, max_attempts=2)
    assert {(m.status, m.attempts) for m in _messages(app)} == {("queued", 5)}


def test_refused_address_fails_at_once_and_the_batch_goes_on(app, world, smtp_server):
    queue_invitations(app, world, 3)
    smtp_server.handler.refuse_rcpt["gmina1@example.pl"] = "550 5.1.1 Nie ma takiej skrzynki"
    result = _drain(app)
    assert (result.sent, result.failed) == (2, 1)
    refused = _messages(app)[0]
    assert refused.status == "failed"
    assert refused.last_error == "gmina1@example.pl: 550 5.1.1 Nie ma takiej skrzynki"
    assert len(smtp_server.received) == 2


def test_temporary_refusal_is_retried_with_backoff_until_max_attempts(
        app, world, smtp_server):
    queue_invitations(app, world, 1)
    smtp_server.handler.refuse_rcpt["gmina1@example.pl"] = "451 4.7.1 Spróbuj później"
    start = utcnow()
    first = _drain(app, clock=lambda: start, max_attempts=3)
    assert (first.retried, first.failed) == (1, 0)
    message = _messages(app)[0]
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.next_attempt_at == start + timedelta(seconds=60)
    assert "451 4.7.1" in message.last_error

    again = start + timedelta(seconds=61)
    _drain(app, clock=lambda: again, max_attempts=3)
    message = _messages(app)[0]
    assert (message.status, message.attempts) == ("queued", 2)
    assert message.next_attempt_at == again + timedelta(seconds=120)  # doubled

    last = again + timedelta(seconds=121)
    final = _drain(app, clock=lambda: last, max_attempts=3)
    assert final.failed == 1
    assert _messages(app)[0].status == "failed"
    assert smtp_server.received == []


def test_stale_claim_of_a_dead_worker_is_taken_back_but_a_fresh_one_is_not(
        app, world, smtp_server):
    queue_invitations(app, world, 3)
    claimed_at = utcnow()
    with app.app_context():
        taken = claim_batch(db.session, worker_id="zmarly-worker", size=2, now=claimed_at)
        db.session.commit()
    assert len(taken) == 2
    assert all(isinstance(c, Claimed) for c in taken)

    soon = claimed_at + timedelta(seconds=10)
    assert _drain(app, clock=lambda: soon).sent == 1  # only the unclaimed one
    assert len(smtp_server.received) == 1

    after_timeout = claimed_at + timedelta(seconds=601)
    assert _drain(app, clock=lambda: after_timeout).sent == 2
    assert Counter(r.rcpt_tos for r in smtp_server.received) == Counter(
        {("gmina1@example.pl",): 1, ("gmina2@example.pl",): 1, ("gmina3@example.pl",): 1})
    assert {m.status for m in _messages(app)} == {"sent"}


def test_rate_limit_spaces_messages(app, world, smtp_server):
    queue_invitations(app, world, 6)
    started = time.monotonic()
    _drain(app, rate_per_second=20)
    assert time.monotonic() - started >= 5 / 20
    assert len(smtp_server.received) == 6


def test_rate_limiter_waits_only_as_long_as_needed():
    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(round(seconds, 6))
        now[0] += seconds

    limiter = RateLimiter(4, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.wait()
    assert slept == [0.25, 0.25]
    now[0] += 10  # idle for a while: no catching up, no burst beyond the rate
    limiter.wait()
    limiter.wait()
    assert slept == [0.25, 0.25, 0.25]
    assert RateLimiter(0).interval == 0


def test_mail_worker_command_drains_the_queue(app, world, runner, smtp_server):
    queue_invitations(app, world, 3)
    result = runner.invoke(args=["mail-worker", "--once", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert f"SMTP 127.0.0.1:{smtp_server.port}" in result.output
    assert "Wysłano: 3, do ponowienia: 0, nieudane: 0." in result.output
    assert len(smtp_server.received) == 3


def test_mail_worker_command_exits_1_when_the_server_is_down(app, world, runner,
                                                             smtp_server):
    queue_invitations(app, world, 1)
    smtp_server.stop()
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 1
    assert "Serwer poczty niedostępny" in result.output
    assert _messages(app)[0].status == "queued"


def test_mail_test_command_sends_one_message(app, runner, smtp_server):
    result = runner.invoke(args=["mail-test", "admin@rops.example.pl"])
    assert result.exit_code == 0, result.output
    [mail] = smtp_server.received
    assert mail.rcpt_tos == ("admin@rops.example.pl",)
    assert mail.subject == "esmon: wiadomość testowa"
    assert _messages(app) == []  # a test message bypasses the outbox


def test_mail_test_command_reports_an_unreachable_server(app, runner, smtp_server):
    smtp_server.stop()
    result = runner.invoke(args=["mail-test", "admin@rops.example.pl"])
    assert result.exit_code == 1
    assert "Nie udało się wysłać" in result.output


def test_worker_for_reads_the_settings(app):
    app.config.update(MAIL_BATCH_SIZE=7, MAIL_RATE_PER_SECOND=3, MAIL_MAX_ATTEMPTS=4,
                      MAIL_CLAIM_TIMEOUT_SECONDS=30, MAIL_RETRY_BASE_SECONDS=5)
    with app.app_context():
        worker = worker_for(app, batch_size=9)
    assert worker.settings == WorkerSettings(batch_size=9, rate_per_second=3, max_attempts=4,
                                             retry_base=timedelta(seconds=5),
                                             claim_timeout=timedelta(seconds=30))
    assert worker.limiter.interval == pytest.approx(1 / 3)


def test_a_message_the_server_always_drops_is_parked_and_the_queue_moves_on(
        app, world, smtp_server):  # noqa: F811
    queue_invitations(app, world, 4)
    smtp_server.handler.drop_if = lambda envelope: "gmina2@example.pl" in envelope.rcpt_tos
    first = _drain(app, max_drops=3)
    assert first.sent == 3  # the batch went on past the dropped message
    assert smtp_server.handler.dropped == 1
    delivered = sorted(r.rcpt_tos[0] for r in smtp_server.received)
    assert delivered == ["gmina1@example.pl", "gmina3@example.pl", "gmina4@example.pl"]
    dropped = next(m for m in _messages(app) if m.recipients == ["gmina2@example.pl"])
    assert (dropped.status, dropped.drops) == ("queued", 1)
    assert "zerwał połączenie" in dropped.last_error
    for day in (1, 2):
        moment = utcnow() + timedelta(days=day)
        _drain(app, clock=lambda moment=moment: moment, max_drops=3)
    assert smtp_server.handler.dropped == 3
    dropped = next(m for m in _messages(app) if m.recipients == ["gmina2@example.pl"])
    assert (dropped.status, dropped.drops) == ("failed", 3)
    assert "odłożona jako niewysłana" in dropped.last_error
    assert [m.status for m in _messages(app)].count("sent") == 3
    # parked: later drains leave it alone, and new mail still goes out
    queue_invitations(app, world, 1)
    later = utcnow() + timedelta(days=5)
    assert _drain(app, clock=lambda: later, max_drops=3).sent == 1
    assert smtp_server.handler.dropped == 3


def test_a_server_that_dies_under_a_message_counts_no_drop(app, world, smtp_server):  # noqa: F811
    queue_invitations(app, world, 3)

    def die(envelope) -> bool:
        smtp_server.controller.server.close()  # on the server's loop: no new connections
        return True

    smtp_server.handler.drop_if = die
    result = _drain(app, max_drops=1)
    assert result.failed == 0
    assert {(m.status, m.drops) for m in _messages(app)} == {("queued", 0)}


def test_the_confirmation_email_carries_the_pdf_made_by_the_mail_worker(
        app, world, client, smtp_server):
    """Issue 12, item 4: the PDF copy of the answers goes with the confirmation."""
    open_as_respondent(world, client, "jst-annual")
    with app.app_context():
        survey = registry().by_key["jst-annual"].survey
    fill_and_submit(client, survey, VALID["jst-annual"][2])
    with app.app_context():
        confirmation = db.session.scalars(
            select(OutboxMessage).filter_by(kind="confirmation")).one()
        (attachment,) = confirmation.attachments
        # queued with its source only: the submit request made no PDF
        assert attachment.content is None
        assert attachment.source.startswith("response-copy:")
        worker = MailWorker(transport_for(app), WorkerSettings.from_config(app.config))
        result = worker.drain()
    assert (result.sent, result.failed) == (1, 0), result.errors
    (mail,) = [r for r in smtp_server.received if "Potwierdzenie" in r.subject]
    assert mail.rcpt_tos == ("kierownik@example.pl",)
    assert "Wersja odpowiedzi: nr 1" in mail.text
    (pdf,) = [part for part in mail.message.iter_attachments()
              if part.get_content_type() == "application/pdf"]
    assert re.fullmatch(r"odpowiedzi-jst-annual-2025-\d+-v1\.pdf", pdf.get_filename())
    text = pdf_text(pdf.get_content())
    assert "Wersja odpowiedzi nr 1" in text
    assert "Jan Kowalski" in text
    assert "Dane zgodne ze sprawozdaniem w CAS." in text
    with app.app_context():
        stored = db.session.scalars(select(OutboxAttachment)).one()
        assert stored.content == pdf.get_content()  # kept: a retry sends the same file


@pytest.mark.parametrize("address", [
    "gmina1@example.pl", "a.b+c@x-y.pl", "Jan Kowalski <j@x.pl>", "<j@x.pl>", '"a b"@x.pl',
    "user@[10.0.0.1]", "zażółć@example.pl", "a!#$%&*+/=?^_{|}~-@x.pl", "a@b@c"])
def test_the_envelope_quotes_addresses_as_smtplib_does(address):
    """The worker's shortcut for plain addresses (``transport._angled``) writes what
    ``smtplib.quoteaddr`` would; anything else goes through it."""
    assert _angled(address) == smtplib.quoteaddr(address)


def test_a_refusal_mid_batch_keeps_the_sent_mark_of_the_message_before(app, world, smtp_server):
    """The mark of a sent message waits for the next message's ``MAIL FROM``; that message
    being refused must not lose it (nor the ones after)."""
    queue_invitations(app, world, 3)
    smtp_server.handler.refuse_rcpt["gmina2@example.pl"] = "550 5.1.1 Nie ma takiej skrzynki"
    result = _drain(app)
    assert (result.sent, result.failed) == (2, 1)
    assert [m.status for m in _messages(app)] == ["sent", "failed", "sent"]
    assert all(m.link_token is None for m in _messages(app))


def test_a_sent_mark_left_half_done_is_committed_by_the_next_commit(app, world):
    """A send that fails between the mark's UPDATE and its commit (``SentMarks.steps``)
    must not leave the mark uncommitted: the worker's ``commit`` finishes it."""
    queue_invitations(app, world, 1)
    with app.app_context():
        claimed = claim_batch(db.session, worker_id="w", size=5, now=utcnow())
        db.session.commit()
        marks = SentMarks(db.session)
        marks.add(claimed[0], now=utcnow())
        steps = marks.steps()
        next(steps)  # the UPDATE ran; the send failed here
        marks.commit()
        marks.close()  # gives the connection back: what was not committed is rolled back
        steps.close()
    assert [(m.status, m.link_token) for m in _messages(app)] == [("sent", None)]
