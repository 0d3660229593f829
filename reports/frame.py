"""A round's responses as one wide pandas frame: a row per unit, a column per answer.

Every report (regional, municipal, year over year, indicators, raw data) is a view of this one
table, so the stored JSON is decoded once. Numbers are kept as exact integers in their smallest
unit (grosze for money, 10**-places for decimals) in nullable ``Int64`` columns, so sums never
lose a grosz; they become ``Decimal`` only in the final figures (``Column.to_decimal``).

Input is plain data, one mapping per invitation (``services.report_source`` makes them from the
database; tests write them by hand)::

    {"unit_id": 7, "unit_name": "Gmina Kluczbork", "unit_kind": "gmina",
     "territory": "160402", "rodz": "3", "powiat_name": "kluczborski",
     "wojewodztwo_name": "OPOLSKIE", "status": "submitted", "mode": "web", "answers": {...}}

``mode`` is how the answers came (``web``, ``phone`` — a CATI interview, ``staff`` — typed in
by staff; missing means ``web``). ``status`` is the response status, or ``"invited"`` when
the unit has not opened its link; answers count only for ``submitted`` and ``accepted``
responses, the other rows are there for response rates.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import numpy as np
import pandas as pd

from forms.model import Question, Survey
from forms.placeholders import fill_year
from l10n import N_
from reports import collection

#: response statuses whose answers count in reports
SUBMITTED_STATUSES = ("submitted", "accepted")
#: how answers come, in the order reports count them (``models.response.RESPONSE_MODES``)
MODES = ("web", "phone", "staff")
NO_PODREGION = "(brak podregionu)"
NO_POWIAT = "(brak powiatu)"
CITY = "miasto na prawach powiatu"
POWIAT = "powiat"
GMINA_TYPES = {"1": "miejska", "2": "wiejska", "3": "miejsko-wiejska"}
#: the order in which types of gmina are listed
GMINA_TYPE_ORDER = ("miejska", "wiejska", "miejsko-wiejska", CITY, POWIAT)
#: unit attribute columns, in the order the raw sheet shows them
ATTRIBUTES = ("unit_id", "unit_name", "unit_kind", "teryt", "gmina_type", "powiat", "podregion",
              "wojewodztwo", "status")
#: tables counting persons by art. 1 ust. 2 u.z.s. groups (RODO art. 9): small-cell suppression
SENSITIVE_QUESTIONS = frozenset({"uczestnicy_wg_przeslanki"})
#: multiple-choice values joined in the raw value column
MULTI_SEPARATOR = ";"
_JST_KINDS = frozenset({"gmina", "powiat"})
_STATUS_RANK = {"accepted": 4, "submitted": 3, "returned": 2, "draft": 1}
#: value kind of a numeric answer (``forms.types.VALUE_KINDS``) → the unit reports give it
NUMBER_UNITS = {"count": "count", "year": "year", "number": "", "amount": "PLN", "share": "%"}
#: row / column id of a table's totals (a leading ``_``: no definition id can take it)
TABLE_TOTAL = "_razem"
#: the raw-data column of a question's soft-warning explanation: ``<id>__wyjasnienie``
EXPLANATION_SUFFIX = "__wyjasnienie"
EXPLANATION_LABEL = N_("wyjaśnienie ostrzeżenia")
TOTAL_LABEL = N_("Razem")


@dataclass(frozen=True)
class Column:
    """One answer column of the frame: where it comes from and how to read it.

    ``kind`` is ``number`` (exact integer × 10**-places), ``single`` (one value: single choice
    or yes/no), ``multi`` (the raw joined values of a multiple choice), ``option`` (0/1: was
    ``option`` ticked in a multiple choice), ``text``, or ``explanation`` (the respondent's
    explanation of the question's soft warning, ``<id>__wyjasnienie``: raw data only).
    """

    name: str
    question_id: str
    kind: str
    label: str
    section: str
    #: what the answer is (``forms.types.VALUE_KINDS``; a table cell: its cell type's kind)
    value_kind: str
    places: int = 0
    #: numbers: ``count``, ``PLN``, ``%``, ``year`` or ``""`` (a plain decimal)
    unit: str = ""
    option: str | None = None
    sensitive: bool = False
    #: ``single`` columns reported as the share of this value (yes/no: ``yes``)
    share_of: str | None = None
    #: a table's total (row, column or whole table): the (row, column) cells it adds up
    total_of: tuple[tuple[str, str], ...] = ()

    def to_decimal(self, minor: Any) -> Decimal | None:
        """An exact stored integer (or a median ending in .5) → the figure it stands for."""
        if minor is None or pd.isna(minor):
            return None
        return Decimal(str(minor)).scaleb(-self.places)


@dataclass
class ReportFrame:
    """The frame with the description of its answer columns."""

    data: pd.DataFrame
    columns: tuple[Column, ...]
    survey: Survey
    #: the round's reporting year (fills ``{rok}`` in the definition's texts)
    year: int | None = None

    def text(self, text: str) -> str:
        """A definition's text (label, section title) with the years filled in."""
        return fill_year(text, self.year)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def of_kind(self, *kinds: str) -> list[Column]:
        return [c for c in self.columns if c.kind in kinds]

    @property
    def submitted(self) -> pd.Series:
        """Rows whose answers count."""
        return self.data["status"].isin(SUBMITTED_STATUSES)

    def subset(self, mask: pd.Series) -> ReportFrame:
        return ReportFrame(self.data[mask], self.columns, self.survey, self.year)

    def answers_by_mode(self) -> dict[str, int]:
        """Counted answers by how they came: ``{"web": …, "phone": …, "staff": …}``.

        The method section of a report says how many answers came by web and how many by
        phone (CATI); the counts add up to the submitted rows.
        """
        if "mode" not in self.data:
            return {mode: int(self.submitted.sum()) if mode == "web" else 0 for mode in MODES}
        counts = self.data.loc[self.submitted, "mode"].value_counts()
        return {mode: int(counts.get(mode, 0)) for mode in MODES}


def to_minor_units(value: Any, places: int) -> int | None:
    """A stored number (int, or exact decimal text like ``"1234.50"``) → integer × 10**places.

    The fast path reads the canonical text the answer store writes; anything else goes through
    ``Decimal``, rounding half up, so no stored value is ever read through a float.
    """
    if value is None or isinstance(value, bool) or value == "":
        return None
    if isinstance(value, int):
        return value * 10 ** places
    if isinstance(value, str):
        head, _, tail = value.partition(".")
        digits = head[1:] if head.startswith("-") else head
        if digits.isdigit() and len(tail) <= places and (not tail or tail.isdigit()):
            return int(head + tail.ljust(places, "0"))
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number.scaleb(places).to_integral_value(ROUND_HALF_UP))


def gmina_type(territory: str, rodz: str | None) -> str:
    """Type of the unit's JST, as ROPS reports split them (TERC RODZ; powiat codes 61+ = city)."""
    if len(territory) >= 4 and territory[2:4].isdigit() and int(territory[2:4]) >= 61:
        return CITY
    if len(territory) < 6:
        return POWIAT
    return GMINA_TYPES.get(rodz or "", "(nieznany)")


def answer_columns(survey: Survey, sensitive: Collection[str] = SENSITIVE_QUESTIONS,
                   reporting_year: int | None = None) -> tuple[Column, ...]:
    """The frame's answer columns for a questionnaire, in question order."""
    found: list[Column] = []
    for section in survey.sections:
        for question in section.questions:
            found += _question_columns(question, fill_year(section.title, reporting_year),
                                       question.id in sensitive, reporting_year)
    return tuple(found)


def _question_columns(q: Question, section: str, sensitive: bool, year: int | None
                      ) -> list[Column]:
    found = _answer_columns(q, section, sensitive, year)
    if found and q.warnings:
        # the respondent's explanation of a soft warning, beside the answer in the raw data
        found.append(Column(f"{q.id}{EXPLANATION_SUFFIX}", q.id, "explanation",
                            f"{fill_year(q.label, year)} — {EXPLANATION_LABEL}", section,
                            "text", sensitive=sensitive))
    return found


def _answer_columns(q: Question, section: str, sensitive: bool, year: int | None
                    ) -> list[Column]:
    value_kind = q.value_kind

    def col(name: str, kind: str, label: str, **extra: Any) -> Column:
        extra.setdefault("value_kind", value_kind)
        return Column(name, q.id, kind, fill_year(label, year), section, sensitive=sensitive,
                      **extra)

    if value_kind in NUMBER_UNITS:
        return [col(q.id, "number", q.label, places=q.kind.places(q),
                    unit=NUMBER_UNITS[value_kind])]
    # codes from the definition's own list are counted per option; other codes (TERYT,
    # REGON) are identifiers and go to the raw data as text
    if value_kind == "code" and q.choices:
        return [col(q.id, "single", q.label, share_of=q.kind.share_value)]
    if value_kind == "codes" and q.choices:
        return [col(q.id, "multi", q.label)] + [
            col(f"{q.id}__{c.value}", "option", f"{q.label} — {c.label}", option=c.value)
            for c in q.choices]
    if value_kind == "cells":
        return _table_columns(q, col)
    if value_kind is not None:
        return [col(q.id, "text", q.label)]
    return []


def _table_columns(q: Question, col: Any) -> list[Column]:
    """Every cell, then each row's total, each column's total and the table's total.

    Totals are columns of their own (``q__wiersz___razem``, ``q___razem__kolumna``,
    ``q___razem___razem``), so the raw data, the aggregates and the indicators all have them
    and no output adds cells up on its own.
    """
    cell = q.kind.cell_kind(q)
    cell_value = cell.value_kind_for(q) if cell is not None else None
    assert cell is not None, "a table has a cell type"
    assert cell_value is not None, "a table's cells are numbers"
    extra = {"places": cell.places(q), "unit": NUMBER_UNITS[cell_value],
             "value_kind": cell_value}
    found = [col(f"{q.id}__{r.id}__{c.id}", "number", f"{q.label} — {r.label} — {c.label}",
                 **extra) for r in q.rows for c in q.columns]
    if len(q.columns) > 1:
        found += [col(f"{q.id}__{r.id}__{TABLE_TOTAL}", "number",
                      f"{q.label} — {r.label} — {TOTAL_LABEL}",
                      total_of=tuple((r.id, c.id) for c in q.columns), **extra)
                  for r in q.rows]
    if len(q.rows) > 1:
        found += [col(f"{q.id}__{TABLE_TOTAL}__{c.id}", "number",
                      f"{q.label} — {TOTAL_LABEL} — {c.label}",
                      total_of=tuple((r.id, c.id) for r in q.rows), **extra)
                  for c in q.columns]
    if len(q.rows) > 1 or len(q.columns) > 1:
        found.append(col(f"{q.id}__{TABLE_TOTAL}__{TABLE_TOTAL}", "number",
                         f"{q.label} — {TOTAL_LABEL}", total_of=tuple(q.cell_ids()), **extra))
    return found


def build_frame(records: Iterable[Mapping[str, Any]], survey: Survey,
                podregiony: Mapping[str, str] | None = None, *,
                reporting_year: int | None = None,
                sensitive: Collection[str] = SENSITIVE_QUESTIONS,
                chunk_size: int = 5000) -> ReportFrame:
    """Decode a round's records into the report frame.

    Records are consumed in chunks and their answer dicts dropped as soon as their values are
    in the column lists, so a stream from the database never sits in memory whole.

    :param podregiony: powiat code (WWPP) → podregion name; unmapped powiats get
        ``NO_PODREGION``.
    :param reporting_year: fills ``{rok}`` in labels.
    """
    columns = answer_columns(survey, sensitive, reporting_year)
    collector = _Collector(survey, columns)
    chunk: list[Mapping[str, Any]] = []
    with collection.paused():  # millions of decoded values, none in a cycle
        for record in records:
            chunk.append(record)
            if len(chunk) >= chunk_size:
                collector.add(chunk)
                chunk = []
        collector.add(chunk)
        data = collector.frame(podregiony or {})
        return ReportFrame(_count_cities_once(data), columns, survey, reporting_year)


class _Collector:
    """Column lists filled chunk by chunk."""

    def __init__(self, survey: Survey, columns: tuple[Column, ...]):
        self.columns = columns
        self.questions = [q for q in survey.questions if q.has_answer]
        self.values: dict[str, list[Any]] = {c.name: [] for c in columns}
        self.attrs: dict[str, list[Any]] = {k: [] for k in (
            "unit_id", "unit_name", "unit_kind", "territory", "rodz", "powiat_name",
            "wojewodztwo_name", "status", "mode")}
        self.by_question: dict[str, list[Column]] = {}
        for column in columns:
            self.by_question.setdefault(column.question_id, []).append(column)

    def add(self, chunk: list[Mapping[str, Any]]) -> None:
        for key, values in self.attrs.items():
            values.extend(r.get(key) for r in chunk)
        submitted = [r.get("status") in SUBMITTED_STATUSES for r in chunk]
        answers = [(r.get("answers") or {}) if done else {}
                   for r, done in zip(chunk, submitted, strict=True)]
        warnings = [(r.get("warnings") or {}) if done else {}
                    for r, done in zip(chunk, submitted, strict=True)]
        # one pass over each answer dict, then column by column (reading each question from
        # every dict in turn went through the scattered dicts 50 times: ~7 % of the frame)
        ids = [q.id for q in self.questions]
        by_row = [tuple(map(a.get, ids)) for a in answers]
        by_question = zip(*by_row, strict=True) if by_row else ((),) * len(ids)
        for question, raw in zip(self.questions, by_question, strict=True):
            for column in self.by_question.get(question.id, ()):
                if column.kind == "explanation":
                    self.values[column.name].extend(
                        _explanation(w.get(question.id)) for w in warnings)
                else:
                    self.values[column.name].extend(_decode(column, raw))

    def frame(self, podregiony: Mapping[str, str]) -> pd.DataFrame:
        attrs = self.attrs
        territory = [str(t or "") for t in attrs["territory"]]
        powiat_codes = [t[:4] if len(t) >= 4 else "" for t in territory]
        data: dict[str, Any] = {
            "unit_id": pd.array(attrs["unit_id"], dtype="Int64"),
            "unit_name": pd.Series(attrs["unit_name"], dtype=object),
            "unit_kind": pd.Series(attrs["unit_kind"], dtype=object),
            "teryt": pd.Series([t + (r or "") if len(t) == 6 else t
                                for t, r in zip(territory, attrs["rodz"], strict=True)],
                               dtype=object),
            "gmina_type": pd.Series([gmina_type(t, r) for t, r in
                                     zip(territory, attrs["rodz"], strict=True)], dtype=object),
            "powiat": pd.Series([f"{code} {name}" if code else NO_POWIAT for code, name in
                                 zip(powiat_codes, attrs["powiat_name"], strict=True)],
                                dtype=object),
            "podregion": pd.Series([podregiony.get(code, NO_PODREGION) for code in powiat_codes],
                                   dtype=object),
            "wojewodztwo": pd.Series([f"{t[:2]} {(name or '').lower()}".strip() for t, name in
                                      zip(territory, attrs["wojewodztwo_name"], strict=True)],
                                     dtype=object),
            "status": pd.Series([s or "invited" for s in attrs["status"]], dtype=object),
            "mode": pd.Series([m or "web" for m in attrs["mode"]], dtype=object),
            "territory": pd.Series(territory, dtype=object),
        }
        for column in self.columns:
            values = self.values.pop(column.name)
            if column.kind == "number":
                data[column.name] = _nullable_integers(values, np.int64)
            elif column.kind == "option":
                data[column.name] = _nullable_integers(values, np.int8)
            else:
                data[column.name] = pd.Series(values, dtype=object)
        return pd.DataFrame(data, copy=False)


def _nullable_integers(values: list[Any], dtype: type[np.integer]) -> pd.arrays.IntegerArray:
    """``pd.array(values, dtype="Int64")`` (or ``Int8``) made from the values and their mask
    directly: pandas checks every value's type again, twice as slow (0.2 s of a 60 000 frame)."""
    mask = np.fromiter((v is None for v in values), dtype=bool, count=len(values))
    data = np.array([0 if v is None else v for v in values], dtype=dtype)
    return pd.arrays.IntegerArray(data, mask)


def _explanation(warning: Any) -> str | None:
    """A stored warning (``{"messages": [...], "comment": ...}``) → its explanation."""
    comment = warning.get("comment") if isinstance(warning, dict) else None
    return _text(comment) if isinstance(comment, str) and comment.strip() else None


def _decode(column: Column, raw: Sequence[Any]) -> list[Any]:
    """Stored JSON values of one question → the values of one of its columns."""
    if column.kind == "number":
        if column.name == column.question_id:
            places, scale = column.places, 10 ** column.places
            # counts are stored as JSON integers: the common case skips the call
            return [v * scale if type(v) is int else to_minor_units(v, places) for v in raw]
        if column.total_of:
            return [_table_total(v, column) for v in raw]
        _, row, col = column.name.split("__")
        return [to_minor_units(_cell(v, row, col), column.places) for v in raw]
    if column.kind == "single":
        return [v if isinstance(v, str) and v else None for v in raw]
    if column.kind == "multi":
        return [MULTI_SEPARATOR.join(map(str, v)) if isinstance(v, list) and v else None
                for v in raw]
    if column.kind == "option":
        option = column.option
        return [(1 if option in v else 0) if isinstance(v, list) and v else None for v in raw]
    return [_text(v) for v in raw]


def _cell(table: Any, row: str, col: str) -> Any:
    if not isinstance(table, dict):
        return None
    cells = table.get(row)
    return cells.get(col) if isinstance(cells, dict) else None


def _table_total(table: Any, column: Column) -> int | None:
    """The sum of the answered cells a total covers; empty when none of them is answered."""
    values = [to_minor_units(_cell(table, row, col), column.places)
              for row, col in column.total_of]
    present = [v for v in values if v is not None]
    return sum(present) if present else None


def _text(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return MULTI_SEPARATOR.join(map(str, value))
    return value if isinstance(value, str) else str(value)


def _count_cities_once(data: pd.DataFrame) -> pd.DataFrame:
    """A city with powiat rights answers once for both levels of its JST.

    When the register has it both as a gmina unit (WWPPGG) and as a powiat unit (WWPP) in the
    same round, only the level with the further-advanced response stays (ties: the gmina).
    """
    city = (data["gmina_type"] == CITY) & data["unit_kind"].isin(_JST_KINDS)
    if not city.any():
        return data
    cities = data[city]
    level = cities["territory"].str.len().map({6: "gmina", 4: "powiat"})
    rank = cities["status"].map(_STATUS_RANK).fillna(0)
    best = pd.DataFrame({"code": cities["territory"].str[:4], "level": level, "rank": rank})
    per_level = best.groupby(["code", "level"])["rank"].max().unstack("level")
    if not {"gmina", "powiat"} <= set(per_level.columns):
        return data
    both = per_level.dropna()
    drop_level = pd.Series(
        ["gmina" if row.powiat > row.gmina else "powiat" for row in both.itertuples()],
        index=both.index, dtype=object)
    doomed = best["code"].map(drop_level)
    dropped = doomed.notna() & (doomed == best["level"])
    return data.drop(index=dropped[dropped].index).reset_index(drop=True)
