"""``flask demo`` gives a newcomer links that work and a staff login."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from extensions import db
from models import Invitation, OutboxMessage, Round, User


def test_demo_prints_working_links_and_an_admin_login(app, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    links = re.findall(r"http://esmon\.test/r/([A-Za-z0-9_-]+)", result.output)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Round)) == 4
        assert len(links) == db.session.scalar(select(func.count()).select_from(Invitation))
        assert db.session.scalar(select(User)).role == "admin"
        invitations = db.session.scalar(select(func.count()).select_from(Invitation))
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).filter_by(
            kind="invitation")) == invitations
    client = app.test_client()
    for token in links:
        assert client.get(f"/r/{token}").status_code == 303
        assert client.get("/ankieta").status_code == 200
    password = re.search(r"admin@rops\.example\.pl / (\S+)", result.output).group(1)
    login = client.post("/logowanie", data={"email": "admin@rops.example.pl",
                                            "password": password})
    assert login.status_code == 302
    again = runner.invoke(args=["demo"])  # running it again keeps data and gives fresh links
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Round)) == 4
