"""XLSForm import: real-world-shaped forms become definitions that pass the checker and are
filled through the respondent's pages; every refusal names its sheet, row, column and code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl.worksheet.formula import ArrayFormula
from sqlalchemy import select

from extensions import db
from forms.loader import load_survey_text
from forms.xlsform import MAX_FILE_BYTES, import_xlsform
from models import Response
from services.questionnaires import registry

from support import make_config
from support.respondent import section_post
from support.xlsforms import CASCADING, CIS_KOBO, ODK_PLAIN, workbook


def _book(form: dict, **changes) -> bytes:
    return workbook(form["survey"], form.get("choices"), form.get("settings"), **changes)


def _imported(form: dict, name: str = "form.xlsx", **options):
    result = import_xlsform(_book(form), name, **options)
    assert result.ok, "\n".join(map(str, result.problems))
    return result


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict:
    """The application sees only the two imported forms as its questionnaires."""
    folder = tmp_path / "defs"
    folder.mkdir()
    for form in (CIS_KOBO, ODK_PLAIN):
        result = _imported(form, unit_kinds=["gmina"])
        (folder / f"{result.key}.yaml").write_text(result.text, encoding="utf-8")
    return make_config(database_url, tmp_path, SURVEY_DEFS_DIR=str(folder))


def _errors(page) -> list[str]:
    return re.findall(r'class="error-message"[^>]*>(.*?)</', page.text, re.S)


def test_kobo_form_is_filled_through_the_respondent_pages(app, world, client):
    with app.app_context():
        survey = registry().by_key["cis-kobo-2025"].survey
    assert [s.title for s in survey.sections] == ["Metryczka", "Uczestnicy", "Zakończenie"]
    token = world.invite(world.round("cis-kobo-2025"), world.unit("gmina", "160402"))
    assert client.get(f"/r/{token}").status_code == 303
    answers = {
        "nazwa_cis": "CIS w Kluczborku", "forma_prawna": "fundacja", "regon_cis": "531234563",
        "data_utworzenia": "2019-05-01",
        "uczestnicy_ogolem": 20, "uczestnicy_kobiety": 12,
        "formy_reintegracji": ["zawodowa", "other"], "formy_reintegracji_other": "staże",
        "zatrudnieni": 5, "zatrudnieni_uwagi": "Troje w spółdzielni socjalnej",
        "koszt_uczestnika": "1234.5", "potwierdzenie": "OK",
    }
    # the constraint with regex() and its Polish message came over from the workbook
    page = client.post("/ankieta/sekcja/metryczka", data=section_post(
        survey, "metryczka", {**answers, "regon_cis": "12345"}))
    assert page.status_code == 200
    assert "REGON ma 9 cyfr" in page.text
    # so did the comparison with another answer (${uczestnicy_ogolem})
    page = client.post("/ankieta/sekcja/uczestnicy", data=section_post(
        survey, "uczestnicy", {**answers, "uczestnicy_kobiety": 25}))
    assert page.status_code == 200
    assert "Nie więcej niż ogółem" in page.text
    for section in survey.sections:
        page = client.post(f"/ankieta/sekcja/{section.id}",
                           data=section_post(survey, section.id, answers))
        assert page.status_code == 302, f"{section.id}: {_errors(page)}"
    assert client.post("/ankieta/wyslij").headers["Location"].endswith("/ankieta/potwierdzenie")
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        stored = dict(response.answers)
    assert response.status == "submitted"
    assert stored["formy_reintegracji"] == ["zawodowa", "other"]
    assert stored["formy_reintegracji_other"] == "staże"
    assert stored["zatrudnieni_uwagi"] == "Troje w spółdzielni socjalnej"  # selected() true
    assert stored["potwierdzenie"] == "OK"
    assert float(stored["udzial_kobiet"]) == 60  # the if() calculation


def test_nested_group_relevance_hides_its_questions(app, world, client):
    with app.app_context():
        survey = registry().by_key["cis-kobo-2025"].survey
    token = world.invite(world.round("cis-kobo-2025"), world.unit("gmina", "160402"))
    client.get(f"/r/{token}")
    answers = {"uczestnicy_ogolem": 0, "uczestnicy_kobiety": 0, "koszt_uczestnika": "10",
               "formy_reintegracji": ["spoleczna"], "zatrudnieni": 3}
    page = client.post("/ankieta/sekcja/uczestnicy",
                       data=section_post(survey, "uczestnicy", answers))
    assert page.status_code == 302, _errors(page)
    with app.app_context():
        stored = db.session.scalars(select(Response)).one().answers
    assert "zatrudnieni" not in stored  # the group "zatrudnienie" is relevant only when > 0
    assert "formy_reintegracji_other" not in stored


def test_odk_names_become_identifiers_and_references_follow():
    result = _imported(ODK_PLAIN)
    survey = result.survey
    assert survey.key == "gmina-es"
    assert survey.unit_kinds == ("gmina", "powiat")
    assert [q.id for q in survey.questions] == [
        "intro", "ma_program", "year_odp", "program_nazwa", "obszary", "liczba_pes"]
    assert str(survey.question("year_odp").relevant) == "${ma_program} = 'tak'"
    assert survey.question("year_odp").required is True  # a spreadsheet TRUE
    assert survey.question("liczba_pes").required is True  # "true()"
    assert [c.value for c in survey.question("obszary").choices] == ["1", "2", "3"]
    assert "# survey!4: integer YEAR (nazwa zmieniona na year_odp)" in result.text
    assert any("media::image" in note for note in result.ignored)
    assert survey.question("year_odp").required_message == "Podaj rok"


def test_polish_labels_are_chosen_and_the_other_language_reported():
    result = _imported(CIS_KOBO)
    survey = result.survey
    assert survey.question("nazwa_cis").label == "Nazwa CIS"
    assert survey.question("nazwa_cis").hint == "Pełna nazwa z KRS"
    assert survey.question("forma_prawna").choices[0].label == "Stowarzyszenie"
    assert any("English (en)" in note for note in result.ignored)
    assert any("'start'" in note for note in result.ignored)
    assert survey.question("zatrudnieni_uwagi").kind.name == "textarea"  # multiline
    assert str(survey.question("zatrudnieni").relevant) == "${uczestnicy_ogolem} > 0"
    assert survey.question("zatrudnienie").label == "Zatrudnienie po zakończeniu"  # its label
    # the written file says where each question came from and passes the checker on its own
    assert "# survey!19: text zatrudnieni_uwagi" in result.text
    again, problems = load_survey_text(result.text, "cis-kobo-2025.yaml", "cis-kobo-2025")
    assert problems == []
    assert again == survey


def test_command_writes_the_file_that_surveys_check_accepts(runner, tmp_path):
    source = tmp_path / "Monitoring CIS.xlsx"
    source.write_bytes(_book(CIS_KOBO))
    target = tmp_path / "cis-kobo.yaml"
    done = runner.invoke(args=["surveys", "import-xlsform", str(source), "-o", str(target),
                               "--unit-kinds", "cis"])
    assert done.exit_code == 0, done.output
    assert "OK" in done.output
    assert "pominięto" in done.output
    assert "key: cis-kobo\n" in target.read_text(encoding="utf-8")
    assert "unit_kinds: [cis]" in target.read_text(encoding="utf-8")
    checked = runner.invoke(args=["surveys", "check", str(target)])
    assert checked.exit_code == 0, checked.output
    again = runner.invoke(args=["surveys", "import-xlsform", str(source), "-o", str(target)])
    assert again.exit_code != 0
    assert "--force" in again.output


def _merge_header(book) -> None:
    book["survey"].merge_cells("B1:C1")


def _formula(book) -> None:
    book["survey"]["C3"] = "=CONCATENATE(\"Liczba \", \"osób\")"


def _array_formula(book) -> None:
    book["survey"]["C2"] = ArrayFormula("C2", "=UPPER(\"x\")")


SIMPLE = {"survey": [["type", "name", "label", "relevant"],
                     ["integer", "liczba", "Liczba osób"],
                     ["text", "uwagi", "Uwagi"]]}


def _with_row(*row) -> dict:
    return {"survey": [*SIMPLE["survey"], list(row)], "choices": CIS_KOBO["choices"]}


@pytest.mark.parametrize(("form", "prepare", "code", "where"), [
    (_with_row("geopoint", "gdzie", "Położenie"), None, "xlsform_unsupported", "survey!A4"),
    (_with_row("begin repeat", "osoby", "Osoby"), None, "xlsform_unsupported", "survey!A4"),
    (_with_row("integr", "wiek", "Wiek"), None, "xlsform_unknown_type", "survey!A4"),
    (_with_row("select_one brak", "x", "X"), None, "unknown_choice_list", "survey!A4"),
    ({"survey": [*SIMPLE["survey"], ["select_one tak", "x", "X"]]}, None,
     "xlsform_missing_sheet", "survey!A4"),
    (_with_row("text", "x", "X", "${liczba} => 3"), None, "expr_syntax", "survey!D4"),
    (_with_row("text", "x", "X", "jr:choice-name(${liczba}, 'a')"), None, "expr_syntax",
     "survey!D4"),
    (_with_row("text", "x", "X", "${nie_ma} = 1"), None, "unknown_name", "survey!4"),
    (_with_row("end group"), None, "xlsform_groups", "survey!A4"),
    (_with_row("begin group", "g", "G"), None, "xlsform_groups", "survey!A4"),
    (_with_row("text", "Liczba", "Drugi raz"), None, "duplicate_id", "survey!B4"),
    (SIMPLE, _merge_header, "xlsform_merged_cells", "survey!B1"),
    (SIMPLE, _formula, "xlsform_formula", "survey!C3"),
    (SIMPLE, _array_formula, "xlsform_formula", "survey!C2"),
    (CASCADING, None, "xlsform_unsupported", "survey!D3"),
    ({"survey": [["typ", "name", "label"], ["text", "a", "A"]]}, None,
     "xlsform_missing_column", "survey!1"),
])
def test_a_bad_workbook_is_refused_with_its_place(form, prepare, code, where):
    result = import_xlsform(_book(form, prepare=prepare), "zly.xlsx")
    assert result.text is None
    assert result.survey is None
    assert not result.ok
    found = [(p.code, p.location) for p in result.problems]
    assert any(c == code and loc.startswith(where) for c, loc in found), found


def test_what_is_not_a_workbook_or_too_big_is_refused_before_reading():
    broken = import_xlsform(b"type,name,label\ntext,a,A\n", "ankieta.csv")
    assert [p.code for p in broken.problems] == ["xlsform_unreadable"]
    huge = import_xlsform(b"\0" * (MAX_FILE_BYTES + 1), "duzy.xlsx")
    assert [p.code for p in huge.problems] == ["xlsform_too_large"]
    assert "50 MB" in huge.problems[0].message


def test_command_refuses_and_writes_nothing(runner, tmp_path):
    source = tmp_path / "kaskada.xlsx"
    source.write_bytes(_book(CASCADING))
    target = tmp_path / "kaskada.yaml"
    done = runner.invoke(args=["surveys", "import-xlsform", str(source), "-o", str(target)])
    assert done.exit_code == 1
    assert "kaskada.xlsx survey!D3 [gmina_w] xlsform_unsupported" in done.output
    assert "nic nie zapisano" in done.output
    assert not target.exists()
