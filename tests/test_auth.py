"""Staff accounts: login, throttling, roles on every staff route, CSRF."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app import create_app
from extensions import db
from models import User
from security import safe_local_path

from support import STAFF_PASSWORD

#: endpoints anyone may open: login, logout and static files
PUBLIC = {"static", "auth.login", "auth.logout"}
#: blueprints anyone may open: public pages, the health check, the respondent's pages
#: (guarded by the personal link), "send me a new link" (same answer for any address) and the
#: data API (guarded by personal API tokens, each route checked in tests/test_api.py)
PUBLIC_BLUEPRINTS = {"pages", "respond", "autosave", "health", "new_link", "api"}


def _staff_endpoints(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.split(".")[0] in PUBLIC_BLUEPRINTS:
            continue
        yield rule


def _url(app, rule) -> str:
    """A concrete URL for a rule: ids are 1, a choice takes its first option."""
    values = {}
    for name, converter in rule._converters.items():  # noqa: SLF001
        items = getattr(converter, "items", None)
        values[name] = sorted(items)[0] if items else 1
    return app.url_map.bind("localhost").build(rule.endpoint, values)


def test_every_staff_route_declares_roles(app):
    rules = list(_staff_endpoints(app))
    assert len(rules) >= 10
    for rule in rules:
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "required_roles", None), f"{rule.endpoint} has no role check"


def test_anonymous_is_sent_to_login_on_every_staff_route(app, client):
    for rule in _staff_endpoints(app):
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            page = client.open(_url(app, rule), method=method)
            assert page.status_code == 302, (rule.rule, method, page.status_code)
            assert "/logowanie" in page.headers["Location"]


def test_coordinator_cannot_use_admin_routes(app, login):
    client = login("coordinator")
    admin_only = [r for r in _staff_endpoints(app)
                  if app.view_functions[r.endpoint].required_roles == ("admin",)]
    assert admin_only
    for rule in admin_only:
        method = "POST" if "POST" in rule.methods else "GET"
        assert client.open(_url(app, rule), method=method).status_code == 403, rule.rule
    assert client.get("/admin/").status_code == 200


def test_users_create_reads_password_from_stdin_and_hashes_it(app, runner):
    result = runner.invoke(args=["users", "create", "Ewa@ROPS.example.pl", "--role", "admin"],
                           input="haslo-z-wejscia-1\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == "ewa@rops.example.pl"
        assert user.role == "admin"
        assert "haslo-z-wejscia-1" not in user.password_hash
        assert user.password_hash.startswith("scrypt:")
        assert user.check_password("haslo-z-wejscia-1")


def test_users_create_refuses_short_password(runner):
    result = runner.invoke(args=["users", "create", "a@b.pl"], input="krotkie\n")
    assert result.exit_code != 0
    assert "co najmniej 10 znaków" in result.output


def test_login_and_logout(client, staff_user):
    staff_user("jan@rops.example.pl", "admin")
    page = client.post("/logowanie", data={"email": "JAN@rops.example.pl",
                                           "password": STAFF_PASSWORD})
    assert page.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200
    client.post("/wyloguj")
    assert client.get("/admin/").status_code == 302


HOSTILE_NEXT = [
    "//evil.example.com/x", "https://evil.example.com/", "http:evil.example.com",
    "/\\evil.example.com", "\\\\evil.example.com", "/\t/evil.example.com",
    "javascript:alert(1)", "evil.example.com/admin", "///evil.example.com",
    "%2F%2Fevil.example.com", "/admin/\r\nLocation: https://evil.example.com",
]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_hostile_next_is_refused_by_the_one_rule(target):
    assert safe_local_path(target) is None


@pytest.mark.parametrize("target", ["/admin/", "/admin/rundy/3?strona=2", "/"])
def test_local_next_is_kept(target):
    assert safe_local_path(target) == target


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_and_language_switch_never_redirect_to_a_hostile_next(client, staff_user, target):
    staff_user("jan@rops.example.pl", "admin")
    login = client.post("/logowanie", query_string={"next": target},
                        data={"email": "jan@rops.example.pl", "password": STAFF_PASSWORD})
    assert urlsplit(login.headers["Location"]).path == "/admin/"
    switch = client.get("/jezyk/en", query_string={"next": target})
    location = urlsplit(switch.headers["Location"])
    assert not location.netloc
    assert not location.path.startswith("//")


def test_wrong_password_gets_one_polish_message(client, staff_user):
    staff_user("jan@rops.example.pl", "admin")
    page = client.post("/logowanie", data={"email": "jan@rops.example.pl", "password": "zle"})
    assert page.status_code == 200
    assert "Nieprawidłowy e-mail lub hasło." in page.text


def test_login_is_throttled_after_repeated_failures(client, staff_user):
    staff_user("jan@rops.example.pl", "admin")
    for _ in range(5):
        client.post("/logowanie", data={"email": "jan@rops.example.pl", "password": "zle"})
    page = client.post("/logowanie", data={"email": "jan@rops.example.pl",
                                           "password": STAFF_PASSWORD})
    assert page.status_code == 429
    assert "Zbyt wiele nieudanych prób" in page.text


def test_next_parameter_never_leaves_the_site(client, staff_user):
    staff_user("jan@rops.example.pl", "admin")
    page = client.post("/logowanie?next=//evil.example.com/x",
                       data={"email": "jan@rops.example.pl", "password": STAFF_PASSWORD})
    assert page.headers["Location"].endswith("/admin/")


@pytest.fixture
def csrf_app(app_config):
    application = create_app({**app_config, "WTF_CSRF_ENABLED": True}, read_environment=False)
    with application.app_context():
        db.create_all()
    yield application
    with application.app_context():
        db.drop_all()
        db.engine.dispose()


def test_post_without_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    page = client.post("/logowanie", data={"email": "a@b.pl", "password": "x"})
    assert page.status_code == 400
    assert "Formularz wygasł" in page.text
    assert client.post("/ankieta/wyslij").status_code == 400
