"""What a report shows, as data: chapters of tables, charts, maps and key figures.

Analysts describe a report in ``survey_defs/<key>.report.yaml`` (read and checked by
``reports.report_file``); without one, ``default_definition`` makes a chapter per
questionnaire section with a table per question. ``reports.compose`` turns a definition and
a round's frame into the ``reports.model.Report`` every output draws.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from forms.model import Survey
from l10n import N_
from reports.aggregate import (
    CHOSEN,
    COUNT,
    EARLIEST,
    LATEST,
    MAX,
    MEAN,
    MEDIAN,
    MIN,
    RATE,
    SHARE,
    SUM,
    YES_SHARE,
)

#: block kinds a chapter may hold
ITEM_KINDS = ("table", "chart", "map", "key_figure", "indicators", "responses")
#: statistic names a definition may use → the measure of ``reports.aggregate``
STATISTICS = {
    "liczba_odpowiedzi": COUNT, "suma": SUM, "srednia": MEAN, "mediana": MEDIAN,
    "minimum": MIN, "maksimum": MAX, "najwczesniej": EARLIEST, "najpozniej": LATEST,
    "odsetek_tak": YES_SHARE, "liczba_wskazan": CHOSEN, "odsetek_wskazan": SHARE,
    "odsetek_odpowiedzi": RATE,
}
#: value kinds whose questions get a table in the default report (text goes to raw data)
REPORTED_KINDS = frozenset({"count", "amount", "number", "share", "year", "date", "code",
                            "codes", "cells"})
MAP_LEVELS = ("powiat", "podregion", "gmina", "wojewodztwo")
#: value kinds read as one number per unit
NUMBER_KINDS = frozenset({"count", "amount", "number", "share", "year", "date"})


@dataclass(frozen=True)
class Item:
    """One block of a chapter, as the definition names it."""

    kind: str
    id: str
    title: str = ""
    questions: tuple[str, ...] = ()
    #: grouping level; ``None``: the report's own
    level: str | None = None
    #: charts, maps, key figures: which statistic (``STATISTICS`` name) of which question
    statistic: str | None = None
    #: a choice's value whose count or share is drawn
    option: str | None = None
    classes: str = "quantiles"
    breaks: tuple[Decimal, ...] = ()
    indicators: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class ChapterDef:
    id: str
    title: str
    intro: str = ""
    items: tuple[Item, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class ReportDefinition:
    key: str
    title: str = ""
    chapters: tuple[ChapterDef, ...] = field(default_factory=tuple)
    #: ``True``: made by ``default_definition`` (no report file)
    default: bool = False


def reported(survey: Survey, question_id: str) -> bool:
    """Does a question's answer make a table (counted, summed, ordered)?"""
    question = survey.question(question_id)
    kind = question.value_kind
    if kind == "code" and not question.choices:
        return False  # identifiers (TERYT, REGON) are listed in the raw data only
    return kind in REPORTED_KINDS


def default_definition(survey: Survey) -> ReportDefinition:
    """Responses first (table, chart, map), then a chapter per questionnaire section.

    In a section, the number questions make one table (each question's headline statistic:
    sums of counts and amounts, means of shares, the latest year or date) and the yes/no
    questions another (the share of "tak"), so a section prints on a page or two; each
    choice and table question gets a table of its own (its options, its cells).
    """
    chapters = [ChapterDef("odpowiedzi", N_("Kto odpowiedział"),
                           N_("Zaproszone jednostki, złożone ankiety i odsetek odpowiedzi."),
                           (Item("responses", "odpowiedzi"),
                            Item("chart", "odpowiedzi_wykres", statistic="odsetek_odpowiedzi"),
                            Item("map", "odpowiedzi_mapa", statistic="odsetek_odpowiedzi"),
                            Item("map", "odpowiedzi_mapa_gmin", statistic="odsetek_odpowiedzi",
                                 level="gmina")))]
    for section in survey.sections:
        items = _section_items(survey, section.id, [
            q for q in section.questions if q.has_answer and reported(survey, q.id)])
        if items:
            chapters.append(ChapterDef(section.id, section.title, section.help,
                                       tuple(items), section.line))
    chapters.append(ChapterDef("wskazniki", N_("Wskaźniki"), "",
                               (Item("indicators", "wskazniki"),)))
    return ReportDefinition(survey.key, survey.title, tuple(chapters), default=True)


def _section_items(survey: Survey, section_id: str, questions: list) -> list[Item]:
    numbers = [q.id for q in questions if q.value_kind in NUMBER_KINDS]
    yes_no = [q.id for q in questions if q.value_kind == "code" and q.kind.share_value]
    items: list[Item] = []
    if len(numbers) > 1:
        items.append(Item("table", f"{section_id}_liczby", N_("Odpowiedzi liczbowe"),
                          tuple(numbers)))
    if len(yes_no) > 1:
        items.append(Item("table", f"{section_id}_tak_nie", N_("Pytania tak/nie"),
                          tuple(yes_no)))
    grouped = set(numbers) if len(numbers) > 1 else set()
    grouped |= set(yes_no) if len(yes_no) > 1 else set()
    position = {q.id: n for n, q in enumerate(questions)}
    singles = [q for q in questions if q.id not in grouped]
    items += [Item("table", f"t_{q.id}", questions=(q.id,)) for q in singles]
    # tables keep the questionnaire's order of their first question
    return sorted(items, key=lambda item: position[item.questions[0]])
