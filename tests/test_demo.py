"""``flask demo`` shows the product: logins, a region's register, last year's round all
accepted, this year's halfway through, reports with numbers and a year-over-year column."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

import openpyxl
import pytest
from sqlalchemy import func, select

from commands.demo import SHARED_TERC
from extensions import db
from l10n.clock import POLAND, today_in_poland
from models import (
    AuditEvent,
    CallAttempt,
    Invitation,
    OutboxMessage,
    Questionnaire,
    Response,
    Round,
    User,
)
from services.demo import PDF_COPIES
from services.demo_organisations import DEMO_LOGINS, ROUND_OWNERS
from services.questionnaires import survey_for_round
from services.responses import submission_issues

from support import SAMPLE_TERC
from support.pdfs import office_binary

DEMO = ["demo", "--terc", str(SAMPLE_TERC)]


@pytest.fixture
def demo(app, runner):
    result = runner.invoke(args=DEMO)
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.output


def _shipped(app) -> int:
    """Questionnaires in survey_defs/: the demo makes last year's and this year's round of each."""
    return len(app.extensions["esmon_surveys"].by_key)


def _keys(app) -> list[str]:
    return list(app.extensions["esmon_surveys"].by_key)


def _printed_pages(workbook, folder) -> int:
    """The workbook printed by LibreOffice (headless, as a user's "print to PDF")."""
    import subprocess

    from pypdf import PdfReader

    subprocess.run([office_binary(), f"-env:UserInstallation={(folder / 'lo').as_uri()}",
                    "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
                    str(folder), str(workbook)], check=True, capture_output=True, timeout=240)
    return len(PdfReader(str(workbook.with_suffix(".pdf"))).pages)


def _rounds(app, status: str) -> list[Round]:
    with app.app_context():
        return db.session.scalars(select(Round).filter_by(status=status).order_by(Round.id)).all()


def test_demo_prints_working_links_and_two_logins(app, runner, demo):
    links = re.findall(r"http://esmon\.test/r/([A-Za-z0-9_-]+)", demo)
    assert len(links) >= 4  # a fresh questionnaire for each kind, and returned ones
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Round)) == 2 * _shipped(app)
        assert {u.role for u in db.session.scalars(select(User))} == {"admin", "coordinator"}
        assert db.session.scalar(select(func.count()).select_from(User)) == 2 + len(DEMO_LOGINS)
        # a few confirmations carry the PDF copy of the answers, the rest go as text (fast)
        confirmations = db.session.scalars(select(OutboxMessage).filter_by(
            kind="confirmation")).all()
        assert len(confirmations) > PDF_COPIES
        assert [len(m.attachments) for m in confirmations].count(1) == PDF_COPIES
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).filter_by(
            kind="invitation")) == db.session.scalar(
            select(func.count()).select_from(Invitation).join(Round).where(
                Round.status == "open"))
    client = app.test_client()
    for token in links:
        assert client.get(f"/r/{token}").status_code == 303
        assert client.get("/ankieta").status_code == 200
    for email in ("admin@rops.example.pl", "koordynator@rops.example.pl"):
        password = re.search(re.escape(email) + r" / (\S+)", demo).group(1)
        staff = app.test_client()
        login = staff.post("/logowanie", data={"email": email, "password": password})
        assert login.status_code == 302, email
    # the coordinator's dashboard: every round of the ROPS with sent responses, the oldest
    # wait first (the other deployments' rounds are theirs)
    with app.app_context():
        rops = db.session.scalar(select(User.organisation_id).filter_by(email=email))
        waiting = db.session.execute(
            select(Round.id, func.min(Response.submitted_at)).select_from(Response)
            .join(Invitation, Invitation.id == Response.invitation_id)
            .join(Round, Round.id == Invitation.round_id)
            .where(Response.status == "submitted", Round.organisation_id == rops)
            .group_by(Round.id).order_by(func.min(Response.submitted_at))).all()
    worklist = staff.get("/admin/").text.split('id="worklist-title"')[1].split("</ul>")[0]
    linked = [int(i) for i in re.findall(r"/admin/odpowiedzi/runda/(\d+)\?stan=submitted",
                                         worklist)]
    assert linked == [round_id for round_id, _oldest in waiting]
    # this year's round of each questionnaire the ROPS runs itself
    assert len(linked) == _shipped(app) - len(set(ROUND_OWNERS) & set(_keys(app)))
    again = runner.invoke(args=DEMO)  # running it again keeps data and gives fresh links
    assert again.exit_code == 0, again.output
    assert "hasło jak przy pierwszym uruchomieniu" in again.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Round)) == 2 * _shipped(app)


def test_last_year_is_all_accepted_and_this_year_a_mix_of_valid_answers(app, demo):
    closed, open_ = _rounds(app, "closed"), _rounds(app, "open")
    assert len(closed) == len(open_) == _shipped(app)
    with app.app_context():
        for round_ in closed:
            round_ = db.session.merge(round_)
            invitations = round_.invitations
            assert invitations
            assert all(i.response is not None
                                       and i.response.status == "accepted"
                                       for i in invitations)
        states: Counter = Counter()
        for round_ in open_:
            round_ = db.session.merge(round_)
            loaded = survey_for_round(round_)
            for invitation in round_.invitations:
                response = invitation.response
                states[response.status if response else "invited"] += 1
                if response is not None and response.status != "draft":
                    # what was sent passes every rule of the questionnaire, as a browser posts it
                    assert submission_issues(response, loaded) == [], invitation.unit.name
        assert set(states) == {"accepted", "submitted", "returned", "draft", "invited"}, states
        jst = next(r for r in open_ if r.questionnaire.key == "jst-annual")
        previous = {i.unit_id: i.response.answers for i in db.session.merge(
            next(r for r in closed if r.questionnaire.key == "jst-annual")).invitations}
        for invitation in db.session.merge(jst).invitations:
            if invitation.response is not None and invitation.response.status == "accepted":
                assert invitation.unit_id in previous  # a year-over-year pair
        warned = [r for r in db.session.scalars(select(Response)) if r.warnings]
        assert warned  # the review list's "with warnings" filter has something to show
        assert all(w["comment"] for r in warned for w in r.warnings.values())


def test_a_round_opened_three_weeks_ago_tells_its_story_with_its_own_dates(app, demo):
    """The round's history, its e-mails and the decisions on its responses are dated when they
    happened in the demo's story, not on the day the demo ran."""
    today = today_in_poland()
    now = datetime.now(UTC)

    def day(moment):
        return moment.astimezone(POLAND).date()

    with app.app_context():
        for round_ in db.session.scalars(select(Round)):
            launched = round_.launched_at
            assert day(launched) < today
            for event in db.session.scalars(select(AuditEvent).filter_by(
                    object_type="Round", object_id=round_.id)):
                assert event.at == (launched if event.action == "round_launch"
                                    else round_.closed_at), (round_.title, event.action)
            for message in db.session.scalars(select(OutboxMessage).filter_by(
                    round_id=round_.id)):
                assert message.sent_at is None or message.sent_at > message.created_at
                response = db.session.get(Invitation, message.invitation_id).response
                if message.kind == "invitation":
                    assert message.created_at == launched
                elif message.kind == "confirmation":
                    assert message.created_at == response.submitted_at
                else:  # the notice of a return: after the answers came, before the demo ran
                    assert response.submitted_at < message.created_at < now
        decisions = db.session.execute(
            select(AuditEvent.at, Response.submitted_at).join(
                Response, Response.id == AuditEvent.object_id)
            .where(AuditEvent.object_type == "Response")).all()
        assert decisions  # accepted and returned this year
        assert all(submitted < at for at, submitted in decisions)


def test_demo_reports_have_numbers_and_a_year_over_year_column(app, runner, demo, tmp_path):
    for round_ in _rounds(app, "open"):
        out = tmp_path / f"{round_.id}.xlsx"
        result = runner.invoke(args=["reports", "export", "--round", str(round_.id), "--kind",
                                     "regional", "--level", "powiat", "-o", str(out)])
        assert result.exit_code == 0, result.output
        sent = int(re.search(r"złożonych ankiet: (\d+)", result.output).group(1))
        assert sent > 0, round_.title
        yoy = openpyxl.load_workbook(out)["Powiat rok do roku"]
        header = [c.value for c in yoy[1]]
        groups = range(header.index("porównanie") + 1, header.index("uwagi"))
        series: dict[tuple[str, str, str], dict[int, object]] = {}
        for row in yoy.iter_rows(min_row=2):  # the groups across, a row per round
            series[(row[0].value, row[2].value, row[3].value)] = {g: row[g].value
                                                                  for g in groups}
        pairs = [(now[g], series[(c, m, "poprzednia runda")][g])
                 for (c, m, name), now in series.items() if name == "bieżąca runda"
                 and (c, m, "poprzednia runda") in series for g in groups
                 if isinstance(series[(c, m, "poprzednia runda")][g], int | float)]
        assert len(pairs) > 20, round_.title
        assert any(b for _, b in pairs), round_.title
        assert any(c != b for c, b in pairs), round_.title  # this year differs from last
    jst = next(r.id for r in _rounds(app, "open") if r.questionnaire.key == "jst-annual")
    if office_binary() is not None:  # printed: at most ~25 pages (issue 11; it was 30)
        pages = _printed_pages(tmp_path / f"{jst}.xlsx", tmp_path)
        assert 15 <= pages <= 25, pages
    with app.app_context():
        gmina = next(i.unit.teryt for i in db.session.get(Round, jst).invitations
                     if i.unit.kind == "gmina" and i.response is not None
                     and i.response.status == "accepted")
    out = tmp_path / "gmina.xlsx"
    result = runner.invoke(args=["reports", "export", "--round", str(jst), "--kind",
                                 "municipal", "--teryt", gmina, "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["Gmina"]
    column = [c.value for c in sheet[1]].index("poprzednia runda")
    assert any(isinstance(row[column].value, int | float) for row in sheet.iter_rows(min_row=2))


@pytest.mark.skipif(not SHARED_TERC.exists(),
                    reason="pełny rejestr TERC (../shared/data/teryt/) niedostępny")
def test_the_opolskie_demo_offers_its_twelve_powiats_only(app, runner):
    """The country's register goes in; the region's lists hold the 12 powiats of opolskie."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    password = re.search(r"admin@rops\.example\.pl / (\S+)", result.output).group(1)
    staff = app.test_client()
    staff.post("/logowanie", data={"email": "admin@rops.example.pl", "password": password})
    round_form = staff.get("/admin/rundy/nowa").text
    offered = set(re.findall(r'name="powiats" type="checkbox" value="(\d+)"', round_form))
    assert len(offered) == 12
    assert all(code.startswith("16") for code in offered)
    units = staff.get("/admin/jednostki/").text
    assert set(re.findall(r'<option value="(\d{4})"', units)) == offered
    jst = next(r for r in _rounds(app, "open") if r.questionnaire.key == "jst-annual")
    listed = staff.get(f"/admin/odpowiedzi/runda/{jst.id}").text
    chosen = re.findall(r'id="powiat-\d+" name="powiat" value="(\d+)"', listed)
    assert set(chosen) == offered
    assert [s["value"] for s in staff.get("/admin/podpowiedzi/gminy?q=brzeg").json] == [
        "160101"]  # not Brzeg Dolny or Brzegi of other regions


def _login(app, demo: str, email: str):
    password = re.search(re.escape(email) + r" / (\S+)", demo).group(1)
    client = app.test_client()
    assert client.post("/logowanie", data={"email": email, "password": password}
                       ).status_code == 302, email
    return client


def test_each_deployment_logs_in_to_its_own_scheme(app, demo):
    """Kluczbork's team sees its LPRES register and rounds, the OWES partner its subregion's
    units only, the national operator its plan rounds and its partner the Śląskie part."""
    kluczbork = _login(app, demo, "zespol@kluczbork.example.pl")
    dashboard = kluczbork.get("/admin/").text
    assert "monitoring LPRES" in dashboard
    assert "Formularz sprawozdawczy LPRES" in dashboard
    assert "Ankieta JST" not in dashboard
    register = kluczbork.get("/admin/jednostki/").text
    assert "Wydział Zamówień Publicznych" in register
    assert "Spółdzielnia Socjalna" in register
    assert "Miasto Opole" not in register

    rops = _login(app, demo, "rops@rops-katowice.example.pl").get("/admin/jednostki/").text
    assert "Częstochowie" in rops
    assert "Rybniku" in rops
    assert "Kluczbork" not in rops
    owes = _login(app, demo, "owes@owes-polnoc.example.pl").get("/admin/jednostki/").text
    assert "Częstochowie" in owes
    assert "Lublińcu" in owes
    assert "Rybniku" not in owes
    assert "Katowicach" not in owes
    assert "Bielsku" not in owes

    with app.app_context():
        plan = db.session.scalar(select(Round).join(Round.questionnaire).where(
            Round.status == "open", Questionnaire.key == "plan-uslug"))
        invited = {i.unit.teryt[:2] for i in plan.invitations}
        plan_id = plan.id
    assert invited == {"16", "24"}  # a round over two województwa
    operator = _login(app, demo, "operator@nowawiedza.example.pl")
    whole = operator.get(f"/admin/odpowiedzi/runda/{plan_id}").text
    assert "Gmina Kluczbork" in whole
    assert "Gmina Mykanów" in whole
    partner = _login(app, demo, "slask@nowawiedza.example.pl")
    part = partner.get(f"/admin/odpowiedzi/runda/{plan_id}").text
    assert "Gmina Mykanów" in part
    assert "Gmina Kluczbork" not in part
    # the ROPS of opolskie does not see the other deployments' rounds at all
    assert _login(app, demo, "admin@rops.example.pl").get(
        f"/admin/odpowiedzi/runda/{plan_id}").status_code == 404


def test_the_slaskie_half_year_round_has_its_framework_report_and_calls(app, runner, demo,
                                                                       tmp_path):
    """The shipped half-year questionnaire runs for a half; its framework report by OWES
    subregion lists exactly the units without a counted answer; the OWES has its call-back."""
    with app.app_context():
        round_ = db.session.scalar(select(Round).join(Round.questionnaire).where(
            Round.status == "open", Questionnaire.key == "slaskie-polrocze"))
        assert re.fullmatch(r"\d{4}-H[12]", round_.period)
        missing = {i.unit.name for i in round_.invitations
                   if i.response is None or i.response.status not in ("submitted", "accepted")}
        round_id = round_.id
        callbacks = db.session.scalars(select(CallAttempt).filter_by(outcome="callback")).all()
        assert [c.caller.email for c in callbacks] == ["owes@owes-polnoc.example.pl"]
        assert callbacks[0].invitation.unit.teryt[:4] in ("2404", "2406", "2407", "2409", "2464")
    assert missing
    out = tmp_path / "polrocze.xlsx"
    result = runner.invoke(args=["reports", "export", "--round", str(round_id), "--kind",
                                 "half-year", "--podregiony", "owes", "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    listed = {row[0] for row in book["Brakujące jednostki"].iter_rows(min_row=2, values_only=True)}
    assert listed == missing
    subregions = {row[0] for row in book["Postęp"].iter_rows(min_row=2, values_only=True)}
    assert {"północny", "zachodni", "południowy", "centralny"} <= subregions


def test_the_outbox_copies_are_dated_when_the_story_sent_them(app, demo):
    """An ``.eml`` copy of an invitation sent "three weeks ago" says so in its Date header."""
    from email import message_from_bytes
    from email.utils import parsedate_to_datetime

    from mailing.compose import message_id
    from mailing.transport import outbox_folder

    today = today_in_poland()
    checked = 0
    with app.app_context():
        folder = outbox_folder(app)
        for message in db.session.scalars(select(OutboxMessage).filter_by(
                status="sent", kind="invitation")):
            name = message_id(app, message.id, message.created_at).strip("<>").split("@")[0]
            copy = message_from_bytes((folder / f"{name}.eml").read_bytes())
            sent = parsedate_to_datetime(copy["Date"])
            stored = message.sent_at if message.sent_at.tzinfo else message.sent_at.replace(
                tzinfo=UTC)
            assert abs((sent - stored).total_seconds()) < 1, name
            assert sent.astimezone(POLAND).date() < today
            checked += 1
    assert checked
