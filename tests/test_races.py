"""Races and outages against a live server: losers see the conflict page, never a 500.

A real threaded server (werkzeug, as in tests/browser) over a database file (SQLite) or the
test schema (PostgreSQL), and real concurrent HTTP clients released together by a barrier.
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from extensions import db
from models import OutboxMessage, Response, ResponseVersion

from support.respondent import section_post
from support.valid_answers import JST

RACES = 30
SUBMITTERS = 5


@pytest.fixture
def app_config(app_config, tmp_path):
    if app_config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":  # one database for all threads
        app_config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path / 'live.sqlite'}"
    app_config["MAIL_SEND_INLINE"] = False
    app_config["ESMON_DB_CONNECT_TIMEOUT"] = 1  # an outage shows within a second
    return app_config


@pytest.fixture
def live(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def _survey(app):
    from services.questionnaires import registry

    with app.app_context():
        return registry().by_key["jst-annual"].survey


def _browser(live: str, token: str) -> requests.Session:
    browser = requests.Session()
    opened = browser.get(f"{live}/r/{token}", allow_redirects=False)
    assert opened.status_code == 303
    return browser


def _version(browser: requests.Session, live: str, section: str = "d1") -> int:
    page = browser.get(f"{live}/ankieta/sekcja/{section}")
    assert page.status_code == 200, page.text[:500]
    return int(re.search(r'name="version" value="(\d+)"', page.text).group(1))


def _together(calls: list) -> list:
    """Run the calls at the same moment (a barrier releases them) and return their results."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_thirty_synchronised_save_races_never_answer_500(app, world, live):
    token = world.invite(world.round("jst-annual"), world.unit(contact_person="Anna Nowak"))
    survey = _survey(app)
    first, second = _browser(live, token), _browser(live, token)
    statuses: Counter = Counter()
    for race in range(RACES):
        calls = []
        for browser, who in ((first, "pierwsza"), (second, "druga")):
            data = _section_posted(survey, f"Osoba {who} {race}")
            data["version"] = str(_version(browser, live))
            calls.append(lambda b=browser, d=data: b.post(f"{live}/ankieta/sekcja/d1", data=d,
                                                          allow_redirects=False))
        replies = _together(calls)
        statuses.update(r.status_code for r in replies)
        assert sorted(r.status_code for r in replies) in ([302, 409], [302, 302]), [
            (r.status_code, r.text[:300]) for r in replies]
        for reply in replies:
            if reply.status_code == 409:
                assert "zapisano w międzyczasie" in reply.text or "Konflikt" in reply.text
    assert statuses[500] == 0
    assert statuses[409] >= 1


def _filled(app, token: str) -> None:
    survey = _survey(app)
    client = app.test_client()
    assert client.get(f"/r/{token}").status_code == 303
    for section in survey.sections:
        page = client.post(f"/ankieta/sekcja/{section.id}",
                           data=section_post(survey, section.id, JST))
        assert page.status_code == 302, page.text[:500]


def test_five_simultaneous_submits_give_one_submission_and_no_500(app, world, live):
    token = world.invite(world.round("jst-annual"), world.unit(contact_person="Anna Nowak"))
    _filled(app, token)
    browsers = [_browser(live, token) for _ in range(SUBMITTERS)]
    for browser in browsers:
        assert browser.get(f"{live}/ankieta/przeglad").status_code == 200
    replies = _together([lambda b=b: b.post(f"{live}/ankieta/wyslij") for b in browsers])
    assert [r.status_code for r in replies if r.status_code >= 500] == []
    for reply in replies:  # redirects followed: each ends on the confirmation or "already sent"
        assert ("Dziękujemy" in reply.text or "zostało już wysłane" in reply.text), \
            reply.text[:500]
    with app.app_context():
        assert db.session.scalar(select(Response.status)) == "submitted"
        assert db.session.scalar(select(func.count()).select_from(ResponseVersion)) == 1
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.kind == "confirmation")) == 1


# --- the database gone, unreachable or locked -----------------------------------------------

class Proxy:
    """A TCP proxy to PostgreSQL that the test can cut: ``down`` (refused, connections
    closed) or ``blackhole`` (connections accepted, nothing ever answered)."""

    def __init__(self, target: tuple[str, int]):
        import socket

        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.mode = "open"
        self.sockets: list = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        import socket

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.sockets.append(client)
                if self.mode == "down":
                    client.close()
                    continue
                if self.mode == "blackhole":
                    continue  # keep it open, answer nothing
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets.append(upstream)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, source, target) -> None:
        try:
            while self.mode == "open" and (data := source.recv(65536)):
                target.sendall(data)
        except OSError:
            pass
        source.close()
        target.close()

    def set(self, mode: str) -> None:
        self.mode = mode
        if mode != "open":
            with self.lock:
                for sock in self.sockets:
                    with contextlib.suppress(OSError):
                        sock.shutdown(2)
                    sock.close()
                self.sockets.clear()

    def close(self) -> None:
        self.set("down")
        self.listener.close()


@pytest.fixture
def proxy(database_url) -> Iterator[Proxy]:
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("test tylko dla PostgreSQL: uruchom z --db postgresql+psycopg://…")
    server = Proxy((url.host or "127.0.0.1", url.port or 5432))
    yield server
    server.close()


@pytest.fixture
def app_config_via_proxy(app_config, proxy):
    from sqlalchemy.engine import make_url

    url = make_url(app_config["SQLALCHEMY_DATABASE_URI"]).set(host="127.0.0.1", port=proxy.port)
    app_config["SQLALCHEMY_DATABASE_URI"] = url.render_as_string(hide_password=False)
    app_config["ESMON_DB_CONNECT_TIMEOUT"] = 2
    return app_config


def _section_posted(survey, marker: str) -> dict:
    data = section_post(survey, "d1", JST)
    data["q_kontakt_imie_nazwisko"] = [marker]
    return data


def _assert_outage_page(reply, marker: str) -> None:
    assert reply.status_code == 503, reply.text[:500]
    assert reply.headers["Retry-After"]
    assert ("Baza danych jest chwilowo niedostępna — odpowiedzi z tej strony nie zostały "
            "zapisane") in reply.text
    assert f'value="{marker}"' in reply.text  # the section again, with what was typed
    assert 'id="answer-form"' in reply.text


@pytest.mark.postgres_only
def test_database_gone_gives_503_with_the_posted_answers(app_config_via_proxy, proxy, world):
    app = world.app
    app_config = app_config_via_proxy  # noqa: F841 - the app above uses the proxy
    token = world.invite(world.round("jst-annual"), world.unit(contact_person="Anna Nowak"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    live = f"http://127.0.0.1:{server.server_port}"
    try:
        browser = _browser(live, token)
        data = _section_posted(_survey(app), "Wpisane przed awarią")
        data["version"] = str(_version(browser, live))
        proxy.set("down")
        _assert_outage_page(browser.post(f"{live}/ankieta/sekcja/d1", data=data,
                                         allow_redirects=False), "Wpisane przed awarią")
        reply = browser.post(f"{live}/ankieta/sekcja/d1/autozapis", data=data)
        assert reply.status_code == 503
        assert reply.json()["status"] == "unavailable"
        assert "nie zostały zapisane" in reply.json()["message"]
        page = browser.get(f"{live}/ankieta")
        assert page.status_code == 503
        assert "Baza danych jest chwilowo niedostępna" in page.text
        proxy.set("open")  # back: the same form goes through
        assert browser.post(f"{live}/ankieta/sekcja/d1", data=data,
                            allow_redirects=False).status_code == 302
    finally:
        server.shutdown()


@pytest.mark.postgres_only
def test_unreachable_database_fails_fast(app_config_via_proxy, proxy, world):
    """A partition: connections accepted but never answered. The request ends with the 503
    page within the connect timeout, instead of hanging until gunicorn kills the worker."""
    app = world.app
    token = world.invite(world.round("jst-annual"), world.unit(contact_person="Anna Nowak"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    live = f"http://127.0.0.1:{server.server_port}"
    try:
        browser = _browser(live, token)
        proxy.set("blackhole")
        with app.app_context():
            db.engine.dispose()  # pooled connections died with the partition
        page = browser.get(f"{live}/ankieta", timeout=30)
        assert page.status_code == 503
    finally:
        proxy.set("open")
        server.shutdown()


@pytest.mark.postgres_only
def test_timeouts_reach_the_database_connection(app):
    with app.app_context(), db.engine.connect() as connection:
        from sqlalchemy import text

        assert connection.execute(text("SHOW statement_timeout")).scalar() == "30s"
        assert connection.execute(text("SHOW search_path")).scalar().startswith("esmon_test")
        parameters = connection.connection.dbapi_connection.info.get_parameters()
        assert parameters["connect_timeout"] == "1"
        assert parameters["tcp_user_timeout"] == "1000"


def test_pooled_connections_are_pinged_only_where_they_can_die(app):
    from database import engine_options

    with app.app_context():
        server = db.engine.dialect.name != "sqlite"
        assert db.engine.pool._pre_ping is server
    config = {"SQLALCHEMY_ENGINE_OPTIONS": {}}
    assert engine_options({**config, "SQLALCHEMY_DATABASE_URI": "postgresql://h/d"},
                          web=True)["pool_pre_ping"] is True
    assert "pool_pre_ping" not in engine_options(
        {**config, "SQLALCHEMY_DATABASE_URI": "sqlite:///x.sqlite"}, web=True)
    chosen = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False},
              "SQLALCHEMY_DATABASE_URI": "postgresql://h/d"}
    assert engine_options(chosen, web=True)["pool_pre_ping"] is False, "a setting is kept"


@pytest.mark.sqlite_only
def test_locked_sqlite_database_gives_503_with_the_posted_answers(app, world, live, tmp_path):
    """SQLite's outage: another process holds the write lock longer than the busy timeout."""
    import sqlite3

    token = world.invite(world.round("jst-annual"), world.unit(contact_person="Anna Nowak"))
    browser = _browser(live, token)
    data = _section_posted(_survey(app), "Wpisane przy blokadzie")
    data["version"] = str(_version(browser, live))
    holder = sqlite3.connect(tmp_path / "live.sqlite")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        _assert_outage_page(browser.post(f"{live}/ankieta/sekcja/d1", data=data,
                                         allow_redirects=False), "Wpisane przy blokadzie")
    finally:
        holder.rollback()
        holder.close()
    assert browser.post(f"{live}/ankieta/sekcja/d1", data=data,
                        allow_redirects=False).status_code == 302
