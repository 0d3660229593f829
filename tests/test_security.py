"""Production hardening: headers, cookies, rate limits, error pages, secrets, health, logs."""

from __future__ import annotations

import json
import os
import re
import runpy
import subprocess
import sys

import flask
import pytest

from app import create_app
from config import DEV_SECRET_KEY
from extensions import db
from security import CONTENT_SECURITY_POLICY, InsecureConfiguration

from support import ROOT, World
from support.scratch_db import truncate_all

TEMPLATES = ROOT / "templates"


def _build(app_config: dict, **overrides):
    return create_app({**app_config, **overrides}, read_environment=False)


@pytest.fixture
def build(app_config):
    """Build an app with its own settings and an empty schema; cleaned up like ``app``."""
    built = []

    def make(**overrides):
        application = _build(app_config, **overrides)
        with application.app_context():
            db.create_all()
        built.append(application)
        return application

    yield make
    for application in built:
        with application.app_context():
            db.session.remove()
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as connection:
                    truncate_all(connection, db.metadata)
            db.engine.dispose()


def _world(application) -> World:
    world = World(application)
    world.territories()
    return world


# --- headers and cookies -------------------------------------------------------------------

def test_security_headers_on_every_kind_of_response(app, client, world):
    token = world.invite(world.round("jst-annual"), world.unit())
    responses = {
        "page": client.get("/"),
        "login": client.get("/logowanie"),
        "static": client.get("/static/css/esmon.css"),
        "not found": client.get("/nie-ma-takiej-strony"),
        "link": client.get(f"/r/{token}"),
        "respondent": client.get("/ankieta"),
        "health": client.get("/healthz"),
    }
    for name, response in responses.items():
        headers = response.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, name
        assert "script-src 'self';" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["Referrer-Policy"] == "no-referrer", name
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["X-Frame-Options"] == "DENY", name
        assert "camera=()" in headers["Permissions-Policy"], name
        assert "Strict-Transport-Security" not in headers, name  # plain HTTP: no HSTS


def test_https_deployment_gets_hsts_and_secure_cookies(build):
    app = build(ESMON_HTTPS=True)
    world = _world(app)
    token = world.invite(world.round("jst-annual"), world.unit())
    page = app.test_client().get(f"/r/{token}")
    assert page.status_code == 303
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_httponly_lax_and_not_secure_on_plain_http(client, world):
    token = world.invite(world.round("jst-annual"), world.unit())
    cookie = client.get(f"/r/{token}").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def _page_templates():
    """Templates rendered as web pages (e-mails are not under the site's CSP, nor the printed
    documents of templates/paper/, which WeasyPrint lays out and no browser is sent)."""
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] not in ("email", "paper"):
            yield path


def test_templates_have_nothing_the_csp_would_block():
    checked = 0
    for path in _page_templates():
        text = path.read_text(encoding="utf-8")
        checked += 1
        for tag in re.findall(r"<script\b[^>]*>", text, re.I):
            assert "src=" in tag or 'type="application/json"' in tag, (
                f"{path.name}: inline executable script {tag}")
        assert not re.search(r"\sstyle\s*=", text, re.I), f"{path.name}: style= attribute"
        assert not re.search(r"<style\b", text, re.I), f"{path.name}: <style> element"
        assert not re.search(r"\son[a-z]+\s*=", text, re.I), f"{path.name}: on…= handler"
        assert "javascript:" not in text.lower(), f"{path.name}: javascript: URL"
    assert checked >= 10


def test_section_page_embeds_logic_as_data_only(client, world):
    token = world.invite(world.round("jst-annual"), world.unit())
    client.get(f"/r/{token}")
    from services.questionnaires import registry

    with client.application.app_context():
        first = registry().by_key["jst-annual"].survey.sections[0].id
    page = client.get(f"/ankieta/sekcja/{first}").text
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S)
    inline = [(attrs, body) for attrs, body in scripts if body.strip()]
    assert inline, "the section page carries its logic as JSON"
    for attrs, body in inline:
        assert 'type="application/json"' in attrs
        json.loads(body)
    assert all("src=" in attrs for attrs, body in scripts if not body.strip())


# --- rate limits ---------------------------------------------------------------------------

def test_limits_are_off_in_tests_by_default(client):
    for _ in range(30):
        assert client.get("/r/zly-token").status_code == 404


def test_personal_link_is_rate_limited_per_address_with_polish_page(build):
    app = build(RATELIMIT_ENABLED=True)
    client = app.test_client()
    for _ in range(20):
        assert client.get("/r/zgadywany-token").status_code == 404
    refused = client.get("/r/zgadywany-token")
    assert refused.status_code == 429
    assert "Zbyt wiele prób" in refused.text
    assert "Retry-After" in refused.headers
    assert refused.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    other = client.get("/r/zgadywany-token", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 404, "another address has its own count"


def test_an_app_wide_limit_still_counts_the_pages_without_one_of_their_own(build):
    app = build(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="3/minute")
    client = app.test_client()
    page = "/deklaracja-dostepnosci"
    assert [client.get(page).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_limiter_hooks_run_only_for_the_endpoints_it_limits(build, monkeypatch):
    from flask_limiter import Limiter

    checked = []
    original = Limiter._check_request_limit

    def counting(self, *args, **kwargs):
        checked.append(flask.request.endpoint)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Limiter, "_check_request_limit", counting)
    app = build(RATELIMIT_ENABLED=True)
    assert app.extensions["esmon_limiter_hooks_guarded"] == 3
    client = app.test_client()
    assert client.get("/deklaracja-dostepnosci").status_code == 200
    assert checked == [], "a page with no limit never enters Flask-Limiter"
    limited = client.post("/logowanie", data={"email": "a@example.pl", "password": "zle"})
    assert set(checked) == {"auth.login"}, "a limited endpoint is still checked"
    assert "X-RateLimit-Limit" in limited.headers, "and still gets its headers"


def test_login_posts_are_rate_limited_but_the_form_still_opens(build):
    app = build(RATELIMIT_ENABLED=True)
    client = app.test_client()
    for attempt in range(10):  # other accounts: the per-account throttle stays out of it
        page = client.post("/logowanie", data={"email": f"x{attempt}@example.pl",
                                               "password": "zle"})
        assert page.status_code == 200
    refused = client.post("/logowanie", data={"email": "y@example.pl", "password": "zle"})
    assert refused.status_code == 429
    assert "Zbyt wiele prób" in refused.text
    assert "Spróbuj ponownie za kilka minut" in refused.text
    assert "Retry-After" in refused.headers
    assert client.get("/logowanie").status_code == 200


def test_proxy_fix_makes_the_forwarded_address_the_one_counted(build):
    app = build(RATELIMIT_ENABLED=True, ESMON_PROXY_FIX=1, ESMON_RATELIMIT_LINK="2/minute")
    client = app.test_client()

    def get(address):
        return client.get("/r/x", headers={"X-Forwarded-For": address}).status_code

    assert [get("198.51.100.1") for _ in range(3)] == [404, 404, 429]
    assert get("198.51.100.2") == 404


# --- error pages ---------------------------------------------------------------------------

def test_too_large_request_gets_the_polish_413_page(client):
    page = client.post("/logowanie", data={"email": "a" * (6 * 1024 * 1024), "password": "x"})
    assert page.status_code == 413
    assert "Plik jest za duży" in page.text
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_unexpected_error_shows_polish_page_without_traceback(app_config, capsys):
    app = _build(app_config, TESTING=False, PROPAGATE_EXCEPTIONS=False, ESMON_ENV="development")

    @app.get("/_boom")
    def boom():
        raise RuntimeError("tajny-szczegol-bledu")

    page = app.test_client().get("/_boom")
    assert page.status_code == 500
    assert "Błąd serwera" in page.text
    assert "Traceback" not in page.text
    assert "tajny-szczegol-bledu" not in page.text
    assert page.headers["X-Request-ID"]
    logged = [line for line in capsys.readouterr().err.splitlines()
              if "tajny-szczegol-bledu" in line]
    assert logged, "the error is logged for staff"
    assert all(line.startswith("ts=") for line in logged), "one structured line an event"
    assert any("level=error" in line and "Traceback" in line for line in logged)


# --- secrets -------------------------------------------------------------------------------

def test_production_refuses_the_development_secret_key(app_config):
    with pytest.raises(InsecureConfiguration, match="SECRET_KEY") as refused:
        _build(app_config, ESMON_ENV="production", SECRET_KEY=DEV_SECRET_KEY)
    assert "poza trybem deweloperskim" in str(refused.value)
    with pytest.raises(InsecureConfiguration):
        _build(app_config, ESMON_ENV="production", SECRET_KEY="krotki")
    started = _build(app_config, ESMON_ENV="production", SECRET_KEY="x" * 40)
    assert started.config["ESMON_ENV"] == "production"


def test_development_mode_still_starts_with_the_development_key(app_config):
    assert _build(app_config, SECRET_KEY=DEV_SECRET_KEY, ESMON_ENV="development")


def _start(code: str, env: dict, *args: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("ESMON_ENV", "SECRET_KEY", "FLASK_DEBUG", "ESMON_TESTING")}
    return subprocess.run([sys.executable, *(["-c", code] if code else []), *args],
                          env={**clean, "MAIL_OUTBOX_DIR": "/tmp/esmon-test-outbox", **env},
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


#: entry points that build the app: another WSGI server, ``flask run`` on a server, a worker
ENTRY_POINTS = {
    "create_app()": ("from app import create_app; create_app()", ()),
    "flask run": ("", ("-m", "flask", "--app", "app", "run", "--port", "1")),
    "mail worker": ("", ("-m", "flask", "--app", "app", "mail-worker", "--once")),
}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_every_entry_point_refuses_the_development_key_unless_development(entry, tmp_path):
    code, args = ENTRY_POINTS[entry]
    database = {"DATABASE_URL": f"sqlite:///{tmp_path / 'esmon.sqlite'}"}
    refused = _start(code, database, *args)
    assert refused.returncode != 0
    assert "SECRET_KEY" in refused.stderr
    assert "ESMON_ENV=development" in refused.stderr
    if entry != "flask run":  # it would start serving: the refusal above is what matters
        _start("", {**database, "ESMON_ENV": "development"},
               "-m", "flask", "--app", "app", "db", "upgrade")
        started = _start(code, {**database, "ESMON_ENV": "development"}, *args)
        assert "InsecureConfiguration" not in started.stderr
        assert started.returncode == 0, started.stderr[-2000:]
        real_key = _start(code, {**database, "SECRET_KEY": "k" * 40}, *args)
        assert real_key.returncode == 0, real_key.stderr[-2000:]


def test_only_a_declared_development_allows_the_development_key(app_config):
    app_config.pop("TESTING")
    with pytest.raises(InsecureConfiguration):
        _build(app_config, SECRET_KEY=DEV_SECRET_KEY, ESMON_ENV="")  # nothing: production
    with pytest.raises(InsecureConfiguration):
        _build(app_config, SECRET_KEY=DEV_SECRET_KEY, ESMON_ENV="staging")
    assert _build(app_config, SECRET_KEY=DEV_SECRET_KEY, ESMON_ENV="", DEBUG=True)
    assert _build(app_config, SECRET_KEY=DEV_SECRET_KEY, ESMON_ENV="development")


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    import os

    # gunicorn.conf.py sets ESMON_ENV in os.environ: give the whole environment back after
    monkeypatch.setattr(os, "environ", os.environ.copy())
    monkeypatch.delenv("ESMON_ENV", raising=False)
    monkeypatch.delenv("ESMON_BIND", raising=False)
    monkeypatch.setenv("ESMON_WORKERS", "3")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert settings["workers"] == 3
    assert settings["bind"] == "127.0.0.1:8000"
    formatter = settings["logconfig_dict"]["formatters"]["esmon"]["()"]
    assert formatter == "logging_setup.KeyValueFormatter", "gunicorn logs in the app's format"
    assert os.environ["ESMON_ENV"] == "production", "gunicorn is the production server"


def test_a_gunicorn_worker_freezes_what_loading_the_app_left(tmp_path):
    """``post_worker_init``: the loaded app's objects left out of every collection; in a
    process of its own (frozen objects would stay for the rest of the test run)."""
    code = (
        "import gc, json, runpy\n"
        "from app import create_app\n"
        f"create_app({{'SQLALCHEMY_DATABASE_URI': 'sqlite:///{tmp_path}/w.sqlite', "
        "'ESMON_ENV': 'development'}, read_environment=False)\n"
        "tracked = len(gc.get_objects())\n"
        f"runpy.run_path({str(ROOT / 'gunicorn.conf.py')!r})['post_worker_init'](None)\n"
        "print(json.dumps([tracked, gc.get_freeze_count(), len(gc.get_objects())]))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "ESMON_ENV": "development"})
    assert done.returncode == 0, done.stderr[-2000:]
    before, frozen, after = json.loads(done.stdout.strip().splitlines()[-1])
    assert frozen > 0.8 * before, "the app's objects are frozen"
    assert after < 0.05 * before, "and no longer walked by the collector"


# --- health --------------------------------------------------------------------------------

def test_healthz_answers_ok_without_login(client):
    page = client.get("/healthz")
    assert page.status_code == 200
    assert page.get_json() == {"status": "ok"}
    assert page.headers["Cache-Control"] == "no-store"


def test_healthz_answers_503_in_polish_when_the_database_is_down(app_config, tmp_path):
    missing = tmp_path / "nie-ma" / "takiego" / "folderu" / "baza.sqlite"
    app = _build(app_config, SQLALCHEMY_DATABASE_URI=f"sqlite:///{missing}", TESTING=False,
                 ESMON_ENV="development")
    page = app.test_client().get("/healthz")
    assert page.status_code == 503
    body = page.get_json()
    assert body["status"] == "error"
    assert "Baza danych nie odpowiada" in body["message"]


# --- structured logs -----------------------------------------------------------------------

def _request_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines()
            if "logger=esmon.request" in line]


def test_each_request_is_one_line_with_id_method_path_status_and_duration(build, capsys):
    app = build()
    world = _world(app)
    token = world.invite(world.round("jst-annual"), world.unit())
    capsys.readouterr()
    client = app.test_client()
    page = client.get(f"/r/{token}", headers={"X-Request-ID": "zgloszenie-42"})
    client.get("/logowanie", headers={"X-Request-ID": "zły identyfikator ze spacją"})
    lines = _request_lines(capsys)
    assert len(lines) == 2
    link, login_page = lines
    assert token not in link
    fields = dict(re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|\S+)', link))
    assert fields["event"] == "request"
    assert fields["request_id"] == "zgloszenie-42" == page.headers["X-Request-ID"]
    assert fields["method"] == "GET"
    assert fields["path"] == "/r/<redacted>"
    assert fields["status"] == "303"
    assert float(fields["duration_ms"]) >= 0
    assert "path=/logowanie" in login_page
    assert "status=200" in login_page
    assert "zły" not in login_page, "an unsafe incoming id is replaced"
    assert re.search(r"request_id=[0-9a-f]{32}\b", login_page)


def test_json_log_format(build, capsys):
    app = build(ESMON_LOG_FORMAT="json")
    capsys.readouterr()
    app.test_client().get("/r/sekretny-token-123")
    (line,) = [line for line in capsys.readouterr().err.splitlines()
               if '"logger": "esmon.request"' in line]
    record = json.loads(line)
    assert record["path"] == "/r/<redacted>"
    assert record["status"] == 404
    assert "sekretny-token-123" not in line


def test_nul_characters_never_reach_forms_or_queries(app, login):
    from flask import request

    with app.test_request_context("/?szukaj=a%00b", method="POST",
                                  data={"pole\x00": "1\x002", "inne": "bez zmian"}):
        assert request.args["szukaj"] == "ab"
        assert request.form["pole"] == "12"
        assert request.form["inne"] == "bez zmian"
    client = login("admin")
    assert client.get("/admin/jednostki/?szukaj=a%00b").status_code == 200


def _redis_problem(url: str) -> str | None:
    try:
        import redis
    except ImportError:
        return "pakiet redis nie jest zainstalowany"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as err:
        return f"Redis nieosiągalny pod {url}: {err}"
    return None


def test_processes_share_the_limit_through_redis(build):
    """Two app instances (two gunicorn processes or hosts) count one address together."""
    import uuid

    url = "redis://127.0.0.1:6379/0"
    problem = _redis_problem(url)
    if problem:
        pytest.skip(problem)
    settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": url,
                "RATELIMIT_KEY_PREFIX": f"esmon-test-{uuid.uuid4().hex}"}
    first, second = build(**settings).test_client(), build(**settings).test_client()
    for _ in range(10):
        assert first.get("/r/zgadywany-token").status_code == 404
        assert second.get("/r/zgadywany-token").status_code == 404
    assert first.get("/r/zgadywany-token").status_code == 429
    assert second.get("/r/zgadywany-token").status_code == 429


def test_gunicorn_with_several_workers_counts_limits_in_redis(monkeypatch):
    monkeypatch.setattr(os, "environ", os.environ.copy())
    for name in ("RATELIMIT_STORAGE_URI", "ESMON_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ESMON_WORKERS", "4")
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert os.environ["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379"
    monkeypatch.delenv("RATELIMIT_STORAGE_URI")
    monkeypatch.setenv("ESMON_WORKERS", "1")
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert "RATELIMIT_STORAGE_URI" not in os.environ  # one process: its memory is enough
    monkeypatch.setenv("ESMON_WORKERS", "3")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://cache:6379/2")
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert os.environ["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/2"  # an explicit choice


def test_an_unreachable_limit_store_does_not_break_the_login(app_config, tmp_path):
    app = _build(app_config, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="redis://127.0.0.1:1",
                 SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'limits.sqlite'}")
    with app.app_context():
        db.create_all()
    page = app.test_client().post("/logowanie", data={"email": "a@b.pl", "password": "x" * 10})
    assert page.status_code == 200
