"""An esmon definition → an XLSForm workbook (``survey``, ``choices``, ``settings``).

Every question is written as the nearest XLSForm construct its type names
(``xlsform_export``): money and percent as ``decimal``, e-mail, phone, REGON and territory as
``text``, yes/no as ``select_one``, a table as a group with one number per cell. What XLSForm
cannot say is kept in two extra columns, so ``import_xlsform`` gives the same definition back:
``esmon_type`` (the esmon type, only where the XLSForm type would not bring it back) and
``esmon_options`` (JSON: places, grouping, further constraints, warnings, prefill, table rows
and columns …); ``esmon_note`` says in words what the approximation is, for ODK and Kobo users.
Texts are written as text (never formulas), in the ``label::Polski (pl)`` columns.
"""

from __future__ import annotations

import io
import json
from typing import Any

import xlsxwriter

from forms.model import Question, Section, Survey
from forms.xlsform.importer import type_for

LANGUAGE = "Polski (pl)"
SURVEY_COLUMNS = (
    "type", "name", f"label::{LANGUAGE}", f"hint::{LANGUAGE}", "required", "relevant",
    "constraint", f"constraint_message::{LANGUAGE}", f"required_message::{LANGUAGE}",
    "calculation", "appearance", "esmon_type", "esmon_options", "esmon_note",
)
CHOICE_COLUMNS = ("list_name", "name", f"label::{LANGUAGE}")
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language", "esmon_format",
                    "unit_kinds", "period", "description", "time_to_fill", "prepare", "follows")
#: column widths (characters) so labels and expressions can be read without resizing
_WIDTHS = {"type": 26, "name": 30, "label": 48, "hint": 30, "relevant": 30, "constraint": 30,
           "constraint_message": 30, "required_message": 30, "calculation": 30,
           "esmon_options": 30, "esmon_note": 36,
           "list_name": 30, "form_title": 48, "description": 48}
#: question keys a type reads that the XLSForm columns already carry
_CARRIED = frozenset({"choices", "calculation"})


def _required(question: Question) -> str:
    if question.required_if is not None:
        return str(question.required_if)
    return "yes" if question.required else ""


def _options(question: Question) -> dict[str, Any]:
    """What XLSForm has no column for: the type's own keys, checks beyond the first, prefill."""
    options: dict[str, Any] = {}
    for key in sorted(question.kind.keys - _CARRIED):
        value = getattr(question, key, None)
        if value is None:
            continue
        if key in ("rows", "columns"):
            value = [{"id": axis.id, "label": axis.label} for axis in value]
        elif isinstance(value, tuple):
            value = list(value)
        options[key] = value
    if len(question.constraints) > 1:
        options["constraints"] = [{"rule": str(c.rule), "message": c.message}
                                  for c in question.constraints[1:]]
    if question.warnings:
        options["warnings"] = [{"rule": str(c.rule), "message": c.message}
                               for c in question.warnings]
    if question.prefill:
        options["prefill"] = question.prefill
    if question.read_only:
        options["read_only"] = True
    return options


def _question_row(question: Question) -> dict[str, str]:
    kind = question.kind
    word = kind.xlsform_export
    row: dict[str, str] = {"name": question.id, f"label::{LANGUAGE}": question.label,
                           f"hint::{LANGUAGE}": question.hint, "required": _required(question),
                           "relevant": str(question.relevant or ""),
                           f"required_message::{LANGUAGE}": question.required_message or ""}
    if question.choices:
        row["type"] = f"{word} {question.id}"
    else:
        row["type"] = word.replace("_", " ") if word == "begin_group" else word
    if kind.xlsform_appearance:
        row["appearance"] = kind.xlsform_appearance
    if question.constraints:
        first = question.constraints[0]
        row["constraint"] = str(first.rule)
        row[f"constraint_message::{LANGUAGE}"] = first.message
    if question.calculation is not None:
        row["calculation"] = str(question.calculation)
    appearances = {kind.xlsform_appearance} if kind.xlsform_appearance else set()
    if word == "begin_group" or type_for(word, appearances) is not kind:
        row["esmon_type"] = kind.name
    options = _options(question)
    if options:
        row["esmon_options"] = json.dumps(options, ensure_ascii=False)
    if kind.xlsform_note:
        row["esmon_note"] = kind.xlsform_note
    return row


def _table_rows(question: Question) -> list[dict[str, str]]:
    """A table's cells as numbers inside its group (ODK users fill them one by one)."""
    cell = question.kind.cell_kind(question)
    word = cell.xlsform_export if cell else "decimal"
    required = "yes" if question.required else ""
    rows = []
    for row_axis in question.rows:
        for column_axis in question.columns:
            rows.append({"type": word, "name": f"{question.id}_{row_axis.id}_{column_axis.id}",
                         f"label::{LANGUAGE}": f"{row_axis.label} — {column_axis.label}",
                         "required": required,
                         "esmon_note": "komórka tabeli (esmon czyta tabelę z wiersza grupy)"})
    return [*rows, {"type": "end group", "name": question.id}]


def _section_rows(section: Section) -> list[dict[str, str]]:
    begin: dict[str, str] = {"type": "begin group", "name": section.id,
                             f"label::{LANGUAGE}": section.title,
                             "relevant": str(section.relevant or ""), "appearance": "field-list"}
    if section.help:
        begin["esmon_options"] = json.dumps({"help": section.help}, ensure_ascii=False)
    rows = [begin]
    for question in section.questions:
        rows.append(_question_row(question))
        if question.kind.xlsform_export == "begin_group":
            rows += _table_rows(question)
    return [*rows, {"type": "end group", "name": section.id}]


def workbook_rows(survey: Survey) -> dict[str, list[dict[str, str]]]:
    """The three sheets as rows of column → text."""
    survey_rows = [row for section in survey.sections for row in _section_rows(section)]
    choices = [{"list_name": q.id, "name": c.value, f"label::{LANGUAGE}": c.label}
               for q in survey.questions for c in q.choices]
    settings = [{"form_title": survey.title, "form_id": survey.key, "version": survey.version,
                 "default_language": LANGUAGE, "esmon_format": str(survey.format),
                 "unit_kinds": " ".join(survey.unit_kinds), "period": survey.period,
                 "description": survey.description,
                 "time_to_fill": str(survey.time_to_fill) if survey.time_to_fill else "",
                 "prepare": json.dumps(list(survey.prepare), ensure_ascii=False)
                 if survey.prepare else "",
                 "follows": survey.follows or ""}]
    return {"survey": survey_rows, "choices": choices, "settings": settings}


def export_xlsform(survey: Survey) -> bytes:
    """The definition as an .xlsx XLSForm (texts written as text: a label '=…' stays text)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#DDE7F0"})
    sheets = workbook_rows(survey)
    for name, columns in (("survey", SURVEY_COLUMNS), ("choices", CHOICE_COLUMNS),
                          ("settings", SETTINGS_COLUMNS)):
        sheet = book.add_worksheet(name)
        for col, title in enumerate(columns):
            sheet.write_string(0, col, title, bold)
            sheet.set_column(col, col, _WIDTHS.get(title.partition("::")[0], 18))
        for number, row in enumerate(sheets[name], start=1):
            for col, title in enumerate(columns):
                value = row.get(title, "")
                if value:
                    sheet.write_string(number, col, value)
        sheet.freeze_panes(1, 0)
        sheet.set_landscape()
        sheet.set_paper(8)  # A3: thirteen columns stay legible on paper
        sheet.fit_to_pages(1, 0)  # printed: every column on the page, as many pages as rows
        sheet.repeat_rows(0)
    book.close()
    return buffer.getvalue()
