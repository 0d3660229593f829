"""Plausible answers to any questionnaire, from a seeded random generator (the demo).

Why generic: the demo fills every shipped questionnaire — and any a ROPS adds to
``survey_defs/`` — with answers that pass its rules, without an answer set written by hand for
each file. Each answer is drawn by its value kind from a plausible range (last year's answer
± 20 % when there is one; a part of the figure just above it, as sub-totals are), then
checked against the question's rules. The comparisons of a rule that involve the question's
own value (``.``) give the bounds and exact values (``a + . = total``) a failing draw moves
to; a table is moved cell by cell until its rules hold. A response whose draws cannot all be
made to hold is drawn again; :class:`SampleError` names the question when none succeeds.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from forms.expressions import (
    BinOp,
    EvalContext,
    Expression,
    evaluate,
    references,
    truthy,
    uses_self,
)
from forms.expressions.tree import Node, walk
from forms.expressions.values import as_number
from forms.logic import Situation, constraint_failures, resolve, typed_answers, warnings_for
from forms.model import Question, Survey
from forms.types import NUMBER_KINDS
from l10n.clock import today_in_poland

COMPARISONS = frozenset({"=", "!=", "<", "<=", ">", ">="})
#: attempts at a whole response before giving up
ATTEMPTS = 40
#: a plausible middle value of each number kind when nothing else tells the scale
MEDIANS = {"count": 8, "number": 6, "amount": 150_000, "share": 40}

PEOPLE = ["Anna Nowak", "Katarzyna Wiśniewska", "Tomasz Wójcik", "Magdalena Kamińska",
          "Piotr Lewandowski", "Agnieszka Zielińska", "Marek Szymański", "Ewa Dąbrowska",
          "Łukasz Kozłowski", "Joanna Jankowska", "Paweł Mazur", "Barbara Krawczyk"]
POSITIONS = ["kierownik", "specjalista ds. ekonomii społecznej", "główna księgowa",
             "koordynator projektu", "inspektor", "starszy specjalista"]
STREETS = ["Rynek", "Opolska", "Wrocławska", "Kościuszki", "Mickiewicza", "Szkolna",
           "Dworcowa", "Powstańców Śląskich", "Krakowska", "Ogrodowa"]
REMARKS = ["Dane zgodne ze sprawozdaniem przekazanym do ministerstwa.",
           "Część danych szacunkowa — ostateczne wartości po zamknięciu roku budżetowego.",
           "W roku sprawozdawczym zmieniła się osoba odpowiedzialna za sprawozdawczość.",
           "Prosimy o kontakt telefoniczny w razie pytań do sekcji finansowej."]
EXPLANATIONS = ["Zmiana wynika z nowego projektu finansowanego z FEO 2021–2027.",
                "W roku sprawozdawczym uruchomiono dodatkowy nabór uczestników.",
                "Wartość sprawdzona z dokumentacją księgową — jest poprawna.",
                "Mniej uczestników z powodu remontu siedziby w drugim półroczu.",
                "Dane potwierdzone z rejestrem uczestników."]
#: words of a text question's id → what such a text plausibly is
TEXT_HINTS: list[tuple[str, Callable[[random.Random, SamplePlace], str]]] = []


@dataclass(frozen=True)
class SamplePlace:
    """What the generator knows of the unit that answers."""

    #: the unit's gmina (or town) name, for addresses
    town: str
    #: the unit's TERYT code, chosen where a territory question allows it
    home: str | None = None
    #: register level ('gmina', 'powiat') → codes of the region, for territory questions
    register: Mapping[str, Sequence[str]] = field(default_factory=dict)
    #: stored answers that come from the register (``prefill: unit.…``)
    fixed: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Sample:
    """A drawn response: stored answers and the warnings it has, each with an explanation."""

    answers: dict[str, Any]
    warnings: dict[str, dict[str, Any]]


class SampleError(RuntimeError):
    """No drawn response satisfied the questionnaire's rules (names the question)."""


def sample_answers(survey: Survey, situation: Situation, rng: random.Random,
                   place: SamplePlace, *, warning_rate: float = 0.1,
                   skip_optional: float = 0.1) -> Sample:
    """A complete response that passes every constraint of ``survey``.

    :param situation: the round's year and last year's stored answers (``previous``), which
        this year's answers follow
    :param warning_rate: the share of responses that keep a soft check that does not hold
        (with an explanation, as a respondent gives one)
    :param skip_optional: the chance an optional question is left empty
    :raise SampleError: when no attempt satisfies every rule
    """
    problem = ""
    for _ in range(ATTEMPTS):
        drawer = _Drawer(survey, situation, rng, place, warning_rate, skip_optional)
        result, problem = drawer.draw()
        if result is not None:
            return result
    raise SampleError(f"{survey.key}: nie udało się wylosować odpowiedzi ({problem}).")


class _Drawer:
    """One attempt at a response, question by question in page order."""

    def __init__(self, survey: Survey, situation: Situation, rng: random.Random,
                 place: SamplePlace, warning_rate: float, skip_optional: float) -> None:
        self.survey, self.situation, self.rng, self.place = survey, situation, rng, place
        self.allow_warnings = rng.random() < warning_rate
        #: this year against last: one factor for the whole response, so parts still add up
        self.growth = rng.uniform(0.85, 1.2)
        self.skip_optional = skip_optional
        self.previous = typed_answers(survey, situation.previous)
        self.typed: dict[str, Any] = {}
        self.stored: dict[str, Any] = {}

    # -- the whole response -------------------------------------------------------------------
    def draw(self) -> tuple[Sample | None, str]:
        for section in self.survey.sections:
            if section.relevant is not None and not self._holds(section.relevant):
                continue
            for question in section.questions:
                if not question.has_answer:
                    continue
                if question.relevant is not None and not self._holds(question.relevant):
                    continue
                if question.calculation is not None:
                    value = evaluate(question.calculation, self._context())
                    self._keep(question, question.kind.stored(value, question))
                    continue
                value = self._answer(question)
                if value is None and self._required(question):
                    return None, question.id
                if value is not None:
                    self._keep(question, value)
        return self._checked()

    def _checked(self) -> tuple[Sample | None, str]:
        resolution = resolve(self.survey, self.stored, self.situation)
        for question in self.survey.questions:
            if constraint_failures(question, resolution):
                return None, question.id
            if (question.id in resolution.visible and question.is_input
                    and resolution.is_required(question)
                    and question.id not in resolution.answers):
                return None, question.id
        warnings = {qid: {"messages": messages, "comment": self.rng.choice(EXPLANATIONS)}
                    for qid, messages in warnings_for(self.survey, resolution).items()}
        return Sample(resolution.answers, warnings), ""

    # -- one question ---------------------------------------------------------------------
    def _answer(self, question: Question) -> Any:
        required = self._required(question)
        fixed = self.place.fixed.get(question.id)
        if fixed is not None and self._passes(question, fixed, warnings=False):
            return fixed
        if not required and self.rng.random() < self.skip_optional:
            return None
        kind = question.value_kind
        if kind in NUMBER_KINDS:
            candidates = self._numbers(question, kind)
        elif kind == "cells":
            table = self._table(question)
            candidates = [table] if table is not None else []
        elif kind == "date":
            candidates = self._dates(question)
        elif kind in ("code", "codes"):
            candidates = self._codes(question, kind == "codes")
        else:
            candidates = self._texts(question)
        return self._choose(question, candidates, required)

    def _choose(self, question: Question, candidates: list[Any], required: bool) -> Any:
        """The first candidate that passes the rules and the soft checks; in a response that
        keeps a warning, now and then one that passes the rules only."""
        odd_wanted = bool(self.allow_warnings and question.warnings
                          and self.rng.random() < 0.5)
        first_valid = first_calm = None
        for value in candidates:
            valid, calm = self._judge(question, value)
            if not valid:
                continue
            if odd_wanted and not calm:  # one soft check that does not hold, explained
                self.allow_warnings = False
                return value
            if calm and not odd_wanted:
                return value
            first_calm = value if calm and first_calm is None else first_calm
            first_valid = value if first_valid is None else first_valid
        if first_calm is not None:
            return first_calm
        # a soft check that cannot hold: an optional answer is left out rather than explained
        return first_valid if required else None

    def _passes(self, question: Question, stored: Any, *, warnings: bool) -> bool:
        valid, calm = self._judge(question, stored)
        return valid and (calm or not warnings)

    def _judge(self, question: Question, stored: Any) -> tuple[bool, bool]:
        """Whether an answer passes the question's rules, and also its soft checks."""
        kind = question.kind
        if stored is None or kind.is_empty(stored):
            return False, False
        typed = kind.typed(stored, question)
        if not kind.composite and kind.check_value(question, typed) is not None:
            return False, False
        context = self._context(typed, question.id)
        if not all(truthy(evaluate(check.rule, context)) for check in question.constraints):
            return False, False
        return True, all(truthy(evaluate(check.rule, context)) for check in question.warnings)

    # -- numbers ----------------------------------------------------------------------------
    def _numbers(self, question: Question, kind: str) -> list[Any]:
        rng = self.rng
        low, high, anchors, soft_high = self._bounds(question)
        last = self.previous.get(question.id) if question.id not in self.place.fixed else None
        if isinstance(last, Decimal):
            factor = Decimal(str(self.growth * rng.uniform(0.96, 1.04)))
            first = last if kind == "year" else last * factor  # a plan's years do not grow
        elif high is not None and high > low:
            first = low + (high - low) * Decimal(str(rng.uniform(0.15, 0.75)))
        elif kind == "year":
            first = Decimal((self.situation.reporting_year or today_in_poland().year)
                            - rng.randint(0, 5))
        elif soft_high is not None and soft_high > low:  # "over 200 is unusual": well below
            first = low + (soft_high - low) * Decimal(str(rng.uniform(0.05, 0.4)))
        else:
            part = self._scale(question, kind) if kind in ("count", "amount") else None
            first = part if part is not None else Decimal(
                MEDIANS.get(kind, 10) * rng.lognormvariate(0, 0.8))
        drawn = [first]
        for anchor in anchors:
            if kind == "year":
                drawn += [anchor + rng.randint(0, 6), anchor - rng.randint(0, 6)]
            else:
                drawn += [anchor * Decimal(str(rng.uniform(0.6, 1.0))),
                          anchor * Decimal(str(rng.uniform(1.0, 1.4)))]
        exact = [*anchors, *(a + 1 for a in anchors), *(a - 1 for a in anchors), low,
                 high or low, Decimal(0), Decimal(1)]
        places = question.kind.places(question)
        # drawn figures are often whole (a budget of 120 000,00 zł); a sum must stay exact
        whole = bool(places) and rng.random() < 0.5
        return ([self._stored_number(question, v, places, whole) for v in drawn]
                + [self._stored_number(question, v, places, False) for v in exact])

    def _stored_number(self, question: Question, value: Decimal, places: int,
                       whole: bool) -> Any:
        if question.value_kind == "share":
            value = min(value, Decimal(100))
        step = Decimal(1) if whole else Decimal(1).scaleb(-places)
        if value < 0:
            return None
        return question.kind.stored(value.quantize(step, rounding=ROUND_FLOOR), question)

    def _scale(self, question: Question, kind: str) -> Decimal | None:
        """A part of the last answer above 0 of the same kind in the section: parts listed
        after their total shrink one after another, so together they stay within it."""
        section = self.survey.section(question.section_id)
        before = None
        for other in section.questions:
            if other.id == question.id:
                break
            value = self.typed.get(other.id)
            if other.value_kind == kind and isinstance(value, Decimal) and value > 0:
                before = value
        if before is None:
            return None
        return before * Decimal(str(self.rng.uniform(0.1, 0.5)))

    def _bounds(self, question: Question
                ) -> tuple[Decimal, Decimal | None, list[Decimal], Decimal | None]:
        """Lower and upper bounds the constraints give, every value where a comparison with
        the question's own value turns (``. <= ${a}`` turns at ``a``), and the upper bound a
        warning gives (what the questionnaire calls unusually high)."""
        low, high, soft_high = Decimal(0), None, None
        anchors: list[Decimal] = []
        for check in question.constraints + question.warnings:
            for node in _self_comparisons(check.rule):
                turn = self._turning_point(node)
                if turn is None:
                    continue
                value, rising = turn
                anchors.append(value)
                if node.o in ("=", "!="):
                    continue
                upper = (node.o in ("<", "<=")) == rising
                if check not in question.constraints:
                    if upper:
                        soft_high = value if soft_high is None else min(soft_high, value)
                elif upper:
                    high = value if high is None else min(high, value)
                else:
                    low = max(low, value)
        return low, high, anchors, soft_high

    def _turning_point(self, node: BinOp) -> tuple[Decimal, bool] | None:
        """Where ``a - b`` of a comparison is 0, taken as linear in ``.``; and if it rises."""
        def gap(own: int) -> Decimal | None:
            context = self._context(Decimal(own))
            a, b = as_number(evaluate(node.a, context)), as_number(evaluate(node.b, context))
            return a - b if isinstance(a, Decimal) and isinstance(b, Decimal) else None

        at_zero, at_one = gap(0), gap(1)
        if at_zero is None or at_one is None or at_zero == at_one:
            return None
        slope = at_one - at_zero
        return -at_zero / slope, slope > 0

    # -- tables -----------------------------------------------------------------------------
    def _table(self, question: Question) -> dict[str, dict[str, Any]] | None:
        """Cells that add up as the table's equalities demand, spread over a few rows.

        Each ``=`` rule with the table on one side is read as a sum of cells (which cells
        count is found by trying a table with a single 1) equal to the other side; the rule
        over the fewest cells is filled first, the broader ones fill the cells still free.
        """
        rng = self.rng
        cells = question.cell_ids()
        weights = {r.id: (rng.expovariate(1.0) if rng.random() < 0.6 else 0.05)
                   for r in question.rows}
        table = dict.fromkeys(cells, 0)
        filled: set[tuple[str, str]] = set()
        for support, target in sorted(self._table_sums(question), key=lambda s: len(s[0])):
            free = [cell for cell in cells if cell in support and cell not in filled]
            needed = target - sum(table[cell] for cell in support)
            if needed < 0 or (needed and not free):
                return None
            for cell in rng.choices(free, [weights[r] for r, _ in free], k=needed) if free \
                    else ():
                table[cell] += 1
            filled |= set(free)
        stored = question.kind.stored(self._as_table(question, table), question)
        return stored if self._passes(question, stored, warnings=False) else None

    def _table_sums(self, question: Question) -> list[tuple[set[tuple[str, str]], int]]:
        """The cells each ``=`` rule of the table adds up, and the whole number they make."""
        empty = dict.fromkeys(question.cell_ids(), 0)
        sums = []
        for check in question.constraints:
            node = check.rule.ast
            if not (isinstance(node, BinOp) and node.o == "="):
                continue
            for table_side, other in ((node.a, node.b), (node.b, node.a)):
                target = self._number(other, question, empty)
                base = self._number(table_side, question, empty)
                if target is None or base is None or base == target and not _reads(
                        table_side, question.id):
                    continue
                support = set()
                for cell in question.cell_ids():
                    one = self._number(table_side, question, {**empty, cell: 1})
                    if one is not None and one - base == 1:
                        support.add(cell)
                if support and target == int(target) and target - base >= 0:
                    sums.append((support, int(target - base)))
                    break
        return sums

    def _number(self, node: Node, question: Question,
                table: dict[tuple[str, str], int]) -> Decimal | None:
        value = as_number(evaluate(node, self._context(self._as_table(question, table),
                                                       question.id)))
        return value if isinstance(value, Decimal) else None

    @staticmethod
    def _as_table(question: Question, table: dict[tuple[str, str], int]) -> dict:
        result: dict[str, dict[str, Decimal]] = {}
        for (row, column), value in table.items():
            result.setdefault(row, {})[column] = Decimal(value)
        return result

    # -- dates, codes, texts ----------------------------------------------------------------
    def _dates(self, question: Question) -> list[Any]:
        rng = self.rng
        last = self.previous.get(question.id)
        year = self.situation.reporting_year or today_in_poland().year
        start = date(year - 12, 1, 1)
        values = [start + timedelta(days=rng.randint(0, 12 * 365))]
        if isinstance(last, str):
            values.insert(0, date.fromisoformat(last))
        for check in question.constraints + question.warnings:
            for node in _self_comparisons(check.rule):
                for side in (node.a, node.b):
                    if uses_self(side):
                        continue
                    other = evaluate(side, self._context())
                    try:
                        anchor = date.fromisoformat(other) if isinstance(other, str) else None
                    except ValueError:
                        anchor = None
                    if anchor is not None:
                        values += [anchor + timedelta(days=rng.randint(1, 90)),
                                   anchor - timedelta(days=rng.randint(1, 90)),
                                   anchor + timedelta(days=rng.randint(365, 5 * 365)),
                                   anchor]
        return [v.isoformat() for v in values]

    def _codes(self, question: Question, several: bool) -> list[Any]:
        rng = self.rng
        if question.kind.register_choices:
            options = [c for level in question.levels for c in self.place.register.get(level, ())]
        else:
            options = [c.value for c in question.choices]
        last = self.situation.previous.get(question.id)
        values: list[Any] = [last] if last and rng.random() < 0.85 else []
        if not options:
            example = question.kind.example(question, rng)
            return [*values, example]
        home = self.place.home
        if several:
            mine = [c for c in options if home and home.startswith(c)]
            for size in (rng.randint(1, min(3, len(options))), 1, 1, 2):
                values.append(sorted(set(mine[:1] + rng.sample(options, size)),
                                     key=options.index))
        else:
            if home in options:
                values.append(home)
            values += rng.sample(options, min(len(options), 6))
        return values

    def _texts(self, question: Question) -> list[Any]:
        example = question.kind.example(question, self.rng)
        if example is not None:
            return [example]
        last = self.situation.previous.get(question.id)
        texts = [last] if isinstance(last, str) else []
        words = question.id.split("_")
        if words[-1] == "nazwa":  # a body's name agrees with the kind of body chosen for it
            kind = self.stored.get("_".join(words[:-1] + ["rodzaj"]))
            if kind in NAME_OF_KIND:
                name = NAME_OF_KIND[kind].format(town=self.place.town)
                return [name[:question.max_length] if question.max_length else name]
        for hint, make in TEXT_HINTS:
            if hint in words:
                texts.append(make(self.rng, self.place))
        texts += [self.rng.choice(REMARKS), f"{self.place.town}"]
        limit = question.max_length
        return [t[:limit] if limit else t for t in texts]

    # -- helpers ----------------------------------------------------------------------------
    def _keep(self, question: Question, stored: Any) -> None:
        if question.kind.is_empty(stored):
            return
        self.stored[question.id] = stored
        self.typed[question.id] = question.kind.typed(stored, question)

    def _required(self, question: Question) -> bool:
        if question.required_if is not None:
            return self._holds(question.required_if)
        return question.required

    def _holds(self, expr: Expression) -> bool:
        return truthy(evaluate(expr, self._context()))

    def _context(self, own: Any = None, question_id: str | None = None) -> EvalContext:
        answers = self.typed if question_id is None else {**self.typed, question_id: own}
        return EvalContext(answers=answers, self_value=own, previous=self.previous,
                           reporting_year=self.situation.reporting_year,
                           today=self.situation.today)


def _self_comparisons(expr: Expression) -> list[BinOp]:
    return [n for n in walk(expr.ast)
            if isinstance(n, BinOp) and n.o in COMPARISONS and uses_self(n)]


def _reads(node: Node, question_id: str) -> bool:
    """Whether a side of a rule reads the question itself (``.`` or ``${id}``)."""
    return uses_self(node) or question_id in references(node)


def _slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in plain if c.isalnum()).lower()


def _address(rng: random.Random, place: SamplePlace) -> str:
    return (f"ul. {rng.choice(STREETS)} {rng.randint(1, 40)}, "
            f"{rng.randint(45, 49)}-{rng.randint(0, 999):03d} {place.town}")


#: the name of a founding body of each kind (``…_rodzaj`` beside ``…_nazwa``), so that a
#: sample never pairs "Jednostka samorządu terytorialnego" with a cooperative's name
NAME_OF_KIND = {
    "jst": "Gmina {town}",
    "gmina": "Gmina {town}",
    "ngo": "Stowarzyszenie na rzecz Rozwoju Gminy {town}",
    "kosciol": "Parafia Rzymskokatolicka pw. św. Józefa (gmina {town})",
    "spoldz_socj_op": "Spółdzielnia Socjalna Osób Prawnych „Przystań”",
}

TEXT_HINTS.extend([
    ("adres", _address),
    ("imie", lambda rng, place: rng.choice(PEOPLE)),
    ("stanowisko", lambda rng, place: rng.choice(POSITIONS)),
    ("krs", lambda rng, place: f"0000{rng.randint(0, 999_999):06d}"),
    ("uchwala", lambda rng, place: f"Uchwała nr {rng.choice(['XII', 'XXIV', 'XXXI', 'XLV'])}/"
                                   f"{rng.randint(80, 400)}/{rng.randint(20, 24)} Rady "
                                   f"Gminy {place.town}"),
    # the town's name stays in the nominative ("z gminy Kluczbork", not "w Kluczbork")
    ("nazwa", lambda rng, place: rng.choice([
        f"Gmina {place.town}", f"Stowarzyszenie na rzecz Rozwoju Gminy {place.town}",
        f"Fundacja „Razem” z gminy {place.town}", "Spółdzielnia Socjalna „Przystań”"])),
    ("nr", lambda rng, place: f"FEOP.06.0{rng.randint(1, 4)}-IP.01-{rng.randint(1, 99):04d}/"
                              f"{rng.randint(22, 24)}"),
    ("opis", lambda rng, place: rng.choice([
        "osoby opuszczające pieczę zastępczą", "osoby w kryzysie bezdomności po terapii",
        "prace porządkowe na rzecz gminy", "staż u pracodawcy z otwartego rynku"])),
    ("uwagi", lambda rng, place: rng.choice(REMARKS)),
    ("partnerzy", lambda rng, place: f"Stowarzyszenie {_slug(place.town).title()} Razem; "
                                     f"Fundacja Ekonomii Społecznej"),
])
