"""``flask mail-worker`` drains the outbox; ``flask mail-test ADDRESS`` checks the mail settings."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from extensions import db
from l10n.clock import today_in_poland
from mailing.compose import Written
from mailing.outbox import due_count
from mailing.transport import FolderTransport, Transport, one_off, transport_for
from mailing.worker import BatchResult, MailWorker, describe, worker_for
from models.types import utcnow
from services.rounds import queue_due_reminders


@click.command("mail-worker")
@click.option("--once", is_flag=True, help="Wyślij to, co czeka, i zakończ.")
@click.option("--batch-size", type=click.IntRange(min=1),
              help="Wiadomości w jednej partii, przez jedno połączenie (MAIL_BATCH_SIZE).")
@click.option("--idle", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              help="Sekundy przerwy, gdy w kolejce nie ma nic do wysłania.")
@with_appcontext
def mail_worker_command(once: bool, batch_size: int | None, idle: float) -> None:
    """Wysyłaj pocztę z kolejki: partiami, z limitem tempa i ponawianiem po błędach.

    Można uruchomić kilka naraz (na PostgreSQL); ``--once`` kończy, gdy kolejka jest pusta,
    z kodem 1, jeśli serwer poczty był niedostępny.
    """
    worker = worker_for(current_app, batch_size=batch_size)
    click.echo(f"Worker {worker.worker_id}: {_where(worker.transport)}")
    total = BatchResult()
    with _stop_on_signals(worker):
        while not worker.stopping.is_set():
            _queue_scheduled_reminders()
            result = _drain_with_progress(worker)
            total.add(result)
            if result.connection_error:
                click.secho(result.connection_error, fg="red", err=True)
            if once:
                break
            worker.stopping.wait(idle)
    click.echo(f"Wysłano: {total.sent}, do ponowienia: {total.retried}, "
               f"nieudane: {total.failed}.")
    if once and total.connection_error:
        sys.exit(1)


def _queue_scheduled_reminders() -> None:
    """Queue the reminders rounds scheduled for today (each threshold once per round).

    Two workers may try at once; the unique (round, days) row lets only one of them commit.
    """
    try:
        count = queue_due_reminders(today_in_poland())
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return
    if count:
        click.echo(f"Przypomnienia zaplanowane na dziś: {count}.")


@contextmanager
def _stop_on_signals(worker: MailWorker) -> Iterator[None]:
    """SIGTERM or Ctrl+C: finish the message on the wire, give the batch back, then exit.

    Without this a restart would leave the claimed batch waiting ``MAIL_CLAIM_TIMEOUT_SECONDS``.
    """
    def stop(signum: int, frame: FrameType | None) -> None:
        click.echo("Zatrzymuję: kończę bieżącą wiadomość, resztę zwracam do kolejki.", err=True)
        worker.stopping.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _where(transport: Transport) -> str:
    if isinstance(transport, FolderTransport):
        return f"pliki .eml w {transport.folder}"
    config = current_app.config
    return f"SMTP {config['MAIL_SERVER']}:{config['MAIL_PORT']}"


def _drain_with_progress(worker: MailWorker) -> BatchResult:
    due = due_count(now=utcnow())
    if not due:
        return worker.drain()
    with click.progressbar(length=due, label="Wysyłanie poczty",
                           show_pos=True) as bar:
        return worker.drain(on_progress=bar.update)


@click.command("mail-test")
@click.argument("address")
@with_appcontext
def mail_test_command(address: str) -> None:
    """Wyślij od razu (z pominięciem kolejki) wiadomość testową, aby sprawdzić ustawienia MAIL_*."""
    config = current_app.config
    message = one_off([address], Written(
        subject="esmon: wiadomość testowa",
        body_text=(f"To jest wiadomość testowa systemu esmon ({config['ESMON_ORGANISATION']})."
                   "\nJeśli ją widzisz, wysyłka poczty działa.\n")))
    transport = transport_for(current_app)
    try:
        with transport.connect() as send:
            send(message)
    except Exception as err:  # noqa: BLE001 - report any failure in plain words
        raise click.ClickException(f"Nie udało się wysłać: {describe(err)}") from err
    click.echo(f"Wysłano wiadomość testową do {address} ({_where(transport)}).")
