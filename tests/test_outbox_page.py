"""The admin outbox page: in the embedded default, messages land as .eml files listed there."""

from __future__ import annotations

from sqlalchemy import select

from extensions import db
from models import Round, Unit
from services.rounds import launch_round


def test_invitations_appear_as_eml_files_on_the_outbox_page(app, world, login, runner,
                                                            app_config, tmp_path):
    unit_id = world.unit("gmina", "160402", name="Gmina <b>Kluczbork</b>",
                         emails="kluczbork@example.pl")
    round_id = world.round("jst-annual", status="draft")
    with app.app_context():
        launch_round(db.session.get(Round, round_id), [db.session.get(Unit, unit_id)])
        db.session.commit()
    result = runner.invoke(args=["mail-worker", "--once"])
    assert result.exit_code == 0, result.output
    files = list((tmp_path / "outbox").glob("*.eml"))
    assert len(files) == 1
    client = login("admin")
    page = client.get("/admin/poczta/")
    assert page.status_code == 200
    assert files[0].name in page.text
    assert "prośba o wypełnienie" in page.text
    eml = client.get(f"/admin/poczta/pliki/{files[0].name}")
    assert eml.status_code == 200
    assert eml.mimetype == "message/rfc822"
    assert b"kluczbork@example.pl" in eml.data
    with app.app_context():
        from models import OutboxMessage

        message_id = db.session.scalar(select(OutboxMessage.id))
    detail = client.get(f"/admin/poczta/{message_id}")
    assert "Gmina &lt;b&gt;Kluczbork&lt;/b&gt;" in detail.text
    assert client.get("/admin/poczta/pliki/..%2Fesmon.sqlite").status_code == 404


def test_coordinator_cannot_read_the_outbox(login):
    assert login("coordinator").get("/admin/poczta/").status_code == 403
