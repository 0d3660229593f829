"""What a question type is: the one class that knows everything about answers of that type.

Modelled on indico's ``BaseField`` (``indico/web/fields/base.py``): one class per type, its
class attributes documented with ``#:`` comments, instantiated once and kept in the registry
(``forms.types.QUESTION_TYPES``), which checks every class when the package is imported. The
rest of esmon asks the type and never compares a type name.

How to add a question type
--------------------------
1. Write a subclass of ``QuestionType`` in the module of its family (``numbers``, ``text``,
   ``choices``, ``dates``, ``territory``, ``table``, ``calculated``, ``note``) or a new one.
   Declare the required attributes (``REQUIRED_ATTRIBUTES``: ``name``, ``value_kind``,
   ``widget``, ``field_class``) and override only what differs from the defaults below:
   - the definition: ``keys`` it accepts besides ``COMMON_KEYS`` and ``read_options`` (read and
     check them, reporting problems through the reader with a code and a Polish message);
   - the form: ``field_class`` (a WTForms field that parses what was typed and raises
     ``ValueError`` with a Polish ``N_`` message when it cannot), ``required_message``,
     ``check_value`` for rules beyond parsing;
   - the answer: ``stored`` (JSON), ``typed`` (what expressions see), ``formdata`` (what a
     browser would post, for re-validation), ``display`` (review page, e-mail copy, staff
     diff), ``is_empty``;
   - reports: ``value_kind`` (one of ``VALUE_KINDS``: reports and exports read it);
   - the page: ``widget`` (``templates/questions/<widget>.html``) and the HTML attributes it
     reads (``input_type``, ``inputmode``, ``autocomplete``, ``unit_suffix`` …);
   - the browser: ``browser_entry`` (how ``static/js/respond.js`` reads the answer for live
     skip logic: ``read`` is ``number``, ``date``, ``table`` or ``text``; ``strip`` removes
     characters the server removes too).
2. Add the class to ``TYPE_CLASSES`` in ``forms/types/__init__.py``.
3. Test it (``tests/test_question_types.py``), list it in ``survey_defs/README.md`` and run
   ``make translations`` for its messages.
Nothing outside ``forms/types/`` changes unless the type needs a widget or value kind that
does not exist yet.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from wtforms import Field

from l10n import N_

if TYPE_CHECKING:
    from random import Random

    from forms.expressions import Expression
    from forms.model import Axis, Choice, Question
    from forms.yamlsource import LineDict

#: form field names are ``q_<id>`` (table cells ``q_<id>__<row>__<col>``), so they never clash
#: with ``Form`` attributes
FIELD_PREFIX = "q_"
#: a respondent's explanation of a soft warning is the field ``w_<id>``
COMMENT_PREFIX = "w_"
#: keys every question accepts; the loader reads them, the type reads its own ``keys``
COMMON_KEYS = frozenset({
    "id", "type", "label", "hint", "required", "relevant", "constraint",
    "constraint_message", "constraints", "warning", "warning_message", "warnings",
    "prefill", "read_only", "required_message",
})
#: what an answer is to reports and exports:
#: ``count`` a whole number that adds up (persons, contracts); ``year`` a whole number shown
#: without grouping (a year; reports treat it like a count today); ``number`` a decimal figure;
#: ``amount`` money in PLN; ``share`` a percentage 0–100; ``code`` one code (an option value, a
#: TERYT code, a REGON); ``codes`` several codes; ``text`` free text; ``date`` an ISO date;
#: ``cells`` a table of numbers (each cell of its cell type's kind)
VALUE_KINDS = frozenset({
    "count", "year", "number", "amount", "share", "code", "codes", "text", "date", "cells",
})
#: value kinds whose answer is one number
NUMBER_KINDS = frozenset({"count", "year", "number", "amount", "share"})
#: the partials that render a question: ``templates/questions/<widget>.html``
WIDGETS = frozenset({
    "number", "text", "textarea", "choices", "select", "table", "calculated", "note",
    "read_only", "checkbox",
})
#: the longest label a required message names ("Uzupełnij pole „…”."); longer ones are
#: questions rather than names, and the message beside them says what to do without them
MAX_NAMED_LABEL = 60
#: how the browser reads a typed answer (``static/js/respond.js``)
BROWSER_READS = frozenset({"number", "date", "table", "text"})


def field_name(question_id: str, row: str | None = None, column: str | None = None) -> str:
    """The form field name of a question (or of one table cell)."""
    if row is None:
        return FIELD_PREFIX + question_id
    return f"{FIELD_PREFIX}{question_id}__{row}__{column}"


def comment_field_name(question_id: str) -> str:
    """The form field name of the explanation of a question's soft warning."""
    return COMMENT_PREFIX + question_id


class DefinitionReader(Protocol):
    """What ``read_options`` may use of the loader's reader (``forms.loader._Reader``)."""

    def problem(self, line: int, code: str, message: str, qid: str | None = None,
                column: int | None = None) -> None: ...

    def text(self, data: LineDict, key: str, *, required: bool = False,
             qid: str | None = None, default: str = "") -> str: ...

    def flag(self, data: LineDict, key: str, qid: str | None) -> bool: ...

    def integer(self, data: LineDict, key: str, default: int, qid: str | None,
                low: int = 0, high: int = 10**6) -> int: ...

    def expression(self, data: LineDict, key: str, qid: str | None,
                   value: Any = None, line: int | None = None) -> Expression | None: ...

    def choices(self, items: Any, line: int, qid: str | None) -> tuple[Choice, ...]: ...

    def axes(self, raw: LineDict, key: str, qid: str | None) -> tuple[Axis, ...]: ...


class QuestionType:
    """One question type: its definition keys, form field, answer handling and presentation.

    Instances hold no state: one instance serves every question of the type, and each method
    gets the ``Question`` it works for.
    """

    #: attributes every type must declare itself (checked by the registry)
    REQUIRED_ATTRIBUTES: ClassVar[tuple[str, ...]] = (
        "name", "value_kind", "widget", "field_class")

    # -- identity and definition ------------------------------------------------------------
    #: the name a definition writes in ``type:``; unique
    name: ClassVar[str]
    #: the YAML keys this type accepts besides ``COMMON_KEYS`` (read in ``read_options``)
    keys: ClassVar[frozenset[str]] = frozenset()

    # -- form -------------------------------------------------------------------------------
    #: the WTForms field class of the answer; ``None`` when the type has no form field
    field_class: ClassVar[type[Field] | None]
    #: the message when a required question is left empty (Polish, marked with ``N_``), for a
    #: question whose label cannot be named in it (long, or with ``{rok}`` placeholders)
    required_message: ClassVar[str] = N_("Odpowiedz na to pytanie.")
    #: the same naming the question; ``%(label)s`` is its label (``None``: always
    #: ``required_message``, which already says what to type)
    required_template: ClassVar[str | None] = N_("Uzupełnij pole „%(label)s”.")
    #: the question holds an answer (a note does not)
    has_answer: ClassVar[bool] = True
    #: the respondent types or picks the answer (a calculated value is computed)
    typed_in: ClassVar[bool] = True
    #: the answer is one number (a number box; expressions see a ``Decimal``)
    numeric: ClassVar[bool] = False
    #: the answer is spread over several fields (table cells): constraints are checked on the
    #: whole answer after the fields, and the fields' messages are gathered under the question
    composite: ClassVar[bool] = False
    #: the options come from the unit register, set per request by the service
    #: (``services.responses.bind_form``) from ``question.levels``
    register_choices: ClassVar[bool] = False

    # -- reports ----------------------------------------------------------------------------
    #: what reports and exports make of the answer (one of ``VALUE_KINDS``); ``None`` when the
    #: type holds no answer. ``value_kind_for`` may refine it per question.
    value_kind: ClassVar[str | None]
    #: reports show the share of answers equal to this value instead of counts per option
    share_value: ClassVar[str | None] = None

    # -- page -------------------------------------------------------------------------------
    #: the partial that renders the question, ``templates/questions/<widget>.html``
    widget: ClassVar[str]
    #: the ``type`` attribute of the input (``None``: a plain text box)
    input_type: ClassVar[str | None] = None
    #: the ``inputmode`` attribute (which on-screen keyboard a phone shows)
    inputmode: ClassVar[str | None] = None
    #: the ``autocomplete`` attribute
    autocomplete: ClassVar[str | None] = None
    #: the ``spellcheck`` attribute
    spellcheck: ClassVar[str | None] = None
    #: the CSS class of the input
    css_class: ClassVar[str | None] = None
    #: the input's placeholder (Polish, marked with ``N_``; the page translates it)
    placeholder: ClassVar[str | None] = None
    #: shown after a number box (``zł``, ``%``; Polish, marked with ``N_``)
    unit_suffix: ClassVar[str] = ""
    #: options side by side (``inline``: Tak / Nie) or one under another (``stacked``)
    choice_layout: ClassVar[str] = "stacked"

    # -- browser ----------------------------------------------------------------------------
    #: how ``static/js/respond.js`` reads the typed answer (one of ``BROWSER_READS``)
    browser_read: ClassVar[str] = "text"
    #: a regular expression (JavaScript and Python alike) of characters the browser removes
    #: from a typed text answer, as the server does (REGON: spaces and dashes)
    browser_strip: ClassVar[str | None] = None

    # -- XLSForm ----------------------------------------------------------------------------
    #: the XLSForm ``type`` words this type is imported from (``forms.xlsform``); empty: none
    xlsform_names: ClassVar[tuple[str, ...]] = ()
    #: the XLSForm ``appearance`` that picks this type among those with the same word
    #: (``text`` with ``multiline`` is a textarea)
    xlsform_appearance: ClassVar[str | None] = None
    #: the nearest XLSForm ``type`` word an export writes (``begin_group`` for a table)
    xlsform_export: ClassVar[str] = "text"
    #: for a type XLSForm lacks: what the export's note column says about the approximation
    #: (Polish, shown in the exported workbook)
    xlsform_note: ClassVar[str] = ""
    #: a ``select_one`` whose list is exactly these options (values, and labels in any
    #: letter case) is imported as this type (a Kobo ``yes``/``no`` list is a yes/no
    #: question); empty: none
    xlsform_choices: ClassVar[tuple[Choice, ...]] = ()

    # -- the definition ---------------------------------------------------------------------
    def read_options(self, reader: DefinitionReader, raw: LineDict, qid: str | None,
                     choice_lists: Mapping[str, tuple[Choice, ...]],
                     common: Mapping[str, Any]) -> dict[str, Any]:
        """Read and check this type's ``keys``; returns the ``Question`` fields they set.

        :param common: the common fields already read (``required``, ``constraints``, …), for
            rules that involve them
        """
        return {}

    # -- per question -----------------------------------------------------------------------
    def value_kind_for(self, question: Question) -> str | None:
        """The value kind of this question's answer (some types depend on options)."""
        return self.value_kind

    def widget_for(self, question: Question) -> str:
        """The partial that renders this question: register values are shown, not asked."""
        return "read_only" if question.read_only else self.widget

    def places(self, question: Question) -> int:
        """Decimal places of a numeric answer as stored (0 for everything else)."""
        return 0

    def cell_kind(self, question: Question) -> QuestionType | None:
        """The type of each cell of a ``cells`` answer (``None`` for other answers)."""
        return None

    def html_attributes(self) -> dict[str, str]:
        """The input's attributes this type sets (placeholder apart: the page translates it)."""
        attributes = {"type": self.input_type, "inputmode": self.inputmode,
                      "autocomplete": self.autocomplete, "spellcheck": self.spellcheck,
                      "class_": self.css_class}
        return {key: value for key, value in attributes.items() if value is not None}

    # -- the form ---------------------------------------------------------------------------
    def field_names(self, question: Question) -> list[str]:
        """The names of the question's form fields, in page order."""
        return [field_name(question.id)] if self.field_class is not None else []

    def make_fields(self, question: Question) -> dict[str, Field]:
        """Unbound WTForms fields by name (validators are added by the form builder)."""
        if self.field_class is None:
            return {}
        return {field_name(question.id): self.field_class(
            question.label, description=question.hint, **self.field_options(question))}

    def field_options(self, question: Question) -> dict[str, Any]:
        """Keyword arguments of ``field_class`` besides the label and the hint."""
        return {}

    def required_message_for(self, question: Question) -> str:
        """What an empty required answer of this question is told, beside it and in the summary.

        The definition's ``required_message`` first; else the type's message naming the
        question by a short label ("Uzupełnij pole „Adres siedziby”.").
        """
        if question.required_message:
            return question.required_message
        label = " ".join(question.label.split()).rstrip(" ?:.")
        if self.required_template is None or not label or len(label) > MAX_NAMED_LABEL or (
                "{" in label):
            return self.required_message
        return N_(self.required_template, label=label)

    def check_value(self, question: Question, value: Any) -> str | None:
        """A rule on a parsed, non-empty value beyond what the field checks; the message."""
        return None

    def value_from_form(self, form: Any, question: Question) -> Any:
        """The typed answer from a bound, processed form (``None`` when empty or unreadable)."""
        field = form[field_name(question.id)]
        return None if field.process_errors else field.data

    def initial_data(self, stored: Any, question: Question) -> dict[str, Any]:
        """Stored answer → the ``data`` of the form fields when a page is shown."""
        return {field_name(question.id): self.typed(stored, question)}

    # -- the answer -------------------------------------------------------------------------
    def stored(self, value: Any, question: Question) -> Any:
        """Typed value → JSON value."""
        return value

    def typed(self, stored: Any, question: Question) -> Any:
        """JSON value → the value expressions see."""
        return stored

    def formdata(self, stored: Any, question: Question) -> dict[str, list[str]]:
        """JSON value → the form data a browser would post, for re-validation."""
        if stored is None:
            return {}
        return {field_name(question.id): [str(stored)]}

    def is_empty(self, stored: Any) -> bool:
        return stored is None or stored == "" or stored == [] or stored == {}

    # -- display ----------------------------------------------------------------------------
    def display(self, stored: Any, question: Question,
                names: Mapping[str, str] | None = None) -> str:
        """The answer as people read it: review page, e-mail copy, conflict page.

        :param names: labels of register codes (``register_codes``), when the page has them
        """
        return "" if stored is None else str(stored)

    def display_cell(self, value: Any, question: Question) -> str:
        """One cell of a composite answer (a table), as people read it."""
        return self.display(value, question)

    def cell_texts(self, stored: Any, question: Question) -> list[tuple[str, str]]:
        """``(row — column, value)`` of each filled cell of a composite answer."""
        return []

    def change_text(self, stored: Any, question: Question) -> str:
        """The answer in the staff's history of changes (a diff reads better in full)."""
        return self.display(stored, question)

    def register_codes(self, stored: Any, question: Question) -> set[str]:
        """Codes in the answer whose labels live in the unit register (TERYT)."""
        return set()

    # -- examples ---------------------------------------------------------------------------
    def example(self, question: Question, rng: Random) -> Any:
        """A plausible answer only this type can make (a REGON with its check digit), stored;
        ``None``: the sample generator (``forms.samples``) draws one by the value kind."""
        return None

    # -- the browser ------------------------------------------------------------------------
    def browser_entry(self, question: Question) -> dict[str, Any]:
        """What ``static/js/respond.js`` needs to read this question's answer as it is typed."""
        entry: dict[str, Any] = {"read": self.browser_read}
        if self.browser_strip:
            entry["strip"] = self.browser_strip
        return entry


class Untyped(QuestionType):
    """Stands in for a question whose ``type`` is missing, so the rest of its file is checked.

    Never registered: such a definition has a problem and is not loaded.
    """

    name = ""
    value_kind = "text"
    widget = "text"
    field_class = None


class QuestionTypeError(TypeError):
    """A question type class that does not declare what the base class requires."""


def check_type_class(cls: type[QuestionType]) -> None:
    """Refuse a type class that lacks a required attribute or sets one to a value esmon lacks.

    :raise QuestionTypeError: naming the class and the attribute
    """
    def refuse(reason: str) -> None:
        raise QuestionTypeError(f"Typ pytania {cls.__name__}: {reason}.")

    if not (isinstance(cls, type) and issubclass(cls, QuestionType)):
        raise QuestionTypeError(f"{cls!r} nie jest podklasą QuestionType.")
    for attribute in cls.REQUIRED_ATTRIBUTES:
        if not hasattr(cls, attribute):  # the base class only announces them
            refuse(f"brak wymaganego atrybutu '{attribute}'")
    if not isinstance(cls.name, str) or not cls.name.isidentifier() or cls.name != cls.name.lower():
        refuse(f"nazwa {cls.name!r} musi być identyfikatorem z małych liter")
    if cls.value_kind is not None and cls.value_kind not in VALUE_KINDS:
        refuse(f"value_kind {cls.value_kind!r} spoza {sorted(VALUE_KINDS)}")
    if cls.has_answer != (cls.value_kind is not None):
        refuse("value_kind None wtedy i tylko wtedy, gdy typ nie ma odpowiedzi (has_answer)")
    if cls.widget not in WIDGETS:
        refuse(f"widget {cls.widget!r} spoza {sorted(WIDGETS)}")
    if cls.field_class is not None and not (isinstance(cls.field_class, type)
                                            and issubclass(cls.field_class, Field)):
        refuse("field_class musi być klasą pola WTForms albo None")
    if cls.typed_in and cls.has_answer and cls.field_class is None:
        refuse("typ, w który respondent wpisuje odpowiedź, potrzebuje field_class")
    if not isinstance(cls.keys, frozenset) or not all(isinstance(k, str) for k in cls.keys):
        refuse("keys musi być frozenset nazw pól")
    if cls.keys & COMMON_KEYS:
        refuse(f"keys powtarzają wspólne pola: {sorted(cls.keys & COMMON_KEYS)}")
    if cls.browser_read not in BROWSER_READS:
        refuse(f"browser_read {cls.browser_read!r} spoza {sorted(BROWSER_READS)}")
    if not isinstance(cls.required_message, str) or not cls.required_message:
        refuse("required_message musi być tekstem")


def build_registry(classes: list[type[QuestionType]]) -> dict[str, QuestionType]:
    """Check each class and return name → instance.

    :raise QuestionTypeError: for a class that is not a complete type, or a name used twice
    """
    registry: dict[str, QuestionType] = {}
    for cls in classes:
        check_type_class(cls)
        if cls.name in registry:
            raise QuestionTypeError(f"Typ pytania '{cls.name}' zarejestrowano dwa razy "
                                    f"({type(registry[cls.name]).__name__}, {cls.__name__}).")
        registry[cls.name] = cls()
    return registry
