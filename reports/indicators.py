"""Indicators of local and regional plans (LPRES, RPRES, KPRES): formula, baseline, target.

An indicator is a formula in the questionnaire expression language over a group's aggregated
answers (``${klauzule_wartosc_od_130k} div ${zam_ogolem_wartosc} * 100`` on the region's
sums), so ROPS staff write them the way they write questionnaire rules. They live beside the
questionnaire in ``survey_defs/<key>.indicators.yaml`` and are checked when loaded, every
problem with its file and line, in Polish (like questionnaire definitions).

What a formula can name (``${…}``), computed over the submitted responses of the group:

* a number question or a table cell (``tabela__wiersz__kolumna``): the sum of the answers;
  a table question: the sum of all its cells;
* ``pytanie__wartosc`` for a choice or yes/no question (``klauzule_stosowane__yes``): how many
  units chose that value;
* ``liczba_odpowiedzi`` (submitted responses) and ``liczba_zaproszonych`` (invited units).

A name no unit answered is empty; if every name a formula uses is empty, or the result is
(division by zero), the indicator has no data ("brak danych").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from forms.expressions import (
    EvalContext,
    Expression,
    ExpressionError,
    check_references,
    evaluate,
    functions_used,
    parse,
    references,
    uses_self,
)
from forms.loader import ID_PATTERN
from forms.model import Survey
from forms.problems import Problem
from forms.yamlsource import LineDict
from l10n import N_
from reports.companion import CompanionReader, read_text
from reports.frame import ReportFrame, answer_columns

UNITS = {"count": N_("liczba"), "PLN": N_("zł"), "%": "%"}
DIRECTIONS = {"increase": N_("wzrost"), "decrease": N_("spadek")}
ACHIEVED, NOT_ACHIEVED, NO_DATA = N_("osiągnięty"), N_("nieosiągnięty"), N_("brak danych")
#: the value is known but the plan names no target yet (the team fills it in the file)
NO_TARGET = N_("brak wartości docelowej")
RESPONSES, INVITED = "liczba_odpowiedzi", "liczba_zaproszonych"
_TOP_KEYS = {"format", "key", "indicators", "level", "territory"}
_REQUIRED = {"id", "name", "formula", "unit", "direction"}
#: a plan may name no target (Kluczbork's LPRES names none): the indicator is still computed
_OPTIONAL = {"source", "baseline", "baseline_year", "description", "target", "target_year",
             "level", "territory", "priority"}
#: the plan an indicator belongs to → what its territory is (TERYT digits; none: the country)
PLAN_LEVELS = {
    "lpres": (N_("lokalny program gminy (LPRES)"), 6),
    "rpres": (N_("regionalny program województwa (RPRES)"), 2),
    "kpres": (N_("Krajowy Program Rozwoju Ekonomii Społecznej (KPRES)"), 0),
}
#: functions that make no sense over a region's sums
_NOT_IN_INDICATORS = {"prev", "today", "reporting-year"}


@dataclass(frozen=True)
class Indicator:
    """One indicator of a plan, as written in the indicators file."""

    id: str
    name: str
    formula: Expression
    unit: str
    direction: str
    #: ``None`` while the plan names no target
    target: Decimal | None
    target_year: int | None
    baseline: Decimal | None = None
    baseline_year: int | None = None
    source: str = ""
    description: str = ""
    line: int = 0
    #: the plan's level (``PLAN_LEVELS``) and its territory: a gmina (6 TERYT digits) for
    #: LPRES, a województwo (2) for RPRES, empty for KPRES
    level: str = "kpres"
    territory: str = ""
    #: the plan's priority (or other heading) the indicator is reported under
    priority: str = ""


@dataclass(frozen=True)
class IndicatorResult:
    """An indicator's achieved value for one group of units, against its target."""

    indicator: Indicator
    achieved: Decimal | None
    status: str

    @property
    def progress(self) -> float | None:
        """Share of the way from baseline to target (without a baseline: achieved ÷ target)."""
        ind, value = self.indicator, self.achieved
        if value is None or ind.target is None:
            return None
        if ind.baseline is not None and ind.target != ind.baseline:
            return float((value - ind.baseline) / (ind.target - ind.baseline))
        if ind.direction == "decrease":
            return float(ind.target / value) if value else None
        return float(value / ind.target) if ind.target else None


def indicators_path(defs_dir: Path | str, key: str) -> Path:
    """Where a questionnaire's indicators live."""
    return Path(defs_dir) / f"{key}.indicators.yaml"


def load_indicators_file(path: Path, survey: Survey) -> tuple[list[Indicator], list[Problem]]:
    """Read and check an indicators file; indicators are returned only when there is no problem."""
    text = read_text(path)
    if isinstance(text, Problem):
        return [], [text]
    return load_indicators_text(text, path.name, survey)


def load_indicators_text(text: str, name: str, survey: Survey
                         ) -> tuple[list[Indicator], list[Problem]]:
    reader = _Reader(name, survey)
    indicators = reader.read(text)
    problems = sorted(reader.problems)
    return ([] if problems else indicators), problems


def known_names(survey: Survey) -> set[str]:
    """Every name an indicator formula of this questionnaire may use."""
    names = {RESPONSES, INVITED}
    for column in answer_columns(survey):
        if column.kind in ("number", "option"):
            names.add(column.name)
    for question in survey.questions:
        if question.value_kind == "cells":
            names.add(question.id)
        elif question.value_kind == "code":
            names.update(f"{question.id}__{c.value}" for c in question.choices)
    return names


class _Reader(CompanionReader):
    """Collects every problem of a file at once, like the questionnaire loader."""

    describes, items_key, items_noun, belongs = "opisu wskaźników", "indicators", \
        "wskaźników", "Wskaźniki są"

    def __init__(self, name: str, survey: Survey):
        super().__init__(name, survey)
        self.plan: tuple[str, str] = ("", "")
        self.plan_broken = False
        self.known = known_names(survey)

    def read(self, text: str) -> list[Indicator]:
        top = self.top(text, _TOP_KEYS)
        if top is None:
            return []
        document, items = top
        before = len(self.problems)
        self.plan = self.level(document, None, ("", ""))
        #: the file's own level is wrong (said once, not again for every indicator)
        self.plan_broken = len(self.problems) > before
        found: list[Indicator] = []
        seen: set[str] = set()
        for item, line in zip(items or (), getattr(items, "item_lines", ()), strict=False):
            indicator = self.indicator(item, line, seen)
            if indicator is not None:
                found.append(indicator)
        return found

    def indicator(self, raw: Any, line: int, seen: set[str]) -> Indicator | None:
        if not isinstance(raw, LineDict):
            self.problem(line, "not_a_mapping", "Wskaźnik musi być opisem z polami id, name, "
                                                "formula, unit, direction (i target, "
                                                "target_year).")
            return None
        iid = raw.get("id")
        subject = iid if isinstance(iid, str) else None
        self.keys(raw, _REQUIRED | _OPTIONAL, _REQUIRED, subject)
        if "id" in raw:
            if not isinstance(iid, str) or not ID_PATTERN.match(iid):
                self.problem(raw.line_of("id"), "bad_id", f"Niepoprawny identyfikator {iid!r}: "
                             "małe litery, cyfry i '_', od litery.", subject)
            elif iid in seen:
                self.problem(raw.line_of("id"), "duplicate_id",
                             f"Wskaźnik '{iid}' jest już w tym pliku.", subject)
            seen.add(str(iid))
        formula = self.formula(raw, subject)
        unit = self.choice(raw, "unit", UNITS, subject)
        direction = self.choice(raw, "direction", DIRECTIONS, subject)
        target = self.number(raw, "target", subject)
        baseline = self.number(raw, "baseline", subject)
        target_year = self.year(raw, "target_year", subject)
        baseline_year = self.year(raw, "baseline_year", subject)
        name = raw.get("name")
        if "name" in raw and not (isinstance(name, str) and name.strip()):
            self.problem(raw.line_of("name"), "bad_value", "Nazwa wskaźnika nie może być pusta.",
                         subject)
        if (target is None) != (target_year is None) and "target" in raw:
            self.problem(raw.line_of("target"), "missing_key",
                         "Wartość docelowa potrzebuje roku: podaj target i target_year.",
                         subject)
        elif (target is None) != (target_year is None):
            self.problem(raw.line_of("target_year"), "missing_key",
                         "Rok docelowy bez wartości: podaj target i target_year.", subject)
        level, territory = self.level(raw, subject, self.plan)
        if not level and not self.plan_broken:
            self.problem(raw.line, "missing_key", "Brak pola 'level' (lpres, rpres albo kpres) "
                         "— w pliku albo przy wskaźniku.", subject)
        if formula is None or unit is None or direction is None or not subject or not level:
            return None
        return Indicator(subject, str(name), formula, unit, direction, target, target_year,
                         baseline, baseline_year, str(raw.get("source") or ""),
                         str(raw.get("description") or ""), raw.line, level, territory,
                         priority=str(raw.get("priority") or "").strip())

    def level(self, raw: LineDict, subject: str | None, inherited: tuple[str, str]
              ) -> tuple[str, str]:
        """The plan level and territory given here (``level``, ``territory``), else the
        file's; an indicator naming its own level names its own territory too."""
        if "level" not in raw and "territory" not in raw:
            return inherited
        level = raw.get("level", inherited[0])
        if not level:
            return "", ""
        if level not in PLAN_LEVELS:
            self.problem(raw.line_of("level"), "unknown_level",
                         f"Nieznany poziom planu {level!r}; dozwolone: "
                         f"{', '.join(PLAN_LEVELS)}.", subject)
            return "", ""
        digits = PLAN_LEVELS[level][1]
        territory = str(raw.get("territory") or "").strip()
        if not digits:
            if territory:
                self.problem(raw.line_of("territory"), "bad_value",
                             "KPRES dotyczy całego kraju: bez 'territory'.", subject)
            return str(level), ""
        if not (territory.isdigit() and len(territory) == digits):
            where = raw.line_of("territory" if "territory" in raw else "level")
            example = "160402" if digits == 6 else "16"
            self.problem(where, "bad_value", f"Poziom {level} wymaga 'territory': kod TERYT "
                         f"z {digits} cyfr w cudzysłowie (np. \"{example}\").", subject)
            return "", ""
        return str(level), territory

    def formula(self, raw: LineDict, subject: str | None) -> Expression | None:
        if "formula" not in raw:
            return None
        line, source = raw.line_of("formula"), raw["formula"]
        if not isinstance(source, str):
            source = str(source)
        try:
            expr = parse(source)
            check_references(expr, self.known)
        except ExpressionError as err:
            code = "unknown_name" if err.message.startswith("Nieznane") else "expr_syntax"
            message = err.message
            if code == "unknown_name":
                message += (" — wskaźnik może używać pytań liczbowych, komórek tabel "
                            "(pytanie__wiersz__kolumna), odpowiedzi wyboru "
                            "(pytanie__wartosc), liczba_odpowiedzi, liczba_zaproszonych")
            self.problem(line, code, message, subject, err.column)
            return None
        banned = functions_used(expr) & _NOT_IN_INDICATORS
        if banned or uses_self(expr):
            what = ", ".join(f"{f}()" for f in sorted(banned)) or "'.'"
            self.problem(line, "bad_value", f"We wzorze wskaźnika nie można użyć {what}: "
                         "wskaźnik liczy się z sum odpowiedzi jednej rundy.", subject)
            return None
        return expr

    def choice(self, raw: LineDict, key: str, allowed: dict[str, str],
               subject: str | None) -> str | None:
        if key not in raw:
            return None
        value = raw[key]
        if value not in allowed:
            self.problem(raw.line_of(key), "bad_value", f"'{key}' musi być jednym z: "
                         f"{', '.join(allowed)} (jest {value!r}).", subject)
            return None
        return str(value)

    def number(self, raw: LineDict, key: str, subject: str | None) -> Decimal | None:
        value = raw.get(key)
        if value is None:
            return None
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            number = Decimal(str(value).strip())
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            self.problem(raw.line_of(key), "bad_value", f"'{key}' musi być liczbą, np. 12 albo "
                         f"12.5 (jest {value!r}).", subject)
            return None
        return number

    def year(self, raw: LineDict, key: str, subject: str | None) -> int | None:
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= 2100:
            self.problem(raw.line_of(key), "bad_value",
                         f"'{key}' musi być rokiem 2000–2100 (jest {value!r}).", subject)
            return None
        return value


def for_report(indicators: Iterable[Indicator], frame: ReportFrame, gmina: str | None = None
               ) -> list[Indicator]:
    """The indicators a report judges its units by: a gmina's report its own LPRES; a
    regional one the RPRES of its województwo and the KPRES (never one gmina's targets)."""
    if gmina:
        return [i for i in indicators if i.level == "lpres" and i.territory == gmina[:6]]
    regions = {t[:2] for t in frame.data["territory"] if t}
    return [i for i in indicators if i.level == "kpres"
            or (i.level == "rpres" and regions == {i.territory})]


def group_values(frame: ReportFrame) -> dict[str, Decimal | None]:
    """The names a formula can use, computed over the frame's submitted responses."""
    data = frame.data
    submitted = data[frame.submitted]
    values: dict[str, Decimal | None] = {RESPONSES: Decimal(len(submitted)),
                                         INVITED: Decimal(len(data))}
    tables: dict[str, list[Decimal]] = {}
    for column in frame.of_kind("number", "option", "single"):
        answers = submitted[column.name]
        answered = int(answers.count())
        if column.kind == "single":
            counts = answers.value_counts()
            for choice in frame.survey.question(column.question_id).choices:
                values[f"{column.name}__{choice.value}"] = (
                    Decimal(int(counts.get(choice.value, 0))) if answered else None)
            continue
        total = int(answers.sum()) if answered else None
        value = None if total is None else (
            column.to_decimal(total) if column.kind == "number" else Decimal(total))
        values[column.name] = value
        if column.kind == "number" and column.name != column.question_id:
            cells = tables.setdefault(column.question_id, [])
            if value is not None:
                cells.append(value)
    for question_id, cells in tables.items():
        values[question_id] = sum(cells, Decimal(0)) if cells else None
    return values


def evaluate_indicators(indicators: Iterable[Indicator], frame: ReportFrame
                        ) -> list[IndicatorResult]:
    """Each indicator's achieved value over the frame's submitted responses, with its status."""
    values = group_values(frame)
    return [evaluate_indicator(ind, values) for ind in indicators]


def evaluate_indicator(indicator: Indicator, values: dict[str, Decimal | None]
                       ) -> IndicatorResult:
    names = references(indicator.formula) - {RESPONSES, INVITED}
    no_data = not values.get(RESPONSES) or (names and all(values.get(n) is None
                                                         for n in names))
    result = None if no_data else evaluate(indicator.formula, EvalContext(answers=values))
    if not isinstance(result, Decimal):
        return IndicatorResult(indicator, None, NO_DATA)
    if indicator.target is None:
        return IndicatorResult(indicator, result, NO_TARGET)
    if indicator.direction == "increase":
        achieved = result >= indicator.target
    else:
        achieved = result <= indicator.target
    return IndicatorResult(indicator, result, ACHIEVED if achieved else NOT_ACHIEVED)
