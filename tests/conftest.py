"""Fixtures: an app with a fresh database per test (SQLite, or PostgreSQL with ``--db``).

``pytest`` runs on an in-memory SQLite database; ``pytest --db postgresql+psycopg://…`` runs the
same tests on PostgreSQL in a schema of their own, and skips them all, saying why, when the
server cannot be reached.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from extensions import db

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_TERC = ROOT / "demo" / "terc_sample.csv"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", default=os.environ.get("ESMON_TEST_DATABASE_URL", "sqlite://"),
                     help="database URL for the tests (default: in-memory SQLite)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: runs only on SQLite")
    config.addinivalue_line("markers", "postgres_only: runs only on PostgreSQL")


def _postgres_problem(url: str) -> str | None:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as err:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL nieosiągalny pod {url}: {type(err).__name__}: {err}".splitlines()[0]
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    url = config.getoption("--db")
    on_postgres = url.startswith("postgresql")
    problem = _postgres_problem(url) if on_postgres else None
    for item in items:
        if problem:
            item.add_marker(pytest.mark.skip(reason=problem))
        elif on_postgres and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="test tylko dla SQLite"))
        elif not on_postgres and item.get_closest_marker("postgres_only"):
            item.add_marker(pytest.mark.skip(
                reason="test tylko dla PostgreSQL: uruchom z --db postgresql+psycopg://…"))


def pytest_report_header(config: pytest.Config) -> str:
    return f"esmon database: {config.getoption('--db')}"


@pytest.fixture(scope="session")
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The test database; on PostgreSQL a schema of this session's own, dropped at the end."""
    url = request.config.getoption("--db")
    if not url.startswith("postgresql"):
        yield url
        return
    schema = f"esmon_test_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def make_config(database_url: str, tmp_path: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SURVEY_DEFS_DIR": str(ROOT / "survey_defs"),
        "ESMON_WOJEWODZTWO": "16",
        "MAIL_SUPPRESS_SEND": True,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "ESMON_BASE_URL": "http://esmon.test",
    }
    config.update(overrides)
    return config


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict:
    """Settings for ``create_app``; a test may change them before asking for ``app``."""
    return make_config(database_url, tmp_path)


@pytest.fixture
def app(app_config: dict) -> Iterator[Flask]:
    """A fresh application and empty database for each test."""
    application = create_app(app_config)
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@dataclass
class World:
    """Builds register data and rounds for a test; every call commits."""

    app: Flask
    tokens: dict[int, str] = field(default_factory=dict)

    def territories(self) -> None:
        from services.teryt import import_terc_file

        with self.app.app_context():
            import_terc_file(SAMPLE_TERC)
            db.session.commit()

    def unit(self, kind: str = "gmina", teryt: str = "160402", name: str | None = None,
             emails: str = "jednostka@example.pl", **extra) -> int:
        from models import Unit

        with self.app.app_context():
            unit = Unit(kind=kind, teryt=teryt, name=name or f"{kind.upper()} {teryt}",
                        emails=emails, **extra)
            db.session.add(unit)
            db.session.commit()
            return unit.id

    def round(self, key: str, *, year: int = 2025, status: str = "open",
              period: str | None = None) -> int:
        from models import Round
        from services.questionnaires import sync_questionnaires
        from services.rounds import create_round

        with self.app.app_context():
            questionnaire = next(q for q in sync_questionnaires() if q.key == key)
            today = date.today()
            round_ = create_round(questionnaire, period=period or str(year),
                                  reporting_year=year, opens_on=today - timedelta(days=1),
                                  deadline=today + timedelta(days=30), status=status)
            db.session.commit()
            assert isinstance(round_, Round)
            return round_.id

    def invite(self, round_id: int, unit_id: int) -> str:
        """Invite a unit; returns the personal link token."""
        from models import Round, Unit
        from services.rounds import invite

        with self.app.app_context():
            invitation, token = invite(db.session.get(Round, round_id),
                                       db.session.get(Unit, unit_id))
            db.session.commit()
            self.tokens[invitation.id] = token
            return token


@pytest.fixture
def world(app: Flask) -> World:
    """Register data with the sample TERC territories already imported."""
    w = World(app)
    w.territories()
    return w


STAFF_PASSWORD = "bardzo-tajne-haslo-123"


@pytest.fixture
def staff_user(app: Flask):
    """Create a staff account; returns a function ``(email, role) -> id``."""
    from models import User

    def make(email: str = "admin@rops.example.pl", role: str = "admin") -> int:
        with app.app_context():
            user = User(email=email, role=role)
            user.set_password(STAFF_PASSWORD)
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def login(client: FlaskClient, staff_user):
    """Log the test client in as a new staff member of the given role."""

    def do(role: str = "admin", email: str | None = None) -> FlaskClient:
        email = email or f"{role}@rops.example.pl"
        staff_user(email, role)
        page = client.post("/logowanie", data={"email": email, "password": STAFF_PASSWORD})
        assert page.status_code == 302, page.text
        return client

    return do
