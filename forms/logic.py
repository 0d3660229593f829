"""Questionnaire logic over a whole response: visibility, calculated values and soft warnings.

The same rules run for every save, at submit time and in tests; the browser evaluates the same
expression trees (``static/js/expressions.js``) only to show and hide things as people type.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from forms.expressions import EvalContext, Expression, evaluate, truthy
from forms.expressions.tree import BinOp, as_node, references
from forms.model import Check, Question, Survey
from l10n import N_, format_number

#: how a failed comparison says its two values, by operator (``!=`` says nothing more)
_SAYS_VALUES = {
    "=": N_("%(message)s (jest %(value)s, a powinno być %(limit)s)."),
    "<=": N_("%(message)s (jest %(value)s, a może być najwyżej %(limit)s)."),
    "<": N_("%(message)s (jest %(value)s, a powinno być mniej niż %(limit)s)."),
    ">=": N_("%(message)s (jest %(value)s, a powinno być co najmniej %(limit)s)."),
    ">": N_("%(message)s (jest %(value)s, a powinno być więcej niż %(limit)s)."),
}


@dataclass(frozen=True)
class Situation:
    """What expressions may know besides the answers: the round and last year's response."""

    reporting_year: int | None = None
    today: str | None = None
    #: stored answers of the unit's response in the previous round of the same questionnaire
    previous: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Resolution:
    """Answers after applying relevance and calculations."""

    #: stored (JSON) answers of visible questions only, calculated values included
    answers: dict[str, Any]
    #: typed answers, as expressions see them
    typed: dict[str, Any]
    visible: set[str]
    situation: Situation
    #: typed answers of the previous round
    previous: dict[str, Any]
    #: questions whose value as typed could not be taken (held in the draft): rules that read
    #: them are skipped rather than run as if the question were empty
    unreadable: frozenset[str] = frozenset()

    def skips(self, expr: Expression | None) -> bool:
        """The rule reads a question whose value could not be read, so it cannot be judged."""
        return bool(self.unreadable) and expr is not None and bool(
            references(expr) & self.unreadable)

    def context(self, self_value: Any = None) -> EvalContext:
        return EvalContext(answers=self.typed, self_value=self_value, previous=self.previous,
                           reporting_year=self.situation.reporting_year,
                           today=self.situation.today)

    def holds(self, expr: Expression, self_value: Any = None) -> bool:
        return truthy(evaluate(expr, self.context(self_value)))

    def is_required(self, question: Question) -> bool:
        if question.required_if is not None:
            return not self.skips(question.required_if) and self.holds(question.required_if)
        return question.required


def typed_answers(survey: Survey, stored: Mapping[str, Any]) -> dict[str, Any]:
    """Stored JSON answers → the values expressions compare (numbers as Decimal)."""
    result = {}
    for qid, value in stored.items():
        if survey.has_question(qid):
            question = survey.question(qid)
            result[qid] = question.kind.typed(value, question)
    return result


def resolve(survey: Survey, stored: Mapping[str, Any], situation: Situation,
            overrides: Mapping[str, Any] | None = None,
            unreadable: Collection[str] = ()) -> Resolution:
    """Work out which questions are visible and compute calculated values.

    :param stored: the saved answers (JSON values)
    :param overrides: typed values just typed into the current section; ``None`` clears
    :param unreadable: questions whose typed value could not be read: a relevance rule that
        reads one keeps its question shown (what was typed there is not dropped), and a
        calculation that reads one has no value (a table keeps the cells that could be read)
    Answers of hidden questions are dropped, so they are never stored.
    """
    typed = typed_answers(survey, stored)
    for qid, value in (overrides or {}).items():
        typed[qid] = value
    previous = typed_answers(survey, situation.previous)
    resolution = Resolution({}, typed, set(), situation, previous, frozenset(unreadable))

    def holds_or_skipped(expr: Expression | None) -> bool:
        return expr is None or resolution.skips(expr) or resolution.holds(expr)

    section_visible: dict[str, bool] = {}
    for qid in survey.evaluation_order:
        question = survey.question(qid)
        section = survey.section(question.section_id)
        if section.id not in section_visible:
            section_visible[section.id] = holds_or_skipped(section.relevant)
        shown = section_visible[section.id] and holds_or_skipped(question.relevant)
        if not shown:
            typed.pop(qid, None)
            continue
        resolution.visible.add(qid)
        kind = question.kind
        if question.calculation is not None:
            if resolution.skips(question.calculation):
                typed.pop(qid, None)
                continue
            value = evaluate(question.calculation, resolution.context())
            stored_value = kind.stored(value, question)
            typed[qid] = kind.typed(stored_value, question)
        else:
            if typed.get(qid) is None:
                typed.pop(qid, None)
                continue
            stored_value = kind.stored(typed[qid], question)
        if not kind.is_empty(stored_value):
            resolution.answers[qid] = stored_value
        else:
            typed.pop(qid, None)
    return resolution


def warnings_for(survey: Survey, resolution: Resolution,
                 question_ids: set[str] | None = None) -> dict[str, list[str]]:
    """Soft checks that do not hold, by question: ``{id: [message, …]}``."""
    result: dict[str, list[str]] = {}
    for question in survey.questions:
        if question_ids is not None and question.id not in question_ids:
            continue
        if not question.warnings or question.id not in resolution.answers:
            continue
        value = resolution.typed.get(question.id)
        messages = [_with_values(w, resolution, value) for w in question.warnings
                    if not resolution.skips(w.rule) and not resolution.holds(w.rule, value)]
        if messages:
            result[question.id] = messages
    return result


def constraint_failures(question: Question, resolution: Resolution) -> list[str]:
    """Messages of hard constraints that do not hold for an answered question."""
    if question.id not in resolution.answers or question.calculation is not None:
        return []
    value = resolution.typed.get(question.id)
    return [_with_values(c, resolution, value) for c in question.constraints
            if not resolution.skips(c.rule) and not resolution.holds(c.rule, value)]


def _with_values(check: Check, resolution: Resolution, self_value: Any) -> str:
    """A failed rule's message; a comparison of two numbers also says both (260 vs 240).

    Only a rule that is one comparison involving another answer (``. <= ${a}``,
    ``${a} + ${b} = ${c}``): the left side is what was typed or summed, the right side what
    it should be.
    """
    node = as_node(check.rule)
    if not isinstance(node, BinOp) or node.o not in _SAYS_VALUES or not references(node):
        return check.message  # ``. >= 0`` says all there is in its message
    context = resolution.context(self_value)
    value, limit = evaluate(node.a, context), evaluate(node.b, context)
    if not (isinstance(value, Decimal) and isinstance(limit, Decimal)):
        return check.message
    return N_(_SAYS_VALUES[node.o], message=check.message.rstrip(" ."),
              value=format_number(value), limit=format_number(limit))
