"""Question types (``forms/types/``): the registry, what each type reports, the guard that keeps
type names out of every other module, and the REGON type."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from forms.loader import load_survey_text
from forms.types import QUESTION_TYPES, VALUE_KINDS, WIDGETS, QuestionTypeError
from forms.types.base import QuestionType, build_registry, check_type_class
from forms.types.text import RegonField, TrimmedStringField

ROOT = Path(__file__).resolve().parents[1]
TYPE_NAMES = frozenset(QUESTION_TYPES)
#: attributes that hold a question type's name
_TYPE_ATTRIBUTES = {"type", "cell_type", "question_type"}
_TYPE_VARIABLES = {"qtype", "question_type"}
#: folders the guard does not read: the types themselves, tests, tools, generated files
_NOT_SCANNED = {".venv", "tests", "node_modules", "test-artifacts", "instance", "migrations",
                ".git", "__pycache__"}


# -- the registry -------------------------------------------------------------------------

def _complete(**overrides) -> type[QuestionType]:
    attributes = {"name": "proba", "value_kind": "text", "widget": "text",
                  "field_class": TrimmedStringField, **overrides}
    return type("ProbaType", (QuestionType,), attributes)


def test_every_registered_type_is_complete():
    for name, kind in QUESTION_TYPES.items():
        check_type_class(type(kind))
        assert kind.name == name
        assert kind.widget in WIDGETS
        assert kind.value_kind is None or kind.value_kind in VALUE_KINDS


def test_a_complete_type_class_is_accepted():
    assert build_registry([_complete()])["proba"].name == "proba"


@pytest.mark.parametrize("missing", QuestionType.REQUIRED_ATTRIBUTES)
def test_a_type_class_missing_a_required_attribute_is_refused(missing):
    attributes = {"name": "proba", "value_kind": "text", "widget": "text",
                  "field_class": TrimmedStringField}
    del attributes[missing]
    broken = type("ZepsutyType", (QuestionType,), attributes)
    with pytest.raises(QuestionTypeError, match=f"ZepsutyType.*'{missing}'"):
        build_registry([broken])


@pytest.mark.parametrize(("overrides", "reason"), [
    ({"value_kind": "kwota"}, "value_kind"),
    ({"widget": "suwak"}, "widget"),
    ({"field_class": str}, "field_class"),
    ({"field_class": None}, "field_class"),
    ({"name": "Proba-1"}, "nazwa"),
    ({"keys": frozenset({"label"})}, "wspólne pola"),
    ({"keys": {"places"}}, "frozenset"),
    ({"has_answer": False}, "has_answer"),
    ({"browser_read": "kalendarz"}, "browser_read"),
])
def test_a_type_class_with_a_value_esmon_lacks_is_refused(overrides, reason):
    with pytest.raises(QuestionTypeError, match=reason):
        build_registry([_complete(**overrides)])


def test_a_type_name_registered_twice_is_refused():
    with pytest.raises(QuestionTypeError, match="dwa razy"):
        build_registry([_complete(), _complete()])


def test_every_widget_has_its_partial():
    for widget in WIDGETS:
        assert (ROOT / "templates" / "questions" / f"{widget}.html").is_file(), widget


def test_every_widget_is_imported_by_the_question_block():
    """The block imports the partials once per page; a widget missing there would be a 500."""
    macros = (ROOT / "templates" / "_macros" / "questions.html").read_text(encoding="utf-8")
    for widget in WIDGETS:
        assert f'{{% import "questions/{widget}.html" as {widget} %}}' in macros, widget
        assert f"'{widget}': {widget}" in macros, widget


def test_readme_lists_exactly_the_registered_types():
    readme = (ROOT / "survey_defs" / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Typy pytań", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([a-z_]+)` \|", table, re.M))
    assert listed == TYPE_NAMES


# -- value kinds ----------------------------------------------------------------------------

_HEAD = """\
format: 1
key: test
version: "1"
title: Test
unit_kinds: [cis]
sections:
  - id: s1
    title: Sekcja
    questions:
"""


def _question(body: str):
    survey, problems = load_survey_text(_HEAD + "      - " + body + "\n", "test.yaml", "test")
    assert problems == []
    return survey.questions[0]


@pytest.mark.parametrize(("body", "value_kind"), [
    ("{id: a, type: integer, label: A}", "count"),
    ("{id: a, type: integer, label: A, grouping: false}", "year"),
    ("{id: a, type: decimal, label: A}", "number"),
    ("{id: a, type: money, label: A}", "amount"),
    ("{id: a, type: percent, label: A}", "share"),
    ("{id: a, type: text, label: A}", "text"),
    ("{id: a, type: textarea, label: A}", "text"),
    ("{id: a, type: email, label: A}", "text"),
    ("{id: a, type: phone, label: A}", "text"),
    ("{id: a, type: date, label: A}", "date"),
    ("{id: a, type: yes_no, label: A}", "code"),
    ("{id: a, type: single_choice, label: A, choices: [{value: x, label: X}]}", "code"),
    ("{id: a, type: multiple_choice, label: A, choices: [{value: x, label: X}]}", "codes"),
    ("{id: a, type: territory, label: A}", "code"),
    ("{id: a, type: territory, label: A, multiple: true}", "codes"),
    ("{id: a, type: calculated, label: A, calculation: '1'}", "number"),
    ("{id: a, type: calculated, label: A, calculation: '1', format: money}", "amount"),
    ("{id: a, type: calculated, label: A, calculation: '1', format: text}", "text"),
    ("{id: a, type: table, label: A, rows: [{id: r, label: R}], "
     "columns: [{id: c, label: C}]}", "cells"),
    ("{id: a, type: note, label: A}", None),
])
def test_value_kind_of_each_type(body, value_kind):
    assert _question(body).value_kind == value_kind


@pytest.mark.parametrize(("body", "widget"), [
    ("{id: a, type: integer, label: A}", "number"),
    ("{id: a, type: territory, label: A}", "select"),
    ("{id: a, type: territory, label: A, multiple: true}", "choices"),
    ("{id: a, type: text, label: A, prefill: unit.name, read_only: true}", "read_only"),
    ("{id: a, type: calculated, label: A, calculation: '1'}", "calculated"),
])
def test_widget_follows_the_question(body, widget):
    assert _question(body).widget == widget


# -- the guard: no type names outside forms/types/ ------------------------------------------

def _is_type_name(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr in _TYPE_ATTRIBUTES) or (
        isinstance(node, ast.Name) and node.id in _TYPE_VARIABLES)


def _is_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_literal(item) for item in node.elts)
    return False


def python_type_branches(source: str) -> list[int]:
    """Lines where a question type is compared with a literal, or tested with ``in``."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for index, op in enumerate(node.ops):
            pair = operands[index:index + 2]
            typed = [o for o in pair if _is_type_name(o)]
            others = [o for o in pair if not _is_type_name(o)]
            if not typed:
                continue
            membership = isinstance(op, ast.In | ast.NotIn) and _is_type_name(pair[0])
            if membership or any(_is_literal(o) for o in others):
                lines.append(node.lineno)
    return sorted(set(lines))


_TEMPLATE_COMPARE = re.compile(
    r"\.(?:type|cell_type)\s*(?:==|!=)\s*['\"](?P<name>\w+)['\"]"
    r"|['\"](?P<left>\w+)['\"]\s*(?:==|!=)\s*\w+\.(?:type|cell_type)\b"
    r"|\.(?:type|cell_type)\s+(?:not\s+)?in\s*[(\[](?P<items>[^)\]]*)[)\]]")


def template_type_branches(text: str) -> list[int]:
    """Lines of a Jinja template that compare a question type with a type name."""
    lines = []
    for match in _TEMPLATE_COMPARE.finditer(text):
        names = {match.group("name"), match.group("left")} | set(
            re.findall(r"['\"](\w+)['\"]", match.group("items") or ""))
        if names & TYPE_NAMES:
            lines.append(text.count("\n", 0, match.start()) + 1)
    return sorted(set(lines))


def _scanned(pattern: str) -> list[Path]:
    return sorted(p for p in ROOT.rglob(pattern)
                  if not _NOT_SCANNED & set(p.relative_to(ROOT).parts)
                  and p.relative_to(ROOT).parts[:2] != ("forms", "types"))


def test_guard_finds_python_type_branches():
    source = ('if q.type == "money": pass\n'
              'x = question.type in ("integer", "decimal")\n'
              'y = qtype != "note"\n'
              'z = q.type in NUMERIC_TYPES\n'
              'w = "table" == q.cell_type\n'
              'ok = q.value_kind == "amount" or column.type is None\n')
    assert python_type_branches(source) == [1, 2, 3, 4, 5]


def test_guard_finds_template_type_branches():
    text = ("{% if q.type == 'table' %}\n"
            "{% elif question.type in ('yes_no', 'single_choice') %}\n"
            "{{ 'numeric' if question.cell_type == 'integer' }}\n"
            "{% if f.type == 'BooleanField' %}{% if q.widget == 'table' %}\n")
    assert template_type_branches(text) == [1, 2, 3]


def test_no_module_outside_forms_types_branches_on_a_type_name():
    found = []
    for path in _scanned("*.py"):
        for line in python_type_branches(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)}:{line}")
    templates = ROOT / "templates"
    for path in sorted([*templates.rglob("*.html"), *templates.rglob("*.txt")]):
        for line in template_type_branches(path.read_text(encoding="utf-8")):
            found.append(f"{path.relative_to(ROOT)}:{line}")
    assert found == [], "ask the question's type (question.kind) instead: " + ", ".join(found)


# -- REGON ----------------------------------------------------------------------------------

class _RegonForm(Form):
    regon = RegonField()


def _regon(typed: str) -> tuple[str | None, list[str]]:
    form = _RegonForm(formdata=MultiDict({"regon": typed}))
    form.validate()
    return form.regon.data, list(form.regon.errors)


@pytest.mark.parametrize(("typed", "digits"), [
    ("123456785", "123456785"),                    # 9 digits (a legal person, an office)
    ("12345678512347", "12345678512347"),          # 14 digits (its local unit)
    ("101000000", "101000000"),                    # weighted sum mod 11 is 10: check digit 0
    ("000331501", "000331501"),                    # leading zeros are part of the number
    (" 123 456 785 ", "123456785"),
    ("123-456-785", "123456785"),
    ("12-345-678-5-12347", "12345678512347"),
    ("1234 5678 5123 47", "12345678512347"),
    ("123\u2013456\u2013785", "123456785"),        # en dashes, as pasted from a document
])
def test_regon_is_read_with_spaces_and_dashes_and_kept_as_digits(typed, digits):
    assert _regon(typed) == (digits, [])


@pytest.mark.parametrize(("typed", "message"), [
    ("123456784", "Nieprawidłowa cyfra kontrolna REGON — sprawdź numer."),
    ("12345678512348", "Nieprawidłowa cyfra kontrolna REGON — sprawdź numer."),
    # the 14-digit check digit is right, but the first nine digits are no REGON
    ("12345678400007", "Nieprawidłowa cyfra kontrolna REGON — sprawdź numer."),
    ("12345678", "REGON ma 9 albo 14 cyfr"),
    ("1234567850", "REGON ma 9 albo 14 cyfr"),
    ("123456785123", "REGON ma 9 albo 14 cyfr"),
    ("12345678A", "REGON ma 9 albo 14 cyfr"),
    ("REGON 123456785", "REGON ma 9 albo 14 cyfr"),
    ("١٢٣٤٥٦٧٨٥", "REGON ma 9 albo 14 cyfr"),       # digits, but not the ones GUS uses
])
def test_a_wrong_regon_is_refused_in_polish(typed, message):
    data, errors = _regon(typed)
    assert data is None
    (error,) = errors
    assert error.startswith(message)


def test_an_empty_regon_is_no_answer():
    assert _regon("  - ") == (None, [])


def test_regon_in_a_definition_reports_a_code_and_takes_no_text_options():
    question = _question("{id: r, type: regon, label: REGON}")
    assert question.value_kind == "code"
    assert question.widget == "text"
    assert question.kind.html_attributes()["inputmode"] == "numeric"
    survey, problems = load_survey_text(
        _HEAD + "      - {id: r, type: regon, label: REGON, max_length: 14}\n", "t.yaml", "test")
    assert survey is None
    assert [p.code for p in problems] == ["unknown_key"]


def test_regon_payload_strips_in_the_browser_what_the_server_strips():
    question = _question("{id: r, type: regon, label: REGON}")
    entry = question.kind.browser_entry(question)
    assert entry["read"] == "text"
    assert re.sub(entry["strip"], "", "12-345\u2013678 5") == "123456785"


def test_cis_respondent_types_a_regon_with_dashes_and_the_digits_are_stored(
        app, world, client):
    from extensions import db
    from models import Response

    token = world.invite(world.round("cis-annual"), world.unit("cis", "160402"))
    assert client.get(f"/r/{token}").status_code == 303
    answers = {"q_cis_nazwa": "Centrum", "q_cis_adres": "ul. Długa 1, 46-200 Kluczbork",
               "action": "draft"}
    page = client.post("/ankieta/sekcja/a1", data={**answers, "q_cis_regon": "531 234 567"})
    assert page.status_code == 302  # the draft is saved, the REGON held as typed
    with app.app_context():
        stored = db.session.query(Response).one()
        assert "cis_regon" not in stored.answers
        assert stored.answers["cis_adres"] == "ul. Długa 1, 46-200 Kluczbork"
    page = client.get("/ankieta/sekcja/a1")
    assert "Nieprawidłowa cyfra kontrolna REGON — sprawdź numer." in page.text
    assert 'value="531 234 567"' in page.text  # what was typed stays in the box
    page = client.post("/ankieta/sekcja/a1", data={**answers, "q_cis_regon": "531-234-563"})
    assert page.status_code == 302
    with app.app_context():
        assert db.session.query(Response).one().answers["cis_regon"] == "531234563"


@pytest.mark.parametrize(("body", "typed"), [
    ("{id: a, type: email, label: A}", "jan.kowalski@"),
    ("{id: a, type: phone, label: A}", "tel. 77 123"),
    ("{id: a, type: regon, label: A}", "123-456-784"),
    ("{id: a, type: date, label: A}", "31.02.2025"),
    ("{id: a, type: integer, label: A}", "12,5"),
])
def test_a_wrong_answer_stays_in_the_box_as_typed(body, typed):
    question = _question(body)
    form_class = type("ProbaForm", (Form,), question.kind.make_fields(question))
    form = form_class(formdata=MultiDict({"q_a": typed}))
    assert not form.validate()
    assert f'value="{typed}"' in str(form["q_a"]())


def _read(body: str, typed: str):
    """(data, errors) of one typed answer read by the question's own field."""
    question = _question(body)
    form_class = type("ProbaForm", (Form,), question.kind.make_fields(question))
    form = form_class(formdata=MultiDict({"q_a": typed}))
    form.validate()
    return form["q_a"].data, list(form["q_a"].errors)


@pytest.mark.parametrize(("body", "typed", "stored"), [
    ("{id: a, type: nip, label: NIP}", "123-456-32-18", "1234563218"),
    ("{id: a, type: nip, label: NIP}", "PL 123 456 32 18", "1234563218"),
    ("{id: a, type: krs, label: KRS}", "123456", "0000123456"),
    ("{id: a, type: krs, label: KRS}", "0000 123 456", "0000123456"),
    ("{id: a, type: phone, label: T}", "+48 77 123 45 67 wew. 12", "+48 77 123 45 67 wew. 12"),
    ("{id: a, type: phone, label: T}", "77 123 45 67 wewn.12", "77 123 45 67 wew. 12"),
    ("{id: a, type: phone, label: T}", "77 123 45 67 ext. 5", "77 123 45 67 wew. 5"),
    ("{id: a, type: email, label: E}", "  jan@gmina.pl ,ola@gmina.pl  ",
     "jan@gmina.pl, ola@gmina.pl"),
])
def test_identifiers_are_normalised_not_refused(body, typed, stored):
    assert _read(body, typed) == (stored, [])


@pytest.mark.parametrize(("body", "typed", "message"), [
    ("{id: a, type: nip, label: NIP}", "123-456-32-19", "Nieprawidłowa cyfra kontrolna NIP"),
    ("{id: a, type: nip, label: NIP}", "12345", "NIP ma 10 cyfr"),
    ("{id: a, type: krs, label: KRS}", "12345678901", "Numer KRS ma 10 cyfr"),
    ("{id: a, type: krs, label: KRS}", "KRS12", "Numer KRS ma 10 cyfr"),
    ("{id: a, type: phone, label: T}", "77 123 wew. abc", "Wpisz numer telefonu"),
])
def test_wrong_identifiers_are_refused_in_polish(body, typed, message):
    data, errors = _read(body, typed)
    assert data is None
    assert errors[0].startswith(message)


# -- what a definition reads of the previous round -------------------------------------------

@pytest.mark.parametrize(("body", "reads"), [
    ("{id: a, type: integer, label: A}", False),
    ("{id: a, type: integer, label: A, relevant: 'reporting-year() > 2000'}", False),
    ("{id: a, type: integer, label: A, prefill: last_round}", True),
    ("{id: a, type: integer, label: A, warning: '. <= prev(${a}) * 2', "
     "warning_message: Dużo}", True),
    ("{id: a, type: integer, label: A, constraint: 'prev(${a}) = 0 or . > 0', "
     "constraint_message: Zero}", True),
    ("{id: a, type: calculated, label: A, calculation: 'prev(${a}) + 1'}", True),
])
def test_a_definition_says_whether_it_reads_the_previous_round(body, reads):
    """A page of a questionnaire that reads nothing of the previous round skips its query."""
    survey, problems = load_survey_text(_HEAD + "      - " + body + "\n", "test.yaml", "test")
    assert problems == []
    assert survey.reads_previous_round is reads
