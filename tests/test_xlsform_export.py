"""XLSForm export: every shipped questionnaire written as an XLSForm and read back is the same
definition; esmon-only types are the nearest XLSForm construct with a note for ODK users."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from forms.loader import definition_files, load_survey_file, load_survey_text
from forms.xlsform import import_xlsform
from forms.xlsform.export import export_xlsform

from support import ROOT

SHIPPED = definition_files(ROOT / "survey_defs")
#: fields that say where a definition was read from, not what it means
_PLACE = {"line", "checksum", "source_name", "evaluation_order", "kind"}


def model(value: Any) -> Any:
    """A definition as plain data without its places (lines, file name, checksum)."""
    if dataclasses.is_dataclass(value):
        return {f.name: model(getattr(value, f.name)) for f in dataclasses.fields(value)
                if f.name not in _PLACE}
    if isinstance(value, tuple):
        return [model(item) for item in value]
    return value


def _sheet(data: bytes, name: str) -> list[dict[str, Any]]:
    rows = list(load_workbook(io.BytesIO(data), read_only=True)[name].values)
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_round_trip_gives_back_an_equal_definition(path: Path):
    survey, problems = load_survey_file(path)
    assert problems == []
    result = import_xlsform(export_xlsform(survey), f"{path.stem}.xlsx", key=survey.key)
    assert result.ok, "\n".join(map(str, result.problems))
    assert model(result.survey) == model(survey)


def test_round_trip_keeps_format_1_meanings():
    text = (ROOT / "tests" / "fixtures" / "format1" / "owes-annual.yaml").read_text("utf-8")
    survey, problems = load_survey_text(text, "owes-annual.yaml", "owes-annual")
    assert problems == []
    result = import_xlsform(export_xlsform(survey), "owes.xlsx", key="owes-annual")
    assert result.survey.format == 1
    assert model(result.survey) == model(survey)


def test_esmon_only_types_are_the_nearest_xlsform_construct_with_a_note():
    survey, _ = load_survey_file(ROOT / "survey_defs" / "cis-annual.yaml")
    data = export_xlsform(survey)
    rows = {row["name"]: row for row in _sheet(data, "survey") if row["type"] != "end group"}
    money = next(q for q in survey.questions if q.kind.name == "money")
    table = next(q for q in survey.questions if q.kind.name == "table")
    assert rows[money.id]["type"] == "decimal"
    assert rows[money.id]["esmon_type"] == "money"
    assert "zł" in rows[money.id]["esmon_note"]
    assert rows[table.id]["type"] == "begin group"
    first_cell = f"{table.id}_{table.rows[0].id}_{table.columns[0].id}"
    assert rows[first_cell]["type"] == table.kind.cell_kind(table).xlsform_export
    assert rows[first_cell]["label::Polski (pl)"] == (
        f"{table.rows[0].label} — {table.columns[0].label}")
    plain = next(q for q in survey.questions if q.kind.name == "integer")
    assert rows[plain.id]["esmon_type"] is None  # XLSForm's integer brings it back
    settings = _sheet(data, "settings")[0]
    assert settings["form_id"] == "cis-annual"
    assert settings["esmon_format"] == "2"
    choices = _sheet(data, "choices")
    assert any(c["list_name"] and c["name"] for c in choices)


def test_a_label_that_looks_like_a_formula_stays_text(tmp_path):
    text = """\
format: 2
key: proba
version: "1"
title: Próba
unit_kinds: [gmina]
sections:
  - id: s
    title: "=HYPERLINK(\\"http://zly.example\\")"
    questions:
      - id: a
        type: text
        label: "=1+2"
"""
    survey, problems = load_survey_text(text, "proba.yaml", "proba")
    assert problems == []
    data = export_xlsform(survey)
    book = load_workbook(io.BytesIO(data))
    cells = [c for row in book["survey"].iter_rows() for c in row if c.value == "=1+2"]
    assert cells
    assert all(c.data_type == "s" for c in cells)
    result = import_xlsform(data, "proba.xlsx", key="proba")
    assert result.ok
    assert result.survey.question("a").label == "=1+2"


def test_command_exports_a_workbook_that_imports_back(runner, tmp_path):
    target = tmp_path / "jst.xlsx"
    done = runner.invoke(args=["surveys", "export-xlsform", "jst-annual", "-o", str(target)])
    assert done.exit_code == 0, done.output
    back = tmp_path / "jst-annual.yaml"
    done = runner.invoke(args=["surveys", "import-xlsform", str(target), "-o", str(back)])
    assert done.exit_code == 0, done.output
    assert runner.invoke(args=["surveys", "check", str(back)]).exit_code == 0
    missing = runner.invoke(args=["surveys", "export-xlsform", "nie-ma", "-o", str(target)])
    assert missing.exit_code != 0
    assert "Nie ma ankiety 'nie-ma'" in missing.output
