"""Year over year: each aggregate beside the same figure of the previous round.

Rounds of one questionnaire key are compared by question id, so a question keeps its history
as long as its id stays. A question (or a table row, a choice option) that exists in one round
only is listed with a note instead of being silently dropped: questionnaires change every
year and a coordinator must see what cannot be compared. A renamed question can be matched
by passing ``renames`` (old id → new id).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

import pandas as pd

from l10n import N_
from reports.aggregate import RESPONSE_RATE, TOTAL, Aggregate

COLUMNS = (N_("kolumna"), N_("pytanie"), N_("etykieta"), N_("miara"), "format", N_("grupa"),
           N_("bieżąca runda"), N_("poprzednia runda"), N_("zmiana"), N_("zmiana %"),
           N_("uwagi"))
NEW_QUESTION, GONE_QUESTION = N_("nowe pytanie"), N_("pytanie usunięte")
NEW_ITEM, GONE_ITEM = N_("nowa pozycja"), N_("pozycja usunięta")


def year_over_year(current: Aggregate, previous: Aggregate,
                   current_questions: Collection[str], previous_questions: Collection[str],
                   renames: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A long table: one row per (column, measure, group) with both rounds and the change.

    :param current_questions: question ids of the current round's questionnaire, and
    :param previous_questions: of the previous one, to tell a new question from a new option.
    """
    renames = dict(renames or {})
    old = _rows(previous.table, renames)
    new = _rows(current.table, {})
    groups = [*current.groups, *(g for g in previous.groups if g not in current.groups), TOTAL]
    renamed_to = {new_id: old_id for old_id, new_id in renames.items()}
    records: list[tuple[Any, ...]] = []
    for key in [*new, *(k for k in old if k not in new)]:
        meta = new.get(key) or old[key]
        column, question = key[0], meta["pytanie"]
        note = _note(key in new, key in old, question, current_questions, previous_questions,
                     renamed_to)
        for group in groups:
            now = _get(new.get(key), group)
            before = _get(old.get(key), group)
            change, change_pct = _change(now, before, meta["format"])
            records.append((column, question, meta["etykieta"], meta["miara"], meta["format"],
                            group, now, before, change, change_pct, note))
    return pd.DataFrame(records, columns=COLUMNS, dtype=object)


def only(table: pd.DataFrame, keys: Collection[tuple[str, str]]) -> pd.DataFrame:
    """The rows of the given (column, measure) pairs — a comparison a page can hold."""
    wanted = set(keys)
    mask = [(c, m) in wanted for c, m in zip(table["kolumna"], table["miara"], strict=True)]
    return table[mask].reset_index(drop=True)


def _rows(table: pd.DataFrame, renames: Mapping[str, str]) -> dict[tuple[str, str], dict]:
    rows = {}
    for record in table.to_dict("records"):
        column, question = record["kolumna"], record["pytanie"]
        if question in renames:
            record["pytanie"] = renames[question]
            column = renames[question] + column[len(question):]
            record["kolumna"] = column
        rows[(column, record["miara"])] = record
    return rows


def _get(row: dict | None, group: str) -> Any:
    if row is None:
        return None
    value = row.get(group)
    return None if value is None or (isinstance(value, float) and value != value) else value


def _note(in_new: bool, in_old: bool, question: str, current: Collection[str],
          previous: Collection[str], renamed_to: Mapping[str, str]) -> str:
    if question in renamed_to:
        return f"dawniej {renamed_to[question]}"
    if in_new and in_old or question == "" or question == RESPONSE_RATE:
        return ""
    if in_new:
        return NEW_QUESTION if question not in previous else NEW_ITEM
    return GONE_QUESTION if question not in current else GONE_ITEM


def _change(now: Any, before: Any, fmt: str) -> tuple[Any, float | None]:
    """Absolute change (percentage points for shares) and relative change as a fraction;
    none between years (the latest year is compared, not subtracted)."""
    if not _number(now) or not _number(before) or fmt == "year":
        return None, None
    if fmt == "share":
        return float(now) - float(before), None
    change = (Decimal(str(now)) - Decimal(str(before))) if isinstance(now, Decimal) or \
        isinstance(before, Decimal) else now - before
    pct = float(change) / float(before) if before else None
    return change, pct


def _number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)
