"""A plain question written in Python (views/question_markup.py) is what the macro writes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from flask import Flask, render_template_string
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict

from forms.logic import Situation, resolve
from forms.placeholders import year_placeholders
from views.question_markup import FAST_WIDGETS, fast_question

#: values a respondent might type, the awkward ones included ("" leaves required ones empty);
#: ``CHOSEN`` posts each option question's last option (the others get "12")
CHOSEN = object()
TYPED = ["1 234,50", '"><script>alert(1)</script>', "Zażółć & <b>gęślą</b> 'jaźń'", "", CHOSEN]
SITUATION = Situation(reporting_year=2025, today="2026-01-15", previous={})
MACRO = ('{% from "_macros/questions.html" import question_block %}'
         "{{ question_block(form, question, visible, placeholders, {}, {}, {}, none) }}")


def _normalised(html: str) -> str:
    """Whitespace between and inside tags (before their ``>``) does not change the page."""
    html = re.sub(r"\s+>", ">", re.sub(r">\s+", ">", re.sub(r"\s+<", "<", html)))
    return re.sub(r"\s+", " ", html).strip()


def _posted(form_class) -> Callable[[object], MultiDict]:
    """The form data that posts ``typed`` in every field (``CHOSEN``: an option)."""
    fields = form_class()._fields

    def post(typed: object) -> MultiDict:
        if typed is not CHOSEN:
            return MultiDict((name, typed) for name in fields)
        return MultiDict((name, field.choices[-1].value if getattr(field, "choices", None)
                          else "12") for name, field in fields.items())
    return post


def _validated_forms(app: Flask) -> Iterator[tuple[Any, object, Any]]:
    """Every section of every shipped questionnaire with each of ``TYPED`` posted in every
    field: (section, typed, the form bound and validated)."""
    for loaded in app.extensions["esmon_surveys"]:
        for section in loaded.survey.sections:
            form_class = loaded.forms[section.id]
            post = _posted(form_class)
            for typed in TYPED:
                form = form_class(formdata=post(typed), meta={"csrf": False})
                form.bind(resolve(loaded.survey, {}, SITUATION, form.typed_values()))
                form.validate()
                yield section, typed, form


def _written_as_the_macro(form, questions, placeholders) -> list:
    """The plain questions (each shown and hidden) whose fast markup is the macro's — asserted
    for each; one entry per comparison."""
    compared = []
    for question in questions:
        if question.widget not in FAST_WIDGETS:
            continue
        for visible in (True, False):
            fast = fast_question(form, question, visible, placeholders, {})
            if fast is None:
                continue
            macro = render_template_string(MACRO, form=form, question=question, visible=visible,
                                           placeholders=placeholders)
            assert _normalised(fast) == _normalised(macro), question.id
            compared.append(question)
    return compared


def test_every_plain_question_of_every_shipped_questionnaire_is_written_as_the_macro_does(
        app: Flask):
    compared = with_errors = chosen = 0
    placeholders = year_placeholders(2025)
    for language in ("pl", "en"):
        with app.test_request_context(), force_locale(language):
            for section, typed, form in _validated_forms(app):
                for question in section.questions:
                    if question.widget not in FAST_WIDGETS:
                        assert fast_question(form, question, True, placeholders, {}) is None
                done = _written_as_the_macro(form, section.questions, placeholders)
                compared += len(done)
                with_errors += sum(bool(form.question_errors(q)) for q in done)
                chosen += sum(q.widget == "choices" and typed is CHOSEN for q in done)
    assert compared > 500
    assert with_errors > 50  # the error markup (aria-invalid, the message) is compared too
    assert chosen > 20  # options with one ticked (``checked``) too


def test_a_question_with_a_note_a_carried_value_or_a_warning_goes_to_the_macro(app: Flask):
    loaded = next(iter(app.extensions["esmon_surveys"]))
    section = loaded.survey.sections[0]
    question = next(q for q in section.questions if q.widget in FAST_WIDGETS)

    class Response:
        question_notes = {question.id: "Sprawdź"}
        carried_over: list = []

    with app.test_request_context():
        form = loaded.forms[section.id](meta={"csrf": False})
        form.bind(resolve(loaded.survey, {}, SITUATION))
        assert fast_question(form, question, True, {}, {}) is not None
        assert fast_question(form, question, True, {}, {}, Response()) is None
        Response.question_notes, Response.carried_over = {}, [question.id]
        assert fast_question(form, question, True, {}, {}, Response()) is None
        assert fast_question(form, question, True, {}, {question.id: ["Duża zmiana"]}) is None


def test_a_form_has_errors_exactly_when_a_question_has_a_message(app: Flask):
    """``has_errors`` lets a page skip gathering messages (``errorless``, ``error_list``):
    it must be true whenever any question of the section has one."""
    seen = {True: 0, False: 0}
    with app.test_request_context(), force_locale("pl"):
        for section, _typed, form in _validated_forms(app):
            messages = any(form.question_errors(q) for q in section.questions)
            assert form.has_errors() or not messages
            assert bool(form.error_list()) == messages
            if not form.has_errors():
                placeholders = year_placeholders(2025)
                assert all(fast_question(form, q, True, placeholders, {}, None, True)
                           == fast_question(form, q, True, placeholders, {})
                           for q in section.questions)
            seen[messages] += 1
    assert seen[True] > 10
    assert seen[False] > 10


def test_a_block_kept_without_its_value_is_the_macro_s_for_each_value_and_language(
        app: Flask):
    """``_BLOCKS`` keeps a number's or a text's block around its value, and an options block
    whole: another value, another option ticked, the other language or the block hidden is
    still what the macro writes."""
    from views import question_markup

    placeholders = year_placeholders(2025)
    loaded = next(iter(app.extensions["esmon_surveys"]))
    question_markup._BLOCKS.clear()
    compared = 0
    for language in ("pl", "en", "pl"):
        with app.test_request_context(), force_locale(language):
            for section in loaded.survey.sections:
                form_class = loaded.forms[section.id]
                post = _posted(form_class)
                for typed in ("12", CHOSEN, "7 000", 'a"<b>&', CHOSEN, ""):
                    form = form_class(formdata=post(typed), meta={"csrf": False})
                    form.bind(resolve(loaded.survey, {}, SITUATION, form.typed_values()))
                    compared += len(_written_as_the_macro(form, section.questions,
                                                          placeholders))
    assert compared > 50
    kept = list(question_markup._BLOCKS.values())
    assert kept  # the blocks were written once and reused
    assert len(question_markup._BLOCKS) < compared / 4
    assert all(question_markup._VALUE not in part for entry in kept for part in entry[1:])
    assert any(key[0] == "choices" for key in question_markup._BLOCKS)
