"""Fixtures: an app with a fresh database per test (SQLite, or PostgreSQL with ``--db``).

``pytest`` runs on an in-memory SQLite database; ``pytest --db postgresql+psycopg://…`` runs the
same tests on PostgreSQL in a schema of their own, and skips them all, saying why, when the
server cannot be reached.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from extensions import db

from support import STAFF_PASSWORD, World, make_config
from support.scratch_db import scratch_schema, truncate_all

#: the loopback SMTP server (``smtp_server`` fixture) for every test that asks for it
pytest_plugins = ["support.smtp"]


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
    with scratch_schema(url, "esmon_test") as scoped:
        yield scoped


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict:
    """Settings for ``create_app``; a test may change them before asking for ``app``."""
    return make_config(database_url, tmp_path)


@pytest.fixture
def app(app_config: dict) -> Iterator[Flask]:
    """A fresh application and empty database for each test."""
    application = create_app(app_config, read_environment=False)
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                truncate_all(connection, db.metadata)
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def world(app: Flask) -> World:
    """Register data with the sample TERC territories already imported."""
    w = World(app)
    w.territories()
    return w



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
