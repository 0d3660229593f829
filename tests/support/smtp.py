"""A real SMTP server on loopback (aiosmtpd) that records what it accepts, and mail test helpers.

Tests use it through the ``smtp_server`` fixture (this module is a pytest plugin, registered in
``tests/conftest.py``) and point the app at it with ``smtp_settings(server)``. The handler can
refuse addresses, refuse messages, or hold a message until the test lets it go — enough to play
an SMTP server that misbehaves on cue.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

#: called with the envelope before a message is accepted; a returned reply refuses it
DataHook = Callable[[object], Awaitable[str | None]]


@dataclass(frozen=True)
class Received:
    """One accepted message: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage
    #: the client's (host, port): one value per SMTP connection
    peer: tuple

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class RecordingHandler:
    """aiosmtpd handler: records accepted messages; refusals and holds are set by the test."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()
        #: address → SMTP reply given to ``RCPT TO`` instead of accepting it
        self.refuse_rcpt: dict[str, str] = {}
        #: runs before each message is accepted; may refuse it or make it wait
        self.before_data: DataHook | None = None
        #: a message for which this is true makes the server hang up without a reply
        self.drop_if: Callable[[object], bool] | None = None
        #: how many times the server hung up that way
        self.dropped = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        reply = self.refuse_rcpt.get(address)
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.drop_if is not None and self.drop_if(envelope):
            self.dropped += 1
            server.transport.close()
            return "421 4.3.0 (nikt tego nie usłyszy: połączenie zamknięte)"
        if self.before_data is not None:
            reply = await self.before_data(envelope)
            if reply:
                return reply
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), parsed,
                                          tuple(session.peer)))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """An aiosmtpd server on 127.0.0.1 that can be stopped and started again on its port."""

    host = "127.0.0.1"

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.handler = RecordingHandler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname=self.host, port=self.port,
                                     ready_timeout=10)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def wait_for(self, count: int, timeout: float = 30.0) -> bool:
        """Wait until at least ``count`` messages have been accepted."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received) >= count:
                return True
            time.sleep(0.02)
        return len(self.received) >= count


def smtp_settings(server: SmtpServer) -> dict:
    """App settings that send through ``server`` with no rate limit."""
    return {
        "MAIL_SERVER": server.host,
        "MAIL_PORT": server.port,
        "MAIL_USE_TLS": False,
        "MAIL_USE_SSL": False,
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_RATE_PER_SECOND": 0,
    }


class Gate:
    """Holds the n-th message in ``DATA`` until the test opens the gate, then answers ``reply``.

    While held, the client waits for the server's answer: exactly the moment a worker can be
    killed, or told to stop, with a message on the wire. The default reply refuses it (a
    killed client never hears back); ``reply=None`` accepts it.
    """

    def __init__(self, hold_at: int, reply: str | None = "451 4.3.0 Przerwano; spróbuj ponownie"):
        self.hold_at = hold_at
        self.reply = reply
        self.seen = 0
        self.holding = threading.Event()
        self.opened = threading.Event()

    async def __call__(self, envelope) -> str | None:
        self.seen += 1
        if self.seen != self.hold_at:
            return None
        self.holding.set()
        while not self.opened.is_set():
            await asyncio.sleep(0.01)
        return self.reply


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running loopback SMTP server, stopped after the test."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def queue_invitations(app, world, count: int, key: str = "jst-annual") -> dict[str, str]:
    """Invite ``count`` gminas to a new round and queue their invitations in one transaction.

    :return: e-mail address → personal link token
    """
    from extensions import db
    from models import Round, Unit
    from services.messages import queue_invitation
    from services.rounds import invite

    round_id = world.round(key)
    unit_ids = [world.unit("gmina", "160402", name=f"Gmina testowa nr {n}",
                           emails=f"gmina{n}@example.pl") for n in range(1, count + 1)]
    tokens = {}
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        for unit_id in unit_ids:
            unit = db.session.get(Unit, unit_id)
            invitation, token = invite(round_, unit)
            queue_invitation(invitation, token)
            tokens[unit.emails] = token
        db.session.commit()
    return tokens
