"""Municipal report: one gmina against its powiat, podregion and województwo, and its past.

A gmina monitoring its own plan (LPRES) needs to know where it stands, so its figure (the sum
over its units, or its own JST response) is set beside the median and mean of the gminas of
its powiat, podregion and województwo. Comparisons are gmina with gmina: units are first added
up per gmina, and powiat-level respondents (starostwa, PCPR) are left out of the comparison
groups. A city with powiat rights is its own gmina (WWPP61…).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from l10n import N_
from reports.aggregate import mean
from reports.frame import CITY, Column, ReportFrame

AREAS = (("powiat", N_("powiat")), ("podregion", N_("podregion")),
         ("wojewodztwo", N_("województwo")))
#: headers; the area columns read "powiat — mediana" (translated part by part where shown)
COLUMNS = (N_("kolumna"), N_("pytanie"), N_("etykieta"), "format", N_("gmina"),
           N_("poprzednia runda"), N_("zmiana"), N_("zmiana %")) + tuple(
    f"{label} — {stat}" for _, label in AREAS for stat in (N_("mediana"), N_("średnia")))
_FORMATS = {"count": "count", "PLN": "money", "%": "pct", "": "decimal", "year": "year"}


@dataclass
class MunicipalReport:
    code: str
    name: str
    table: pd.DataFrame
    #: area → (its label, number of gminas with answers)
    areas: dict[str, tuple[str, int]]


def gmina_keys(frame: ReportFrame) -> pd.Series:
    """Each row's gmina (WWPPGG); empty for powiat-level units other than cities."""
    territory = frame.data["territory"]
    city_powiat = (territory.str.len() == 4) & (frame.data["gmina_type"] == CITY)
    keys = territory.where(territory.str.len() == 6, "")
    return keys.mask(city_powiat, territory + "01")


def municipal_report(frame: ReportFrame, code: str, previous: ReportFrame | None = None,
                     *, exclude_sensitive: bool = False) -> MunicipalReport:
    """The comparison table for gmina ``code`` (six or seven TERYT digits).

    :raise LookupError: when no unit of the round lies in that gmina.
    """
    code = code[:6]
    keys = gmina_keys(frame)
    mine = frame.data[keys == code]
    if mine.empty:
        raise LookupError(f"W tej rundzie nie ma jednostek z gminy o kodzie TERYT {code}.")
    columns = [c for c in frame.columns if c.kind == "number" or _is_yes_no(c)]
    if exclude_sensitive:
        columns = [c for c in columns if not c.sensitive]
    per_gmina = _per_gmina(frame, keys, columns)
    areas, members = {}, {}
    for area, label in AREAS:
        value = mine[area].iloc[0]
        attrs = frame.data.loc[frame.submitted & (keys != "")].groupby(keys)[area].first()
        in_area = attrs[attrs == value].index
        members[area] = per_gmina.loc[per_gmina.index.intersection(in_area)]
        areas[area] = (f"{label} {value}", len(members[area]))
    past = None
    if previous is not None:
        previous_keys = gmina_keys(previous)
        prev_cols = [c for c in previous.columns if c.name in per_gmina.columns]
        past = _per_gmina(previous, previous_keys, prev_cols)
    rows = [_row(c, per_gmina, code, past, members) for c in columns]
    name = "; ".join(sorted(set(mine["unit_name"].dropna())))
    return MunicipalReport(code, name, pd.DataFrame(rows, columns=COLUMNS, dtype=object), areas)


def _is_yes_no(column: Column) -> bool:
    return column.kind == "single" and column.share_of is not None


def _per_gmina(frame: ReportFrame, keys: pd.Series, columns: list[Column]) -> pd.DataFrame:
    """Submitted answers added up per gmina; yes/no as the share of units saying yes."""
    rows = frame.submitted & (keys != "")
    data = frame.data.loc[rows]
    parts = {}
    for c in columns:
        if c.kind == "number":
            parts[c.name] = data[c.name]
        else:
            answers = data[c.name]
            parts[c.name] = (answers == c.share_of).astype("Float64").where(answers.notna())
    if not parts:
        return pd.DataFrame(index=pd.Index([], dtype=object))
    values = pd.DataFrame(parts)
    grouped = values.groupby(keys[rows])
    sums = grouped.sum(min_count=1)
    for c in columns:
        if c.kind != "number":
            sums[c.name] = grouped[c.name].mean()
    return sums


def _row(column: Column, per_gmina: pd.DataFrame, code: str, past: pd.DataFrame | None,
         members: dict[str, pd.DataFrame]) -> tuple[Any, ...]:
    number = column.kind == "number"
    fmt = _FORMATS[column.unit] if number else "share"

    def final(value: Any) -> Any:
        if value is None or pd.isna(value):
            return None
        return column.to_decimal(value) if number else float(value)

    own = final(per_gmina.at[code, column.name]) if code in per_gmina.index else None
    before = None
    if past is not None and code in past.index and column.name in past.columns:
        before = final(past.at[code, column.name])
    change = pct = None
    if own is not None and before is not None:
        change = own - before
        pct = float(change) / float(before) if before and number else None
    stats: list[Any] = []
    for area, _ in AREAS:
        values = members[area][column.name].dropna()
        if values.empty:
            stats += [None, None]
        elif number:
            stats += [final(values.median()),
                      mean(int(values.sum()), len(values), column)]
        else:
            stats += [float(values.median()), float(values.mean())]
    return (column.name, column.question_id, column.label, fmt, own, before, change, pct,
            *stats)
