"""A unit's personal link exists only in what is handed to the SMTP server.

The outbox keeps a placeholder in the bodies and the token encrypted beside them (blanked once
sent); no database row, backup zip, admin page or .eml copy outside development holds a token
anybody could open.
"""

from __future__ import annotations

import re
import zipfile
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app import create_app
from extensions import db
from mailing.links import MASK
from mailing.worker import worker_for
from models import OutboxMessage

from support import STAFF_PASSWORD
from support.smtp import queue_invitations, smtp_settings

LINK = re.compile(r"http://esmon\.test/r/([A-Za-z0-9_-]{20,})")


def _rows_as_text(app) -> str:
    """Every value of every outbox row, as one text (what a database reader can see)."""
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM outbox_messages")).all()
        return "\n".join(str(value) for row in rows for value in row)


@pytest.fixture
def smtp_app(app_config, smtp_server):
    app_config.update(smtp_settings(smtp_server), MAIL_SEND_INLINE=False)
    application = create_app(app_config, read_environment=False)
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            from support.scratch_db import truncate_all

            with db.engine.begin() as connection:
                truncate_all(connection, db.metadata)
        db.engine.dispose()


def test_no_token_in_the_outbox_before_or_after_sending(smtp_app, smtp_server):
    from support import World

    world = World(smtp_app)
    world.territories()
    tokens = queue_invitations(smtp_app, world, 3)
    stored = _rows_as_text(smtp_app)
    for token in tokens.values():
        assert token not in stored  # neither in the bodies nor in the encrypted column
    with smtp_app.app_context():
        queued = db.session.scalars(select(OutboxMessage)).all()
        assert all(m.link_token for m in queued)
        assert worker_for(smtp_app).drain().sent == 3
    for mail in smtp_server.received:  # delivered with the live link, text and HTML
        token = tokens[mail.rcpt_tos[0]]
        assert LINK.findall(mail.text) == [token]
        assert f'href="http://esmon.test/r/{token}"' in mail.html
    stored = _rows_as_text(smtp_app)
    for token in tokens.values():
        assert token not in stored
    with smtp_app.app_context():
        assert {m.link_token for m in db.session.scalars(select(OutboxMessage))} == {None}


def test_no_token_in_a_backup(app, world, runner, tmp_path):
    tokens = queue_invitations(app, world, 2)  # sent at once into the development .eml folder
    path = tmp_path / "kopia.zip"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    with zipfile.ZipFile(path) as archive:
        content = b"".join(archive.read(name) for name in archive.namelist()).decode()
    assert "outbox_messages" in content
    for token in tokens.values():
        assert token not in content


def test_eml_copies_outside_development_are_masked(app_config, tmp_path):
    from support import World

    app_config.update(ESMON_ENV="production", SECRET_KEY="s" * 40)
    production = create_app(app_config, read_environment=False)
    with production.app_context():
        db.create_all()
    try:
        world = World(production)
        world.territories()
        tokens = queue_invitations(production, world, 2)
        files = list(Path(app_config["MAIL_OUTBOX_DIR"]).glob("*.eml"))
        assert len(files) == 2
        for path in files:
            raw = path.read_bytes()
            parsed = message_from_bytes(raw, policy=policy.default)
            body = parsed.get_body(("plain",)).get_content()
            assert f"http://esmon.test/r/{MASK}" in body
            html = parsed.get_body(("html",)).get_content()
            assert f'href="http://esmon.test/r/{MASK}"' in html
            for token in tokens.values():
                assert token not in body
                assert token not in html
                assert token.encode() not in raw
    finally:
        with production.app_context():
            db.session.remove()
            if db.engine.dialect.name == "postgresql":
                from support.scratch_db import truncate_all

                with db.engine.begin() as connection:
                    truncate_all(connection, db.metadata)
            db.engine.dispose()


def test_admin_mail_page_shows_the_link_masked(smtp_app, staff_user):
    from support import World

    world = World(smtp_app)
    world.territories()
    tokens = queue_invitations(smtp_app, world, 1)
    with smtp_app.app_context():
        from models import User

        admin = User(email="admin@rops.example.pl", role="admin")
        admin.set_password(STAFF_PASSWORD)
        db.session.add(admin)
        db.session.commit()
        message_id = db.session.scalar(select(OutboxMessage.id))
    client = smtp_app.test_client()
    client.post("/logowanie", data={"email": "admin@rops.example.pl",
                                    "password": STAFF_PASSWORD})
    page = client.get(f"/admin/poczta/{message_id}")
    assert page.status_code == 200
    assert f"http://esmon.test/r/{MASK}" in page.text
    assert "PLACEHOLDER" not in page.text
    for token in tokens.values():
        assert token not in page.text


def test_a_link_the_keys_cannot_read_fails_with_a_polish_reason(smtp_app, smtp_server):
    from support import World

    world = World(smtp_app)
    world.territories()
    queue_invitations(smtp_app, world, 1)
    smtp_app.config["SECRET_KEY"] = "inny-klucz-" * 4  # rotated without a fallback
    with smtp_app.app_context():
        result = worker_for(smtp_app).drain()
        message = db.session.scalars(select(OutboxMessage)).one()
        assert (result.failed, message.status, message.link_token) == (1, "failed", None)
        assert "wyślij jednostce link ponownie" in message.last_error
    assert smtp_server.received == []


def test_a_rotated_key_kept_as_fallback_still_reads_queued_links(smtp_app, smtp_server):
    from support import World

    world = World(smtp_app)
    world.territories()
    tokens = queue_invitations(smtp_app, world, 1)
    old = smtp_app.config["SECRET_KEY"]
    smtp_app.config.update(SECRET_KEY="nowy-klucz-" * 4, SECRET_KEY_FALLBACKS=[old])
    with smtp_app.app_context():
        assert worker_for(smtp_app).drain().sent == 1
    [mail] = smtp_server.received
    assert LINK.findall(mail.text) == list(tokens.values())
