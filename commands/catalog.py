"""Every ``flask`` command of esmon: where it lives, and the line ``flask --help`` shows for it.

``app.register_commands`` adds the commands from this list. ``flask --help`` (and a command's
``--help``) does not need the application at all: ``app.create_app`` then builds only the
command line (``help_app``), whose commands are ``LazyCommand`` stand-ins — the list is
printed from the lines below, and a command's own help imports just that command's module.
Listing the commands therefore imports neither SQLAlchemy nor the views, services or report
code (Flask's "lazy loading of commands" pattern). ``tests/test_cli_catalog.py`` checks that
the lines below are the commands' own.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

#: command name → (module, attribute, the short help the command itself gives)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "backup": ("commands.backup", "backup_command",
               "Zapisz całą bazę do pliku PATH (zip: manifest.json i tabele w JSON Lines)."),
    "db": ("commands.migrations", "group", "Migracje schematu bazy (Flask-Migrate, alembic)."),
    "demo": ("commands.demo", "demo_command",
             "Wczytaj dane pokazowe (rejestr województwa, rundy z odpowiedziami) i wypisz "
             "konta."),
    "mail-test": ("commands.mail", "mail_test_command",
                  "Wyślij od razu (z pominięciem kolejki) wiadomość testową, aby sprawdzić "
                  "ustawienia MAIL_*."),
    "mail-worker": ("commands.mail", "mail_worker_command",
                    "Wysyłaj pocztę z kolejki: partiami, z limitem tempa i ponawianiem po "
                    "błędach."),
    "maps": ("commands.maps", "group", "Mapy: warstwa granic gmin (PRG) do map wg gmin."),
    "organisations": ("commands.organisations", "group",
                      "Organizacje (gmina, ROPS, operator krajowy) i ich obszar."),
    "reports": ("commands.reports", "group",
                "Raporty monitoringowe: zestawienia xlsx, dokumenty DOCX i PDF, dane surowe."),
    "restore": ("commands.backup", "restore_command",
                "Przywróć kopię z pliku PATH do pustej, zmigrowanej bazy (w jednej "
                "transakcji)."),
    "rounds": ("commands.rounds", "group",
               "Rundy: lista, runda dla jednostek z pliku (CSV/XLSX)."),
    "subregions": ("commands.subregions", "group",
                   "Podregiony: przypisanie powiatów (NUTS-3 albo własne)."),
    "surveys": ("commands.surveys", "group",
                "Definicje ankiet: sprawdzanie, lista, wczytanie do bazy."),
    "territory": ("commands.territory", "group",
                  "Rejestr TERYT (TERC): import jednostek terytorialnych."),
    "unit-kinds": ("commands.unit_kinds", "group",
                   "Rodzaje jednostek: z pliku registers/unit_kinds.yaml i własne rodzaje "
                   "organizacji."),
    "units": ("commands.units", "group",
              "Rejestr jednostek: import z CSV/XLSX i JST z rejestru TERYT."),
    "users": ("commands.users", "group", "Konta pracowników ROPS."),
}

#: options of ``flask`` itself that take a value (``--app app``), so the value is no command
_VALUED_OPTIONS = {"--app", "-A", "--env-file", "-e"}
_HELP = {"--help"}


def load(name: str) -> click.Command:
    """The real command ``name`` (its module imported now)."""
    module, attribute, _ = COMMANDS[name]
    command = getattr(importlib.import_module(module), attribute)
    assert isinstance(command, click.Command)
    return command


class LazyCommand(click.Command):
    """A command known by its name and short help until it is used: then the real one."""

    def __init__(self, name: str) -> None:
        super().__init__(name, short_help=COMMANDS[name][2], add_help_option=False)

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        # the real command parses the arguments (and prints its own --help)
        return load(self.name or "").make_context(info_name, args, parent=parent, **extra)


def help_only(argv: list[str] | None = None) -> bool:
    """Whether this process is ``flask … --help`` (or ``flask`` alone): nothing will run.

    Only under the ``flask`` command line (``FLASK_RUN_FROM_CLI``), and only when every
    word is an option of ``flask`` itself or the command path up to ``--help``.
    """
    if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        return False
    words = list(sys.argv[1:] if argv is None else argv)
    commands: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        if word in _HELP:
            return True
        if word in _VALUED_OPTIONS:
            index += 2
            continue
        if word.startswith("-"):
            return False  # an option of a command: it runs
        commands.append(word)
        index += 1
    return not commands  # ``flask`` alone prints the help


def invoked_command(argv: list[str] | None = None) -> str | None:
    """The esmon command this ``flask`` process runs (``reports``, ``demo`` …), or ``None``.

    ``None`` outside the ``flask`` command line and for Flask's own commands (``run``,
    ``routes``, ``shell``), which need the whole application.
    """
    if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
        return None
    words = list(sys.argv[1:] if argv is None else argv)
    index = 0
    while index < len(words):
        word = words[index]
        if word in _VALUED_OPTIONS:
            index += 2
            continue
        if word.startswith("-"):
            index += 1
            continue
        return word if word in COMMANDS else None
    return None


def help_app(import_name: str) -> Any:
    """A Flask app that has only the command line: every command a ``LazyCommand``."""
    from flask import Flask

    app = Flask(import_name)
    for name in COMMANDS:
        app.cli.add_command(LazyCommand(name), name)
    return app
