"""A ``flask mail-worker`` process killed or stopped mid-batch: every message arrives once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from extensions import db
from models import OutboxMessage

from support.smtp import Gate, queue_invitations

ROOT = Path(__file__).resolve().parent.parent
CLAIM_TIMEOUT = 2


@pytest.fixture
def app_config(app_config, database_url, tmp_path):
    """A database the worker process can open too: a SQLite file, or the PostgreSQL schema."""
    if database_url.startswith("sqlite"):
        app_config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'esmon.sqlite'}"
    app_config["MAIL_SEND_INLINE"] = False
    return app_config


def _worker(app, server, *args: str, claim_timeout: int = CLAIM_TIMEOUT) -> subprocess.Popen:
    flask = Path(sys.executable).with_name("flask")
    command = [str(flask)] if flask.exists() else [sys.executable, "-m", "flask"]
    env = {
        **os.environ,
        "ESMON_ENV": "development",
        # the worker decrypts the links the test app encrypted (mailing/links.py)
        "SECRET_KEY": app.config["SECRET_KEY"],
        "ESMON_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "ESMON_MAIL_SERVER": server.host,
        "ESMON_MAIL_PORT": str(server.port),
        "ESMON_MAIL_SUPPRESS_SEND": "false",
        "ESMON_MAIL_RATE_PER_SECOND": "0",
        "ESMON_MAIL_BATCH_SIZE": "10",
        "ESMON_MAIL_CLAIM_TIMEOUT_SECONDS": str(claim_timeout),
    }
    return subprocess.Popen([*command, "--app", "app", "mail-worker", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _by_status(app) -> dict[str, int]:
    with app.app_context():
        return dict(db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())


def test_killed_worker_loses_nothing_and_sends_nothing_twice(app, world, smtp_server):
    tokens = queue_invitations(app, world, 30)
    # message 15 is the 5th of the second batch of 10: hold it on the wire, then kill
    gate = Gate(hold_at=15)
    smtp_server.handler.before_data = gate
    first = _worker(app, smtp_server)
    try:
        assert gate.holding.wait(60), "the worker never reached message 15"
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
    finally:
        gate.opened.set()
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL
    assert len(smtp_server.received) == 14
    # 14 settled; the rest of the second batch still claimed by the dead worker
    assert _by_status(app) == {"sent": 14, "sending": 6, "queued": 10}

    time.sleep(CLAIM_TIMEOUT + 0.5)
    second = _worker(app, smtp_server, "--once")
    output, _ = second.communicate(timeout=120)
    assert second.returncode == 0, output
    assert "Wysłano: 16" in output

    assert _by_status(app) == {"sent": 30}
    delivered = Counter(address for mail in smtp_server.received for address in mail.rcpt_tos)
    assert delivered == Counter(dict.fromkeys(tokens, 1))
    assert len({mail.message_id for mail in smtp_server.received}) == 30


def test_sigterm_finishes_the_message_on_the_wire_and_gives_the_batch_back(
        app, world, smtp_server):
    tokens = queue_invitations(app, world, 30)
    gate = Gate(hold_at=5, reply=None)
    smtp_server.handler.before_data = gate
    # a claim timeout of an hour: only the worker itself can give its batch back in time
    worker = _worker(app, smtp_server, claim_timeout=3600)
    try:
        assert gate.holding.wait(60), "the worker never reached message 5"
        worker.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        gate.opened.set()
        output, _ = worker.communicate(timeout=30)
    finally:
        gate.opened.set()
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert "Zatrzymuję" in output
    assert "Wysłano: 5," in output
    assert _by_status(app) == {"sent": 5, "queued": 25}

    rest = _worker(app, smtp_server, "--once", claim_timeout=3600)
    output, _ = rest.communicate(timeout=120)
    assert rest.returncode == 0, output
    delivered = Counter(address for mail in smtp_server.received for address in mail.rcpt_tos)
    assert delivered == Counter(dict.fromkeys(tokens, 1))
