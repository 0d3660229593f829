"""A question's relevance in plain Polish, for paper.

"Wypełnij, jeśli w pytaniu „…” zaznaczono „Tak”."

On screen a question that does not apply is hidden; on the printed blank questionnaire every
question is there, so the person filling it in must read when to skip one. The common shapes
(a choice equal to an option, ``selected()``, a number compared with a constant, ``and`` /
``or`` of those) are worded exactly; anything else names the questions the rule depends on, so
the reader at least knows where to look.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from forms.expressions.tree import BinOp, Call, Node, Num, Ref, Str, as_node, references
from forms.model import Survey
from l10n import N_
from l10n.numbers import format_number

_COMPARISONS = {
    ">": N_("w pytaniu „%(label)s” podano więcej niż %(number)s"),
    ">=": N_("w pytaniu „%(label)s” podano co najmniej %(number)s"),
    "<": N_("w pytaniu „%(label)s” podano mniej niż %(number)s"),
    "<=": N_("w pytaniu „%(label)s” podano najwyżej %(number)s"),
}


def relevance_note(expr: object, survey: Survey,
                   label: Callable[[str], str] = lambda text: text) -> str | None:
    """"Wypełnij, jeśli …" for a question's or section's ``relevant`` rule (``None``: none).

    :param label: how a label is shown (the year placeholders filled in)
    """
    if expr is None:
        return None
    node = as_node(expr)  # type: ignore[arg-type]  # an Expression or a bare node
    condition = _condition(node, survey, label)
    if condition is not None:
        return N_("Wypełnij, jeśli %(condition)s.", condition=condition)
    names = [label(survey.question(name).label) for name in sorted(references(node))
             if survey.has_question(name)]
    if not names:
        return N_("Wypełnij, jeśli dotyczy.")
    quoted = ", ".join(f"„{name}”" for name in names)
    if len(names) == 1:
        return N_("Wypełnij, jeśli wynika to z odpowiedzi na pytanie %(questions)s.",
                  questions=quoted)
    return N_("Wypełnij, jeśli wynika to z odpowiedzi na pytania: %(questions)s.",
              questions=quoted)


def _condition(node: Node, survey: Survey, label: Callable[[str], str]) -> str | None:
    """One exactly worded condition, or ``None`` when the shape is not a common one."""
    if isinstance(node, BinOp) and node.o == "or":
        options = _same_question_options(node, survey, label)
        if options is not None:
            return options
    if isinstance(node, BinOp) and node.o in ("or", "and"):
        left, right = _condition(node.a, survey, label), _condition(node.b, survey, label)
        if left is None or right is None:
            return None
        if node.o == "or":
            return N_("%(left)s lub %(right)s", left=left, right=right)
        return N_("%(left)s i %(right)s", left=left, right=right)
    if isinstance(node, Call) and _name(node.f) == "selected" and len(node.args) == 2:
        return _option(node.args[0], node.args[1], "=", survey, label)
    if isinstance(node, BinOp) and node.o in ("=", "!="):
        return (_option(node.a, node.b, node.o, survey, label)
                or _option(node.b, node.a, node.o, survey, label))
    if (isinstance(node, BinOp) and node.o in _COMPARISONS and isinstance(node.a, Ref)
            and isinstance(node.b, Num) and survey.has_question(node.a.n)):
        question = survey.question(node.a.n)
        return N_(_COMPARISONS[node.o], label=label(question.label),
                  number=format_number(Decimal(node.b.v)))
    return None


def _name(function: str) -> str:
    """A function's name without its dialect prefix (``odk:selected`` → ``selected``)."""
    return function.rpartition(":")[2]


def _same_question_options(node: BinOp, survey: Survey,
                           label: Callable[[str], str]) -> str | None:
    """``${q} = 'a' or ${q} = 'b'`` → "w pytaniu „q” zaznaczono „A” albo „B”"."""
    alternatives: list[Node] = []
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, BinOp) and current.o == "or":
            stack.extend((current.b, current.a))
        else:
            alternatives.append(current)
    picked: list[tuple[str, str]] = []
    for item in alternatives:
        if isinstance(item, BinOp) and item.o == "=" and isinstance(item.a, Ref) and (
                isinstance(item.b, Str)):
            picked.append((item.a.n, item.b.v))
        elif isinstance(item, Call) and _name(item.f) == "selected" and len(item.args) == 2 and (
                isinstance(item.args[0], Ref) and isinstance(item.args[1], Str)):
            picked.append((item.args[0].n, item.args[1].v))
        else:
            return None
    names = {name for name, _value in picked}
    if len(names) != 1 or not survey.has_question(next(iter(names))):
        return None
    question = survey.question(next(iter(names)))
    options = " albo ".join(f"„{question.choice_label(value)}”" for _name_, value in picked)
    return N_("w pytaniu „%(label)s” zaznaczono %(options)s",
              label=label(question.label), options=options)


def _option(ref: Node, value: Node, operator: str, survey: Survey,
            label: Callable[[str], str]) -> str | None:
    if not (isinstance(ref, Ref) and isinstance(value, Str) and survey.has_question(ref.n)):
        return None
    question = survey.question(ref.n)
    if operator == "=":
        return N_("w pytaniu „%(label)s” zaznaczono „%(option)s”",
                  label=label(question.label), option=question.choice_label(value.v))
    return N_("w pytaniu „%(label)s” nie zaznaczono „%(option)s”",
              label=label(question.label), option=question.choice_label(value.v))
