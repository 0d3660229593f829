"""Several workers side by side on PostgreSQL: ``FOR UPDATE SKIP LOCKED`` shares the outbox."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from extensions import db
from mailing.outbox import add_message
from mailing.worker import BatchResult, worker_for
from models import OutboxMessage

from support.smtp import smtp_settings

MESSAGES = 500


@pytest.fixture
def app_config(app_config, smtp_server):
    app_config.update(smtp_settings(smtp_server))
    return app_config


@pytest.mark.postgres_only
def test_two_workers_drain_500_messages_without_duplicates(app, smtp_server):
    with app.app_context():
        for n in range(MESSAGES):
            add_message(kind="other", recipients=[f"odbiorca{n}@example.pl"],
                        subject=f"Wiadomość {n}", body_text=f"Treść wiadomości {n}.")
        db.session.commit()

    start = threading.Barrier(2)
    results: dict[str, BatchResult] = {}
    failures: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                worker = worker_for(app, batch_size=10)
                start.wait()
                results[worker.worker_id] = worker.drain()
        except BaseException as err:  # noqa: BLE001 - reported by the test below
            failures.append(err)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures
    assert sum(r.sent for r in results.values()) == MESSAGES

    delivered = Counter(address for mail in smtp_server.received for address in mail.rcpt_tos)
    assert len(delivered) == MESSAGES
    assert set(delivered.values()) == {1}
    with app.app_context():
        by_worker = dict(db.session.execute(
            select(OutboxMessage.claimed_by, func.count())
            .where(OutboxMessage.status == "sent").group_by(OutboxMessage.claimed_by)).all())
    assert set(by_worker) == set(results)  # both really worked, side by side
    assert all(count > 0 for count in by_worker.values())
    assert sum(by_worker.values()) == MESSAGES
