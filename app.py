"""Application factory: ``flask --app app run`` or ``gunicorn 'app:create_app()'``.

There is deliberately no module-level ``app``: every import (tests, CLI) builds its own.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Only what ``flask --help`` needs is imported here; the rest when an app is made
# (``commands.catalog``: the help needs no application).
if TYPE_CHECKING:
    from babel import Locale
    from flask import Flask

#: the interface languages (``l10n.web.LANGUAGES``: Polish first, the source and default)
SUPPORTED_LOCALES = ("pl", "en")


def create_app(overrides: Mapping[str, Any] | None = None, *,
               read_environment: bool = True) -> Flask:
    """Create and configure the application.

    :param overrides: settings applied last; tests pass a dict here.
    :param read_environment: read ``instance/config.py`` and the environment variables
        (``ESMON_*``, ``SECRET_KEY``, ``DATABASE_URL``, ``MAIL_*`` …). Tests pass ``False``: their
        app is made of the defaults and ``overrides`` only, whatever the developer has set.
    :raise DefinitionError: when a questionnaire in ``SURVEY_DEFS_DIR`` is broken (the app
        refuses to start and lists every problem).
    :raise security.InsecureConfiguration: outside development (``ESMON_ENV=development``,
        debug or testing) with the development or a short ``SECRET_KEY``.
    """
    from commands.catalog import help_app, help_only

    if overrides is None and read_environment and help_only():
        from commands import collector

        collector.idle()
        return help_app(__name__)  # ``flask … --help``: only the command line, at once
    if not _serves_requests():  # one of esmon's commands: the process ends with it
        from commands import collector

        collector.freeze_at_exit()
        with collector.loading():
            return _configured_app(overrides, read_environment)
    return _configured_app(overrides, read_environment)


def _configured_app(overrides: Mapping[str, Any] | None, read_environment: bool) -> Flask:
    from flask import Flask

    import config
    import security

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(config.defaults(os.environ if read_environment else {}))
    if read_environment:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("ESMON")
    if overrides:
        app.config.update(overrides)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'esmon.sqlite'}")
    security.check_production(app)
    import logging_setup

    logging_setup.init_app(app)
    import session_cookie

    session_cookie.install(app)
    register_extensions(app)
    register_surveys(app)
    if _serves_requests():
        register_blueprints(app)
        security.init_app(app)
    else:
        from views import filters

        filters.register(app)  # documents and the mail worker's printouts use the filters
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from flask_babel import Babel
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    import database
    from extensions import csrf, db, login_manager, mail

    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = database.engine_options(
        app.config, web=not _is_management_command())
    db.init_app(app)
    mail.init_app(app)
    from mailing import inline  # after db.init_app: its teardown must run before the session's

    inline.init_app(app)
    from mailing.attachments import register_maker
    from services.printouts import RESPONSE_COPY_SOURCE, response_copy_attachment

    # the copy of a response attached to its confirmation, made when the mail is sent
    register_maker(RESPONSE_COPY_SOURCE, response_copy_attachment)
    csrf.init_app(app)
    # templates get the ``current_user`` proxy: a page that never shows the user (every
    # respondent's) does not load it; Flask-Login's own processor loaded it for every page
    login_manager.init_app(app, add_context_processor=False)
    app.context_processor(_current_user)
    from sqlalchemy.orm import Session

    from services import scoping

    scoping.install(Session)
    from services import messages, unit_kinds

    unit_kinds.install()
    messages.install()  # the mail worker writes confirmations
    Babel(app, locale_selector=_select_locale)
    from l10n.web import install_template_gettext

    install_template_gettext(app)


def _current_user() -> dict[str, Any]:
    from flask_login import current_user

    return {"current_user": current_user}


def _select_locale() -> Locale:
    """The language the session chose, else the default, as a parsed ``Locale``: Flask-Babel
    keeps one it is given as it is, and parsing the code anew (a look at Babel's locale
    data) was done on every request."""
    from flask import request, session

    chosen = session.get("lang") if request else None
    return _parsed_locale(chosen if chosen in SUPPORTED_LOCALES else app_default_locale())


@lru_cache(maxsize=8)
def _parsed_locale(code: str) -> Locale:
    from babel import Locale

    return Locale.parse(code)


def app_default_locale() -> str:
    return "pl"


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """SQLite: enforce foreign keys, use WAL so readers do not block the writer, and know the
    Polish alphabetical order (``services.collation``)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        from services.collation import register_sqlite

        register_sqlite(dbapi_connection)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def register_surveys(app: Flask) -> None:
    """Load and check every definition; refuse to start on any problem.

    Management commands other than ``flask run`` still start, so that
    ``flask surveys check`` can report the problems.
    """
    from forms.problems import DefinitionError
    from forms.registry import SurveyRegistry
    from services.questionnaires import WebSectionForm

    try:
        registry = SurveyRegistry.from_directory(app.config["SURVEY_DEFS_DIR"],
                                                 form_base=WebSectionForm)
    except DefinitionError as err:
        if not _is_management_command():
            raise
        app.extensions["esmon_definition_error"] = err
        registry = SurveyRegistry(WebSectionForm)
    app.extensions["esmon_surveys"] = registry


def _is_management_command() -> bool:
    return os.environ.get("FLASK_RUN_FROM_CLI") == "true" and "run" not in sys.argv[1:]


def _serves_requests() -> bool:
    """Whether this app needs its pages: not for one of esmon's own commands.

    ``flask reports export``, ``flask mail-worker`` … answer no request and build no URL
    (links in mail come from ``ESMON_BASE_URL``), so they skip importing every view and the
    rate limiter (an export started in 2.25 s, now 1.2 s). Flask's own commands (``run``,
    ``routes``, ``shell``) and every app made in code get the whole application.
    """
    from commands.catalog import invoked_command

    return not _is_management_command() or invoked_command() is None


def register_blueprints(app: Flask) -> None:
    from views import numbers

    numbers.install(app)  # before any rule: ids beyond the database's integers are 404
    from views import (
        admin,
        api,
        api_tokens,
        audit,
        auth,
        calls,
        errors,
        exports,
        filters,
        organisations,
        outbox,
        pages,
        register,
        respond,
        review,
        round_changes,
        round_setup,
        rounds,
        suggest,
        units,
        xlsform,
    )

    filters.register(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(units.bp)
    app.register_blueprint(rounds.bp)
    app.register_blueprint(round_setup.bp)
    app.register_blueprint(round_changes.bp)
    app.register_blueprint(suggest.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(calls.bp)
    app.register_blueprint(audit.bp)
    app.register_blueprint(register.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(xlsform.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api_tokens.bp)
    app.register_blueprint(outbox.bp)
    app.register_blueprint(organisations.bp)
    app.register_blueprint(respond.bp)
    from views import autosave

    app.register_blueprint(autosave.bp)
    from views import new_link

    app.register_blueprint(new_link.bp)
    from views import health

    app.register_blueprint(health.bp)
    errors.register(app)
    from views import outage

    outage.register(app)


def register_commands(app: Flask) -> None:
    """Every command of ``commands.catalog`` (the list ``flask --help`` shows).

    Under ``flask <command>`` only that command's module is imported; the others stay
    ``LazyCommand`` stand-ins (``flask reports export`` need not import the demo).
    """
    from commands.catalog import COMMANDS, LazyCommand, invoked_command, load

    running = invoked_command()
    for name in COMMANDS:
        lazy = running is not None and name != running
        app.cli.add_command(LazyCommand(name) if lazy else load(name), name)
