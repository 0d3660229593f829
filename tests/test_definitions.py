"""Loading and checking questionnaire definitions: every problem has a code and a line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from app import create_app
from forms.builder import build_forms
from forms.loader import definition_files, load_survey_file, load_survey_text
from forms.problems import DefinitionError

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = definition_files(ROOT / "survey_defs")


def test_the_shipped_questionnaires():
    assert {p.stem for p in SHIPPED} == {"cis-annual", "kis-annual", "owes-annual", "jst-annual",
                                         "lpres-formularz", "lpres-ankieta-pes", "plan-uslug",
                                         "plan-uslug-wykonanie", "slaskie-polrocze"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_definition_loads_and_builds_forms(path):
    survey, problems = load_survey_file(path)
    assert problems == []
    assert survey.key == path.stem
    assert survey.sections[-1].id == "z"  # the common block Z ends every questionnaire
    assert {q.id for q in survey.sections[-1].questions} >= {
        "uwagi", "sporzadzil_imie_nazwisko", "data_sporzadzenia", "oswiadczenie"}
    forms = build_forms(survey)
    for section in survey.sections:
        fields = {name for name in dir(forms[section.id]) if name.startswith("q_")}
        inputs = [q for q in section.questions if q.is_input]
        for question in inputs:
            if question.type == "table":
                assert f"q_{question.id}__{question.rows[0].id}__{question.columns[0].id}" in fields
            else:
                assert f"q_{question.id}" in fields


def test_breakdown_tables_follow_cas_groups_by_sex():
    survey, _ = load_survey_file(ROOT / "survey_defs" / "cis-annual.yaml")
    table = survey.question("uczestnicy_wg_przeslanki")
    assert table.type == "table"
    assert len(table.rows) == 9
    assert [c.id for c in table.columns] == ["kobiety", "mezczyzni"]


HEAD = """\
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


def _load(body: str):
    text = HEAD + textwrap.indent(textwrap.dedent(body), "      ")
    return load_survey_text(text, "test.yaml", "test")


BROKEN = [
    # (code, line, question id, questions YAML)
    ("duplicate_id", 11, "a", """\
        - {id: a, type: integer, label: A}
        - {id: a, type: integer, label: B}
        """),
    ("unknown_type", 11, "a", """\
        - id: a
          type: numbr
          label: A
        """),
    ("unknown_choice_list", 13, "a", """\
        - id: a
          type: single_choice
          label: A
          choices: brak_listy
        """),
    ("unknown_name", 10, "a", """\
        - id: a
          type: integer
          label: A
          relevant: ${nieznane} > 0
        """),
    ("expr_syntax", 13, "a", """\
        - id: a
          type: integer
          label: A
          constraint: . >= (1 +
        """),
    ("expr_syntax", 13, "a", """\
        - id: a
          type: integer
          label: A
          constraint: foo(.) > 1
        """),
    ("cycle", 10, "a", """\
        - {id: a, type: integer, label: A, relevant: "${b} > 0"}
        - {id: b, type: integer, label: B, relevant: "${a} > 0"}
        """),
    ("reserved_name", 10, "teryt", """\
        - {id: teryt, type: text, label: Kod}
        """),
    ("constraint_on_note", 10, "n", """\
        - id: n
          type: note
          label: Uwaga
          constraint: . > 1
        """),
    ("self_outside_constraint", 10, "a", """\
        - {id: a, type: integer, label: A, relevant: ". > 1"}
        """),
    ("missing_calculation", 10, "c", """\
        - {id: c, type: calculated, label: C}
        """),
    ("unknown_key", 13, "a", """\
        - id: a
          type: integer
          label: A
          contraint: . > 1
        """),
    ("duplicate_key", 13, "a", """\
        - id: a
          type: integer
          label: A
          label: B
        """),
    ("bad_id", 10, "A-1", """\
        - {id: A-1, type: integer, label: A}
        """),
    ("bad_table", 10, "t", """\
        - {id: t, type: table, label: T, columns: [{id: k, label: K}]}
        """),
    ("unknown_table_axis", 11, "s", """\
        - {id: t, type: table, label: T, rows: [{id: r, label: R}], columns: [{id: k, label: K}]}
        - {id: s, type: integer, label: S, constraint: "cell(${t}, 'r', 'x') = ."}
        """),
    ("bad_prefill", 10, "a", """\
        - {id: a, type: text, label: A, prefill: unit.pesel}
        """),
    ("missing_key", 10, "a", """\
        - {id: a, type: integer}
        """),
]


@pytest.mark.parametrize(("code", "line", "qid", "body"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_definition_reports_code_line_and_question(code, line, qid, body):
    survey, problems = _load(body)
    assert survey is None
    assert (code, line, qid) in {(p.code, p.line, p.question_id) for p in problems}, problems


def test_expression_error_names_the_column():
    _, problems = _load("""\
        - id: a
          type: integer
          label: A
          constraint: . >= 1 ? 2
        """)
    (problem,) = problems
    assert problem.code == "expr_syntax"
    assert problem.column == 8
    assert "kolumna 8" in problem.message


def test_every_problem_is_reported_at_once():
    _, problems = _load("""\
        - {id: a, type: integer, label: A, relevant: "${x} > 0"}
        - {id: a, type: numbr, label: B}
        - {id: status, type: text, label: C}
        """)
    assert {p.code for p in problems} >= {"unknown_name", "unknown_type", "reserved_name"}


def test_yaml_syntax_error_has_line():
    survey, problems = load_survey_text("key: x\n  title: [unclosed\n", "x.yaml", "x")
    assert survey is None
    assert problems[0].code == "yaml_syntax"
    assert problems[0].line == 2


def test_key_must_match_file_name():
    _, problems = load_survey_text(HEAD.replace("key: test", "key: inna")
                                   + "      - {id: a, type: integer, label: A}\n",
                                   "test.yaml", "test")
    assert [p.code for p in problems] == ["key_mismatch"]


def test_check_command_passes_on_shipped_definitions(runner):
    result = runner.invoke(args=["surveys", "check"])
    assert result.exit_code == 0, result.output
    assert "problemów: 0" in result.output


def test_check_command_lists_problems_with_file_and_line(runner, tmp_path):
    broken = tmp_path / "test.yaml"
    broken.write_text(HEAD + "      - {id: a, type: integer, label: A, relevant: '${b} = 1'}\n",
                      encoding="utf-8")
    result = runner.invoke(args=["surveys", "check", str(broken)])
    assert result.exit_code == 1
    assert "test.yaml:10 [a] unknown_name" in result.output


def test_app_refuses_to_start_with_a_broken_definition(tmp_path, app_config):
    (tmp_path / "defs").mkdir()
    (tmp_path / "defs" / "test.yaml").write_text(
        HEAD + "      - {id: a, type: numbr, label: A}\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as error:
        create_app({**app_config, "SURVEY_DEFS_DIR": str(tmp_path / "defs")},
                   read_environment=False)
    assert "test.yaml:10 [a] unknown_type" in str(error.value)


def test_section_forms_process_data_filters_and_defaults_as_wtforms_does():
    """``SectionForm.process`` makes WTForms' per-field lookups once; what it gives is the
    same: posted data over given data, the object over both, ``filter_<name>``, defaults."""
    from werkzeug.datastructures import MultiDict
    from wtforms import StringField

    survey, _ = load_survey_file(SHIPPED[0])
    section_form = build_forms(survey)[survey.sections[0].id]
    name = next(name for name in section_form()._fields if name.startswith("q_"))

    class Filtered(section_form):
        plain = StringField(default="stała")
        computed = StringField(default=lambda: "wyliczona")

        def filter_plain(self, value):
            return value.upper() if value else value

    given = Filtered(data={name: "z danych"})
    assert given[name].data == "z danych"
    assert (given.plain.data, given.computed.data) == ("STAŁA", "wyliczona")
    posted = Filtered(MultiDict({name: "wpisane", "plain": "abc"}), data={name: "z danych"})
    assert posted[name].raw_data == ["wpisane"]
    assert posted.plain.data == "ABC"

    class Holder:
        pass

    holder = Holder()
    setattr(holder, name, "z obiektu")
    assert Filtered(obj=holder, data={name: "z danych"})[name].data == "z obiektu"
