"""A loaded questionnaire: immutable dataclasses built from a checked YAML definition."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from forms.expressions import Expression

if TYPE_CHECKING:  # the types read questions; a question only holds its type
    from forms.types import QuestionType

#: ``prefill: last_round``: the unit's own answer in the previous round of the questionnaire
PREFILL_LAST_ROUND = "last_round"
#: ``prefill: unit.<field>``: a value from the unit register (``services.responses`` reads them)
PREFILL_UNIT_FIELDS = (
    "name", "teryt", "regon", "krs", "emails", "contact_person", "jst_rodzaj", "kind",
)
#: every value ``prefill`` may take
PREFILL_SOURCES = frozenset(
    {PREFILL_LAST_ROUND} | {f"unit.{name}" for name in PREFILL_UNIT_FIELDS})


@dataclass(frozen=True)
class Choice:
    """One option: ``value`` is stored, ``label`` is shown."""

    value: str
    label: str


@dataclass(frozen=True)
class Check:
    """A rule that must hold (``constraint``) or should hold (``warning``), with its message."""

    rule: Expression
    message: str
    line: int


@dataclass(frozen=True)
class Axis:
    """A row or column of a table question."""

    id: str
    label: str


@dataclass(frozen=True)
class Question:
    """One question (or note) of a section.

    ``kind`` is the behaviour of its ``type`` (``forms.types``): ask it, never the name.
    """

    id: str
    type: str
    #: the question type (``forms.types.QUESTION_TYPES[type]``), set by the loader
    kind: QuestionType = field(compare=False, repr=False)
    label: str
    section_id: str
    line: int
    hint: str = ""
    required: bool = False
    #: ``required`` given as an expression: required only while it is true
    required_if: Expression | None = None
    #: what an empty required answer is told (``required_message``); by default the type's
    #: message naming the question (``QuestionType.required_message_for``)
    required_message: str | None = None
    relevant: Expression | None = None
    constraints: tuple[Check, ...] = ()
    warnings: tuple[Check, ...] = ()
    calculation: Expression | None = None
    #: for calculated questions: how to show and store the value (integer, decimal, money, …)
    format: str = "decimal"
    choices: tuple[Choice, ...] = ()
    #: territory lookups: which levels may be chosen ('gmina', 'powiat')
    levels: tuple[str, ...] = ()
    #: several answers may be chosen (multiple_choice; territory with ``multiple: true``)
    multiple: bool = False
    rows: tuple[Axis, ...] = ()
    columns: tuple[Axis, ...] = ()
    cell_type: str = "integer"
    places: int = 2
    #: show thousands separators (off for years and codes: 2023, not 2 023)
    grouping: bool = True
    max_length: int | None = None
    #: one of ``PREFILL_SOURCES`` ('last_round' or 'unit.<field>') or 'follows.<question id>'
    prefill: str | None = None
    read_only: bool = False

    @property
    def has_answer(self) -> bool:
        return self.kind.has_answer

    @property
    def is_numeric(self) -> bool:
        """True when the answer is one number."""
        return self.kind.numeric

    @property
    def is_input(self) -> bool:
        """True when the respondent types or picks the value."""
        return self.has_answer and self.kind.typed_in and not self.read_only

    @property
    def value_kind(self) -> str | None:
        """What reports make of the answer (``forms.types.VALUE_KINDS``)."""
        return self.kind.value_kind_for(self)

    @property
    def widget(self) -> str:
        """The partial that renders the question (``templates/questions/<widget>.html``)."""
        return self.kind.widget_for(self)

    def choice_label(self, value: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return choice.label
        return value

    def cell_ids(self) -> list[tuple[str, str]]:
        return [(r.id, c.id) for r in self.rows for c in self.columns]


@dataclass(frozen=True)
class Section:
    """A page of the questionnaire."""

    id: str
    title: str
    line: int
    help: str = ""
    relevant: Expression | None = None
    questions: tuple[Question, ...] = ()


@dataclass(frozen=True)
class Survey:
    """A whole questionnaire definition."""

    key: str
    version: str
    title: str
    unit_kinds: tuple[str, ...]
    period: str
    sections: tuple[Section, ...]
    source_name: str
    checksum: str
    description: str = ""
    #: about how many minutes filling takes (``time_to_fill``; 0: not said), for invitations
    time_to_fill: int = 0
    #: what to have at hand before starting (``prepare``): figures, documents
    prepare: tuple[str, ...] = ()
    #: the definition's ``format`` (how its expressions were read: 1, or 2 with ODK meanings)
    format: int = 1
    #: the key of the questionnaire this one follows up (``prefill: follows.<id>`` reads the
    #: unit's answers to its latest round), e.g. a plan's execution a year after the plan
    follows: str | None = None
    #: question ids in the order relevance and calculations must be evaluated
    evaluation_order: tuple[str, ...] = field(default=(), compare=False)

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)

    @cached_property
    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    @cached_property
    def _sections_by_id(self) -> dict[str, Section]:
        return {s.id: s for s in self.sections}

    def question(self, question_id: str) -> Question:
        return self._by_id[question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._by_id

    def section(self, section_id: str) -> Section:
        return self._sections_by_id[section_id]

    def section_index(self, section_id: str) -> int:
        return [s.id for s in self.sections].index(section_id)

    @cached_property
    def reads_previous_round(self) -> bool:
        """Whether anything reads the unit's previous round (``prev()``, ``last_round``).

        When nothing does, a page of the questionnaire needs no query for that round.
        """
        from forms.expressions import previous_references

        for section in self.sections:
            if section.relevant is not None and previous_references(section.relevant):
                return True
            for q in section.questions:
                if q.prefill == PREFILL_LAST_ROUND:
                    return True
                rules = [q.relevant, q.required_if, q.calculation,
                         *(c.rule for c in (*q.constraints, *q.warnings))]
                if any(r is not None and previous_references(r) for r in rules):
                    return True
        return False
