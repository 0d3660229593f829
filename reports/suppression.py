"""Small-cell suppression for published tables (RODO art. 9, art. 1 ust. 2 u.z.s. groups).

Counts of persons in sensitive groups (the ``uczestnicy_wg_przeslanki`` table) of 1 or 2 are
shown as ``<3``. Hiding one cell is not enough when its row, its column or the total over the
groups is published: the hidden number would follow by subtraction. So wherever a line of
cells that adds up to a published total has exactly one hidden cell, the smallest other
non-zero cell of that line is hidden too (``x``), until no such line is left.

Averages, medians and extremes of sensitive cells reveal single units' counts, so only the
number of answers and the sum are published for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import pandas as pd

from l10n import N_
from reports.aggregate import COUNT, SUM, TOTAL, Aggregate
from reports.frame import Column

SMALL = "<3"
COMPLEMENT = "x"
#: how the information sheet explains the marks
NOTE = N_("„%(small)s” — liczba osób 1 lub 2 w grupie wrażliwej (art. 1 ust. 2 ustawy o "
          "zatrudnieniu socjalnym), ukryta; „%(complement)s” — wartość ukryta dodatkowo, aby "
          "ukrytej liczby nie dało się odtworzyć z sum. Dla tych komórek podano tylko liczbę "
          "odpowiedzi i sumę.", small=SMALL, complement=COMPLEMENT)

_Key = tuple[str, str]  # (column name, group)


def is_small(value: Any) -> bool:
    return isinstance(value, int | Decimal) and 1 <= value <= 2


def suppress(agg: Aggregate, columns: Iterable[Column]) -> Aggregate:
    """A copy of ``agg`` with sensitive sums hidden and their other statistics left out."""
    sensitive = {c.name: c for c in columns if c.sensitive and c.kind == "number"}
    if not sensitive:
        return agg
    table = agg.table
    keep = ~table["kolumna"].isin(list(sensitive)) | table["miara"].isin([COUNT, SUM])
    table = table[keep].reset_index(drop=True).copy()
    sums = table[table["kolumna"].isin(list(sensitive)) & (table["miara"] == SUM)]
    groups = [*agg.groups, TOTAL]
    values = {(row["kolumna"], g): row[g] for _, row in sums.iterrows() for g in groups}
    hidden = hide(values, _lines(sensitive, agg.groups))
    for index, row in sums.iterrows():
        for g in groups:
            mark = hidden.get((row["kolumna"], g))
            if mark:
                table.at[index, g] = mark
    return Aggregate(agg.level, agg.groups, table)


def hide(values: dict[_Key, Any], lines: list[list[_Key]]) -> dict[_Key, str]:
    """Primary (``<3``) and complementary (``x``) suppression over lines that sum to totals."""
    hidden = {key: SMALL for key, value in values.items() if is_small(value)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for key in line if key in hidden) != 1:
                continue
            pick = _complement(line, values, hidden)
            if pick is not None:
                hidden[pick] = COMPLEMENT
                changed = True
    return hidden


def _complement(line: list[_Key], values: dict[_Key, Any], hidden: dict[_Key, str]
                ) -> _Key | None:
    """The smallest other cell of the line, preferring non-zero ones (a hidden 0 protects less)."""
    candidates = [k for k in line if k not in hidden and values.get(k) is not None
                  and not pd.isna(values.get(k))]
    if not candidates:
        return None
    return min(candidates, key=lambda k: (values[k] == 0, values[k]))


def _lines(sensitive: dict[str, Column], groups: list[str]) -> list[list[_Key]]:
    """Sets of cells whose totals are published: a table's rows and columns within each group
    (and in the total), and each cell across the groups (their sum is the total column)."""
    tables: dict[str, dict[str, dict[str, str]]] = {}
    for name in sensitive:
        question, row, col = name.split("__")
        tables.setdefault(question, {}).setdefault(row, {})[col] = name
    lines: list[list[_Key]] = []
    for rows in tables.values():
        cols = sorted({c for cells in rows.values() for c in cells})
        for g in [*groups, TOTAL]:
            lines += [[(name, g) for name in cells.values()] for cells in rows.values()]
            lines += [[(cells[c], g) for cells in rows.values() if c in cells] for c in cols]
    if len(groups) > 1:
        lines += [[(name, g) for g in groups] for name in sensitive]
    return lines
