"""Benchmark: 2 000 invitations queued, sent five times through the outbox to a loopback SMTP.

``python -m bench.mail_bench [--messages 2000] [--db URL]`` starts aiosmtpd in a process of its
own (so server work is not charged to either client), then measures:

* queue: one transaction that invites every unit and writes its e-mail to the outbox;
* worker: ``MailWorker.drain()`` with no rate limit — claim a batch, put the date and the link
  into each stored MIME, send over one SMTP connection per batch, commit each message as sent
  on one held connection while the server answers the next ``MAIL FROM`` (relaxed
  durability, the batch's last mark durable: ``mailing.outbox.SentMarks``);
* floor: plain ``smtplib`` sending the same messages, built beforehand, over one connection,
  with no database at all — the least any sender can cost against this server.

Worker and floor run interleaved, five times each (``bench/hygiene.py``; the queue is put back
between runs); it prints the medians with their ranges, the ratio worker / floor, the
machine's load, and where the worker's time
per message goes (SMTP, preparing the stored MIME for sending, the outbox bookkeeping).
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
    parser.add_argument("--messages", type=int, default=2000,
                        help="liczba zaproszeń (każdy z 5 przebiegów wysyła wszystkie)")
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


def run(url: str, server: SmtpProcess, count: int, runs: int = 5) -> None:
    from bench.hygiene import Load, Spread, interleaved, ratios
    from extensions import db
    from mailing.outbox import Claimed
    from mailing.transport import build_message
    from mailing.worker import worker_for
    from models import OutboxMessage

    app = _app(url, server.port)
    with app.app_context():
        db.create_all()
        queued = _timed(lambda: generate(count))
        print(f"Kolejka: {count} zaproszeń (z MIME) w {queued:.2f} s "
              f"({count / queued:,.0f}/s, {url.split('?')[0]}).", flush=True)
        rows = db.session.execute(
            db.select(OutboxMessage.id, OutboxMessage.recipients, OutboxMessage.subject,
                      OutboxMessage.body_text, OutboxMessage.body_html,
                      OutboxMessage.attempts, OutboxMessage.created_at,
                      OutboxMessage.link_token, OutboxMessage.mime)).all()
        tokens = {row.id: row.link_token for row in rows}
        prebuilt: list[tuple[list[str], bytes]] = []
        built = _timed(lambda: prebuilt.extend(
            (row.recipients, build_message(Claimed(**row._mapping)).data) for row in rows))
        db.session.rollback()
        worker = worker_for(app, rate_per_second=0)

        def floor() -> float:
            server.reset()
            seconds = _timed(lambda: send_plain(server.port, prebuilt))
            _check(server, count, "podłoga")
            return seconds

        def drain() -> float:
            _requeue(tokens)
            server.reset()
            result = None

            def go() -> None:
                nonlocal result
                result = worker.drain()

            seconds = _timed(go)
            if result is None or result.sent != count:
                raise RuntimeError(f"worker wysłał {result}, oczekiwano {count}")
            _check(server, count, "worker")
            return seconds

        with Load() as load:
            measured = interleaved({"floor": floor, "worker": drain}, runs)
    sent, floors = Spread.of(measured["worker"]), Spread.of(measured["floor"])
    _report(count, sent, floors, ratios(measured["floor"], measured["worker"]), built,
            worker.settings.batch_size)
    print(f"({load.line()})")


def _requeue(tokens: dict[int, str | None]) -> None:
    """Every message due again, with its link's token, as right after queueing."""
    from sqlalchemy import bindparam, update

    from extensions import db
    from models import OutboxMessage

    table = OutboxMessage.__table__
    db.session.connection().execute(
        update(table).where(table.c.id == bindparam("b_id"))
        .values(status="queued", sent_at=None, claimed_by=None, claimed_at=None,
                link_token=bindparam("b_token")),
        [{"b_id": id_, "b_token": token} for id_, token in tokens.items()])
    db.session.commit()


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


def _report(count: int, sent, floor, ratio, built: float, batch_size: int) -> None:
    print(f"Worker (partie po {batch_size}, MIME z kolejki, zapis stanu po każdej wiadomości): "
          f"{count} wiadomości w {sent.text(' s')}")
    print(f"Podłoga (smtplib, gotowe wiadomości, jedno połączenie, bez bazy): "
          f"{count} w {floor.text(' s')}")
    print(f"Stosunek worker / podłoga (przepustowość, pary przeplatane): {ratio.text()} "
          f"— cel ≥ 0,5: {'spełniony' if ratio.median >= 0.5 else 'niespełniony'}")
    per = 1000 / count
    print(f"Na wiadomość (mediany): worker {sent.median * per:.2f} ms = SMTP (podłoga) "
          f"{floor.median * per:.2f} ms + data i link w zapisanym MIME {built * per:.2f} ms "
          f"+ kolejka w bazie (claim, oznaczenie, commit) "
          f"{(sent.median - floor.median - built) * per:.2f} ms")
    unsteady = floor.steadiness("podłogi")
    if unsteady:
        print(f"({unsteady})")


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
