"""Composing e-mails into the outbox: Polish wording, both parts, escaping, one transaction."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from extensions import db
from mailing.links import LINK_PLACEHOLDER, decrypt_token
from mailing.outbox import claim_batch
from mailing.status import round_mail_status
from mailing.worker import worker_for
from models import Invitation, OutboxMessage, Response, Round, Unit
from models.types import utcnow
from services.messages import queue_confirmation, queue_invitation, queue_reminder, queue_return
from services.questionnaires import survey_for_round
from services.rounds import invite


@pytest.fixture
def app_config(app_config):
    """Keep messages in the outbox: these tests look at what was queued, not at sending."""
    app_config["MAIL_SEND_INLINE"] = False
    return app_config


def _invite(world, app, *, name="Gmina Kluczbork", emails="es@kluczbork.example.pl",
            deadline=date(2026, 3, 31)):
    unit_id = world.unit("gmina", "160402", name=name, emails=emails)
    round_id = world.round("jst-annual")
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        round_.deadline = deadline
        invitation, token = invite(round_, db.session.get(Unit, unit_id))
        message = queue_invitation(invitation, token)
        db.session.commit()
        return token, message.id


def _message(app, message_id) -> OutboxMessage:
    with app.app_context():
        message = db.session.get(OutboxMessage, message_id)
        db.session.expunge(message)
        return message


def test_invitation_is_polish_with_deadline_and_personal_link(app, world):
    token, message_id = _invite(world, app)
    message = _message(app, message_id)
    assert message.kind == "invitation"
    assert message.status == "queued"
    assert message.recipients == ["es@kluczbork.example.pl"]
    assert "do 31 marca 2026" in message.subject
    assert "Ankieta JST" in message.subject
    link = f"http://esmon.test/r/{LINK_PLACEHOLDER}"  # the token goes in only when sent
    for body in (message.body_text, message.body_html):
        assert "Gmina Kluczbork" in body
        assert "31 marca 2026" in body
        assert "za rok 2025" in body
        assert link in body
        assert token not in body
    assert f'href="{link}"' in message.body_html
    assert token not in message.link_token
    with app.app_context():
        assert decrypt_token(app, message.link_token) == token
    assert 'lang="pl"' in message.body_html


def test_message_links_to_its_invitation_and_round(app, world):
    _token, message_id = _invite(world, app)
    message = _message(app, message_id)
    with app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        assert (message.invitation_id, message.round_id) == (invitation.id, invitation.round_id)


def test_html_part_escapes_a_unit_name_and_text_part_keeps_it(app, world):
    _token, message_id = _invite(world, app, name="<script>alert(1)</script> & Spółka")
    message = _message(app, message_id)
    assert "<script>" not in message.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Spółka" in message.body_html
    assert "<script>alert(1)</script> & Spółka" in message.body_text


def test_every_address_of_the_unit_receives_it(app, world):
    _token, message_id = _invite(world, app, emails="a@gmina.pl, b@gmina.pl")
    assert _message(app, message_id).recipients == ["a@gmina.pl", "b@gmina.pl"]


def test_unit_without_address_is_stored_as_failed_with_a_reason(app, world):
    _token, message_id = _invite(world, app, emails="")
    message = _message(app, message_id)
    assert message.status == "failed"
    assert "Brak adresu e-mail" in message.last_error


def test_message_belongs_to_the_callers_transaction(app, world):
    unit_id = world.unit()
    round_id = world.round("jst-annual")
    with app.app_context():
        invitation, token = invite(db.session.get(Round, round_id),
                                   db.session.get(Unit, unit_id))
        queue_invitation(invitation, token)
        assert db.session.scalar(select(OutboxMessage.status)) == "queued"
        db.session.rollback()
        assert db.session.scalars(select(OutboxMessage)).all() == []
        assert db.session.scalars(select(Invitation)).all() == []


def test_reminder_says_so_and_carries_the_link(app, world):
    unit_id = world.unit(name="Gmina Wołczyn")
    round_id = world.round("jst-annual")
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        round_.deadline = date(2026, 2, 28)
        invitation, token = invite(round_, db.session.get(Unit, unit_id))
        message = queue_reminder(invitation, token)
        db.session.commit()
        assert message.kind == "reminder"
        assert message.subject.startswith("Przypomnienie:")
        assert "termin 28 lutego 2026" in message.subject
        assert f"http://esmon.test/r/{LINK_PLACEHOLDER}" in message.body_text
        assert decrypt_token(app, message.link_token) == token
        assert "Gmina Wołczyn" in message.body_html


JST_ANSWERS = {
    "jst_teryt": "160402",
    "jst_rodzaj": "gmina_miejsko_wiejska",
    "lpres_monitoring": "yes",
    "zam_ogolem_wartosc": "1234567.50",
    "klauzule_rodzaje": ["zastrzezone_art94", "kryteria_spoleczne"],
    "data_sporzadzenia": "2026-01-20",
    "uwagi": "<b>bez uwag</b>",
}


def _submitted(app, world, key: str, answers: dict, warnings: dict | None = None) -> int:
    unit_id = world.unit("gmina", "160402", name="Gmina Kluczbork")
    token = world.invite(world.round(key), unit_id)
    assert token
    with app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        response = Response(invitation=invitation, answers=answers, warnings=warnings or {},
                            status="submitted",
                            submitted_at=datetime(2026, 1, 21, 9, 30, tzinfo=UTC))
        db.session.add(response)
        db.session.commit()
        return response.id


def _confirm(app, response_id) -> OutboxMessage:
    with app.app_context():
        response = db.session.get(Response, response_id)
        message = queue_confirmation(response, survey_for_round(response.invitation.round).survey)
        db.session.commit()
        assert message.body_text == ""
        assert message.mime is None
        worker = worker_for(app)
        claimed = claim_batch(db.session, worker_id=worker.worker_id, size=10, now=utcnow())
        worker.compose(claimed)
        db.session.refresh(message)
        assert message.mime is not None
        db.session.expunge(message)
        return message


def test_confirmation_carries_a_copy_of_the_answers(app, world):
    response_id = _submitted(app, world, "jst-annual", JST_ANSWERS,
                             warnings={"zam_ogolem_wartosc": {"messages": ["Duża zmiana"],
                                                              "comment": "Nowa inwestycja"}})
    message = _confirm(app, response_id)
    assert message.kind == "confirmation"
    assert message.subject.startswith("Potwierdzenie:")
    text = message.body_text
    assert "Kopia odpowiedzi" in text
    assert "Rodzaj JST\n    Gmina miejsko-wiejska\n" in text
    assert "Jednostka samorządu terytorialnego\n    Kluczbork (gmina miejsko-wiejska)" in text
    assert ("Czy w roku 2025 sporządzono sprawozdanie / monitoring tego dokumentu?\n    Tak"
            in text)  # {rok} filled in the label
    assert "1\xa0234\xa0567,50 zł\n    Wyjaśnienie: Nowa inwestycja" in text
    assert "Zamówienie zastrzeżone (art. 94 Pzp); Społeczne kryteria oceny ofert" in text
    assert "20.01.2026" in text
    assert "21 stycznia 2026" in text
    assert "<b>bez uwag</b>" in text
    assert "&lt;b&gt;bez uwag&lt;/b&gt;" in message.body_html
    assert "<b>bez" not in message.body_html
    assert "1\xa0234\xa0567,50 zł" in message.body_html
    # a question not answered is not listed
    assert "Nazwa dokumentu i nr uchwały" not in text


def test_confirmation_lists_table_cells(app, world):
    answers = {"uczestnicy_wg_przeslanki": {"bezdomni": {"kobiety": 2, "mezczyzni": 5}}}
    message = _confirm(app, _submitted(app, world, "cis-annual", answers))
    assert "suma: 7" in message.body_text
    assert re.search(r"\n    .*bezdomn.* — [Kk]obiety: 2\n", message.body_text)
    assert re.search(r"<li>.*bezdomn.* — [Mm]ężczyźni: 5</li>", message.body_html)


def test_return_for_correction_gives_the_comment_notes_and_a_link(app, world):
    response_id = _submitted(app, world, "jst-annual", JST_ANSWERS)
    with app.app_context():
        response = db.session.get(Response, response_id)
        response.status = "returned"
        response.review_comment = "Proszę sprawdzić wartość zamówień <pilne>."
        response.question_notes = {"zam_ogolem_wartosc": "Za wysoka w porównaniu z rokiem {rok}?"}
        message = queue_return(response.invitation, "nowy-token", response)
        db.session.commit()
        assert message.kind == "other"
        assert message.subject.startswith("Sprawozdanie do poprawy:")
        text, html = message.body_text, message.body_html
        assert decrypt_token(app, message.link_token) == "nowy-token"
    assert "Proszę sprawdzić wartość zamówień <pilne>." in text
    # the reviewer's note is quoted as written; only the question's label is filled in
    assert ("- Łączna wartość udzielonych zamówień (netto): "
            "Za wysoka w porównaniu z rokiem {rok}?") in text
    assert f"http://esmon.test/r/{LINK_PLACEHOLDER}" in text
    assert "zamówień &lt;pilne&gt;." in html
    assert f'href="http://esmon.test/r/{LINK_PLACEHOLDER}"' in html


def test_round_mail_status_counts_and_describes_the_latest_message(app, world):
    _token, message_id = _invite(world, app)
    with app.app_context():
        invitation = db.session.scalars(select(Invitation)).one()
        queue_reminder(invitation, "drugi-token")
        db.session.flush()
        reminder = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "reminder")).one()
        reminder.status, reminder.attempts = "queued", 2
        reminder.last_error = "451 4.7.1 Spróbuj później"
        first = db.session.get(OutboxMessage, message_id)
        first.status, first.sent_at = "sent", datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
        db.session.commit()
        status = round_mail_status(invitation.round)
    assert status["totals"] == {"queued": 1, "sending": 0, "sent": 1, "failed": 0}
    assert status["per_invitation"] == {
        invitation.id: "przypomnienie: w kolejce (próby: 2; 451 4.7.1 Spróbuj później)"}
