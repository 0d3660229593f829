"""Report definition files (``survey_defs/<key>.report.yaml``): read and checked with lines.

An analyst lists chapters, and in each the blocks to show — ``table``, ``chart``, ``map``,
``key_figure``, ``indicators``, ``responses`` — naming questions of the questionnaire, a
statistic and a grouping level (the format is in ``survey_defs/README.md``). Every problem
of the file is reported at once with its line and a code from ``forms.problems.CODES``,
like a questionnaire definition; a file with a problem gives no definition at all.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from forms.loader import ID_PATTERN
from forms.model import Survey
from forms.problems import Problem
from forms.yamlsource import LineDict, LineList
from reports.aggregate import LEVELS
from reports.companion import CompanionReader, read_text
from reports.definition import (
    ITEM_KINDS,
    MAP_LEVELS,
    STATISTICS,
    ChapterDef,
    Item,
    ReportDefinition,
    reported,
)

_TOP = {"format", "key", "title", "chapters"}
_CHAPTER = {"id", "title", "intro", "blocks"}
#: keys of a block besides its kind (``table: <id>``)
_BLOCK = {"title", "questions", "question", "level", "statistic", "option", "classes",
          "breaks", "only"}
#: statistics a chart, a map or a key figure may draw, by what the question's answer is
_DRAWABLE = {
    "count": {"suma", "srednia", "mediana", "liczba_odpowiedzi"},
    "amount": {"suma", "srednia", "mediana", "liczba_odpowiedzi"},
    "number": {"srednia", "mediana", "liczba_odpowiedzi"},
    "share": {"srednia", "mediana", "liczba_odpowiedzi"},
    "cells": {"suma", "liczba_odpowiedzi"},
    "code": {"odsetek_tak", "liczba_wskazan", "odsetek_wskazan", "liczba_odpowiedzi"},
    "codes": {"liczba_wskazan", "odsetek_wskazan", "liczba_odpowiedzi"},
}


def report_path(defs_dir: Path | str, key: str) -> Path:
    return Path(defs_dir) / f"{key}.report.yaml"


def load_report_file(path: Path, survey: Survey) -> tuple[ReportDefinition | None,
                                                           list[Problem]]:
    text = read_text(path)
    if isinstance(text, Problem):
        return None, [text]
    return load_report_text(text, path.name, survey)


def load_report_text(text: str, name: str, survey: Survey
                     ) -> tuple[ReportDefinition | None, list[Problem]]:
    reader = _Reader(name, survey)
    definition = reader.read(text)
    problems = sorted(reader.problems)
    return (None if problems else definition), problems


class _Reader(CompanionReader):
    describes, items_key, items_noun, belongs = "opisu raportu", "chapters", "rozdziałów", \
        "Raport jest"

    def __init__(self, name: str, survey: Survey):
        super().__init__(name, survey)
        #: chapter ids and block ids, each unique in the file
        self.ids: dict[str, set[str]] = {"chapter": set(), "block": set()}

    def read(self, text: str) -> ReportDefinition | None:
        top = self.top(text, _TOP)
        if top is None:
            return None
        document, chapters = top
        found = []
        for raw, line in zip(chapters or (), getattr(chapters, "item_lines", ()), strict=False):
            chapter = self.chapter(raw, line)
            if chapter is not None:
                found.append(chapter)
        return ReportDefinition(self.survey.key, str(document.get("title") or ""),
                                tuple(found))

    def identifier(self, raw: LineDict, key: str, subject: str | None,
                   space: str = "block") -> str | None:
        value = raw.get(key)
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.problem(raw.line_of(key), "bad_id", f"Niepoprawny identyfikator {value!r}: "
                         "małe litery, cyfry i '_', od litery.", subject)
            return None
        if value in self.ids[space]:
            self.problem(raw.line_of(key), "duplicate_id",
                         f"Identyfikator '{value}' jest już w tym pliku.", subject)
        self.ids[space].add(value)
        return value

    def chapter(self, raw: Any, line: int) -> ChapterDef | None:
        if not isinstance(raw, LineDict):
            self.problem(line, "not_a_mapping", "Rozdział musi być opisem z polami id, title, "
                                                "blocks.")
            return None
        self.keys(raw, _CHAPTER, {"id", "title", "blocks"}, None)
        cid = self.identifier(raw, "id", None, "chapter") if "id" in raw else None
        blocks = raw.get("blocks")
        if "blocks" in raw and not (isinstance(blocks, LineList) and blocks):
            self.problem(raw.line_of("blocks"), "bad_value",
                         "'blocks' musi być niepustą listą (table, chart, map, key_figure, "
                         "indicators, responses).", cid)
            return None
        items = [self.block(b, bl, cid) for b, bl in
                 zip(blocks or (), getattr(blocks, "item_lines", ()), strict=False)]
        if cid is None or "title" not in raw:
            return None
        return ChapterDef(cid, str(raw["title"]), str(raw.get("intro") or ""),
                          tuple(i for i in items if i is not None), raw.line)

    def block(self, raw: Any, line: int, chapter: str | None) -> Item | None:
        kinds = [k for k in ITEM_KINDS if isinstance(raw, LineDict) and k in raw]
        if not isinstance(raw, LineDict) or len(kinds) != 1:
            self.problem(line, "bad_block", "Blok musi zaczynać się od jednego z: "
                         f"{', '.join(f'{k}: <id>' for k in ITEM_KINDS)}.", chapter)
            return None
        kind = kinds[0]
        self.keys(raw, _BLOCK | {kind}, {kind}, chapter)
        bid = self.identifier(raw, kind, chapter)
        questions = self.questions(raw, kind, bid)
        level = raw.get("level")
        if level == "gmina" and kind == "map":
            if questions and raw.get("statistic") != "odsetek_odpowiedzi":
                self.problem(raw.line_of("level"), "unknown_level",
                             "Mapa wg gmin pokazuje tylko odsetek odpowiedzi "
                             "(statistic: odsetek_odpowiedzi, bez pytania).", bid)
        elif level is not None and level not in LEVELS:
            self.problem(raw.line_of("level"), "unknown_level",
                         f"Nieznany poziom '{level}'; dozwolone: {', '.join(LEVELS)}.", bid)
        if kind == "map" and level is not None and level not in MAP_LEVELS:
            self.problem(raw.line_of("level"), "unknown_level",
                         f"Mapę można narysować dla: {', '.join(MAP_LEVELS)}.", bid)
        statistic = self.statistic(raw, kind, questions, bid)
        option = self.option(raw, questions, bid)
        classes = raw.get("classes", "quantiles")
        if classes not in ("quantiles", "fixed"):
            self.problem(raw.line_of("classes"), "bad_value",
                         "'classes' przyjmuje quantiles albo fixed.", bid)
        breaks = self.breaks(raw, classes, bid)
        indicators = raw.get("only", [])
        if not isinstance(indicators, list) or not all(isinstance(i, str) for i in indicators):
            self.problem(raw.line_of("only"), "bad_value",
                         "'only' to lista identyfikatorów wskaźników.", bid)
            indicators = []
        if bid is None:
            return None
        return Item(kind, bid, str(raw.get("title") or ""), questions, level, statistic,
                    option, str(classes), breaks, tuple(indicators), raw.line)

    def questions(self, raw: LineDict, kind: str, subject: str | None) -> tuple[str, ...]:
        if "questions" in raw and "question" in raw:
            self.problem(raw.line_of("question"), "bad_value",
                         "Podaj 'question' albo 'questions', nie oba.", subject)
        names = raw.get("questions", raw.get("question"))
        key = "questions" if "questions" in raw else "question"
        if names is None:
            if kind == "table" or (kind in ("chart", "map", "key_figure")
                                   and raw.get("statistic") != "odsetek_odpowiedzi"):
                self.problem(raw.line, "missing_key",
                             "Brak pola 'question' (albo 'questions').", subject)
            return ()
        names = [names] if isinstance(names, str) else names
        if not isinstance(names, list) or not names:
            self.problem(raw.line_of(key), "bad_value", "Podaj identyfikator pytania albo "
                         "listę identyfikatorów.", subject)
            return ()
        found = []
        for name in names:
            if not isinstance(name, str) or not self.survey.has_question(name):
                self.problem(raw.line_of(key), "unknown_question",
                             f"W ankiecie '{self.survey.key}' nie ma pytania {name!r}.", subject)
            elif not reported(self.survey, name):
                self.problem(raw.line_of(key), "bad_value", f"Pytanie '{name}' nie ma "
                             "statystyk (tekst, identyfikator) — jest w danych surowych.",
                             subject)
            else:
                found.append(name)
        if kind != "table" and len(found) > 1:
            self.problem(raw.line_of(key), "bad_value", "Wykres, mapa i liczba kluczowa "
                         "pokazują jedno pytanie.", subject)
        return tuple(found)

    def statistic(self, raw: LineDict, kind: str, questions: tuple[str, ...],
                  subject: str | None) -> str | None:
        statistic = raw.get("statistic")
        if statistic is None:
            if kind in ("chart", "map", "key_figure"):
                self.problem(raw.line, "missing_key", "Brak pola 'statistic'.", subject)
            return None
        if statistic not in STATISTICS:
            self.problem(raw.line_of("statistic"), "unknown_statistic",
                         f"Nieznana statystyka '{statistic}'; dozwolone: "
                         f"{', '.join(STATISTICS)}.", subject)
            return None
        if kind == "table":
            self.problem(raw.line_of("statistic"), "bad_value", "Tabela pokazuje statystyki "
                         "dobrane do pytania; 'statistic' jest dla wykresu, mapy i liczby "
                         "kluczowej.", subject)
        if questions and statistic != "odsetek_odpowiedzi":
            question = self.survey.question(questions[0])
            allowed = _DRAWABLE.get(question.value_kind or "", set())
            if statistic not in allowed:
                self.problem(raw.line_of("statistic"), "unknown_statistic",
                             f"Statystyka '{statistic}' nie pasuje do pytania "
                             f"'{question.id}' ({question.value_kind}); możliwe: "
                             f"{', '.join(sorted(allowed)) or 'brak'}.", subject)
        return str(statistic)

    def option(self, raw: LineDict, questions: tuple[str, ...], subject: str | None
               ) -> str | None:
        option = raw.get("option")
        if option is None:
            return None
        choices = {c.value for q in questions for c in self.survey.question(q).choices}
        if str(option) not in choices:
            self.problem(raw.line_of("option"), "bad_value",
                         f"Pytanie nie ma odpowiedzi '{option}' (są: "
                         f"{', '.join(sorted(choices)) or 'brak'}).", subject)
            return None
        return str(option)

    def breaks(self, raw: LineDict, classes: Any, subject: str | None) -> tuple[Decimal, ...]:
        values = raw.get("breaks")
        if values is None:
            if classes == "fixed":
                self.problem(raw.line, "missing_key", "Klasy 'fixed' wymagają 'breaks'.",
                             subject)
            return ()
        try:
            found = tuple(Decimal(str(v)) for v in values if not isinstance(v, bool))
        except (InvalidOperation, TypeError):
            found = ()
        if not found or len(found) != len(values) or list(found) != sorted(found):
            self.problem(raw.line_of("breaks"), "bad_value",
                         "'breaks' to rosnąca lista liczb, np. [0.25, 0.5, 0.75].", subject)
            return ()
        return found
