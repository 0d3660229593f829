"""A table of numbers: rows × columns, as in the CAS breakdowns; stored as ``{row: {col: n}}``.

Each cell is a form field of its own (``q_<id>__<row>__<col>``) read by the cell type
(integer, decimal or money); required means every cell, and constraints apply to the whole
table once its cells are valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from wtforms import Field

from forms.types.base import DefinitionReader, QuestionType, field_name
from forms.types.numbers import DecimalType, IntegerType, MoneyType, NumberField, NumberType
from l10n import N_, format_number

if TYPE_CHECKING:
    from forms.model import Choice, Question
    from forms.yamlsource import LineDict

#: the number types a cell may have (``cell_type``)
CELL_TYPES: dict[str, NumberType] = {kind.name: kind for kind in (
    IntegerType(), DecimalType(), MoneyType())}


class TableType(QuestionType):
    name = "table"
    xlsform_export = "begin_group"
    xlsform_note = N_("tabela liczb: w XLSForm grupa z polem na każdą komórkę (esmon: table)")
    keys = frozenset({"rows", "columns", "cell_type"})
    value_kind = "cells"
    widget = "table"
    field_class = NumberField
    required_message = N_("Uzupełnij komórkę (0, jeśli nie było).")
    required_template = None
    composite = True
    browser_read = "table"

    def read_options(self, reader: DefinitionReader, raw: LineDict, qid: str | None,
                     choice_lists: Mapping[str, tuple[Choice, ...]],
                     common: Mapping[str, Any]) -> dict[str, Any]:
        fields: dict[str, Any] = {"rows": reader.axes(raw, "rows", qid),
                                  "columns": reader.axes(raw, "columns", qid)}
        cell_type = reader.text(raw, "cell_type", default="integer")
        if cell_type not in CELL_TYPES:
            reader.problem(raw.line_of("cell_type"), "bad_value",
                           "Pole 'cell_type' przyjmuje integer, decimal albo money.", qid)
        fields["cell_type"] = cell_type
        return fields

    def cell_kind(self, question: Question) -> NumberType:
        """The number type of the table's cells."""
        return CELL_TYPES[question.cell_type]

    def field_names(self, question: Question) -> list[str]:
        return [field_name(question.id, r, c) for r, c in question.cell_ids()]

    def make_fields(self, question: Question) -> dict[str, Field]:
        cell = self.cell_kind(question)
        return {
            field_name(question.id, r.id, c.id): NumberField(
                f"{r.label} — {c.label}", places=cell.places(question), integer=cell.integer)
            for r in question.rows for c in question.columns
        }

    def check_value(self, question: Question, value: Any) -> str | None:
        return N_("Liczba w tabeli nie może być ujemna.") if value < 0 else None

    def value_from_form(self, form: Any, question: Question) -> Any:
        table: dict[str, dict[str, Any]] = {}
        for row, column in question.cell_ids():
            field = form[field_name(question.id, row, column)]
            if field.data is not None and not field.process_errors:
                table.setdefault(row, {})[column] = field.data
        return table or None

    def initial_data(self, stored: Any, question: Question) -> dict[str, Any]:
        return {field_name(question.id, row, col): value
                for row, cols in (self.typed(stored, question) or {}).items()
                for col, value in cols.items()}

    def stored(self, value: Any, question: Question) -> Any:
        if not value:
            return None
        cell = self.cell_kind(question)
        return {row: {col: cell.stored(v, question) for col, v in cols.items()}
                for row, cols in value.items()}

    def typed(self, stored: Any, question: Question) -> Any:
        if not stored:
            return None
        return {row: {col: Decimal(str(v)) for col, v in cols.items() if v is not None}
                for row, cols in stored.items()}

    def formdata(self, stored: Any, question: Question) -> dict[str, list[str]]:
        data = {}
        for row, cols in (stored or {}).items():
            for col, value in cols.items():
                data[field_name(question.id, row, col)] = [str(value)]
        return data

    def display(self, stored: Any, question: Question,
                names: Mapping[str, str] | None = None) -> str:
        total = sum((Decimal(str(v)) for cols in (stored or {}).values()
                     for v in cols.values()), Decimal(0))
        return N_("suma: %(total)s", total=format_number(total)) if stored else ""

    def display_cell(self, value: Any, question: Question) -> str:
        return self.cell_kind(question).display(value, question)

    def cell_texts(self, stored: Any, question: Question) -> list[tuple[str, str]]:
        cells = stored or {}
        return [(f"{row.label} — {column.label}",
                 self.display_cell(cells.get(row.id, {}).get(column.id), question))
                for row in question.rows for column in question.columns
                if cells.get(row.id, {}).get(column.id) is not None]

    def change_text(self, stored: Any, question: Question) -> str:
        if not stored:
            return "—"
        cells = []
        for row in question.rows:
            for column in question.columns:
                cell = (stored.get(row.id) or {}).get(column.id)
                if cell not in (None, 0, "0"):
                    cells.append(f"{row.label} / {column.label}: {cell}")
        return "; ".join(cells) or N_("same zera")

    def browser_entry(self, question: Question) -> dict[str, Any]:
        return {**super().browser_entry(question), "rows": [r.id for r in question.rows],
                "columns": [c.id for c in question.columns]}
