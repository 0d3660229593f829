"""Real-world-shaped XLSForms (an ODK quarterly form, a KoboToolbox download) end to end:
imported → accepted by `surveys check` → filled through the respondent's pages, where their
constraint and required messages speak → the answers come out in the raw export."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from extensions import db
from forms.xlsform import import_xlsform
from models import Response
from services.questionnaires import registry

from support import make_config
from support.respondent import section_post
from support.xlsforms import OWES_ODK, PES_KOBO, REPEATED, workbook

FORMS = {"owes-kwartal": OWES_ODK, "abcd3fgh7klmn": PES_KOBO}


def _book(form: dict) -> bytes:
    return workbook(form["survey"], form.get("choices"), form.get("settings"))


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict:
    """The application sees only the imported forms as its questionnaires."""
    folder = tmp_path / "defs"
    folder.mkdir()
    for key, form in FORMS.items():
        result = import_xlsform(_book(form), f"{key}.xlsx")
        assert result.ok, "\n".join(map(str, result.problems))
        assert result.key == key
        (folder / f"{key}.yaml").write_text(result.text, encoding="utf-8")
    return make_config(database_url, tmp_path, SURVEY_DEFS_DIR=str(folder))


def _errors(page) -> list[str]:
    return re.findall(r'class="error-message"[^>]*>(.*?)</', page.text, re.S)


def _fill(app, world, key: str, kind: str, answers: dict, checks: list[tuple[str, dict, str]]
          ) -> tuple[int, dict]:
    """Open the unit's link, try each bad section post (its message must show), then post
    every section with ``answers`` and submit; the stored answers. A change to ``None``
    leaves the answer out."""
    with app.app_context():
        survey = registry().by_key[key].survey
    round_id = world.round(key)
    token = world.invite(round_id, world.unit(kind, "160402", name=f"{kind.upper()} Kluczbork"))
    respondent = app.test_client()
    assert respondent.get(f"/r/{token}").status_code == 303
    for section, changes, message in checks:
        posted = {k: v for k, v in {**answers, **changes}.items() if v is not None}
        page = respondent.post(f"/ankieta/sekcja/{section}",
                               data=section_post(survey, section, posted))
        assert page.status_code == 200, f"{section} {changes}: accepted"
        assert message in page.text, (message, _errors(page))
    for section in survey.sections:
        page = respondent.post(f"/ankieta/sekcja/{section.id}",
                               data=section_post(survey, section.id, answers))
        assert page.status_code == 302, f"{section.id}: {_errors(page)}"
    assert respondent.post("/ankieta/wyslij").headers["Location"].endswith(
        "/ankieta/potwierdzenie")
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.status == "submitted"
        return round_id, dict(response.answers)


def _raw_row(login, round_id: int) -> dict[str, str]:
    staff = login("coordinator")
    page = staff.get(f"/admin/zestawienia/plik?runda={round_id}&rodzaj=raw&format=csv")
    assert page.status_code == 200
    rows = list(csv.DictReader(io.StringIO(page.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1
    return rows[0]


OWES_ANSWERS = {
    "nazwa_owes": "OWES Subregionu Opolskiego", "podregion_odp": "opolski", "pracownicy": 12,
    "typ_glowny": "other", "typ_glowny_other": "Inkubator przedsiębiorczości",
    "uslugi": ["doradztwo", "szkolenia"], "godziny_doradztwa": 150, "doradcy": 2,
    "pes_wsparte": 8, "wartosc_dotacji": "100000", "uwagi": "Dobry kwartał",
}


def test_odk_quarterly_form_is_filled_and_exported(app, world, login):
    round_id, stored = _fill(app, world, "owes-kwartal", "owes", OWES_ANSWERS, [
        # required_message in Polish from required_message::Polski (pl)
        ("dane", {"nazwa_owes": ""}, "Podaj nazwę OWES."),
        ("dane", {"pracownicy": 400}, "Od 0 do 300 osób"),
        # count-selected() bounds and their message
        ("wsparcie", {"uslugi": ["doradztwo", "szkolenia", "animacja", "inkubacja"]},
         "Wybierz od 1 do 3 usług"),
        # or_other: the added text question is required once 'other' is chosen
        ("wsparcie", {"typ_glowny_other": None},
         "Uzupełnij pole „Główny rodzaj wsparcia — inne (jakie?)”."),
        # a group nested two deep is relevant when its parents are: its question is asked
        ("wsparcie", {"doradcy": None},
         "Wpisz liczbę w polu „Liczba doradców” (0, jeśli nie było)."),
    ])
    assert stored["podregion_odp"] == "opolski"
    assert stored["typ_glowny_other"] == "Inkubator przedsiębiorczości"
    assert stored["uslugi"] == ["doradztwo", "szkolenia"]
    assert stored["doradcy"] == 2
    assert float(stored["dotacja_na_pes"]) == 12500  # if(…, round(… div …, 2), 0)
    assert stored["skala"] == "mała"  # the if() giving a text
    row = _raw_row(login, round_id)
    assert row["nazwa_owes"] == "OWES Subregionu Opolskiego"
    assert row["podregion_odp"] == "opolski"
    assert row["pracownicy"] == "12"
    assert row["typ_glowny"] == "other"
    assert row["typ_glowny_other"] == "Inkubator przedsiębiorczości"
    assert row["uslugi"] == "doradztwo;szkolenia"
    assert row["godziny_doradztwa"] == "150"
    assert row["doradcy"] == "2"
    assert row["wartosc_dotacji"] == "100000,00"
    assert row["dotacja_na_pes"] == "12500,00"
    assert row["skala"] == "mała"
    assert row["uwagi"] == "Dobry kwartał"


def test_nested_groups_hide_their_questions_when_a_parent_is_not_relevant(app, world):
    answers = {**OWES_ANSWERS, "godziny_doradztwa": 50}
    _, stored = _fill(app, world, "owes-kwartal", "owes", answers, [])
    assert stored["godziny_doradztwa"] == 50
    assert "doradcy" not in stored  # its inner group needs more than 100 hours


PES_ANSWERS = {
    "nazwa": "Spółdzielnia Socjalna Razem", "data_statusu": "2021-03-15", "zatrudnia": "yes",
    "zagrozeni": 4, "zatrudnieni": 6, "bariery": ["finanse", "kadry"],
    "bariery_finanse": "Brak wkładu własnego", "zgoda": "OK",
}


def test_kobo_download_is_filled_and_exported(app, world, login):
    round_id, stored = _fill(app, world, "abcd3fgh7klmn", "pes", PES_ANSWERS, [
        ("pes", {"data_statusu": "2019-12-31"}, "Status PS istnieje od 2020 r."),
        ("pes", {"zatrudnieni": 3}, "Nie mniej niż osób zagrożonych wykluczeniem"),
        # not(selected(., 'brak') and count-selected(.) > 1): "none" excludes the others
        ("pes", {"bariery": ["finanse", "brak"]}, "„Brak barier” nie łączy się"),
        ("pes", {"nazwa": "AB"}, "Nazwa ma co najmniej 3 znaki"),
    ])
    assert stored["bariery_finanse"] == "Brak wkładu własnego"  # selected() and not(selected())
    assert stored["opis"] == "Spółdzielnia Socjalna Razem — zatrudnieni: 6"  # concat()
    row = _raw_row(login, round_id)
    assert row["nazwa"] == "Spółdzielnia Socjalna Razem"
    assert row["data_statusu"] == "2021-03-15"
    assert row["zatrudnia"] == "yes"
    assert row["zagrozeni"] == "4"
    assert row["zatrudnieni"] == "6"
    assert row["bariery"] == "finanse;kadry"
    assert row["bariery_finanse"] == "Brak wkładu własnego"
    assert row["opis"] == "Spółdzielnia Socjalna Razem — zatrudnieni: 6"
    assert row["zgoda"] == "OK"


def test_if_with_true_and_false_hides_questions_as_odk_does(app, world):
    answers = {**PES_ANSWERS, "zatrudnia": "no"}
    _, stored = _fill(app, world, "abcd3fgh7klmn", "pes", answers, [])
    assert stored["zatrudnia"] == "no"
    assert "zagrozeni" not in stored
    assert "zatrudnieni" not in stored  # relevant: if(…, true(), false())


@pytest.mark.parametrize("key", sorted(FORMS))
def test_command_import_then_surveys_check(runner, tmp_path, key):
    source = tmp_path / f"{key}.xlsx"
    source.write_bytes(_book(FORMS[key]))
    target = tmp_path / f"{key}.yaml"
    done = runner.invoke(args=["surveys", "import-xlsform", str(source), "-o", str(target)])
    assert done.exit_code == 0, done.output
    checked = runner.invoke(args=["surveys", "check", str(target)])
    assert checked.exit_code == 0, checked.output


def test_what_does_not_map_is_listed_with_its_cell():
    result = import_xlsform(_book(OWES_ODK), "owes.xlsx")
    survey = result.survey
    assert survey.question("nazwa_owes").required_message == "Podaj nazwę OWES."
    assert survey.question("pracownicy").required_message == (
        "Wpisz liczbę pracowników (0, jeśli nie ma).")
    # ODK's "last saved" default is the unit's own answer of the previous round
    assert survey.question("pracownicy").prefill == "last_round"
    assert survey.question("wartosc_dotacji").prefill is None
    notes = "\n".join(result.ignored)
    assert "survey!N19: wartość domyślna '0' pytania wartosc_dotacji" in notes
    assert "survey!D22: odwołanie ${dotacja_na_pes} w 'label'" in notes
    assert "KoboToolbox ($kuid)" in notes
    assert "Kolumna '$kuid'" not in notes
    assert "English (en)" in notes
    assert "# survey!19: decimal wartosc_dotacji; default '0' pominięte" in result.text


def test_a_yes_no_list_is_a_yes_no_question():
    """Kobo's ``select_one yn`` (yes/no labelled Tak/Nie) becomes esmon's yes/no question, so
    reports give the share of "tak"; a list with other labels stays a choice."""
    result = import_xlsform(_book(PES_KOBO), "pes.xlsx")
    question = result.survey.question("zatrudnia")
    assert question.type == "yes_no"
    assert question.kind.share_value == "yes"
    assert "lista 'yn' to odpowiedzi typu yes_no" in result.text
    assert "yn:" not in result.text  # the list no other question uses is not written
    relabelled = {**PES_KOBO, "choices": [
        row if row[0] != "yn" else [row[0], row[1], f"{row[2]}, zatrudnia", row[3]]
        for row in PES_KOBO["choices"]]}
    other = import_xlsform(_book(relabelled), "pes.xlsx")
    assert other.survey.question("zatrudnia").type == "single_choice"
    assert other.survey.question("zatrudnia").choice_label("yes") == "Tak, zatrudnia"


def test_html_and_markdown_in_texts_become_plain_text():
    """Kobo forms colour and bold their notes; esmon shows plain text (escaped), so the marks
    go and the words stay, with the cell listed."""
    form = {"survey": [["type", "name", "label", "hint"],
                       ["note", "uwaga", '<span style="color:red">**Uwaga:**</span> dane za '
                        "*cały* rok {rok}", "# Nagłówek\nwpisz 2*3 &amp; więcej"],
                       ["integer", "liczba", "Liczba osób (x < 3 albo > 5)"]]}
    result = import_xlsform(_book(form), "x.xlsx")
    assert result.ok, result.problems
    note = result.survey.question("uwaga")
    assert note.label == "Uwaga: dane za cały rok {rok}"
    assert note.hint == "Nagłówek\nwpisz 2*3 & więcej"
    assert result.survey.question("liczba").label == "Liczba osób (x < 3 albo > 5)"
    assert [n.split(":")[0] for n in result.ignored if "formatowanie" in n] == [
        "survey!C2", "survey!D2"]


def test_references_in_texts_follow_renamed_questions():
    form = {"survey": [["type", "name", "label", "hint"],
                       ["integer", "Liczba-Osob", "Liczba osób"],
                       ["note", "info", "Podano ${Liczba-Osob} osób", "Sprawdź ${Liczba-Osob}"]]}
    result = import_xlsform(_book(form), "x.xlsx")
    assert result.ok, result.problems
    assert result.survey.question("info").label == "Podano ${liczba_osob} osób"
    assert result.survey.question("info").hint == "Sprawdź ${liczba_osob}"
    assert [n.split(":")[0] for n in result.ignored if "odwołanie" in n] == [
        "survey!C3", "survey!D3"]


def test_a_required_message_without_required_is_reported_not_dropped_silently():
    form = {"survey": [["type", "name", "label", "required", "required_message"],
                       ["integer", "a", "A", "", "Podaj A"],
                       ["integer", "b", "B", "yes", "Podaj B"]]}
    result = import_xlsform(_book(form), "x.xlsx")
    assert result.ok, result.problems
    assert result.survey.question("a").required_message is None
    assert result.survey.question("b").required_message == "Podaj B"
    assert any(n.startswith("survey!E2: required_message pytania a") for n in result.ignored)


def test_a_repeat_is_refused_once_at_its_begin_row():
    result = import_xlsform(_book(REPEATED), "osoby.xlsx")
    assert result.text is None
    assert [(p.code, p.location) for p in result.problems] == [
        ("xlsform_unsupported", "survey!A3")]
    assert "tabelę (type: table)" in result.problems[0].message


@pytest.mark.parametrize("key", sorted(FORMS))
def test_an_imported_form_survives_export_and_import_again(key):
    from test_xlsform_export import model

    from forms.xlsform.export import export_xlsform

    first = import_xlsform(_book(FORMS[key]), f"{key}.xlsx")
    again = import_xlsform(export_xlsform(first.survey), f"{key}.xlsx", key=key)
    assert again.ok, "\n".join(map(str, again.problems))
    assert model(again.survey) == model(first.survey)
    assert any(q.required_message for q in again.survey.questions) == (key == "owes-kwartal")
