"""Organisations: the commands, the admin page, the default organisation and regional partners."""

from __future__ import annotations

import re

from sqlalchemy import select

from extensions import db
from models import Organisation, Unit, User

from support import STAFF_PASSWORD
from support.organisations import add_slaskie, seed_organisation


def _login(app, email: str, password: str = STAFF_PASSWORD):
    client = app.test_client()
    page = client.post("/logowanie", data={"email": email, "password": password})
    assert page.status_code == 302, page.text
    return client


def test_commands_create_and_list_organisations_and_their_accounts(app, world, runner):
    made = runner.invoke(args=["organisations", "create", "Gmina Kluczbork",
                               "--scope", "gmina:1604023"])
    assert made.exit_code == 0, made.output
    assert "gmina:160402" in made.output
    made = runner.invoke(args=["organisations", "create", "Nowa wiedza", "--scope", "kraj"])
    assert made.exit_code == 0, made.output
    partner = runner.invoke(args=["organisations", "create", "Partner Opolskie",
                                  "--scope", "woj:16", "--partner-of", "nowa wiedza"])
    assert partner.exit_code == 0, partner.output
    user = runner.invoke(args=["users", "create", "ewa@kluczbork.example.pl", "--role", "admin",
                               "--organisation", "Gmina Kluczbork"],
                         input=STAFF_PASSWORD + "\n")
    assert user.exit_code == 0, user.output
    listed = runner.invoke(args=["organisations", "list"])
    assert "Gmina Kluczbork\tgmina:160402\tkont: 1" in listed.output
    assert "Partner Opolskie\twoj:16\tkont: 0\tpartner: Nowa wiedza" in listed.output
    assert "woj:16 (domyślna, ESMON_WOJEWODZTWO)" in listed.output
    with app.app_context():
        account = db.session.scalar(select(User).filter_by(email="ewa@kluczbork.example.pl"))
        assert account.organisation.name == "Gmina Kluczbork"


def test_commands_refuse_a_wrong_scope_or_organisation_saying_why(app, world, runner):
    cases = [
        (["organisations", "create", "X", "--scope", "woj:99"], "to nie kod województwa"),
        (["organisations", "create", "X", "--scope", "gmina:999999"],
         "Nie ma 999999 w rejestrze TERYT"),
        (["organisations", "create", "X", "--scope", "miasto"], "nie jest poprawny"),
        (["organisations", "create", "X", "--scope", "woj:24", "--partner-of", "Brak"],
         "Nie ma organizacji „Brak”"),
        (["users", "create", "a@b.pl", "--organisation", "Brak"], "Nie ma organizacji „Brak”"),
    ]
    for args, message in cases:
        result = runner.invoke(args=args, input=STAFF_PASSWORD + "\n")
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
    runner.invoke(args=["organisations", "create", "ROPS", "--scope", "woj:16"])
    outside = runner.invoke(args=["organisations", "create", "Partner", "--scope", "woj:24",
                                  "--partner-of", "ROPS"])
    assert "musi leżeć w obszarze" in outside.output
    with app.app_context():
        names = set(db.session.scalars(select(Organisation.name)))
    assert not names & {"X", "Partner"}


def test_existing_accounts_and_units_belong_to_the_default_organisation(app, world, login):
    unit_id = world.unit(name="Gmina Dawna")
    client = login("admin")
    assert "Gmina Dawna" in client.get("/admin/jednostki/").text
    with app.app_context():
        default = db.session.scalar(select(Organisation).filter_by(is_default=True))
        assert db.session.get(Unit, unit_id).organisation_id == default.id
        assert {u.organisation_id for u in db.session.scalars(select(User))} == {default.id}
        assert default.scope == "woj:16"


def test_admin_page_adds_a_partner_and_an_account_that_sees_only_its_territory(app, world):
    with app.app_context():
        add_slaskie()
        national = seed_organisation("Nowa wiedza", "kraj", "N", "246901")
        db.session.commit()
    with app.app_context():
        from services.organisations import find_organisation
        from services.scoping import act_as
        from services.units import create_unit

        act_as(find_organisation("Nowa wiedza"), db.session)
        create_unit({"kind": "gmina", "name": "Gmina OpolskaN", "teryt": "160402",
                     "emails": "kluczbork@example.pl", "is_active": True})
        db.session.commit()
    client = _login(app, national.admin_email)
    page = client.get("/admin/organizacje/")
    assert "Nowy partner regionalny" in page.text
    refused = client.post("/admin/organizacje/nowa",
                          data={"org-name": "Partner", "org-scope": "woj:17"})
    assert refused.status_code == 400
    assert "to nie kod województwa" in refused.text
    made = client.post("/admin/organizacje/nowa",
                       data={"org-name": "Partner Opolskie", "org-scope": "woj:16"})
    assert made.status_code == 200, made.text
    assert "Utworzono organizację „Partner Opolskie”" in made.text
    with app.app_context():
        partner_id = db.session.scalar(select(Organisation.id).filter_by(name="Partner Opolskie"))
    account = client.post("/admin/organizacje/konta", data={
        "konto-email": "jan@partner.example.pl", "konto-role": "coordinator",
        "konto-organisation_id": str(partner_id)})
    assert account.status_code == 200, account.text
    password = re.search(r'<code class="secret">([^<]+)</code>', account.text).group(1)
    partner = _login(app, "jan@partner.example.pl", password)
    units = partner.get(f"/admin/odpowiedzi/runda/{national.round_id}")
    assert units.status_code == 200
    assert "Runda TajnaN" in units.text
    register = partner.get("/admin/jednostki/").text
    assert "Gmina OpolskaN" in register
    assert "Gmina TajnaN" not in register  # Katowice: outside the partner's województwo
    assert partner.get(f"/admin/odpowiedzi/{national.response_id}").status_code == 404
    assert "Nowy partner regionalny" not in partner.get("/admin/organizacje/").text


def test_a_partner_cannot_add_partners_nor_accounts_elsewhere(app, world):
    with app.app_context():
        national = seed_organisation("Nowa wiedza", "kraj", "N", "160402")
        partner = seed_organisation("Partner Opolskie", "woj:16", "P", "160401",
                                    partner_of="Nowa wiedza")
    client = _login(app, partner.admin_email)
    refused = client.post("/admin/organizacje/nowa",
                          data={"org-name": "Pod-partner", "org-scope": "woj:16"})
    assert "nie może mieć własnych partnerów" in refused.text
    wrong = client.post("/admin/organizacje/konta", data={
        "konto-email": "x@y.pl", "konto-role": "admin",
        "konto-organisation_id": str(national.organisation_id)})
    assert wrong.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(User).filter_by(email="x@y.pl")) is None


def test_units_commands_fill_the_register_of_the_organisation_named(app, world, runner,
                                                                   tmp_path):
    """The README's Kluczbork set-up: a gmina's departments go to the gmina's own register,
    and ``create-jst`` makes the JST of its area only."""
    runner.invoke(args=["organisations", "create", "Gmina Kluczbork", "--scope", "gmina:160402"])
    units = tmp_path / "jednostki.csv"
    units.write_text("rodzaj;nazwa;kod_teryt;e-mail\n"
                     "komorka;Wydział Spraw Społecznych;160402;wss@kluczbork.example.pl\n",
                     encoding="utf-8")
    done = runner.invoke(args=["units", "import", str(units), "--organisation",
                               "Gmina Kluczbork"])
    assert done.exit_code == 0, done.output
    done = runner.invoke(args=["units", "create-jst", "--kind", "gmina", "--organisation",
                               "Gmina Kluczbork"])
    assert done.exit_code == 0, done.output
    wrong = runner.invoke(args=["units", "import", str(units), "--organisation", "Brak"])
    assert "Nie ma organizacji „Brak”" in wrong.output
    with app.app_context():
        owners = {u.name: u.organisation.name for u in db.session.scalars(
            select(Unit).where(Unit.name.in_(["Wydział Spraw Społecznych", "Gmina Kluczbork"])))}
    assert owners == {"Wydział Spraw Społecznych": "Gmina Kluczbork",
                      "Gmina Kluczbork": "Gmina Kluczbork"}
