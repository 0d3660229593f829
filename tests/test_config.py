"""A test's app ignores the developer's local settings; the real entry points still read them.

``flask --app app`` and ``gunicorn 'app:create_app()'`` call ``create_app()``: defaults, then
``instance/config.py``, then the environment. Tests call ``create_app(overrides,
read_environment=False)``: defaults and overrides only, so an ``ESMON_*`` variable or an
``instance/config.py`` on a developer's machine cannot change a test's result.
"""

from __future__ import annotations

import ast
import functools
import os

import flask
import pytest
from flask import Flask

import config
from app import create_app

from support import ROOT, make_config

#: what a developer might have set locally, and the setting each one changes
LOCAL_ENVIRONMENT = {
    "ESMON_SUBREGION_SCHEME": "owes",  # read by the defaults (config.py)
    "ESMON_MAIL_DEFAULT_SENDER": "programista@example.pl",  # ESMON_ prefix → MAIL_DEFAULT_SENDER
    "MAIL_SERVER": "smtp.programisty.example",  # a plain variable the defaults read
    "ESMON_ENV": "development",  # a developer's machine declares it (make run does)
}
INSTANCE_FILE = 'ESMON_ORGANISATION = "Ośrodek z pliku instance/config.py"\n'


class _Reads(dict):
    """An empty environment that notes every variable the defaults ask for."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def get(self, name, default=None):
        self.names.add(name)
        return default

    def __contains__(self, name) -> bool:
        self.names.add(name)
        return False


def _configuration_variables() -> set[str]:
    reads = _Reads()
    config.defaults(reads)
    return reads.names


@pytest.fixture
def local_settings(monkeypatch, tmp_path):
    """An ``instance/config.py`` and ``ESMON_*`` variables, as on a developer's machine.

    Whatever this machine really has set is taken away first, and the instance folder is a
    temporary one (never the checkout's own ``instance/``), so the test sees only these.
    """
    for name in _configuration_variables() | {n for n in os.environ if n.startswith("ESMON_")}:
        monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(INSTANCE_FILE, encoding="utf-8")
    # create_app imports Flask when it makes an app (the CLI starts without it): patch it there
    monkeypatch.setattr(flask, "Flask", functools.partial(Flask, instance_path=str(instance)))
    for name, value in LOCAL_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    return instance


def test_test_app_ignores_environment_and_instance_config(local_settings, database_url,
                                                          tmp_path):
    application = create_app(make_config(database_url, tmp_path), read_environment=False)
    assert application.instance_path == str(local_settings)
    settings = application.config
    assert settings["ESMON_SUBREGION_SCHEME"] == "nuts3"
    assert settings["MAIL_DEFAULT_SENDER"] == "esmon@rops.example.pl"
    assert settings["MAIL_SERVER"] == ""
    assert settings["ESMON_ORGANISATION"] == "Regionalny Ośrodek Polityki Społecznej w Opolu"


def test_entry_point_reads_environment_and_instance_config(local_settings):
    application = create_app()  # what `flask --app app` and gunicorn call
    assert application.instance_path == str(local_settings)
    settings = application.config
    assert settings["ESMON_SUBREGION_SCHEME"] == "owes"
    assert settings["MAIL_DEFAULT_SENDER"] == "programista@example.pl"
    assert settings["MAIL_SERVER"] == "smtp.programisty.example"
    assert settings["ESMON_ORGANISATION"] == "Ośrodek z pliku instance/config.py"
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{local_settings / 'esmon.sqlite'}"


def test_every_test_app_is_built_without_the_environment():
    """A new test cannot forget the flag: every ``create_app(...)`` under tests/ passes it."""
    forgotten = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "create_app"):
                continue
            flag = next((k.value for k in node.keywords if k.arg == "read_environment"), None)
            deliberate = path.name == "test_config.py" and not node.args
            if not deliberate and not (isinstance(flag, ast.Constant) and flag.value is False):
                forgotten.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert forgotten == [], "create_app(..., read_environment=False) in tests"
