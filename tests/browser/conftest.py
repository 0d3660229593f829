"""Browser tests: the app on a live server, driven by Debian's Chromium through Playwright.

One server a session (werkzeug in a thread, 127.0.0.1, a free port) on a SQLite *file*: the
in-memory database of the ``app`` fixture is not shared across threads. It holds demo-like
data: the sample TERC territories, a unit of each kind, an open round of each questionnaire
and an admin. Each test gets its own browser context (cookies) and its own units and links, so
tests do not depend on each other.

Playwright cannot download a browser here; it drives ``/usr/bin/chromium``. Without it (or
without the ``playwright`` package) every browser test is skipped, saying why.
Screenshots go to ``test-artifacts/screenshots/``; the run prints the folder at the end.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from browser.browser_helpers import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    SAMPLE_TERC,
    SCREENSHOTS,
)
from extensions import db

from support.respondent import section_post
from support.valid_answers import VALID


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return (f"brak przeglądarki {CHROMIUM}: zainstaluj pakiet Debiana `chromium` "
                "(.ci/run robi to sam)")
    try:
        import axe_playwright_python  # noqa: F401
        import playwright  # noqa: F401
    except ImportError as err:
        return f"brak pakietu {err.name}: pip install -e '.[dev]'"
    return None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real Chromium (tests/browser)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    problem = _missing()
    if problem:
        for item in items:
            if item.get_closest_marker("browser"):
                item.add_marker(pytest.mark.skip(reason=problem))


#: set once the browser started: the screenshot folder then belongs to this run
_RUN = {"browser": False}


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    shots = sorted(SCREENSHOTS.glob("*.png")) if _RUN["browser"] else []
    if shots:
        terminalreporter.write_sep("-", "esmon: zrzuty ekranu")
        terminalreporter.write_line(f"{len(shots)} zrzutów ekranu w {SCREENSHOTS}")


#: staff routes that send files, or pages with a test of their own
NOT_PAGES = {"exports.download", "exports.index", "outbox.eml", "calls.call_log_export",
             "round_setup.invitation_preview_html", "rounds.sending_status",
             "suggest.units", "suggest.gminas",
             # files: PDF printouts and the LPRES annual report (a download, not a page)
             "round_setup.blank_form", "review.version_pdf", "exports.lpres"}


@dataclass
class Site:
    """The live server and what it holds; helpers add units, links and answers."""

    app: Flask
    seeder: Flask
    base_url: str
    rounds: dict[str, int]
    counter: Any = field(default_factory=lambda: itertools.count(1))

    def url(self, path: str) -> str:
        return self.base_url + path

    def respondent(self, key: str, name: str | None = None) -> str:
        """A new unit invited to the round of ``key``; returns its personal link path."""
        from models import Round, Unit
        from services.rounds import invite

        kind, teryt, _answers = VALID[key]
        with self.app.app_context():
            unit = Unit(kind=kind, teryt=teryt, emails="jednostka@example.pl",
                        name=name or f"Jednostka testowa {next(self.counter)} ({kind})",
                        regon="531234563", contact_person="Anna Nowak")
            db.session.add(unit)
            db.session.flush()
            invitation, token = invite(db.session.get(Round, self.rounds[key]), unit)
            db.session.commit()
            self.last_invitation_id = invitation.id
            return f"/r/{token}"

    def fill(self, link: str, key: str, sections: int | None = None) -> None:
        """Answer sections (all by default) with the valid answers, as a client without JS."""
        from services.questionnaires import registry

        client = self.seeder.test_client()
        assert client.get(link).status_code == 303
        with self.seeder.app_context():
            survey = registry().by_key[key].survey
        for section in survey.sections[:sections]:
            page = client.post(f"/ankieta/sekcja/{section.id}",
                               data=section_post(survey, section.id, VALID[key][2]))
            assert page.status_code == 302, re.findall(r'error-message"[^>]*>(.*?)</', page.text)

    def submit(self, link: str, key: str) -> int:
        """A complete, submitted response; returns its id."""
        from models import Invitation, InvitationToken
        from services.tokens import hash_token

        self.fill(link, key)
        client = self.seeder.test_client()
        client.get(link)
        assert client.post("/ankieta/wyslij").status_code == 303
        with self.app.app_context():
            token = db.session.get(InvitationToken, hash_token(link.rsplit("/", 1)[1]))
            return db.session.get(Invitation, token.invitation_id).response.id

    def staff_paths(self, response_id: int) -> dict[str, str]:
        """Every staff page: each GET route under /admin/ (files excepted), with real ids."""
        from flask import url_for
        from sqlalchemy import select

        from models import Response, Unit

        ids = {"round_id": self.rounds["jst-annual"], "response_id": response_id}
        with self.app.app_context():
            ids["unit_id"] = db.session.scalars(select(Unit.id).limit(1)).one()
            # the sent response's invitation: its replace-link and withdraw confirmations
            ids["invitation_id"] = db.session.get(Response, response_id).invitation_id
            try:
                from models import OutboxMessage

                ids["message_id"] = db.session.scalars(select(OutboxMessage.id).limit(1)).first()
            except ImportError:
                pass
        paths = {}
        with self.app.test_request_context():
            for rule in self.app.url_map.iter_rules():
                if (not rule.rule.startswith("/admin/") or "GET" not in rule.methods
                        or rule.endpoint in NOT_PAGES):
                    continue
                if all(ids.get(arg) is not None for arg in rule.arguments):
                    values = {arg: ids[arg] for arg in rule.arguments}
                    name = f"staff-{rule.endpoint.replace('.', '-')}"
                    paths[name] = url_for(rule.endpoint, **values)
        return paths

    def answers(self, invitation_id: int | None = None) -> dict:
        from models import Invitation

        with self.app.app_context():
            invitation = db.session.get(Invitation, invitation_id or self.last_invitation_id)
            db.session.refresh(invitation)
            response = invitation.response
            return dict(response.answers) if response else {}

    def response(self, invitation_id: int | None = None):
        from models import Invitation

        with self.app.app_context():
            invitation = db.session.get(Invitation, invitation_id or self.last_invitation_id)
            response = invitation.response
            if response is not None:
                db.session.refresh(response)
                db.session.expunge(response)
            return response


def _seed(app: Flask) -> dict[str, int]:
    from commands.demo import DEMO_UNITS
    from models import Unit, User
    from services.questionnaires import sync_questionnaires
    from services.rounds import create_round, invite
    from services.teryt import import_terc_file

    with app.app_context():
        db.create_all()
        import_terc_file(SAMPLE_TERC)
        units = [Unit(kind=kind, name=name, teryt=teryt, emails=email, contact_person="Anna Nowak")
                 for kind, name, teryt, email in DEMO_UNITS]
        db.session.add_all(units)
        admin = User(email=ADMIN_EMAIL, role="admin")
        admin.set_password(ADMIN_PASSWORD)
        db.session.add(admin)
        today = date.today()
        rounds = {}
        for questionnaire in sync_questionnaires():
            round_ = create_round(questionnaire, period="2025", reporting_year=2025,
                                  opens_on=today - timedelta(days=1),
                                  deadline=today + timedelta(days=30), status="open")
            survey = app.extensions["esmon_surveys"].by_key[questionnaire.key].survey
            for unit in units:
                if unit.kind in survey.unit_kinds:
                    invite(round_, unit)
            rounds[questionnaire.key] = round_.id
        db.session.commit()
        return rounds


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    problem = _missing()
    if problem:
        pytest.skip(problem)
    folder = tmp_path_factory.mktemp("live")
    url = f"sqlite:///{folder / 'esmon.sqlite'}"
    config = {
        "TESTING": True, "SECRET_KEY": "browser-test-secret", "SQLALCHEMY_DATABASE_URI": url,
        "SURVEY_DEFS_DIR": str(ROOT / "survey_defs"), "ESMON_WOJEWODZTWO": "16",
        "MAIL_SUPPRESS_SEND": True, "MAIL_OUTBOX_DIR": str(folder / "outbox"),
        "ESMON_BASE_URL": "http://127.0.0.1", "RATELIMIT_ENABLED": False,
    }
    app = create_app(config, read_environment=False)
    rounds = _seed(app)
    # the same database, for preparing answers through the test client (no CSRF tokens there)
    seeder = create_app({**config, "WTF_CSRF_ENABLED": False}, read_environment=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="esmon-live", daemon=True)
    thread.start()
    try:
        yield Site(app=app, seeder=seeder, rounds=rounds,
                   base_url=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        for application in (app, seeder):
            with application.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture(scope="session")
def browser(site: Site):
    from playwright.sync_api import sync_playwright

    for old in SCREENSHOTS.glob("*.png"):  # the folder shows this run only
        old.unlink()
    _RUN["browser"] = True
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, site: Site):
    """A fresh context (no cookies) and page; a script error anywhere fails the test."""
    context = browser.new_context(base_url=site.base_url, locale="pl-PL",
                                  timezone_id="Europe/Warsaw",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error"
           and "Failed to load resource" not in msg.text else None)
    yield tab
    context.close()
    assert not errors, f"błędy JavaScript na stronie: {errors}"


@pytest.fixture
def staff_page(page, site: Site):
    """The page, logged in as the admin through the login form."""
    page.goto("/logowanie")
    page.fill("#email", ADMIN_EMAIL)
    page.fill("#password", ADMIN_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/"))
    return page
