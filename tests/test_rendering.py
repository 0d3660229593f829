"""The fast ``<input>`` rendering (forms/rendering.py) writes exactly what WTForms writes."""

from __future__ import annotations

from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms.meta import DefaultMeta

from forms.rendering import fast_input
from forms.types import field_name

#: values a respondent might type, the awkward ones included
TYPED = ["1 234,50", '"><script>alert(1)</script>', "Zażółć & <b>gęślą</b> 'jaźń'", ""]


def _attrs(question, errors: bool) -> dict:
    """The attributes question_block (templates/_macros/questions.html) passes to a field."""
    name = field_name(question.id)
    attrs = {"id": name, "aria-describedby": f"{name}-hint {name}-error" if errors else False,
             **question.kind.html_attributes()}
    if errors:
        attrs["aria-invalid"] = "true"
    if question.kind.placeholder:
        attrs["placeholder"] = question.kind.placeholder
    return attrs


def test_every_field_of_every_shipped_questionnaire_renders_as_wtforms_does(app: Flask):
    fast_used = 0
    with app.test_request_context():
        for loaded in app.extensions["esmon_surveys"]:
            for section in loaded.survey.sections:
                for typed in TYPED:
                    posted = MultiDict()
                    form_class = loaded.forms[section.id]
                    for name in form_class()._fields:
                        posted.add(name, typed)
                    form = form_class(formdata=posted, meta={"csrf": False})
                    for question in section.questions:
                        if not question.is_input:
                            continue
                        for name in question.kind.field_names(question) or [
                                field_name(question.id)]:
                            field = form[name]
                            for errors in (False, True):
                                attrs = _attrs(question, errors)
                                fast = fast_input(field, attrs)
                                if fast is None:
                                    continue
                                fast_used += 1
                                assert fast == DefaultMeta().render_field(field, attrs), name
                                assert str(form[name](**attrs)) == str(fast)
    assert fast_used > 100  # the fast path is the one taken for numbers, texts and cells


def test_a_field_with_its_own_render_keywords_is_left_to_wtforms(app: Flask):
    with app.test_request_context():
        loaded = next(iter(app.extensions["esmon_surveys"]))
        section = loaded.survey.sections[0]
        form = loaded.forms[section.id](formdata=MultiDict(), meta={"csrf": False})
        field = next(f for f in form if fast_input(f, {}) is not None)
        field.render_kw = {"data_x": "1"}
        assert fast_input(field, {}) is None
        assert 'data-x="1"' in str(field())


def test_inputs_with_validator_flags_render_as_wtforms_does(app: Flask):
    """The contact form on the start page: ``maxlength`` (and ``required``) come from flags."""
    from wtforms import Form, StringField
    from wtforms.validators import InputRequired, Length

    from views.forms import ContactChangeForm

    class Flagged(Form):
        name = StringField("Nazwa", validators=[InputRequired(), Length(min=2, max=20)])

    with app.test_request_context():
        for typed in TYPED:
            contact = ContactChangeForm(formdata=MultiDict({"contact_person": typed,
                                                            "emails": typed}),
                                        meta={"csrf": False})
            flagged = Flagged(formdata=MultiDict({"name": typed}))
            for field in (contact.contact_person, contact.emails, flagged.name):
                for attrs in ({}, {"aria_describedby": "x-hint", "maxlength": 5}):
                    fast = fast_input(field, attrs)
                    assert fast is not None
                    assert fast == DefaultMeta().render_field(field, attrs), field.name
            assert "maxlength" in str(fast_input(contact.emails, {}))
            assert " required " in str(fast_input(flagged.name, {}))
