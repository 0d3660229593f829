"""``make serve`` is the whole production process model: it starts gunicorn and the mail worker,
so an invitation launched on the web page reaches the SMTP server with no other command."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from html import unescape

import pytest

from app import create_app
from extensions import db

from support import ROOT, SAMPLE_TERC, STAFF_PASSWORD, make_config
from support.smtp import free_port

pytestmark = pytest.mark.sqlite_only  # one run is enough: the processes are what is tested


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "make serve stopped:\n" + process.stdout.read()
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise AssertionError("gunicorn did not answer /healthz")


class Browser:
    """Just enough of a browser: cookies, forms with their CSRF token, no redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=20) as reply:
            return reply.read().decode()

    def post(self, path: str, page: str, **fields: str) -> int:
        data = {name: unescape(value) for name, value in re.findall(
            r'<input[^>]*name="(csrf_token|confirm)"[^>]*value="([^"]*)"', page)}
        data.update(fields)
        request = urllib.request.Request(self.base + path,
                                         data=urllib.parse.urlencode(data).encode())
        try:
            with self.opener.open(request, timeout=20) as reply:
                return reply.status
        except urllib.error.HTTPError as err:  # a redirect we do not follow
            return err.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_make_serve_delivers_an_invitation_by_itself(tmp_path, smtp_server):
    database = f"sqlite:///{tmp_path / 'esmon.sqlite'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ESMON_", "MAIL_", "FLASK_", "DATABASE_URL", "RATELIMIT"))}
    env.update(DATABASE_URL=database, SECRET_KEY="serve-test-" + "x" * 32,
               ESMON_BIND=f"127.0.0.1:{port}", ESMON_WORKERS="1", ESMON_BASE_URL=base,
               MAIL_SERVER="127.0.0.1", MAIL_PORT=str(smtp_server.port), PYTHONUNBUFFERED="1")
    # -o: take the virtualenv as installed; the recipe run is the one `make serve` runs
    process = subprocess.Popen(["make", "-s", "-o", ".venv/.installed", "serve"], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    try:
        _wait_healthy(base, process)
        app = create_app(make_config(database, tmp_path, MAIL_SEND_INLINE=False),
                         read_environment=False)
        with app.app_context():
            from models import Unit, User
            from services.questionnaires import sync_questionnaires
            from services.rounds import create_round
            from services.teryt import import_terc_file

            import_terc_file(SAMPLE_TERC)
            db.session.add(Unit(kind="gmina", teryt="160402", name="Gmina Kluczbork",
                                emails="gmina@kluczbork.example.pl"))
            user = User(email="admin@rops.example.pl", role="admin")
            user.set_password(STAFF_PASSWORD)
            db.session.add(user)
            jst = next(q for q in sync_questionnaires() if q.key == "jst-annual")
            from datetime import date, timedelta

            round_id = create_round(jst, period="2025", reporting_year=2025,
                                    opens_on=date.today(),
                                    deadline=date.today() + timedelta(days=30)).id
            db.session.commit()
            db.engine.dispose()
        browser = Browser(base)
        login = browser.get("/logowanie")
        assert browser.post("/logowanie", login, email="admin@rops.example.pl",
                            password=STAFF_PASSWORD) == 302
        confirmation = browser.get(f"/admin/rundy/{round_id}/uruchom")
        assert "dostanie teraz e-mail z zaproszeniem" in confirmation
        assert browser.post(f"/admin/rundy/{round_id}/uruchom", confirmation) == 302
        assert smtp_server.wait_for(1, timeout=60), "the mail worker did not send"
        mail = smtp_server.received[0]
        assert mail.rcpt_tos == ("gmina@kluczbork.example.pl",)
        assert "prośba o wypełnienie ankiety" in mail.subject
        assert f"{base}/r/" in mail.text
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
    assert re.search(r"\bweb\.1\s*\|", output), output[-3000:]
    assert re.search(r"\bmail\.1\s*\| Worker ", output), output[-3000:]
