"""Bad input never hurts: random and hostile values posted to every form.

Every section of every questionnaire and every staff form (login, unit new/edit, round new)
gets huge strings, unusual unicode (RTL marks, NUL, emoji), negative, huge and non-finite
numbers, wrong types, missing and unknown fields, markup and spreadsheet-formula payloads.
No answer may be a server error; a refused value must come back as a page with an error
summary (or a clean redirect when the value was acceptable), and no payload may come back
as live markup.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from extensions import db
from forms.registry import SurveyRegistry
from forms.types import COMMENT_PREFIX
from models import LoginAttempt, Questionnaire, Unit
from services.questionnaires import registry, sync_questionnaires

from support import ROOT

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = [
    "", " ", "\x00", "a\x00b", "\u202etxt.exe\u202c", "\u200f\u05e9\u05dc\u05d5\u05dd",
    "\u0645\u0631\u062d\u0628\u0627", "😀" * 40, "👩‍👩‍👧‍👦", "Zażółć gęślą jaźń",
    SCRIPT, IMG, "javascript:alert(1)", '=HYPERLINK("http://zly.example","kliknij")',
    "+1", "-1", "@SUM(A1:A9)", "=1+1", "-2+3", "NaN", "nan", "Infinity", "-Infinity", "inf",
    "1e309", "-0", "0", "9" * 45, "9" * 5000, "-" + "9" * 30, "0x1F", "1_000", "١٢٣",
    "1.234", "1 234,50", "12,345,678", "1,2,3", "--5", "5-", "1e5", "31.02.2025",
    "2025-02-30", "00.00.0000", "99.99.99999", "1.1.1", "'; DROP TABLE responses; --",
    "${x}", "{rok}", "{{ 7*7 }}", "%s%n", "\r\n\r\n", "\t", "true", "null", "[]", "{}",
    "x" * 20_000, "a@b", "a@b.c", "jan@gmina.pl, zly", "+48 (77) 123-45-67", "160402", "16",
    "99999999999999999999999999999",
]
HOSTILE = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=40),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
FUZZ = settings(max_examples=25, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _value(valid: list[str]) -> st.SearchStrategy:
    """One field's posted values: absent, one value or several; sometimes a valid option."""
    one = st.one_of(HOSTILE, st.sampled_from(valid)) if valid else HOSTILE
    return st.one_of(st.none(), one.map(lambda v: [v]), st.lists(one, min_size=2, max_size=3))


def _form_data(fields: dict[str, list[str]], constant: dict[str, Any]) -> st.SearchStrategy:
    """Either every field at once, or a few hostile ones alone (so a draft with them saves)."""
    dense = st.fixed_dictionaries({name: _value(valid) for name, valid in fields.items()})
    sparse = st.dictionaries(st.sampled_from(sorted(fields)), HOSTILE.map(lambda v: [v]),
                             min_size=1, max_size=3) if fields else st.just({})
    extra = st.dictionaries(st.text(min_size=1, max_size=12), HOSTILE.map(lambda v: [v]),
                            max_size=3)

    def merge(parts) -> dict[str, list[str]]:
        posted, unknown = parts
        data = {k: v for k, v in unknown.items() if k not in fields}
        data.update({k: v for k, v in posted.items() if v is not None})
        data.update(constant)
        return data

    return st.tuples(st.one_of(sparse, dense), extra).map(merge)


def _assert_inert(text: str) -> None:
    assert SCRIPT not in text
    assert "<img src=x onerror" not in text


def _section_fields(survey, section) -> dict[str, list[str]]:
    """Every form field name of a section, with the values a browser could post."""
    fields: dict[str, list[str]] = {}
    for question in section.questions:
        if not question.is_input:
            continue
        valid = [c.value for c in question.choices] if question.choices else []
        for name in question.kind.make_fields(question):
            fields[name] = valid
        if question.warnings:
            fields[COMMENT_PREFIX + question.id] = []
    return fields


#: every shipped questionnaire, read the way the app reads them
SHIPPED = SurveyRegistry.from_directory(ROOT / "survey_defs").by_key


@pytest.mark.parametrize("key", sorted(SHIPPED))
def test_hostile_answers_to_every_section(app, world, client, key):
    with app.app_context():
        survey = registry().by_key[key].survey
    kind = survey.unit_kinds[0]
    teryt = "1604" if kind == "powiat" else "160402"
    token = world.invite(world.round(key), world.unit(kind, teryt, name=SCRIPT))
    assert client.get(f"/r/{token}").status_code == 303
    # mostly drafts (saved without the required answers, so hostile values reach storage)
    actions = st.sampled_from(["draft", "draft", "draft", "draft", "next", "back", "", SCRIPT])
    versions = st.sampled_from([None] * 6 + ["abc", "", "-1", "9" * 30])

    for section in survey.sections:
        _fuzz_section(client, f"/ankieta/sekcja/{section.id}", _section_fields(survey, section),
                      actions, versions)
    for path in ("/ankieta", "/ankieta/przeglad"):
        page = client.get(path)
        assert page.status_code == 200
        _assert_inert(page.text)


def _fuzz_section(client, url: str, fields: dict[str, list[str]], actions, versions) -> None:
    @FUZZ
    @given(data=_form_data(fields, {}), action=actions, version=versions)
    def post_section(data, action, version):
        data = {**data, "action": [action]}
        if version is not None:
            data["version"] = [version]
        page = client.post(url, data=data)
        assert page.status_code != 500, f"{url}: server error for {data!r}"
        _assert_inert(page.text)
        if page.status_code == 302:
            assert re.match(r"^(https?://[^/]+)?/ankieta(/|$)", page.headers["Location"])
        elif page.status_code == 409:
            assert 'class="error-summary"' in page.text  # someone else saved: conflict page
        else:
            assert page.status_code == 200, (url, page.status_code)
            assert 'class="error-summary"' in page.text, f"{url}: refused without a message"
            assert 'class="error-message"' in page.text

    post_section()


def test_hostile_login_attempts(app, client):
    @FUZZ
    @given(data=_form_data({"email": [], "password": []}, {}))
    def attempt(data):
        with app.app_context():  # keep the account throttle out: the form is under test
            db.session.execute(delete(LoginAttempt))
            db.session.commit()
        page = client.post("/logowanie", data=data)
        assert page.status_code == 200, page.status_code
        assert 'class="error-summary"' in page.text
        _assert_inert(page.text)

    attempt()


def _unit_fields() -> dict[str, list[str]]:
    from models.unit import UNIT_KINDS

    return {"kind": list(UNIT_KINDS), "name": ["Gmina Test"], "teryt": ["160402", "1604"],
            "emails": ["a@example.pl"], "regon": ["531234567"], "krs": ["0000123456"],
            "contact_person": ["Anna Nowak"], "is_active": ["y"]}


def _staff_outcome(page, where: str) -> None:
    assert page.status_code != 500, f"{where}: server error"
    _assert_inert(page.text)
    if page.status_code == 302:
        assert "/admin/" in page.headers["Location"]
    else:
        assert page.status_code == 200, (where, page.status_code)
        assert 'class="error-summary"' in page.text, f"{where}: refused without a message"


def test_hostile_unit_forms(app, world, login):
    client = login("admin")
    unit_id = world.unit(name="Jednostka do edycji")

    @FUZZ
    @given(data=_form_data(_unit_fields(), {}), target=st.sampled_from(["nowa", unit_id]))
    def post_unit(data, target):
        _staff_outcome(client.post(f"/admin/jednostki/{target}", data=data), str(target))

    post_unit()
    with app.app_context():
        names = db.session.scalars(select(Unit.name)).all()
    listing = client.get("/admin/jednostki/")
    assert listing.status_code == 200
    _assert_inert(listing.text)
    assert len(names) >= 1


def test_hostile_round_forms(app, world, login):
    client = login("admin")
    world.unit("gmina", "160402")
    with app.app_context():
        sync_questionnaires()
        db.session.commit()
        ids = [str(i) for i in db.session.scalars(select(Questionnaire.id))]
    fields = {"questionnaire_id": ids, "title": ["Runda"], "reporting_year": ["2025"],
              "half": ["", "H1", "H2"], "opens_on": ["2025-01-01"], "deadline": ["2025-03-31"],
              "reminder_days": ["7, 2"], "kinds": ["gmina", "cis"], "powiats": ["1604"],
              "subregion": [""], "allow_late": ["y"], "launch": ["1"]}

    @FUZZ
    @given(data=_form_data(fields, {}))
    def post_round(data):
        _staff_outcome(client.post("/admin/rundy/nowa", data=data), "rundy/nowa")

    post_round()


XSS_DEFINITION = f"""\
format: 1
key: xss-test
version: "1"
title: "Ankieta {SCRIPT}"
description: '{IMG}'
unit_kinds: [gmina]
period: annual
sections:
  - id: s1
    title: "Sekcja {SCRIPT}"
    help: '{IMG}'
    questions:
      - id: opis
        type: note
        label: "{SCRIPT}"
      - id: nazwa
        type: text
        label: "Nazwa {SCRIPT}"
        hint: '{IMG}'
        required: true
      - id: wybor
        type: single_choice
        label: "Wybór {SCRIPT}"
        required: true
        choices:
          - {{value: a, label: "{SCRIPT}"}}
          - {{value: b, label: '{IMG}'}}
      - id: liczba
        type: integer
        label: Liczba
        constraint: . >= 0
        constraint_message: "Ujemna {SCRIPT}"
"""


def _rendered_inert(page, where: str) -> None:
    assert page.status_code == 200, (where, page.status_code)
    _assert_inert(page.text)
    assert "&lt;script&gt;" in page.text, f"{where}: the payload should be shown, escaped"


def test_markup_in_definitions_unit_names_and_answers_renders_inert(request, app_config,
                                                                    tmp_path):
    defs = tmp_path / "defs"
    defs.mkdir()
    (defs / "xss-test.yaml").write_text(XSS_DEFINITION, encoding="utf-8")
    app_config["SURVEY_DEFS_DIR"] = str(defs)
    app = request.getfixturevalue("app")
    world = request.getfixturevalue("world")
    round_id = world.round("xss-test")
    unit_id = world.unit("gmina", "160402", name=f"Gmina {SCRIPT}", contact_person=IMG)
    token = world.invite(round_id, unit_id)

    respondent = app.test_client()
    assert respondent.get(f"/r/{token}").status_code == 303
    _rendered_inert(respondent.get("/ankieta"), "start")
    _rendered_inert(respondent.get("/ankieta/sekcja/s1"), "section")
    refused = respondent.post("/ankieta/sekcja/s1", data={
        "q_nazwa": SCRIPT, "q_wybor": "a", "q_liczba": "-1", "action": "next"})
    _rendered_inert(refused, "section with errors")
    assert "Ujemna &lt;script&gt;" in refused.text
    saved = respondent.post("/ankieta/sekcja/s1", data={
        "q_nazwa": f"{SCRIPT}{IMG}", "q_wybor": "b", "q_liczba": "3", "action": "next"})
    assert saved.status_code == 302
    _rendered_inert(respondent.get("/ankieta/przeglad"), "review")
    assert respondent.post("/ankieta/wyslij").status_code == 303
    _rendered_inert(respondent.get("/ankieta/potwierdzenie"), "confirmation")

    staff = request.getfixturevalue("login")("admin")
    with app.app_context():
        from models import Response

        response_id = db.session.scalars(select(Response.id)).one()
    for path in ("/admin/jednostki/", f"/admin/jednostki/{unit_id}", f"/admin/rundy/{round_id}",
                 f"/admin/odpowiedzi/runda/{round_id}", f"/admin/odpowiedzi/{response_id}",
                 "/admin/dziennik/"):
        page = staff.get(path)
        assert page.status_code == 200, path
        _assert_inert(page.text)
    detail = staff.get(f"/admin/odpowiedzi/{response_id}").text
    assert "&lt;script&gt;" in detail
    assert "&lt;img src=x onerror" in detail
    assert "&lt;script&gt;" in staff.get("/admin/jednostki/").text
