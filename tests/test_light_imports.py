"""A web worker and the command line start without the report code (pandas, xlsxwriter …).

Each check runs in a fresh interpreter: this test process has long imported everything. A
module-level ``import pandas`` anywhere on the way from ``create_app`` (a view, a service, a
command) makes it fail; the report code is imported by the functions that build a report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "numpy", "xlsxwriter", "matplotlib", "shapely")

WEB = """
import json, sys
from app import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 32,
                  "TESTING": True}, read_environment=False)
client = app.test_client()
statuses = [client.get(path).status_code for path in ("/healthz", "/", "/logowanie",
                                                      "/admin/zestawienia/")]
print(json.dumps({"statuses": statuses,
                  "heavy": [m for m in HEAVY if m in sys.modules]}))
"""

EXPORT = """
import json, sys
from app import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 32,
                  "TESTING": True}, read_environment=False)
from services.exports import write_workbook
print(json.dumps({"heavy": [m for m in HEAVY if m in sys.modules]}))
"""


def _run(code: str) -> dict:
    env = {**os.environ, "ESMON_ENV": "development"}
    done = subprocess.run([sys.executable, "-c", f"HEAVY = {HEAVY!r}\n" + code], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_web_app_answers_pages_without_importing_the_report_code():
    result = _run(WEB)
    assert all(status < 500 for status in result["statuses"]), result
    assert result["heavy"] == []


def test_the_export_service_imports_the_report_code_only_when_it_makes_a_report():
    assert _run(EXPORT)["heavy"] == []


def _imported_by_command(command: list[str], modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a fresh ``flask --app app *command`` has imported when it ends."""
    code = ("import json, runpy, sys\n"
            f"sys.argv = ['flask', '--app', 'app', *{command!r}]\n"
            "try:\n"
            "    runpy.run_module('flask', run_name='__main__')\n"
            "except SystemExit:\n"
            "    pass\n"
            f"print(json.dumps({{'heavy': [m for m in {modules!r} if m in sys.modules]}}))\n")
    return _run(code)["heavy"]


@pytest.mark.parametrize("command", [["--help"], ["reports", "export", "--help"]])
def test_the_command_line_help_does_not_import_the_report_code(command):
    assert _imported_by_command(command, HEAVY) == []


def test_a_command_help_does_not_import_the_database_nor_the_services():
    assert _imported_by_command(["reports", "export", "--help"],
                                ("sqlalchemy", "models", "services.exports")) == []


def test_the_command_line_help_does_not_import_alembic():
    assert _imported_by_command(["--help"], ("alembic", "flask_migrate", "pandas")) == []


def test_the_migration_commands_still_load_flask_migrate():
    assert _imported_by_command(["db", "heads"], ("alembic", "flask_migrate")) == [
        "alembic", "flask_migrate"]


# (not Flask-Limiter: ``flask`` itself imports it, for the ``flask limiter`` command it adds)
PAGES_ONLY = ("views.respond", "views.admin", "matplotlib", "shapely",
              "commands.demo", "services.demo")


def test_an_export_from_the_command_line_imports_no_page_nor_chart_code(tmp_path, monkeypatch):
    """``flask reports export --kind raw`` builds no URL and draws nothing: it starts fast."""
    url = f"sqlite:///{tmp_path / 'esmon.sqlite'}"
    _run("from app import create_app\nfrom extensions import db\n"
         f"app = create_app({{'SQLALCHEMY_DATABASE_URI': {url!r}, 'SECRET_KEY': 'x' * 32}},"
         " read_environment=False)\n"
         "with app.app_context():\n    db.create_all()\nprint('{}')\n")
    monkeypatch.setenv("DATABASE_URL", url)
    imported = _imported_by_command(
        ["reports", "export", "--round", "1", "--kind", "raw", "-o", str(tmp_path / "a.xlsx")],
        (*PAGES_ONLY, "pandas"))
    assert imported == ["pandas"]  # the export ran (it failed on the missing round)


def test_flask_own_commands_still_get_the_whole_application():
    assert _imported_by_command(["routes"], ("views.respond", "views.admin")) == [
        "views.respond", "views.admin"]


GC_STATE = ("import gc\n"
            "print(json.dumps({'frozen': gc.get_freeze_count(), 'enabled': gc.isenabled()}))\n")


def test_a_command_freezes_what_it_loaded_and_collects_what_it_makes_after(tmp_path,
                                                                          monkeypatch):
    """``commands.collector``: an esmon command's modules are left out of the collections."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'esmon.sqlite'}")
    code = ("import json, runpy, sys\n"
            "sys.argv = ['flask', '--app', 'app', 'surveys', 'list']\n"
            "try:\n"
            "    runpy.run_module('flask', run_name='__main__')\n"
            "except SystemExit:\n"
            "    pass\n" + GC_STATE)
    state = _run(code)
    assert state["enabled"] is True
    assert state["frozen"] > 10_000  # SQLAlchemy, the models, the questionnaires …


def test_an_app_made_in_code_leaves_the_collector_alone():
    """A web worker (or a test) is not a command: nothing of it is frozen."""
    state = _run("import json\nfrom app import create_app\n"
                 "create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x' * 32,"
                 " 'TESTING': True}, read_environment=False)\n" + GC_STATE)
    assert state == {"frozen": 0, "enabled": True}
