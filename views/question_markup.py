"""The markup of a plain question (a number, a one-line text box, options) written in Python.

A section page shows up to a hundred questions, and the Jinja macros that write each one
(``_macros/questions.html``: the block, the widget's partial, label, hint and errors, the
``aria-describedby`` ids) cost more than everything else in the request: five macro calls and
a dozen context lookups per question. For the three widgets most questions use (a number, a
line of text, options as radio buttons or checkboxes), and the usual case (no reviewer's
note, no value carried over, no warning to explain), ``fast_question`` writes the same
elements with the same attributes and texts directly; anything else returns
``None`` and the page uses the macro. ``tests/test_question_markup.py`` compares both for
every such question of every shipped questionnaire, with and without errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from flask import Flask, g
from flask_babel import gettext
from markupsafe import Markup, escape

from forms.model import Question, Survey
from forms.parts import parts_of
from forms.placeholders import fill
from forms.rendering import fast_input
from forms.types import field_name
from l10n.web import current_language, translate

#: the widgets written here (their partials: templates/questions/number.html, text.html,
#: choices.html)
FAST_WIDGETS = frozenset({"number", "text", "choices"})


def fast_question(form: Any, question: Any, visible: bool, placeholders: Mapping[str, Any],
                  unexplained: Mapping[str, Any], response: Any = None,
                  errorless: bool = False, language: str | None = None) -> Markup | None:
    """The question's block as ``question_block`` writes it, or ``None`` for the macro;
    ``errorless``: the caller knows no field of the form has a message; ``language``: the
    current one, when the caller asked for it once for the whole page."""
    return _fast_question(form, question, visible, placeholders, unexplained,
                          _Page.of(placeholders, response, errorless, language))


class _Page(NamedTuple):
    """What every question of a page shares, asked once for the page."""

    errorless: bool
    language: str
    #: the response's reviewer notes by question, and the questions carried over
    notes: Mapping[str, Any]
    carried_over: frozenset[str]
    #: the year's placeholders, as a part of a block's key
    placeholders: tuple[tuple[str, Any], ...]

    @classmethod
    def of(cls, placeholders: Mapping[str, Any], response: Any, errorless: bool,
           language: str | None) -> _Page:
        return cls(errorless, language or current_language(),
                   (response.question_notes or {}) if response is not None else {},
                   frozenset(response.carried_over or ()) if response is not None else
                   frozenset(), tuple(placeholders.items()))


def _fast_question(form: Any, question: Any, visible: bool, placeholders: Mapping[str, Any],
                   unexplained: Mapping[str, Any], page: _Page) -> Markup | None:
    widget = question.widget
    if widget not in FAST_WIDGETS or question.id in unexplained:
        return None
    if page.notes.get(question.id) or question.id in page.carried_over:
        return None
    name = field_name(question.id)
    try:
        field = form[name]
    except KeyError:
        return None
    errors = [] if page.errorless else form.question_errors(question)
    if widget == "choices":
        return _kept_choices(field, question, name, errors, visible, placeholders, page)
    if errors:
        return _input_block(field, question, name, errors, visible, placeholders)
    key = _block_key(question, name, visible, page, tuple(vars(field.flags).items()))
    entry = _BLOCKS.get(key) if key is not None else None
    if entry is None or entry[0] is not question:
        block = _input_block(field, question, name, errors, visible, placeholders, _VALUE)
        if block is None:
            return None
        if block.count(_VALUE) != 1:
            return _input_block(field, question, name, errors, visible, placeholders)
        entry = (question, *block.split(_VALUE))
        if key is not None and len(_BLOCKS) < BLOCKS_LIMIT:
            _BLOCKS[key] = entry
    value = field._value()
    if value is True or value is False:  # fast_input writes these as a bare attribute
        return _input_block(field, question, name, errors, visible, placeholders)
    return Markup(f"{entry[1]}{escape(value)}{entry[2]}")  # noqa: S704  # parts escaped


#: stands for the input's value while a block is written for ``_BLOCKS`` (no text of a
#: definition or a translation holds it)
_VALUE = "\x00esmon-value\x00"
#: a number's or a text's block without messages, split around its value: (question, the
#: markup before the value, after it), keyed by ``_block_key``; an options block whole:
#: (question, the block, ""), keyed by ``_block_key`` as well
_BLOCKS: dict[tuple[Any, ...], tuple[Any, str, str]] = {}
#: at most this many blocks are kept (a few definition versions × two languages × years)
BLOCKS_LIMIT = 20_000


def _block_key(question: Any, name: str, visible: bool, page: _Page,
               *rest: Any) -> tuple[Any, ...] | None:
    """Everything a block without messages depends on but its value: the question (its
    definition version: the entry keeps the object and is used only for that very one), whether
    it is shown, the page's language (labels of units, placeholders, "(wymagane)") and year's
    placeholders, and what else its kind depends on (``rest``: a field's flags — ``required``,
    ``maxlength`` …; the options and which are ticked); ``None`` when a part cannot be a key."""
    key = (id(question), name, visible, page.language, page.placeholders, *rest)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _kept_choices(field: Any, question: Any, name: str, errors: list[str], visible: bool,
                  placeholders: Mapping[str, Any], page: _Page) -> Markup:
    """An options block without messages from ``_BLOCKS`` (whole: the options and which are
    ticked are in the key), else written by ``_choices_block``."""
    if errors:
        return _choices_block(field, question, name, errors, visible, placeholders)
    current = (field.data if question.multiple else [field.data]) or []
    try:
        ticked = frozenset(current)
    except TypeError:  # an unhashable value: written every time
        return _choices_block(field, question, name, errors, visible, placeholders)
    same = _block_key(question, name, visible, page,
                      tuple((choice.value, choice.label) for choice in field.choices), ticked)
    key = None if same is None else ("choices", *same)  # (never a number's or a text's key)
    entry = _BLOCKS.get(key) if key is not None else None
    if entry is not None and entry[0] is question:
        return Markup(entry[1])  # noqa: S704  # written escaped by _choices_block
    block = _choices_block(field, question, name, errors, visible, placeholders)
    if key is not None and len(_BLOCKS) < BLOCKS_LIMIT:
        _BLOCKS[key] = (question, str(block), "")
    return block


def _input_block(field: Any, question: Any, name: str, errors: list[str], visible: bool,
                 placeholders: Mapping[str, Any], value: Any = None) -> Markup | None:
    """A number's or a line of text's block (``value``: see ``fast_input``)."""
    kind = question.kind
    described = [f"{name}-hint"] if question.hint else []
    if errors:
        described.append(f"{name}-error")
    attrs: dict[str, Any] = {"id": name, "aria-describedby": " ".join(described) or False}
    if errors:
        attrs["aria-invalid"] = "true"
    attrs.update(kind.html_attributes())
    if kind.placeholder:
        attrs["placeholder"] = translate(kind.placeholder)
    field_markup = fast_input(field, attrs, value)
    if field_markup is None:
        return None
    texts = _texts()
    parts = [_block_start(question, errors, visible),
             f'<label for="{name}">{escape(fill(question.label, placeholders))}']
    if question.required:
        parts.append(f' <span class="req">{texts[0]}</span>')
    parts.append("</label>")
    parts.append(_hint_and_error(question, name, errors, placeholders, texts))
    if question.widget == "number":
        parts.append(f'<div class="number-input">{field_markup}')
        if kind.unit_suffix:
            parts.append(f'<span class="unit" aria-hidden="true">'
                         f'{escape(translate(kind.unit_suffix))}</span>')
        parts.append("</div>")
    else:
        parts.append(str(field_markup))
    parts.append("</div>")
    return Markup("".join(parts))  # noqa: S704  # every text from the data is escaped above


def _block_start(question: Any, errors: list[str], visible: bool) -> str:
    return (f'<div class="question{" has-error" if errors else ""}" '
            f'id="pytanie-{escape(question.id)}" data-question="{escape(question.id)}"'
            f'{"" if visible else " hidden"}>')


def _hint_and_error(question: Any, name: str, errors: list[str],
                    placeholders: Mapping[str, Any], texts: tuple[str, str]) -> str:
    parts = []
    if question.hint:
        parts.append(f'<p class="hint" id="{name}-hint">'
                     f'{escape(fill(question.hint, placeholders))}</p>')
    if errors:
        parts.append(f'<p class="error-message" id="{name}-error"><span class="visually-hidden">'
                     f'{texts[1]}</span> {escape(errors[0])}</p>')
    return "".join(parts)


def _choices_block(field: Any, question: Any, name: str, errors: list[str], visible: bool,
                   placeholders: Mapping[str, Any]) -> Markup:
    """Options as ``questions/choices.html`` writes them: radio buttons, or checkboxes when
    several may be chosen, in a fieldset whose legend is the question."""
    texts = _texts()
    described = [f"{name}-hint"] if question.hint else []
    if errors:
        described.append(f"{name}-error")
    parts = [_block_start(question, errors, visible), '<fieldset class="choices"']
    if described:
        parts.append(f' aria-describedby="{" ".join(described)}"')
    parts.append(f'><legend>{escape(fill(question.label, placeholders))}')
    if question.required:
        parts.append(f' <span class="req">{texts[0]}</span>')
    parts.append("</legend>")
    parts.append(_hint_and_error(question, name, errors, placeholders, texts))
    parts.append(f'<div class="{escape(question.kind.choice_layout)}">')
    multiple = question.multiple
    current = (field.data if multiple else [field.data]) or []
    kind = "checkbox" if multiple else "radio"
    for index, choice in enumerate(field.choices, start=1):
        choice_id = name if index == 1 else f"{name}-{index}"
        checked = " checked" if choice.value in current else ""
        parts.append(f'<div class="choice"><input type="{kind}" id="{choice_id}" name="{name}" '
                     f'value="{escape(choice.value)}"{checked}>'
                     f'<label for="{choice_id}">{escape(choice.label)}</label></div>')
    parts.append("</div></fieldset></div>")
    return Markup("".join(parts))  # noqa: S704  # every text from the data is escaped above


def _texts() -> tuple[str, str]:
    """The two interface texts of a question, translated once per request (a page asks for
    them a hundred times, and every ``gettext`` looks the catalogue up anew)."""
    texts = g.get("esmon_question_texts")
    if texts is None:
        texts = g.esmon_question_texts = (gettext("(wymagane)"), gettext("Błąd:"))
    return texts


_PARTS: dict[str, dict[str, str]] = {}


def whole_of(survey: Survey, question: Question) -> Question | None:
    """The question a "w tym" question is a part of (``forms.parts``), else ``None``; worked
    out once per definition (its checksum)."""
    parts = _PARTS.get(survey.checksum)
    if parts is None:
        parts = _PARTS[survey.checksum] = parts_of(survey)
    parent = parts.get(question.id)
    return survey.question(parent) if parent else None


def section_questions(form: Any, section: Any, survey: Any, placeholders: Mapping[str, Any],
                      unexplained: Mapping[str, Any], response: Any,
                      territory_names: Mapping[str, str], question_block: Callable[..., Any],
                      ) -> Markup:
    """Every question block of a section page, in order: ``fast_question`` where it can,
    else the template's ``question_block`` macro (passed in), with the same arguments the
    page's loop gave them. A loop in the template cost two context calls and two lookups
    per question on top of the block itself.

    A question is shown when the resolution made it visible, or when it has no answer of
    its own and no condition (a note).
    """
    visible = form.resolution.visible
    page = _Page.of(placeholders, response, not form.has_errors(), None)
    blocks = []
    for question in section.questions:
        shown = question.id in visible or (not question.has_answer and question.relevant is None)
        whole = whole_of(survey, question)
        block = _fast_question(form, question, shown, placeholders, unexplained,
                               page) if whole is None else None
        if block is None:
            block = question_block(form, question, shown, placeholders, unexplained,
                                   response.answers, territory_names, response, whole)
        blocks.append(block)
    return Markup("\n".join(blocks))  # noqa: S704  # blocks written escaped, or by the macro


def install(app: Flask) -> None:
    """Make ``fast_question`` and ``section_questions`` template globals
    (``respond/section.html`` uses them)."""
    app.add_template_global(fast_question, "fast_question")
    app.add_template_global(section_questions, "section_questions")
