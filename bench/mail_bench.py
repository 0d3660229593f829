"""Benchmark: 6 000 invitations queued and sent through the outbox to a loopback SMTP server.

``python -m bench.mail_bench [--messages 6000] [--db URL]`` starts aiosmtpd in a process of its
own (so server work is not charged to either client), then measures:

* queue: one transaction that invites every unit and writes its e-mail to the outbox;
* worker: ``MailWorker.drain()`` with no rate limit — claim, build, send over one SMTP
  connection per batch, and commit each message as sent;
* floor: plain ``smtplib`` sending the same messages, built beforehand, over one connection,
  with no database at all — the least any sender can cost against this server.

It prints messages a second for each, the ratio worker / floor, and where the worker's time
per message goes (SMTP, building the MIME message, the outbox bookkeeping).
"""

from __future__ import annotations

import argparse
import multiprocessing
import smtplib
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENDER = "esmon@rops.example.pl"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=6000, help="liczba zaproszeń")
    parser.add_argument("--db", help="URL bazy (domyślnie plik SQLite w katalogu tymczasowym)")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    sys.path.insert(0, str(ROOT))
    from tests.support.scratch_db import scratch_database

    with (tempfile.TemporaryDirectory(prefix="esmon-mail-bench-") as tmp,
          scratch_database(args.db, Path(tmp), "esmon_bench") as url):
        server = SmtpProcess()
        try:
            run(url, server, args.messages)
        finally:
            server.stop()


def run(url: str, server: SmtpProcess, count: int) -> None:
    from extensions import db
    from mailing.outbox import Claimed
    from mailing.transport import build_message
    from mailing.worker import worker_for
    from models import OutboxMessage

    app = _app(url, server.port)
    with app.app_context():
        db.create_all()
        queued = _timed(lambda: generate(count))
        print(f"Kolejka: {count} zaproszeń w {queued:.2f} s "
              f"({count / queued:,.0f}/s, {url.split('?')[0]}).", flush=True)
        rows = db.session.execute(
            db.select(OutboxMessage.id, OutboxMessage.recipients, OutboxMessage.subject,
                      OutboxMessage.body_text, OutboxMessage.body_html,
                      OutboxMessage.attempts, OutboxMessage.created_at)).all()
        prebuilt: list[tuple[list[str], bytes]] = []
        built = _timed(lambda: prebuilt.extend(
            (row.recipients, build_message(Claimed(*row)).as_bytes()) for row in rows))
        db.session.rollback()

        server.reset()
        floor = _timed(lambda: send_plain(server.port, prebuilt))
        _check(server, count, "podłoga")

        server.reset()
        worker = worker_for(app, rate_per_second=0)
        result = None

        def drain() -> None:
            nonlocal result
            result = worker.drain()

        sent = _timed(drain)
        if result is None or result.sent != count:
            raise RuntimeError(f"worker wysłał {result}, oczekiwano {count}")
        _check(server, count, "worker")
    _report(count, sent, floor, built, worker.settings.batch_size)


def generate(count: int) -> None:
    """A register of ``count`` units and one round inviting all of them, in one transaction."""
    from extensions import db
    from models import Unit
    from services.messages import queue_invitation
    from services.questionnaires import sync_questionnaires
    from services.rounds import create_round, invite
    from services.teryt import import_terc_file

    import_terc_file(ROOT / "demo" / "terc_sample.csv")
    questionnaire = next(q for q in sync_questionnaires() if q.key == "jst-annual")
    today = date.today()
    round_ = create_round(questionnaire, period="2025", reporting_year=2025, opens_on=today,
                          deadline=today + timedelta(days=30), status="open")
    units = [Unit(kind="gmina", teryt="160402", name=f"Gmina testowa nr {n}",
                  emails=f"gmina{n}@example.pl") for n in range(count)]
    db.session.add_all(units)
    db.session.flush()
    for unit in units:
        invitation, token = invite(round_, unit)
        queue_invitation(invitation, token)
    db.session.commit()


def send_plain(port: int, prebuilt: list[tuple[list[str], bytes]]) -> None:
    """The floor: one smtplib connection, messages already built."""
    with smtplib.SMTP("127.0.0.1", port) as connection:
        for recipients, message in prebuilt:
            connection.sendmail(SENDER, recipients, message)


def _report(count: int, sent: float, floor: float, built: float, batch_size: int) -> None:
    print(f"Worker (partie po {batch_size}, zapis stanu po każdej wiadomości): "
          f"{count} wiadomości w {sent:.2f} s = {count / sent:,.0f}/s")
    print(f"Podłoga (smtplib, gotowe wiadomości, jedno połączenie, bez bazy): "
          f"{count} w {floor:.2f} s = {count / floor:,.0f}/s")
    print(f"Stosunek worker / podłoga: {floor / sent:.2f} przepustowości "
          f"(worker {sent / floor:.2f}× dłużej)")
    per = 1000 / count
    print(f"Na wiadomość: worker {sent * per:.2f} ms = SMTP (podłoga) {floor * per:.2f} ms "
          f"+ budowa MIME przez Flask-Mail {built * per:.2f} ms "
          f"+ kolejka w bazie (claim, oznaczenie, commit) {(sent - floor - built) * per:.2f} ms")


def _check(server: SmtpProcess, count: int, who: str) -> None:
    if not server.wait_for(count):
        raise RuntimeError(f"{who}: serwer przyjął {server.count()} z {count} wiadomości")


def _timed(action: Callable[[], None]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _app(url: str, port: int):
    from app import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port, "MAIL_SUPPRESS_SEND": False, "MAIL_DEFAULT_SENDER": SENDER,
        "MAIL_SEND_INLINE": False, "ESMON_BASE_URL": "https://esmon.example.pl",
    })


# ------------------------------------------------------------------------ the SMTP server


class CountingHandler:
    """Accepts everything and counts it; the count is shared with the benchmark process."""

    def __init__(self, counter):
        self.counter = counter

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.counter.get_lock():
            self.counter.value += 1
        return "250 OK"


def _serve(port: int, counter, ready, stop) -> None:
    from aiosmtpd.controller import Controller

    controller = Controller(CountingHandler(counter), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


class SmtpProcess:
    """aiosmtpd on a free loopback port, in a child process."""

    def __init__(self) -> None:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        context = multiprocessing.get_context("spawn")
        self.counter = context.Value("i", 0)
        ready, self.stop_event = context.Event(), context.Event()
        self.process = context.Process(target=_serve, daemon=True,
                                       args=(self.port, self.counter, ready, self.stop_event))
        self.process.start()
        if not ready.wait(30):
            raise RuntimeError("serwer SMTP nie wystartował")

    def count(self) -> int:
        return self.counter.value

    def reset(self) -> None:
        with self.counter.get_lock():
            self.counter.value = 0

    def wait_for(self, count: int, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while self.count() < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.count() >= count

    def stop(self) -> None:
        self.stop_event.set()
        self.process.join(10)


if __name__ == "__main__":
    main()
