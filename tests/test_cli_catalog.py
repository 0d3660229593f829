"""``flask --help`` without the application: the command list of commands/catalog.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from commands.catalog import COMMANDS, help_only, load

ROOT = Path(__file__).resolve().parent.parent


def test_the_catalog_lists_every_command_of_the_app_with_its_own_short_help(app):
    ctx = click.Context(app.cli)
    assert set(app.cli.list_commands(ctx)) == set(COMMANDS), \
        "a new command goes into commands/catalog.py (module, attribute, its short help)"
    for name, (_module, _attribute, short_help) in COMMANDS.items():
        assert app.cli.get_command(ctx, name) is load(name)
        assert load(name).get_short_help_str(limit=1000) == short_help, name


@pytest.mark.parametrize(("argv", "expected"), [
    (["--help"], True),
    (["--app", "app", "--help"], True),
    (["-A", "app"], True),  # ``flask`` alone prints the help
    (["--app", "app", "reports", "export", "--help"], True),
    (["--app", "app", "db", "upgrade"], False),
    (["--app", "app", "reports", "export", "--format", "xlsx", "--help"], False),
    (["--app", "app", "run"], False),
])
def test_help_only_is_the_help_and_nothing_that_runs(monkeypatch, argv, expected):
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    assert help_only(argv) is expected
    monkeypatch.delenv("FLASK_RUN_FROM_CLI")
    assert help_only(argv) is False  # never outside the ``flask`` command line


def _run(*code_or_args: str, module: bool = False) -> subprocess.CompletedProcess:
    env = {**os.environ, "ESMON_ENV": "development"}
    command = ([sys.executable, "-m", "flask", "--app", "app", *code_or_args] if module
               else [sys.executable, "-c", code_or_args[0]])
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def test_flask_help_lists_the_commands_without_importing_the_application():
    done = _run(
        "import json, os, sys; os.environ['FLASK_RUN_FROM_CLI'] = 'true';"
        "sys.argv = ['flask', '--help']; import app; a = app.create_app();"
        "print(json.dumps([sorted(a.cli.commands),"
        " sorted(m for m in ('sqlalchemy', 'views', 'services', 'models', 'pandas')"
        " if m in sys.modules)]))")
    assert done.returncode == 0, done.stderr
    commands, heavy = json.loads(done.stdout)
    assert commands == sorted(COMMANDS)
    assert heavy == []
    listing = _run("--help", module=True)
    assert listing.returncode == 0, listing.stderr
    for name, (_module, _attribute, _help) in COMMANDS.items():
        assert f"  {name} " in listing.stdout


def test_a_commands_help_is_its_own():
    done = _run("reports", "export", "--help", module=True)
    assert done.returncode == 0, done.stderr
    assert "--labels" in done.stdout
    assert "Usage: python -m flask reports export" in done.stdout
