"""Read a questionnaire definition (YAML) into a ``Survey``, collecting every problem at once.

Each problem names the file, the line, the question and a stable code (see
``survey_defs/README.md`` for the list). Nothing is half-loaded: any problem means no survey.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Mapping, Set
from pathlib import Path
from typing import Any

import yaml

from forms.expressions import (
    Expression,
    ExpressionError,
    parse,
    previous_references,
    references,
    to_json,
    uses_self,
)
from forms.kinds import KINDS_FILE, UnitKind, known_kinds
from forms.model import (
    PREFILL_LAST_ROUND,
    PREFILL_SOURCES,
    Axis,
    Check,
    Choice,
    Question,
    Section,
    Survey,
)
from forms.problems import Problem
from forms.types import COMMON_KEYS, QUESTION_TYPES, Untyped
from forms.yamlsource import LineDict, LineList, load_yaml
from l10n import N_

#: the definition formats: 1 (esmon's first expression meanings), 2 (ODK's: ``regex()``
#: searches, ``selected()`` splits space-separated codes, ``true()``/``false()``); a file
#: without ``format`` is 1, so a stored version keeps its meaning
FORMATS = (1, 2)
FORMAT_VERSION = 2
DEFAULT_FORMAT = 1
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
#: files beside a questionnaire that describe its indicators and its report, not a questionnaire
COMPANION_SUFFIXES = (".indicators.yaml", ".report.yaml")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,63}$")
#: names used by the response frame and report columns; a question may not take them
RESERVED_NAMES = frozenset({
    "id", "unit_id", "unit_name", "unit_kind", "kind", "teryt", "gmina", "gmina_type",
    "powiat", "podregion", "wojewodztwo", "status", "submitted_at", "version", "round",
    "rok", "year",
})
#: ``prefill: follows.<question id>``: the unit's answer in the questionnaire it follows up
FOLLOWS_PREFIX = "follows."
SURVEY_KEYS = {
    "format", "key", "version", "title", "description", "unit_kinds", "period",
    "choice_lists", "sections", "time_to_fill", "prepare", "follows",
}
SECTION_KEYS = {"id", "title", "help", "relevant", "questions"}
#: stands in for a question without ``type`` (reported), so the rest of the file is checked
_UNTYPED = Untyped()
#: table functions whose first argument must be a table question
_TABLE_FUNCTIONS = {"cell": 2, "row-total": 1, "column-total": 1}


class _Reader:
    """Walks one definition and records problems; one instance per file."""

    def __init__(self, name: str, kinds: Mapping[str, UnitKind] | None = None):
        self.name = name
        self.problems: list[Problem] = []
        #: the file's ``format``: how its expressions are read
        self.format = DEFAULT_FORMAT
        self.follows: str | None = None
        #: the unit kinds ``unit_kinds`` may name (``registers/unit_kinds.yaml``)
        self.kinds = kinds if kinds is not None else known_kinds()

    def problem(self, line: int, code: str, message: str, qid: str | None = None,
                column: int | None = None) -> None:
        self.problems.append(Problem(self.name, line, code, message, qid, column))

    # -- small typed getters -------------------------------------------------------------
    def text(self, data: LineDict, key: str, *, required: bool = False, qid: str | None = None,
             default: str = "") -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line, "missing_key", f"Brak wymaganego pola '{key}'.", qid)
            return default
        if isinstance(value, (dict, list)):
            self.problem(data.line_of(key), "bad_value",
                         f"Pole '{key}' musi być tekstem.", qid)
            return default
        return str(value).strip()

    def flag(self, data: LineDict, key: str, qid: str | None) -> bool:
        value = data.get(key, False)
        if isinstance(value, bool):
            return value
        self.problem(data.line_of(key), "bad_value",
                     f"Pole '{key}' przyjmuje true albo false.", qid)
        return False

    def integer(self, data: LineDict, key: str, default: int, qid: str | None,
                low: int = 0, high: int = 10**6) -> int:
        value = data.get(key, default)
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        self.problem(data.line_of(key), "bad_value",
                     f"Pole '{key}' musi być liczbą całkowitą od {low} do {high}.", qid)
        return default

    def unknown_keys(self, data: LineDict, allowed: Set[str], what: str,
                     qid: str | None = None) -> None:
        for key in data:
            if key not in allowed:
                self.problem(data.key_lines.get(key, data.line), "unknown_key",
                             f"Nieznane pole '{key}' w {what}.", qid)
        for key, line in data.duplicate_keys:
            self.problem(line, "duplicate_key", f"Pole '{key}' podano dwa razy.", qid)

    def expression(self, data: LineDict, key: str, qid: str | None,
                   value: Any = None, line: int | None = None) -> Expression | None:
        source = data.get(key) if value is None else value
        line = line or data.line_of(key)
        if source is None:
            return None
        if isinstance(source, int) and not isinstance(source, bool):
            source = str(source)
        if not isinstance(source, str) or not source.strip():
            self.problem(line, "bad_value", f"Pole '{key}' musi być wyrażeniem.", qid)
            return None
        try:
            return parse(source, self.format)
        except ExpressionError as err:
            self.problem(line, "expr_syntax",
                         f"Błąd w wyrażeniu '{key}' ({source!r}), kolumna {err.column}: "
                         f"{err.message}", qid, err.column)
            return None

    # -- structure -----------------------------------------------------------------------
    def survey(self, text: str, stem: str) -> Survey | None:
        try:
            data = load_yaml(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            column = mark.column + 1 if mark else None
            reason = getattr(err, "problem", None) or str(err)
            self.problem(line, "yaml_syntax", f"Niepoprawny YAML: {reason}.", None, column)
            return None
        if not isinstance(data, LineDict):
            self.problem(1, "not_a_mapping", "Plik musi zawierać opis ankiety (mapę pól).")
            return None
        self.unknown_keys(data, SURVEY_KEYS, "opisie ankiety")
        fmt = data.get("format", DEFAULT_FORMAT)
        if fmt in FORMATS and not isinstance(fmt, bool):
            self.format = fmt
        else:
            self.problem(data.line_of("format"), "bad_format_version",
                         f"Nieobsługiwany format {fmt!r}; obsługiwane: "
                         f"{', '.join(map(str, FORMATS))}.")
        key = self.text(data, "key", required=True)
        if key and not KEY_PATTERN.match(key):
            self.problem(data.line_of("key"), "bad_id",
                         f"Klucz ankiety '{key}' może zawierać małe litery, cyfry i '-'.")
        elif key and stem and key != stem:
            self.problem(data.line_of("key"), "key_mismatch",
                         f"Klucz '{key}' różni się od nazwy pliku '{stem}'.")
        version = self.text(data, "version", required=True)
        title = self.text(data, "title", required=True)
        period = self.text(data, "period", default="annual")
        if period not in ("annual", "half_year"):
            self.problem(data.line_of("period"), "bad_value",
                         "Pole 'period' przyjmuje 'annual' albo 'half_year'.")
        kinds = data.get("unit_kinds") or []
        if not isinstance(kinds, list) or not kinds:
            self.problem(data.line_of("unit_kinds"), "missing_key",
                         "Pole 'unit_kinds' musi wymieniać rodzaje jednostek.")
            kinds = []
        for kind in kinds:
            if kind not in self.kinds:
                self.problem(data.line_of("unit_kinds"), "unknown_unit_kind",
                             f"Nieznany rodzaj jednostki '{kind}'; rodzaje z pliku "
                             f"{KINDS_FILE.name}: {', '.join(self.kinds)}.")
            elif key and not self.kinds[kind].allows(key):
                self.problem(data.line_of("unit_kinds"), "unit_kind_not_allowed",
                             f"Rodzaju '{kind}' nie mogą używać ankiety inne niż: "
                             f"{', '.join(self.kinds[kind].questionnaires)} "
                             f"({KINDS_FILE.name}).")
        self.follows = self.text(data, "follows") or None
        if self.follows and not KEY_PATTERN.match(self.follows):
            self.problem(data.line_of("follows"), "bad_id",
                         f"'follows' to klucz ankiety (małe litery, cyfry i '-'): "
                         f"{self.follows!r}.")
            self.follows = None
        choice_lists = self.choice_lists(data.get("choice_lists"), data.line_of("choice_lists"))
        raw_sections = data.get("sections")
        if not isinstance(raw_sections, LineList) or not raw_sections:
            self.problem(data.line_of("sections"), "missing_key",
                         "Ankieta musi mieć co najmniej jedną sekcję ('sections').")
            return None
        sections = [self.section(raw, line, choice_lists)
                    for raw, line in zip(raw_sections, raw_sections.item_lines, strict=True)]
        found = [s for s in sections if s is not None]
        survey = Survey(
            key=key, version=version, title=title, unit_kinds=tuple(kinds), period=period,
            follows=self.follows,
            sections=tuple(found), source_name=self.name,
            checksum=hashlib.sha256(text.encode()).hexdigest(),
            description=self.text(data, "description"),
            time_to_fill=self.integer(data, "time_to_fill", 0, None, 0, 600),
            prepare=self.texts(data, "prepare"),
            format=self.format,
        )
        order = _Semantics(self, survey).check()
        if self.problems:
            return None
        return dataclasses.replace(survey, evaluation_order=order)

    def texts(self, data: LineDict, key: str) -> tuple[str, ...]:
        """A list of short texts (``prepare``): each a non-empty string."""
        raw = data.get(key)
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(t, str) and t.strip() for t in raw):
            self.problem(data.line_of(key), "bad_value",
                         f"Pole '{key}' musi być listą tekstów.")
            return ()
        return tuple(t.strip() for t in raw)

    def choice_lists(self, raw: Any, line: int) -> dict[str, tuple[Choice, ...]]:
        if raw is None:
            return {}
        if not isinstance(raw, LineDict):
            self.problem(line, "bad_value", "Pole 'choice_lists' musi być mapą nazwa → lista.")
            return {}
        return {name: self.choices(items, raw.line_of(name), None)
                for name, items in raw.items()}

    def choices(self, items: Any, line: int, qid: str | None) -> tuple[Choice, ...]:
        if not isinstance(items, LineList) or not items:
            self.problem(line, "missing_choices", "Lista odpowiedzi musi mieć pozycje.", qid)
            return ()
        seen: set[str] = set()
        result = []
        for item, item_line in zip(items, items.item_lines, strict=True):
            if not isinstance(item, LineDict) or "value" not in item or "label" not in item:
                self.problem(item_line, "bad_value",
                             "Każda odpowiedź to {value: …, label: …}.", qid)
                continue
            value = str(item["value"]).strip()
            if value in seen:
                self.problem(item_line, "duplicate_choice",
                             f"Odpowiedź '{value}' powtarza się na liście.", qid)
            if not re.match(r"^[A-Za-z0-9_.-]{1,64}$", value):
                self.problem(item_line, "bad_value",
                             f"Wartość odpowiedzi '{value}': litery, cyfry, '_', '-', '.'.", qid)
            seen.add(value)
            result.append(Choice(value, str(item["label"]).strip()))
        return tuple(result)

    def section(self, raw: Any, line: int, choice_lists: dict) -> Section | None:
        if not isinstance(raw, LineDict):
            self.problem(line, "bad_value", "Sekcja musi być mapą pól (id, title, questions).")
            return None
        self.unknown_keys(raw, SECTION_KEYS, "sekcji")
        sid = self.text(raw, "id", required=True)
        if sid and not ID_PATTERN.match(sid):
            self.problem(raw.line_of("id"), "bad_id", f"Niepoprawny identyfikator sekcji '{sid}'.")
        items = raw.get("questions")
        if not isinstance(items, LineList) or not items:
            self.problem(raw.line, "empty_section", f"Sekcja '{sid}' nie ma pytań.")
            items = LineList()
            items.item_lines = []
        questions = [self.question(q, q_line, sid, choice_lists)
                     for q, q_line in zip(items, items.item_lines, strict=True)]
        return Section(
            id=sid, title=self.text(raw, "title", required=True), line=raw.line,
            help=self.text(raw, "help"), relevant=self.expression(raw, "relevant", None),
            questions=tuple(q for q in questions if q is not None),
        )

    def question(self, raw: Any, line: int, section_id: str,
                 choice_lists: dict) -> Question | None:
        if not isinstance(raw, LineDict):
            self.problem(line, "bad_value", "Pytanie musi być mapą pól (id, type, label …).")
            return None
        qid = self.text(raw, "id", required=True) or None
        if qid and not ID_PATTERN.match(qid):
            self.problem(raw.line_of("id"), "bad_id",
                         f"Identyfikator '{qid}': małe litery, cyfry i '_', od litery.", qid)
        elif qid and "__" in qid:
            self.problem(raw.line_of("id"), "bad_id",
                         f"Identyfikator '{qid}' nie może zawierać '__' (separator tabel).", qid)
        if qid in RESERVED_NAMES:
            self.problem(raw.line_of("id"), "reserved_name",
                         f"Nazwa '{qid}' jest zarezerwowana; wybierz inną.", qid)
        qtype = self.text(raw, "type", required=True, qid=qid)
        kind = QUESTION_TYPES.get(qtype) if qtype else _UNTYPED
        if kind is None:
            self.problem(raw.line_of("type"), "unknown_type", f"Nieznany typ '{qtype}'.", qid)
            return None
        self.unknown_keys(raw, COMMON_KEYS | kind.keys, "pytaniu", qid)
        label = self.text(raw, "label", required=True, qid=qid)
        fields: dict[str, Any] = {}
        required = raw.get("required", False)
        if isinstance(required, str):
            fields["required_if"] = self.expression(raw, "required", qid)
        elif isinstance(required, bool):
            fields["required"] = required
        else:
            self.problem(raw.line_of("required"), "bad_value",
                         "Pole 'required' przyjmuje true, false albo wyrażenie.", qid)
        if "required_message" in raw:
            fields["required_message"] = self.text(raw, "required_message", qid=qid) or None
        fields["constraints"] = self.checks(raw, "constraint", qid)
        fields["warnings"] = self.checks(raw, "warning", qid)
        fields.update(kind.read_options(self, raw, qid, choice_lists, fields))
        prefill = raw.get("prefill")
        if isinstance(prefill, str) and prefill.startswith(FOLLOWS_PREFIX):
            if not self.follows:
                self.problem(raw.line_of("prefill"), "bad_prefill",
                             f"Źródło {prefill!r} wymaga pola 'follows' ankiety (klucz ankiety, "
                             "z której odpowiedzi jednostki pochodzą).", qid)
                prefill = None
            elif not ID_PATTERN.match(prefill[len(FOLLOWS_PREFIX):]):
                self.problem(raw.line_of("prefill"), "bad_prefill",
                             f"Po 'follows.' podaj identyfikator pytania: {prefill!r}.", qid)
                prefill = None
        elif prefill is not None and prefill not in PREFILL_SOURCES:
            self.problem(raw.line_of("prefill"), "bad_prefill",
                         f"Nieznane źródło 'prefill': {prefill!r}; dozwolone: "
                         f"{', '.join(sorted(PREFILL_SOURCES))}.", qid)
            prefill = None
        read_only = self.flag(raw, "read_only", qid)
        if read_only and (prefill in (None, PREFILL_LAST_ROUND)):
            self.problem(raw.line_of("read_only"), "bad_prefill",
                         "Pytanie tylko do odczytu musi mieć 'prefill: unit.…' albo "
                         "'prefill: follows.…'.", qid)
        return Question(
            id=qid or "", type=qtype, kind=kind, label=label, section_id=section_id,
            line=raw.line, hint=self.text(raw, "hint"),
            relevant=self.expression(raw, "relevant", qid), prefill=prefill,
            read_only=read_only, **fields,
        )

    def checks(self, raw: LineDict, kind: str, qid: str | None) -> tuple[Check, ...]:
        """Read ``constraint``/``constraint_message`` and the list form ``constraints``."""
        result = []
        default_message = (N_("Wartość nie spełnia warunku.") if kind == "constraint"
                           else N_("Sprawdź tę wartość."))
        if kind in raw:
            rule = self.expression(raw, kind, qid)
            message = self.text(raw, f"{kind}_message", default=default_message)
            if rule is not None:
                result.append(Check(rule, message, raw.line_of(kind)))
        elif f"{kind}_message" in raw:
            self.problem(raw.line_of(f"{kind}_message"), "unknown_key",
                         f"'{kind}_message' bez '{kind}'.", qid)
        items = raw.get(f"{kind}s")
        if items is None:
            return tuple(result)
        if not isinstance(items, LineList):
            self.problem(raw.line_of(f"{kind}s"), "bad_value",
                         f"Pole '{kind}s' to lista pozycji {{rule: …, message: …}}.", qid)
            return tuple(result)
        for item, line in zip(items, items.item_lines, strict=True):
            if not isinstance(item, LineDict) or "rule" not in item:
                self.problem(line, "bad_value", "Pozycja musi mieć 'rule' i 'message'.", qid)
                continue
            self.unknown_keys(item, {"rule", "message"}, f"pozycji '{kind}s'", qid)
            rule = self.expression(item, "rule", qid)
            if rule is not None:
                result.append(Check(rule, self.text(item, "message", default=default_message),
                                    item.line_of("rule")))
        return tuple(result)

    def axes(self, raw: LineDict, key: str, qid: str | None) -> tuple[Axis, ...]:
        items = raw.get(key)
        if not isinstance(items, LineList) or not items:
            self.problem(raw.line_of(key), "bad_table",
                         f"Tabela musi mieć listę '{key}' ({{id: …, label: …}}).", qid)
            return ()
        result, seen = [], set()
        for item, line in zip(items, items.item_lines, strict=True):
            if not isinstance(item, LineDict) or "id" not in item or "label" not in item:
                self.problem(line, "bad_table", f"Pozycja '{key}' to {{id: …, label: …}}.", qid)
                continue
            axis_id = str(item["id"])
            if not ID_PATTERN.match(axis_id) or "__" in axis_id or axis_id in seen:
                self.problem(line, "bad_table",
                             f"Identyfikator '{axis_id}' w '{key}': niepoprawny lub powtórzony.",
                             qid)
            seen.add(axis_id)
            result.append(Axis(axis_id, str(item["label"])))
        return tuple(result)


class _Semantics:
    """Checks that need the whole survey: ids, names in expressions, cycles."""

    def __init__(self, reader: _Reader, survey: Survey):
        self.reader, self.survey = reader, survey

    def check(self) -> tuple[str, ...]:
        ids: dict[str, int] = {}
        for section in self.survey.sections:
            if section.id in ids:
                self.reader.problem(section.line, "duplicate_id",
                                    f"Identyfikator '{section.id}' już użyto (wiersz "
                                    f"{ids[section.id]}).")
            ids.setdefault(section.id, section.line)
        question_ids: dict[str, int] = {}
        for q in self.survey.questions:
            if q.id and q.id in question_ids:
                self.reader.problem(q.line, "duplicate_id",
                                    f"Identyfikator '{q.id}' już użyto (wiersz "
                                    f"{question_ids[q.id]}).", q.id)
            question_ids.setdefault(q.id, q.line)
        answerable = {q.id for q in self.survey.questions if q.has_answer}
        for section in self.survey.sections:
            self.names(section.relevant, answerable, section.line, None, "relevant", False)
            for q in section.questions:
                self.names(q.relevant, answerable, q.line, q.id, "relevant", False)
                self.names(q.required_if, answerable, q.line, q.id, "required", False)
                self.names(q.calculation, answerable, q.line, q.id, "calculation", False)
                for check in (*q.constraints, *q.warnings):
                    self.names(check.rule, answerable, check.line, q.id, "constraint", True)
        return self.order()

    def names(self, expr: Expression | None, answerable: set[str], line: int, qid: str | None,
              where: str, self_allowed: bool) -> None:
        if expr is None:
            return
        for name in sorted(references(expr) - answerable):
            self.reader.problem(line, "unknown_name",
                                f"Wyrażenie '{where}' odwołuje się do nieznanego pytania "
                                f"'${{{name}}}'.", qid)
        if uses_self(expr) and not self_allowed:
            self.reader.problem(line, "self_outside_constraint",
                                f"Znak '.' (bieżąca wartość) działa tylko w constraint/warning, "
                                f"nie w '{where}'.", qid)
        for name, needed in _table_calls(expr):
            if self.survey.has_question(name) and (
                    self.survey.question(name).value_kind != "cells"):
                self.reader.problem(line, "bad_table",
                                    f"Funkcja tabelaryczna użyta dla '{name}', który nie jest "
                                    f"tabelą.", qid)
            elif self.survey.has_question(name):
                table = self.survey.question(name)
                for axis, value in needed:
                    known = {a.id for a in getattr(table, axis)}
                    if value not in known:
                        self.reader.problem(line, "unknown_table_axis",
                                            f"Tabela '{name}' nie ma pozycji '{value}'.", qid)

    def order(self) -> tuple[str, ...]:
        """Topological order over relevant/required/calculation; reports cycles."""
        section_refs = {s.id: _refs(s.relevant) for s in self.survey.sections}
        deps: dict[str, set[str]] = {}
        for q in self.survey.questions:
            deps[q.id] = (_refs(q.relevant) | _refs(q.required_if) | _refs(q.calculation)
                          | section_refs.get(q.section_id, set()))
        order: list[str] = []
        state: dict[str, int] = {}
        reported: set[frozenset[str]] = set()

        def visit(qid: str, path: list[str]) -> None:
            if state.get(qid) == 2:
                return
            if state.get(qid) == 1:
                cycle = path[path.index(qid):] + [qid]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    first = self.survey.question(cycle[0])
                    self.reader.problem(first.line, "cycle",
                                        "Zależność cykliczna w relevant/calculation: "
                                        + " → ".join(cycle), first.id)
                return
            state[qid] = 1
            for dep in sorted(deps.get(qid, ())):
                if dep in deps:
                    visit(dep, [*path, qid])
            state[qid] = 2
            order.append(qid)

        for q in self.survey.questions:
            visit(q.id, [])
        return tuple(order)


def _refs(expr: Expression | None) -> set[str]:
    if expr is None:
        return set()
    return references(expr) - previous_references(expr)


def _table_calls(expr: Expression) -> list[tuple[str, list[tuple[str, str]]]]:
    """(table name, [(axis, id) …]) for each cell()/row-total()/column-total() call."""
    found = []

    def walk(node: Any) -> None:
        data = node if isinstance(node, dict) else None
        if data is None:
            return
        if data.get("t") == "fn" and data.get("f") in _TABLE_FUNCTIONS:
            args = data.get("args", [])
            if args and args[0].get("t") == "ref":
                literal = [a.get("v") if a.get("t") == "str" else None for a in args[1:]]
                axes = {"cell": ["rows", "columns"], "row-total": ["rows"],
                        "column-total": ["columns"]}[data["f"]]
                found.append((args[0]["n"], [(ax, v) for ax, v in zip(axes, literal, strict=False)
                                             if v is not None]))
        for value in data.values():
            if isinstance(value, dict):
                walk(value)
            elif isinstance(value, list):
                for item in value:
                    walk(item)

    walk(to_json(expr))
    return found


def load_survey_text(text: str, name: str, stem: str | None = None, *,
                     kinds: Mapping[str, UnitKind] | None = None,
                     ) -> tuple[Survey | None, list[Problem]]:
    """Load a definition from text; ``stem`` (file name without suffix) must equal its key.

    :param kinds: the unit kinds ``unit_kinds`` may name (default: the shipped kinds file)
    """
    reader = _Reader(name, kinds)
    survey = reader.survey(text, stem or "")
    return survey, sorted(reader.problems)


def load_survey_file(path: Path) -> tuple[Survey | None, list[Problem]]:
    """Load one ``survey_defs/*.yaml`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return None, [Problem(path.name, 1, "unreadable", f"Nie można odczytać pliku: {err}")]
    return load_survey_text(text, path.name, path.stem)


def definition_files(directory: Path) -> list[Path]:
    """Questionnaire files in a folder: ``*.yaml`` except indicator and report files."""
    return sorted(p for p in directory.glob("*.yaml")
                  if not p.name.endswith(COMPANION_SUFFIXES))
