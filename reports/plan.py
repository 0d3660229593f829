"""Plan against execution ("Nowa wiedza"): per JST, per województwo and nationally, how many
services of public utility each JST planned to commission to PES and how many it did.

The follow-up round's frame holds both: its ``<area>_plan_liczba`` / ``_plan_wartosc`` are the
JST's own plan (prefilled, read-only) and ``<area>_wyk_liczba`` / ``_wyk_wartosc`` what it
commissioned. A JST met its plan when, in every area it planned services in, it commissioned
at least the planned number and value. Sums are exact (minor units); no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from l10n import N_
from reports.frame import ReportFrame

#: service areas of the plan questionnaires (question id prefix → Polish name, a msgid)
AREAS = {
    "pomoc": N_("Pomoc społeczna"),
    "zatrudnienie": N_("Zatrudnienie socjalne"),
    "dzieci": N_("Opieka nad dziećmi do lat 3"),
    "zdrowie": N_("Ochrona zdrowia, w tym zdrowia psychicznego"),
    "rynek_pracy": N_("Promocja zatrudnienia i aktywizacja lokalnego rynku pracy"),
}
MEASURES = (("plan_liczba", N_("plan: liczba usług")),
            ("wyk_liczba", N_("wykonanie: liczba")),
            ("plan_wartosc", N_("plan: wartość (zł)")),
            ("wyk_wartosc", N_("wykonanie: wartość (zł)")))
NOTE = N_("Plan spełniony: w każdym obszarze, w którym JST planowała usługi, zleciła co najmniej "
          "planowaną liczbę i wartość usług. Wartości planu pochodzą z ankiety planu JST.")


@dataclass(frozen=True)
class PlanReport:
    """The three tables of the report, each a DataFrame of plain values (exact decimals)."""

    by_jst: pd.DataFrame
    by_wojewodztwo: pd.DataFrame
    national: pd.DataFrame
    jst_count: int
    met_count: int

    @property
    def met_share(self) -> float | None:
        return self.met_count / self.jst_count if self.jst_count else None


def is_plan_frame(frame: ReportFrame) -> bool:
    """The round asks the plan's and the execution's figures of every area."""
    names = {c.name for c in frame.columns}
    return all(f"{area}_{measure}" in names for area in AREAS for measure, _ in MEASURES)


def _values(frame: ReportFrame, data: pd.DataFrame, name: str) -> list[Decimal | None]:
    """A column's exact figures; each distinct stored integer is made a Decimal once (a
    national round repeats the same counts thousands of times)."""
    column = frame.column(name)
    made: dict[Any, Decimal | None] = {}
    found = []
    for minor in data[name].to_numpy(dtype=object, na_value=None).tolist():
        value = made.get(minor, _UNSET)
        if value is _UNSET:
            value = made[minor] = column.to_decimal(minor)
        found.append(value)
    return found


_UNSET: Any = object()


def _minor(frame: ReportFrame, data: pd.DataFrame, name: str, places: int) -> np.ndarray:
    """A column as integers in units of ``10 ** -places`` (blank counts as 0), exact."""
    column = frame.column(name)
    stored = data[name].fillna(0).to_numpy(dtype="int64")
    return stored * 10 ** (places - column.places)


def _met(frame: ReportFrame, data: pd.DataFrame) -> list[bool]:
    """Per row: in every area with a plan (a number or a value above 0) the JST commissioned
    at least the planned number and value; compared as exact integers, column by column."""
    met = np.ones(len(data), dtype=bool)
    for area in AREAS:
        counts = max(frame.column(f"{area}_{m}").places for m in ("plan_liczba", "wyk_liczba"))
        money = max(frame.column(f"{area}_{m}").places for m in ("plan_wartosc", "wyk_wartosc"))
        planned_n = _minor(frame, data, f"{area}_plan_liczba", counts)
        planned_v = _minor(frame, data, f"{area}_plan_wartosc", money)
        done_n = _minor(frame, data, f"{area}_wyk_liczba", counts)
        done_v = _minor(frame, data, f"{area}_wyk_wartosc", money)
        no_plan = (planned_n == 0) & (planned_v == 0)
        met &= no_plan | ((done_n >= planned_n) & (done_v >= planned_v))
    return met.tolist()


def plan_report(frame: ReportFrame) -> PlanReport:
    """The report of a follow-up round: the submitted responses only.

    :raise ValueError: when the round's questionnaire is not a plan follow-up.
    """
    if not is_plan_frame(frame):
        raise ValueError("not a plan follow-up round")
    data = frame.data[frame.submitted]
    rows: dict[str, list[Any]] = {
        "teryt": data["teryt"].tolist(), "jst": data["unit_name"].tolist(),
        "wojewodztwo": data["wojewodztwo"].tolist()}
    for area in AREAS:
        for measure, _label in MEASURES:
            name = f"{area}_{measure}"
            rows[name] = _values(frame, data, name)
    rows["plan_spelniony"] = _met(frame, data)
    by_jst = pd.DataFrame(rows)
    by_jst = by_jst.sort_values(["wojewodztwo", "teryt"], kind="stable").reset_index(drop=True)
    return PlanReport(by_jst, _by_area(by_jst, "wojewodztwo"), _by_area(by_jst, None),
                      len(by_jst), int(by_jst["plan_spelniony"].sum()))


def _sum(values: pd.Series) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


def _by_area(by_jst: pd.DataFrame, group: str | None) -> pd.DataFrame:
    """One row per (group, area): sums of plan and execution, execution %, share that met."""
    groups = [(key, part) for key, part in by_jst.groupby(group, sort=True)] if group \
        else [(None, by_jst)]
    records = []
    for key, part in groups:
        met = int(part["plan_spelniony"].sum())
        for area, label in AREAS.items():
            record: dict[str, Any] = {"obszar": label}
            if group:
                record[group] = key
            for measure, _label in MEASURES:
                record[measure] = _sum(part[f"{area}_{measure}"])
            record["wykonanie_liczby"] = (float(record["wyk_liczba"] / record["plan_liczba"])
                                          if record["plan_liczba"] else None)
            record["wykonanie_wartosci"] = (float(record["wyk_wartosc"] / record["plan_wartosc"])
                                            if record["plan_wartosc"] else None)
            record["jst"] = len(part)
            record["jst_plan_spelniony"] = met
            record["odsetek_spelnionych"] = met / len(part) if len(part) else None
            records.append(record)
    # the columns named even with no row: a round nobody has answered yet still has its report
    columns = [*([group] if group else []), "obszar", *(m for m, _ in MEASURES),
               "wykonanie_liczby", "wykonanie_wartosci", "jst", "jst_plan_spelniony",
               "odsetek_spelnionych"]
    return pd.DataFrame(records, columns=columns)


#: sheet names (msgids)
SHEETS = {"national": N_("Plan – kraj"), "wojewodztwo": N_("Plan – województwa"),
          "jst": N_("Plan – JST")}
_HEADERS = {
    "obszar": N_("obszar"), "wojewodztwo": N_("województwo"), "teryt": N_("TERYT"),
    "jst": N_("JST"), "plan_liczba": MEASURES[0][1], "wyk_liczba": MEASURES[1][1],
    "plan_wartosc": MEASURES[2][1], "wyk_wartosc": MEASURES[3][1],
    "wykonanie_liczby": N_("wykonanie liczby"), "wykonanie_wartosci": N_("wykonanie wartości"),
    "jst_plan_spelniony": N_("JST, które spełniły plan"),
    "odsetek_spelnionych": N_("odsetek JST, które spełniły plan"),
    "plan_spelniony": N_("plan spełniony"),
}
_FORMATS = {"plan_liczba": "count", "wyk_liczba": "count", "plan_wartosc": "money",
            "wyk_wartosc": "money", "wykonanie_liczby": "share", "wykonanie_wartosci": "share",
            "jst_plan_spelniony": "count", "odsetek_spelnionych": "share", "liczba_jst": "count"}
_HEADERS["liczba_jst"] = N_("liczba JST")
#: the per-JST sheet's area columns: "Pomoc społeczna — plan: liczba usług", …
AREA_COLUMNS = [f"{area}_{measure}" for area in AREAS for measure, _ in MEASURES]
for _area, _label in AREAS.items():
    for _measure, _measure_label in MEASURES:
        _HEADERS[f"{_area}_{_measure}"] = f"{_label} — {_measure_label}"
        _FORMATS[f"{_area}_{_measure}"] = _FORMATS[_measure]


def write_plan(book: Any, plan: PlanReport) -> None:
    """The three sheets, through the workbook writer of ``reports.xlsx`` (formula-safe)."""
    national = plan.national.rename(columns={"jst": "liczba_jst"})
    _table(book, SHEETS["national"], national,
           ["obszar", "plan_liczba", "wyk_liczba", "plan_wartosc", "wyk_wartosc",
            "wykonanie_liczby", "wykonanie_wartosci", "liczba_jst", "jst_plan_spelniony",
            "odsetek_spelnionych"])
    by_region = plan.by_wojewodztwo.rename(columns={"jst": "liczba_jst"})
    _table(book, SHEETS["wojewodztwo"], by_region,
           ["wojewodztwo", "obszar", "plan_liczba", "wyk_liczba", "plan_wartosc", "wyk_wartosc",
            "wykonanie_liczby", "wykonanie_wartosci", "liczba_jst", "jst_plan_spelniony",
            "odsetek_spelnionych"])
    columns = ["wojewodztwo", "teryt", "jst", *AREA_COLUMNS]
    wide = plan.by_jst.copy()
    yes, no = book.t(N_("tak")), book.t(N_("nie"))  # translated once, not once a JST
    wide["plan_spelniony"] = [yes if v else no for v in wide["plan_spelniony"]]
    _table(book, SHEETS["jst"], wide, [*columns, "plan_spelniony"])


def _table(book: Any, sheet: str, table: pd.DataFrame, names: list[str]) -> None:
    """One table: the cell type and format are chosen once a column (a per-JST sheet of a
    national round has 50 000 cells), and the rows are written as XML in one piece
    (``reports.xlsx_rows``), text never as a formula."""
    from reports.xlsx_rows import write_rows

    ws = book.sheet(sheet)
    headers = [_HEADERS[n] for n in names]
    widths = [max(12.0, min(50.0, len(book.label(h)) + 2.0)) for h in headers]
    book.header_row(ws, headers, widths, len(table), freeze_cols=1)
    columns = [_cells(book, table[name], name) for name in names]
    write_rows(ws, 1, [book.column(values, fmt) for values, fmt in columns])


def _cells(book: Any, series: pd.Series, name: str) -> tuple[list[Any], Any]:
    """A column's cell values and the number format they take (``None``: text cells).

    The same cells ``book.value`` writes: a number (Decimal, int, float) as a float in the
    column's format, a blank (``None``, NaN) left empty, anything else as text.
    """
    values = series.to_numpy(dtype=object, na_value=None).tolist()
    if name == "obszar":
        values = [book.t(v) for v in values]
    types = set(map(type, values))  # the column's types seen once, not every cell's in turn
    if types <= _TEXT_TYPES:
        return values, None
    if types <= _NUMBER_TYPES or all(
            v is None or (isinstance(v, int | float | Decimal) and not isinstance(v, bool))
            for v in values):
        fmt = book.formats.get(_FORMATS.get(name) or "decimal")
        floats = [None if v is None else float(v) for v in values]
        return [None if f is None or f != f else f for f in floats], fmt
    return [None if v is None or (isinstance(v, float) and v != v) else str(v)
            for v in values], None


_TEXT_TYPES = {str, type(None)}
_NUMBER_TYPES = {int, float, Decimal, type(None)}
