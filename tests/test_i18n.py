"""Translations: the catalogues are complete and compiled, English can be chosen, Polish stays.

Polish is the source language (every msgid is the Polish text) and the default; the English
catalogue must translate every msgid, the Polish one supplies the three Polish plural forms.
"""

from __future__ import annotations

import gettext
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext
from sqlalchemy import select

from app import SUPPORTED_LOCALES
from extensions import db
from l10n import format_money, web
from models import OutboxMessage, Round, Unit
from services.questionnaires import registry
from services.rounds import launch_round
from views.filters import polish_plural

from support.confirming import confirm
from support.respondent import section_post
from support.valid_answers import JST

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
POLISH_PLURAL_FORMS = ("nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
                       "(n%100<10 || n%100>=20) ? 1 : 2);")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


def _entries(catalog):
    return [m for m in catalog if m.id]


# --- the catalogues ---------------------------------------------------------------------------

def test_english_catalog_translates_every_msgid_without_fuzzy_entries():
    catalog = _catalog("en")
    entries = _entries(catalog)
    assert len(entries) > 600
    untranslated = [m.id for m in entries
                    if not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert not untranslated, untranslated[:10]
    assert not fuzzy, fuzzy[:10]
    assert not list(catalog.obsolete), "obsolete entries: run make translations"


def test_english_translations_keep_every_placeholder():
    for message in _entries(_catalog("en")):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, (message.id, text)
            assert text.count("{}") == ids[0].count("{}"), (message.id, text)


def test_polish_catalog_has_polish_plural_forms_and_leaves_other_texts_alone():
    catalog = _catalog("pl")
    assert catalog.plural_forms.replace(" ", "") == POLISH_PLURAL_FORMS.replace(" ", "")
    plural = gettext.c2py(catalog.plural_expr)
    plurals = [m for m in _entries(catalog) if isinstance(m.id, tuple)]
    assert len(plurals) >= 7
    for message in plurals:
        assert len(message.string) == 3, message.id
        assert all(message.string), message.id
        assert message.string[0] == message.id[0], "1: the singular msgid itself"
        for n in range(130):
            index = plural(n)
            assert index == (0 if n == 1 else 1 if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14
                             else 2), n
            assert message.string[index] == polish_plural(n, *message.string), (n, message.id)
    singles = [m for m in _entries(catalog) if not isinstance(m.id, tuple)]
    assert all(m.string in ("", m.id) for m in singles), "Polish must read as the msgids"


@pytest.mark.parametrize("language", ["pl", "en"])
def test_compiled_catalogs_are_up_to_date(language):
    fresh = io.BytesIO()
    write_mo(fresh, _catalog(language))
    fresh.seek(0)
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as f:
        committed = read_mo(f)

    def messages(catalog):
        return {(m.id if isinstance(m.id, str) else m.id[0]): m.string
                for m in catalog if m.id}

    assert messages(read_mo(fresh)) == messages(committed), "run make translations"


def test_every_marked_text_is_in_the_catalog():
    """``make translations`` was run: the code holds no msgid the catalogues do not know."""
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {message for _, _, message, _, _ in extract_from_dir(
        str(ROOT), method_map, options_map,
        directory_filter=lambda d: not Path(d).name.startswith((".", "__")))}
    found = {m[0] if isinstance(m, tuple) else m for m in found}
    known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _entries(_catalog("en"))}
    assert found - known == set(), "run make translations"
    assert "Zapisz i przejdź dalej" in found


# --- plurals, dates and numbers in each language --------------------------------------------

@pytest.mark.parametrize(("n", "text"), [
    (1, "Ankieta ma 1 sekcję."), (2, "Ankieta ma 2 sekcje."), (4, "Ankieta ma 4 sekcje."),
    (5, "Ankieta ma 5 sekcji."), (12, "Ankieta ma 12 sekcji."), (22, "Ankieta ma 22 sekcje."),
    (0, "Ankieta ma 0 sekcji."),
])
def test_polish_plural_forms(app, n, text):
    with app.test_request_context():
        assert ngettext("Ankieta ma %(num)d sekcję.", "Ankieta ma %(num)d sekcje.", n) == text
        with force_locale("en"):
            english = ngettext("Ankieta ma %(num)d sekcję.", "Ankieta ma %(num)d sekcje.", n)
    assert english == f"The questionnaire has {n} section{'' if n == 1 else 's'}."


def test_dates_numbers_and_money_follow_the_language(app):
    with app.test_request_context():
        assert web.long_date(date(2026, 3, 31)) == "31 marca 2026"
        assert web.long_date(date(2026, 1, 5)) == "5 stycznia 2026"
        assert web.money(Decimal("1234.5")) == format_money(Decimal("1234.5"))
        assert web.money(Decimal("1234.5")).replace("\xa0", " ") == "1 234,50 zł"
        assert web.percent(0.123) == "12,3%"
        assert web.long_datetime(datetime(2026, 3, 31, 12, 5, tzinfo=UTC)) == (
            "31 marca 2026, godz. 14:05")
        with force_locale("en"):
            assert web.long_date(date(2026, 3, 31)) == "31 March 2026"
            assert web.number(Decimal("1234.5"), 2) == "1,234.50"
            assert web.money(Decimal("1234.5")) == "PLN1,234.50"
            assert web.percent(0.123) == "12.3%"
            assert web.long_datetime(datetime(2026, 3, 31, 12, 5, tzinfo=UTC)) == (
                "31 March 2026, 14:05")


def test_template_texts_follow_the_language_of_each_render(app):
    """Templates' texts are looked up once per language: a language asked later (or forced
    for a while) still gets its own."""
    template = app.jinja_env.from_string(
        "{{ _('Spis sekcji') }}|"
        "{% trans number=3, total=4 %}Sekcja {{ number }} z {{ total }}{% endtrans %}")
    with app.test_request_context():
        assert template.render() == "Spis sekcji|Sekcja 3 z 4"
        with force_locale("en"):
            assert template.render() == "List of sections|Section 3 of 4"
        assert template.render() == "Spis sekcji|Sekcja 3 z 4"
    with app.app_context():  # no request (the mail worker): Polish
        assert template.render() == "Spis sekcji|Sekcja 3 z 4"
    plain = app.jinja_env.from_string("{{ _('100%% <gotowe>') }}|{{ _('<b>') }}")
    with app.test_request_context():  # as Jinja's new-style gettext: formatted, markup
        assert plain.render() == "100% <gotowe>|<b>"
        assert plain.render() == "100% <gotowe>|<b>"


# --- the switch -------------------------------------------------------------------------------

def test_polish_is_the_default_and_the_switch_marks_the_current_language(client):
    page = client.get("/")
    assert '<html lang="pl">' in page.text
    assert "Monitoring ekonomii społecznej" in page.text
    switch = re.search(r'<nav class="language-switch" aria-label="Język">(.*?)</nav>', page.text,
                       re.S).group(1)
    assert re.search(r'<a href="/jezyk/pl\?next=/" lang="pl"[^>]*aria-current="true">Polski</a>',
                     switch)
    assert re.search(r'<a href="/jezyk/en\?next=/" lang="en"[^>]*>English</a>', switch)
    assert 'lang="en" hreflang="en" aria-current' not in switch


def test_switching_to_english_translates_the_page_and_html_lang(client):
    page = client.get("/jezyk/en?next=/deklaracja-dostepnosci")
    assert page.status_code == 303
    assert page.headers["Location"] == "/deklaracja-dostepnosci"
    page = client.get("/deklaracja-dostepnosci")
    assert '<html lang="en">' in page.text
    assert "<h1>Accessibility statement</h1>" in page.text
    assert "partially compliant" in page.text
    assert 'aria-label="Language"' in page.text
    back = client.get("/jezyk/pl?next=/")
    assert back.headers["Location"] == "/"
    assert '<html lang="pl">' in client.get("/").text


@pytest.mark.parametrize("headers", [
    {"Referer": "https://evil.example/"},
    {"Referer": "https://evil.example/ankieta"},
    {"Referer": "//evil.example/x"},
    {"Referer": "javascript:alert(1)"},
    {},
])
def test_switch_never_redirects_to_another_site(client, headers):
    page = client.get("/jezyk/en", headers=headers)
    assert page.status_code == 303
    location = page.headers["Location"]
    assert location.startswith("/")
    assert not location.startswith("//")
    assert "evil" not in location
    assert location == "/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example",
                                    "javascript:alert(1)", "/jezyk/pl"])
def test_switch_refuses_a_next_that_leaves_the_site(client, target):
    page = client.get("/jezyk/en", query_string={"next": target})
    assert page.headers["Location"] == "/"


def test_switch_goes_back_to_a_page_of_this_site(client):
    page = client.get("/jezyk/en", headers={"Referer": "http://localhost/logowanie?x=1"})
    assert page.headers["Location"] == "/logowanie?x=1"
    page = client.get("/jezyk/en", query_string={"next": "/admin/?strona=2"})
    assert page.headers["Location"] == "/admin/?strona=2"


def test_unknown_language_is_not_found(client):
    assert client.get("/jezyk/de").status_code == 404
    assert tuple(web.LANGUAGES) == SUPPORTED_LOCALES, "the switch offers what the app selects"


def test_error_page_in_english(client):
    client.get("/jezyk/en")
    page = client.get("/nie-ma-takiej-strony")
    assert page.status_code == 404
    assert '<html lang="en">' in page.text
    assert "<h1>Page not found</h1>" in page.text
    assert "Error code: 404" in page.text
    assert "Nie znaleziono" not in page.text


# --- the respondent in English ----------------------------------------------------------------

def _start(world, client, language: str | None = None) -> str:
    unit_id = world.unit("gmina", "160402")
    token = world.invite(world.round("jst-annual"), unit_id)
    if language:
        client.get(f"/jezyk/{language}")
    assert client.get(f"/r/{token}").status_code == 303
    return token


def _numeric_section(app) -> tuple[str, str]:
    with app.app_context():
        survey = registry().by_key["jst-annual"].survey
    return "d6", next(q.id for q in survey.section("d6").questions if q.type == "integer")


def test_respondent_start_page_in_english_keeps_the_language_through_the_link(app, world,
                                                                              client):
    _start(world, client, "en")  # chosen before the link: the link's new session keeps it
    page = client.get("/ankieta")
    assert '<html lang="en">' in page.text
    with app.app_context():
        sections = len(registry().by_key["jst-annual"].survey.sections)
    assert f"The questionnaire has {sections} sections." in page.text
    assert re.search(r"\sStart</a>", page.text)
    assert "Reporting period" in page.text
    assert "Rozpocznij" not in page.text
    assert "Ankieta JST" in page.text, "questionnaire content stays Polish"


def test_polish_start_page_is_unchanged(app, world, client):
    _start(world, client)
    page = client.get("/ankieta")
    assert '<html lang="pl">' in page.text
    with app.app_context():
        sections = len(registry().by_key["jst-annual"].survey.sections)
    assert f"Ankieta ma {sections} sekcji." in page.text
    assert "Okres sprawozdawczy" in page.text


def test_section_buttons_and_validation_messages_in_english(app, world, client):
    _start(world, client, "en")
    section, question = _numeric_section(app)
    page = client.get(f"/ankieta/sekcja/{section}")
    assert ">Save draft</button>" in page.text
    assert ">Save and continue</button>" in page.text
    assert ">Back</button>" in page.text
    with app.app_context():
        survey = registry().by_key["jst-annual"].survey
    data = section_post(survey, section, dict(JST))
    data[f"q_{question}"] = ["1.234"]
    page = client.post(f"/ankieta/sekcja/{section}", data=data)
    assert page.status_code == 200
    assert "“1.234” is ambiguous: if you mean 1234, type 1234 (without the dot)." in page.text
    assert "Correct 1 error" in page.text
    assert "niejednoznaczny" not in page.text
    answer = client.post(f"/ankieta/sekcja/{section}/autozapis", data=data).get_json()
    assert answer["status"] == "saved"
    assert answer["problems"][0]["message"].startswith("“1.234” is ambiguous")


def test_validation_message_stays_polish_by_default(app, world, client):
    _start(world, client)
    section, question = _numeric_section(app)
    client.post(f"/ankieta/sekcja/{section}", data={f"q_{question}": "1.234", "action": "draft"})
    page = client.get(f"/ankieta/sekcja/{section}")
    assert ("Zapis „1.234” jest niejednoznaczny: jeśli to 1234, wpisz 1234 "
            "(bez kropki).") in page.text
    assert "Popraw 1 błąd" in page.text


# --- e-mails and workbooks --------------------------------------------------------------------

def test_email_is_written_in_the_language_of_the_request_that_queues_it(app, world, client,
                                                                         login):
    unit_id = world.unit("gmina", "160402", emails="gmina@example.pl")
    draft = world.round("jst-annual", status="draft")
    staff = login("admin")
    staff.get("/jezyk/en")
    assert confirm(staff, f"/admin/rundy/{draft}/uruchom").status_code == 302
    with app.app_context():
        message = db.session.scalars(select(OutboxMessage)).one()
        assert "please complete the questionnaire by" in message.subject
        assert '<html lang="en">' in message.body_html
        assert "Open the questionnaire" in message.body_html
        assert "Personal link to the questionnaire:" in message.body_text
        assert "Szanowni" not in message.body_text
    assert unit_id


def test_email_queued_without_a_request_is_polish(app, world):
    unit_id = world.unit("gmina", "160402", emails="gmina@example.pl")
    draft = world.round("jst-annual", status="draft")
    with app.app_context():
        launch_round(db.session.get(Round, draft), [db.session.get(Unit, unit_id)])
        message = db.session.scalars(select(OutboxMessage)).one()
        assert "prośba o wypełnienie ankiety do" in message.subject
        assert '<html lang="pl">' in message.body_html
        assert message.body_text.startswith("Szanowni Państwo,")


def test_workbook_labels_follow_the_language(app, world, login):
    round_id = world.round("jst-annual")
    world.invite(round_id, world.unit("gmina", "160402"))
    staff = login("admin")
    url = f"/admin/zestawienia/plik?runda={round_id}&rodzaj=regional&poziom=powiat"
    polish = openpyxl.load_workbook(io.BytesIO(staff.get(url).data))
    assert polish.sheetnames[0] == "Informacje"
    assert polish.sheetnames[-2:] == ["Dane", "Słownik"]
    assert polish["Informacje"]["A1"].value == "Pole"
    staff.get("/jezyk/en")
    english = openpyxl.load_workbook(io.BytesIO(staff.get(url).data))
    assert english.sheetnames[0] == "Information"
    assert english.sheetnames[-2:] == ["Data", "Codebook"]
    info = english["Information"]
    assert [info["A1"].value, info["B1"].value] == ["Field", "Value"]
    assert info["B2"].value == "Regional report"
    assert english["Codebook"]["B1"].value == "label"
