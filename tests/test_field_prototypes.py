"""Section form fields copied from a prototype are what WTForms builds, and share nothing."""

from __future__ import annotations

import gc
import weakref

from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms.meta import DefaultMeta

from forms.rendering import PROTOTYPES

#: what a copy has of its own (the rest must equal the built field's)
OWN = {"_form", "meta", "flags"}


def _built(form, name: str):
    """The field as WTForms binds it, without prototypes."""
    unbound = vars(type(form))[name]
    return DefaultMeta.bind_field(form.meta, form, unbound, {
        "name": name, "prefix": "", "translations": form.meta.get_translations(form)})


def test_every_copied_field_is_the_field_wtforms_builds(app: Flask):
    copied = 0
    with app.test_request_context():
        for loaded in app.extensions["esmon_surveys"]:
            for section in loaded.survey.sections:
                form = loaded.forms[section.id]()
                for name, field in form._fields.items():
                    unbound = vars(type(form)).get(name)
                    if unbound is None or PROTOTYPES not in vars(unbound):
                        continue
                    built = _built(form, name)
                    assert type(field) is type(built), name
                    mine = {k: v for k, v in vars(field).items()
                            if k not in OWN | {"data", "object_data", "process_errors",
                                               "raw_data"}}
                    theirs = {k: v for k, v in vars(built).items() if k not in OWN}
                    assert mine.keys() == theirs.keys(), name
                    for key, value in theirs.items():
                        if key == "label":
                            assert (field.label.field_id, field.label.text) == (
                                value.field_id, value.text), name
                        elif key == "_choices":
                            assert [(c.value, c.label) for c in field._choices] == [
                                (c.value, c.label) for c in value], name
                        else:
                            assert mine[key] == value, (name, key)
                    assert vars(field.flags) == vars(built.flags), name
                    assert field._form._fields is form._fields  # its form (held weakly)
                    assert field.meta is form.meta
                    copied += 1
    assert copied > 300


def test_two_forms_share_no_field_state(app: Flask):
    loaded = next(iter(app.extensions["esmon_surveys"]))
    section = next(s for s in loaded.survey.sections
                   if any(q.widget == "choices" for q in s.questions))
    question = next(q for q in section.questions if q.widget == "choices")
    name = f"q_{question.id}"
    with app.test_request_context():
        form_class = loaded.forms[section.id]
        first = form_class(formdata=MultiDict({name: "zła wartość"}), meta={"csrf": False})
        second = form_class(formdata=None, meta={"csrf": False})
        assert first[name] is not second[name]
        first[name].choices.append(("x", "X"))
        first[name].flags.required = True
        first[name].errors = ["Błąd"]
        assert ("x", "X") not in second[name].choices
        assert not second[name].flags.required
        assert second[name].errors == ()
        assert first[name].raw_data == ["zła wartość"]
        assert second[name].raw_data is None


def test_the_csrf_token_is_each_forms_own(app: Flask):
    loaded = next(iter(app.extensions["esmon_surveys"]))
    section = loaded.survey.sections[0]
    app.config["WTF_CSRF_ENABLED"] = True
    with app.test_request_context():
        first = loaded.forms[section.id](meta={"csrf": True})
        second = loaded.forms[section.id](meta={"csrf": True})
        assert first.csrf_token is not second.csrf_token
        assert first.csrf_token.csrf_impl is first._csrf
        assert second.csrf_token.csrf_impl is second._csrf


def test_a_form_and_its_fields_are_freed_without_the_cycle_collector(app: Flask):
    loaded = next(iter(app.extensions["esmon_surveys"]))
    section = loaded.survey.sections[0]
    with app.test_request_context():
        gc.disable()
        try:
            form = loaded.forms[section.id]()
            field = next(iter(form))
            gone = weakref.ref(form), weakref.ref(field)
            del form, field
            assert [ref() for ref in gone] == [None, None]
        finally:
            gc.enable()


def test_a_validate_method_of_a_section_form_still_runs(app: Flask):
    """``SectionForm.validate`` looks ``validate_<name>`` methods up once per form class, as
    ``Form.validate`` did for every save: the same messages as WTForms' own validation."""
    from wtforms import Form
    from wtforms.validators import ValidationError

    from forms.logic import Situation, resolve
    from forms.types.numbers import NumberField

    loaded = next(iter(app.extensions["esmon_surveys"]))
    section, name = next(
        (section, name) for section in loaded.survey.sections
        for name, unbound in vars(loaded.forms[section.id]).items()
        if getattr(unbound, "field_class", None) is NumberField)
    base = loaded.forms[section.id]

    def refuse(form, field):
        raise ValidationError("odmowa")

    checked = type("Checked", (base,), {f"validate_{name}": refuse})
    with app.test_request_context(method="POST", data={name: "5"}):
        for form_class in (checked, base, checked):
            errors = []
            for validate in (form_class.validate, Form.validate):
                form = form_class()
                form.bind(resolve(loaded.survey, {}, Situation(reporting_year=2025),
                                  form.typed_values()), enforce_required=False)
                validate(form)
                errors.append(form[name].errors)
            assert errors[0] == errors[1]
            assert ("odmowa" in errors[0]) == (form_class is checked)
