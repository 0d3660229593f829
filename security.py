"""Hardening that applies to every response: headers, cookies, proxies, rate limits, secrets.

* Security headers on every response, a strict Content-Security-Policy among them: the pages
  load their one stylesheet and two scripts from ``static/`` and have no inline script, no
  ``style=`` attribute and no ``on…=`` handler (``tests/test_security.py`` checks the
  templates). The questionnaire logic is embedded as ``<script type="application/json">``,
  which is data the browser never executes, so CSP allows it.
* ``ESMON_HTTPS=1``: cookies are Secure and HSTS is sent. ``ESMON_PROXY_FIX=N`` trusts the
  ``X-Forwarded-*`` headers of N proxies in front (the client address then is the real one,
  which the rate limits need).
* Rate limits (Flask-Limiter) on the two doors an attacker would knock on: personal links
  (guessing tokens) and the login form. Counts are kept in memory per process unless
  ``RATELIMIT_STORAGE_URI`` names a shared store (``redis://…``); a refused request gets the
  Polish 429 page (``views/errors.py``). Tests run without limits (``TESTING``) unless a test
  sets ``RATELIMIT_ENABLED``.
* Outside development the app refuses to start with the development (or a short) secret key,
  whatever starts it: gunicorn, ``flask run`` on a server, ``create_app()`` from another
  WSGI server, a mail worker. Development is declared, never assumed: ``ESMON_ENV=
  development`` (``make run`` and the tests set it), ``FLASK_DEBUG=1`` or ``TESTING``.
* NUL characters are removed from every form field and query parameter as the request is
  parsed: nobody types one, PostgreSQL cannot store one, and a query with one fails.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, Request, Response, request
from werkzeug.datastructures import ImmutableMultiDict, iter_multi_items
from werkzeug.middleware.proxy_fix import ProxyFix

from config import DEV_SECRET_KEY

if TYPE_CHECKING:
    from flask_limiter import Limiter

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
#: endpoint → (config key of the limit, HTTP methods it counts; None: all)
RATE_LIMITS: dict[str, tuple[str, list[str] | None]] = {
    "respond.open_link": ("ESMON_RATELIMIT_LINK", None),
    "auth.login": ("ESMON_RATELIMIT_LOGIN", ["POST"]),
    "new_link.ask": ("ESMON_RATELIMIT_NEW_LINK", ["POST"]),
}


def _address_asked_for() -> str:
    """The e-mail address a "send me a new link" form asks for: its own count."""
    return "new-link:" + (request.form.get("email") or "").strip().lower()


#: limits counted per what a form asks for rather than per client address
KEYED_RATE_LIMITS: dict[str, tuple[str, list[str] | None, Callable[[], str]]] = {
    "new_link.ask": ("ESMON_RATELIMIT_NEW_LINK_ADDRESS", ["POST"], _address_asked_for),
}
MIN_SECRET_LENGTH = 16
#: Flask-Limiter's settings of limits on every endpoint (esmon sets none of them)
_WHOLE_APP_LIMITS = ("RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_META")


class NulFreeMultiDict(ImmutableMultiDict):
    """Parsed form fields and query parameters, with NUL characters taken out."""

    def __init__(self, mapping=None):
        if mapping is not None:
            mapping = [(_without_nul(key), _without_nul(value))
                       for key, value in iter_multi_items(mapping)]
        super().__init__(mapping)


def _without_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class NulFreeRequest(Request):
    parameter_storage_class = NulFreeMultiDict


class InsecureConfiguration(RuntimeError):
    """Production settings that must not go live; the message says what to change."""


#: ``ESMON_ENV`` of a throwaway instance a benchmark starts (a real key, extra endpoints)
BENCHMARK = "benchmark"


def environment(app: Flask) -> str:
    """``ESMON_ENV`` as written, lower-case (empty when unset)."""
    return str(app.config.get("ESMON_ENV") or "").strip().lower()


def is_development(app: Flask) -> bool:
    """Development is declared, never assumed: ``ESMON_ENV=development``, or (with no
    ``ESMON_ENV`` at all) debug or testing.

    The one test every entry point goes through (``create_app``): anything else — an unset
    ``ESMON_ENV`` included — runs with production's rules.
    """
    declared = environment(app)
    if declared:
        return declared == "development"
    return bool(app.debug or app.testing)


def is_production(app: Flask) -> bool:
    """Neither development nor a benchmark's throwaway instance."""
    return not is_development(app) and environment(app) != BENCHMARK


def check_production(app: Flask) -> None:
    """Refuse to run outside development with a secret anybody can read in the repository.

    :raise InsecureConfiguration: with the reason in Polish.
    """
    if is_development(app):
        return
    key = app.config.get("SECRET_KEY") or ""
    if key == DEV_SECRET_KEY or len(str(key)) < MIN_SECRET_LENGTH:
        raise InsecureConfiguration(
            "esmon nie uruchomi się poza trybem deweloperskim z deweloperskim albo zbyt "
            "krótkim kluczem SECRET_KEY: każdy, kto zna ten klucz, może podrobić sesję "
            "respondenta lub pracownika. Ustaw zmienną środowiskową SECRET_KEY na losowy ciąg "
            f"(co najmniej {MIN_SECRET_LENGTH} znaków), np. wynik polecenia: python -c "
            "\"import secrets; print(secrets.token_hex(32))\". Na własnym komputerze "
            "(dane pokazowe, testy) ustaw ESMON_ENV=development — robią to make run i make "
            "test.")


def init_app(app: Flask) -> Limiter:
    """Install headers, cookie settings, the proxy fix and the rate limits.

    Call it after the blueprints are registered: the limits wrap their view functions.
    """
    if app.config.get("ESMON_HTTPS"):
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.request_class = NulFreeRequest
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")

    proxies = int(app.config.get("ESMON_PROXY_FIX") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies)  # type: ignore[method-assign]

    @app.after_request
    def _security_headers(response: Response) -> Response:
        # as ``setdefault`` for each: a header the view set is kept (names compared without
        # case); setdefault raised and caught a KeyError for each of the six it then added
        present = {name.lower() for name, _ in response.headers}
        response.headers.extend([(name, value) for name, value in HEADERS.items()
                                 if name.lower() not in present])
        if request.endpoint != "static":
            # answers, registers, reports: nothing a shared computer's cache may keep
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("SESSION_COOKIE_SECURE") or request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response

    return _init_limiter(app)


def _init_limiter(app: Flask) -> Limiter:
    """One limiter per app (tests build many apps), limiting only the endpoints listed."""
    from flask_limiter import Limiter  # here: commands that serve no page never import it
    from flask_limiter.util import get_remote_address

    app.config.setdefault("RATELIMIT_ENABLED", not app.testing)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    if (is_production(app) and app.config["RATELIMIT_ENABLED"]
            and str(app.config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory")):
        app.logger.warning(
            "Limity zapytań liczone osobno w każdym procesie (RATELIMIT_STORAGE_URI=memory://); "
            "przy kilku procesach lub serwerach ustaw redis://…", extra={"event": "config"})
    hooks_before = _hook_counts(app)
    limiter = Limiter(key_func=get_remote_address, app=app)
    app.extensions["esmon_limiter"] = limiter  # the limit decorators hold it only weakly
    limited: set[str] = set()
    for endpoint, (setting, methods) in RATE_LIMITS.items():
        view = app.view_functions.get(endpoint)
        limit = app.config.get(setting)
        if view is not None and limit:
            app.view_functions[endpoint] = limiter.limit(limit, methods=methods)(view)
            limited.add(endpoint)
    for endpoint, (setting, methods, key) in KEYED_RATE_LIMITS.items():
        view = app.view_functions.get(endpoint)
        limit = app.config.get(setting)
        if view is not None and limit:
            app.view_functions[endpoint] = limiter.limit(
                limit, methods=methods, key_func=key, scope=setting)(view)
            limited.add(endpoint)
    api_limit = app.config.get("ESMON_RATELIMIT_API")
    for endpoint, view in list(app.view_functions.items()):
        if endpoint.startswith("api.") and api_limit:
            app.view_functions[endpoint] = limiter.limit(api_limit, key_func=_api_caller)(view)
            limited.add(endpoint)
    if not any(app.config.get(setting) for setting in _WHOLE_APP_LIMITS):
        # only the endpoints above have limits: any other request (every respondent page,
        # every staff page) has nothing to count, and skips Flask-Limiter altogether
        app.extensions["esmon_limiter_hooks_guarded"] = _hooks_only_where_limited(
            app, hooks_before, limited)
    return limiter


_HOOK_LISTS = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs")


def _hook_counts(app: Flask) -> dict[str, int]:
    return {name: len(getattr(app, name).get(None, ())) for name in _HOOK_LISTS}


def _hooks_only_where_limited(app: Flask, counts: dict[str, int], limited: set[str]) -> int:
    """Make the hooks Flask-Limiter added return at once on an endpoint with no limit.

    Each request paid for its before/after/teardown hooks finding out that nothing
    applied (the limits' lookup, a context dict, the header check): about 0.1 ms of a
    5 ms section GET + POST. The limited endpoints run them as they were. Returns how many
    hooks were guarded.
    """
    guarded = 0
    for name in _HOOK_LISTS:
        hooks = getattr(app, name).setdefault(None, [])
        for position in range(counts[name], len(hooks)):
            hooks[position] = _unless_unlimited(hooks[position], limited, name)
            guarded += 1
    return guarded


def _unless_unlimited(hook: Callable, limited: set[str], kind: str) -> Callable:
    if kind == "after_request_funcs":
        def after(response: Response) -> Response:
            return hook(response) if request.endpoint in limited else response
        return after

    def other(*args: object) -> None:
        if request.endpoint in limited:
            hook(*args)
    return other


def safe_local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site (``/…``), else ``None``: never another host.

    The one rule for every ``next=`` and Referer redirect (login, language switch): a scheme,
    a host, ``//host``, a backslash (browsers read ``/\\host`` as ``//host``), control
    characters or a relative path are all refused.
    """
    if not target or target.startswith("//") or any(
            ord(char) < 32 or ord(char) == 127 for char in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    path = parts.path
    if not path.startswith("/") or path.startswith("//") or "\\" in target:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _api_caller() -> str:
    """API calls are counted per token (a script behind a shared proxy has its own budget);
    without one, per address."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return "token:" + hashlib.sha256(header[7:].strip().encode()).hexdigest()[:32]
    return request.remote_addr or "127.0.0.1"  # Flask-Limiter's get_remote_address
