"""The embedded default: no MAIL_SERVER, so mail becomes .eml files, sent right after a commit."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select

from extensions import db
from mailing.inline import sends_inline
from mailing.outbox import Claimed
from mailing.transport import FolderTransport, build_message
from models import Invitation, OutboxMessage, Round, Unit
from services.messages import queue_invitation
from services.rounds import invite

from support.smtp import queue_invitations


def _eml_files(app) -> list[Path]:
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def _statuses(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage.status).order_by(OutboxMessage.id)))


def test_folder_sender_writes_readable_eml_files(app, world):
    tokens = queue_invitations(app, world, 2)
    files = _eml_files(app)
    assert len(files) == 2
    assert _statuses(app) == ["sent", "sent"]
    by_recipient = {}
    for path in files:
        parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
        by_recipient[str(parsed["To"])] = parsed
        assert parsed.get_content_type() == "multipart/alternative"
        assert parsed["From"] == "esmon@rops.example.pl"
        assert parsed["Auto-Submitted"] == "auto-generated"
        assert path.name == parsed["Message-ID"].strip("<>").split("@")[0] + ".eml"
    for address, token in tokens.items():
        parsed = by_recipient[address]
        assert "prośba o wypełnienie ankiety" in str(parsed["Subject"])
        text = parsed.get_body(("plain",)).get_content()
        assert f"http://esmon.test/r/{token}" in text
        assert "Szanowni Państwo" in text
        assert "<html lang=\"pl\">" in parsed.get_body(("html",)).get_content()
    assert not list(Path(app.config["MAIL_OUTBOX_DIR"]).glob(".*"))  # no partial files left


def test_message_sent_again_replaces_its_file(app, tmp_path):
    claimed = Claimed(id=42, recipients=["a@example.pl"], subject="Temat", body_text="Treść",
                      body_html=None, attempts=0, created_at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    transport = FolderTransport(tmp_path / "eml")
    with app.app_context():
        for _ in range(2):
            with transport.connect() as send:
                send(build_message(claimed))
    [path] = (tmp_path / "eml").iterdir()
    assert path.name == "20260301120000.0000042.esmon.eml"
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed.get_content_type() == "text/plain"
    assert parsed.get_content().strip() == "Treść"


def test_rolled_back_message_is_never_sent(app, world):
    unit_id = world.unit()
    round_id = world.round("jst-annual")
    with app.app_context():
        invitation, token = invite(db.session.get(Round, round_id),
                                   db.session.get(Unit, unit_id))
        queue_invitation(invitation, token)
        db.session.rollback()
        db.session.commit()  # a later, empty commit must not send what was rolled back
    assert _eml_files(app) == []
    assert _statuses(app) == []


def test_mail_queued_in_a_request_goes_out_after_its_commit(app, world):
    unit_id = world.unit(emails="kis@byczyna.example.pl")
    round_id = world.round("jst-annual")

    @app.post("/_test/zapros")
    def invite_in_a_request():
        invitation, token = invite(db.session.get(Round, round_id),
                                   db.session.get(Unit, unit_id))
        queue_invitation(invitation, token)
        assert _eml_files(app) == []  # nothing leaves before the commit
        db.session.commit()
        return "ok"

    assert app.test_client().post("/_test/zapros").status_code == 200
    [path] = _eml_files(app)
    assert "kis@byczyna.example.pl" in path.read_text()
    assert _statuses(app) == ["sent"]


def test_failed_request_sends_nothing(app, world):
    unit_id = world.unit()
    round_id = world.round("jst-annual")

    @app.post("/_test/blad")
    def fail_after_queueing():
        invitation, token = invite(db.session.get(Round, round_id),
                                   db.session.get(Unit, unit_id))
        queue_invitation(invitation, token)
        raise RuntimeError("błąd po dodaniu wiadomości")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().post("/_test/blad").status_code == 500
    assert _eml_files(app) == []
    with app.app_context():
        assert db.session.scalars(select(Invitation)).all() == []


@pytest.mark.parametrize(("server", "setting", "expected"), [
    ("", None, True), ("smtp.example.pl", None, False),
    ("smtp.example.pl", True, True), ("", False, False),
])
def test_inline_sending_defaults_to_on_only_without_an_smtp_server(app, server, setting,
                                                                   expected):
    app.config.update(MAIL_SERVER=server, MAIL_SEND_INLINE=setting)
    assert sends_inline(app) is expected


def test_with_inline_sending_off_the_worker_command_writes_the_files(app, world, runner):
    app.config["MAIL_SEND_INLINE"] = False
    queue_invitations(app, world, 3)
    assert _eml_files(app) == []
    assert _statuses(app) == ["queued"] * 3
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "pliki .eml w" in result.output
    assert "Wysłano: 3, do ponowienia: 0, nieudane: 0." in result.output
    assert len(_eml_files(app)) == 3
    assert _statuses(app) == ["sent"] * 3


def test_outbox_folder_defaults_to_instance_outbox(app):
    from mailing.transport import outbox_folder

    app.config["MAIL_OUTBOX_DIR"] = None
    assert outbox_folder(app) == Path(app.instance_path) / "outbox"
