"""Configuration defaults, read from the environment.

Layering (flaskr): these defaults (some read plain environment variables: ``SECRET_KEY``,
``DATABASE_URL``, ``MAIL_SERVER`` …), then ``instance/config.py``, then ``ESMON_*`` environment
variables, then the overrides a test passes to ``create_app``. A test app
(``create_app(overrides, read_environment=False)``) takes the defaults as if the environment
were empty and skips ``instance/config.py``, so a developer's settings cannot change a test.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from l10n import N_
from l10n.clock import POLAND

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET_KEY = "dev-only-secret-key-change-me"  # noqa: S105  # public on purpose: refused outside development
#: the statuses an accessibility declaration may state (msgids: the page translates them)
ACCESSIBILITY_STATUSES = (N_("zgodna"), N_("częściowo zgodna"), N_("niezgodna"))


def _bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    value = environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "tak"}


def _json(name: str, default, environ: Mapping[str, str] = os.environ):
    """A list or mapping given in the environment as JSON."""
    value = environ.get(name)
    return default if value is None else json.loads(value)


def defaults(environ: Mapping[str, str]) -> dict[str, Any]:
    """Every setting's default, with the values ``environ`` gives (``{}``: the plain defaults).

    Development defaults: SQLite in ``instance/``, mail into an outbox folder.
    """
    env = environ.get
    return {
        "SECRET_KEY": env("SECRET_KEY", DEV_SECRET_KEY),
        # ``None`` means the SQLite file ``instance/esmon.sqlite`` (set in ``create_app``).
        "SQLALCHEMY_DATABASE_URI": env("DATABASE_URL"),
        # ``pool_pre_ping`` added for a database server (``database.engine_options``)
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        # seconds to connect (PostgreSQL) or to wait for a writer's lock (SQLite) before the
        # request gets the 503 page; also how long unanswered packets mean a dead connection
        "ESMON_DB_CONNECT_TIMEOUT": float(env("ESMON_DB_CONNECT_TIMEOUT", "5")),
        # seconds one statement may run in a web request (PostgreSQL), below ESMON_TIMEOUT
        "ESMON_DB_STATEMENT_TIMEOUT": float(env("ESMON_DB_STATEMENT_TIMEOUT", "30")),

        # where questionnaire definitions are loaded from
        "SURVEY_DEFS_DIR": env("SURVEY_DEFS_DIR", str(BASE_DIR / "survey_defs")),
        # two-digit TERYT code of the województwo this deployment serves (16 = opolskie)
        "ESMON_WOJEWODZTWO": env("ESMON_WOJEWODZTWO", "16"),
        # subregion scheme reports use when none is named (``flask subregions list``)
        "ESMON_SUBREGION_SCHEME": env("ESMON_SUBREGION_SCHEME", "nuts3"),
        # base URL used in e-mailed links (no trailing slash)
        "ESMON_BASE_URL": env("ESMON_BASE_URL", "http://127.0.0.1:5000"),
        # name of the organisation running the survey, shown on pages and in e-mails
        "ESMON_ORGANISATION": env(
            "ESMON_ORGANISATION", "Regionalny Ośrodek Polityki Społecznej w Opolu"
        ),
        # postal address of the organisation (accessibility declaration)
        "ESMON_ORGANISATION_ADDRESS": env(
            "ESMON_ORGANISATION_ADDRESS", "ul. Przykładowa 1, 45-001 Opole"),

        # Deklaracja dostępności (ustawa z 4 kwietnia 2019 r.; structure: "Warunki techniczne
        # publikacji…" v2.0). Review it every year by 31 March and update the dates.
        # who respondents call or write to: error pages, invitations and reminders name them
        "ESMON_CONTACT_NAME": env("ESMON_CONTACT_NAME", "Anna Kowalska, zespół monitoringu ES"),
        "ESMON_CONTACT_EMAIL": env("ESMON_CONTACT_EMAIL", "monitoring@rops.example.pl"),
        "ESMON_CONTACT_PHONE": env("ESMON_CONTACT_PHONE", "+48 77 000 00 01"),
        "ESMON_CONTACT_HOURS": env("ESMON_CONTACT_HOURS", "pon.–pt. 8:00–15:00"),
        "ESMON_ACCESSIBILITY_CONTACT_NAME": env(
            "ESMON_ACCESSIBILITY_CONTACT_NAME", N_("Koordynator do spraw dostępności")),
        "ESMON_ACCESSIBILITY_CONTACT_EMAIL": env(
            "ESMON_ACCESSIBILITY_CONTACT_EMAIL", "dostepnosc@rops.example.pl"),
        "ESMON_ACCESSIBILITY_CONTACT_PHONE": env(
            "ESMON_ACCESSIBILITY_CONTACT_PHONE", "+48 77 000 00 00"),
        # ISO dates: first publication, last significant update, declaration prepared, last review
        "ESMON_DECLARATION_DATES": _json("ESMON_DECLARATION_DATES", environ=environ, default={
            "published": "2026-11-24", "updated": "2026-11-24", "prepared": "2026-11-24",
            "reviewed": "2026-11-24"}),
        # "zgodna", "częściowo zgodna" or "niezgodna"
        "ESMON_ACCESSIBILITY_STATUS": env("ESMON_ACCESSIBILITY_STATUS", "częściowo zgodna"),
        # content that is not accessible, each with the reason and the alternative
        "ESMON_ACCESSIBILITY_INACCESSIBLE": [
            N_("Wykres na arkuszu „Wskaźniki” w plikach XLSX z zestawieniami dla pracowników ROPS "
               "nie ma opisu alternatywnego. Te same liczby są w tabeli nad wykresem."),
        ],
        "ESMON_ACCESSIBILITY_ARCHITECTURE": env(
            "ESMON_ACCESSIBILITY_ARCHITECTURE",
            N_("Informacje o dostępności architektonicznej siedziby podmiotu (wejścia, windy, "
               "toalety, miejsca parkingowe, pętla indukcyjna, tłumacz języka migowego) są "
               "dostępne na stronie podmiotu i pod numerem telefonu podanym wyżej.")),
        "ESMON_ACCESSIBILITY_MOBILE_APPS": env(
            "ESMON_ACCESSIBILITY_MOBILE_APPS", N_("Podmiot nie udostępnia aplikacji mobilnych.")),

        # RODO art. 13 information clause on every respondent page (templates/respond/_rodo.html)
        # ``None``: the organisation (ESMON_ORGANISATION) is the controller
        "ESMON_RODO_ADMINISTRATOR": env("ESMON_RODO_ADMINISTRATOR"),
        "ESMON_RODO_IOD_CONTACT": env(
            "ESMON_RODO_IOD_CONTACT", "iod@rops.example.pl"),
        "ESMON_RODO_PURPOSE": env(
            "ESMON_RODO_PURPOSE", N_("w celu monitorowania ekonomii społecznej w województwie")),
        "ESMON_RODO_LEGAL_BASIS": env(
            "ESMON_RODO_LEGAL_BASIS",
            N_("art. 6 ust. 1 lit. e RODO w związku z art. 21 i 21a ustawy o pomocy społecznej")),
        "ESMON_RODO_RETENTION": env(
            "ESMON_RODO_RETENTION", N_("przez 5 lat od zakończenia badania")),

        "MAIL_SERVER": env("MAIL_SERVER", ""),
        "MAIL_PORT": int(env("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", False, environ),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False, environ),
        "MAIL_USERNAME": env("MAIL_USERNAME"),
        "MAIL_PASSWORD": env("MAIL_PASSWORD"),
        "MAIL_DEFAULT_SENDER": env("MAIL_DEFAULT_SENDER", "esmon@rops.example.pl"),
        # imported map layers (the PRG gmina layer of ``flask maps import``); default
        # ``instance/maps``
        "MAPS_DIR": env("MAPS_DIR"),
        # folder for .eml files when no MAIL_SERVER is set (``instance/outbox`` by default)
        "MAIL_OUTBOX_DIR": env("MAIL_OUTBOX_DIR"),
        # messages a second the worker sends over SMTP at most (0: no limit); relays throttle
        "MAIL_RATE_PER_SECOND": float(env("MAIL_RATE_PER_SECOND", "10")),
        # messages claimed at once and sent over one SMTP connection
        "MAIL_BATCH_SIZE": int(env("MAIL_BATCH_SIZE", "50")),
        # tries before a message the server keeps refusing is marked failed
        "MAIL_MAX_ATTEMPTS": int(env("MAIL_MAX_ATTEMPTS", "8")),
        # hang-ups of the server under one message (it answers again right after) before the
        # message is parked as failed, so the queue behind it moves on
        "MAIL_MAX_DROPS": int(env("MAIL_MAX_DROPS", "3")),
        # first retry delay; each further failure doubles it (at most an hour)
        "MAIL_RETRY_BASE_SECONDS": int(env("MAIL_RETRY_BASE_SECONDS", "60")),
        # a claim older than this belongs to a worker that died; its messages are queued again
        "MAIL_CLAIM_TIMEOUT_SECONDS": int(env("MAIL_CLAIM_TIMEOUT_SECONDS", "600")),
        # send queued mail in-process right after a commit; None: only when MAIL_SERVER is empty
        "MAIL_SEND_INLINE": (_bool("MAIL_SEND_INLINE", False, environ)
                             if "MAIL_SEND_INLINE" in environ else None),

        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", False, environ),
        # a respondent's session (the link exchanged for a cookie) ends after this much idleness;
        # every request, autosave included, starts the time again
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=2),
        # the page warns this many seconds before the session ends and offers to extend it
        # however active, a respondent's session ends this long after the link was opened
        # (12 h): a cookie copied from a shared computer does not keep working for days
        "ESMON_SESSION_MAX_SECONDS": int(env("ESMON_SESSION_MAX_SECONDS", "43200")),
        "ESMON_SESSION_WARNING_SECONDS": int(env("ESMON_SESSION_WARNING_SECONDS", "300")),
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,

        "BABEL_DEFAULT_LOCALE": "pl",
        "BABEL_DEFAULT_TIMEZONE": POLAND.key,
        # messages.mo of each language (``make translations`` extracts, updates and compiles)
        "BABEL_TRANSLATION_DIRECTORIES": str(BASE_DIR / "translations"),

        # Production (security.py, logging_setup.py, gunicorn.conf.py)
        # "development" (make run, the tests) allows the development SECRET_KEY; anything
        # else, unset included, is production: create_app refuses insecure settings
        "ESMON_ENV": env("ESMON_ENV", ""),
        # served over HTTPS (directly or behind a proxy): Secure cookies, HSTS, https links
        "ESMON_HTTPS": _bool("ESMON_HTTPS", False, environ),
        # proxies in front whose X-Forwarded-For/-Proto/-Host are trusted (0: none, ProxyFix off)
        "ESMON_PROXY_FIX": int(env("ESMON_PROXY_FIX", "0")),
        # "kv" (key=value, one line an event) or "json" (one JSON object a line)
        "ESMON_LOG_FORMAT": env("ESMON_LOG_FORMAT", "kv"),
        "ESMON_LOG_LEVEL": env("ESMON_LOG_LEVEL", "INFO"),
        # Flask-Limiter storage: memory:// counts per process; redis://host:6379 shares the counts
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        # a shared store that stops answering: count in each process's memory meanwhile
        # (and say so in the log) rather than fail every request
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # personal links opened per client address (guessing tokens), and login attempts
        "ESMON_RATELIMIT_LINK": env("ESMON_RATELIMIT_LINK", "20/minute"),
        "ESMON_RATELIMIT_LOGIN": env("ESMON_RATELIMIT_LOGIN", "10/minute"),
        # "send me a new link" requests: per client address, and per e-mail address asked for
        "ESMON_RATELIMIT_NEW_LINK": env("ESMON_RATELIMIT_NEW_LINK", "10/hour"),
        "ESMON_RATELIMIT_NEW_LINK_ADDRESS": env("ESMON_RATELIMIT_NEW_LINK_ADDRESS", "3/hour"),
        # the data API, per token: a script pulling a round page by page stays well within it
        "ESMON_RATELIMIT_API": env("ESMON_RATELIMIT_API", "120/minute"),
    }
