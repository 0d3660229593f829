"""Rendering a field's ``<input>`` the way WTForms does, without its per-attribute formatting.

A section page renders one input per question (per cell for tables). WTForms' ``html_params``
formats every attribute through ``Markup.format`` — the slowest part of a 40-question page.
For a plain ``<input>`` (a widget using ``Input.__call__``, no ``render_kw``, no datalist)
the same markup is written here directly: attributes sorted by name, ``class_`` and
``aria_…`` keys cleaned, the validators' flags the widget writes, ``True`` as a bare
attribute, ``False`` left out, every value escaped. Anything else goes to WTForms unchanged.
``tests/test_rendering.py`` compares both for every question type and the respondent's
contact form.
"""

from __future__ import annotations

import weakref
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from wtforms.fields.core import Flags
from wtforms.meta import DefaultMeta
from wtforms.widgets import Input
from wtforms.widgets.core import clean_key


def fast_input(field: Any, render_kw: dict[str, Any], value: Any = None) -> Markup | None:
    """The field's ``<input>`` markup, or ``None`` when WTForms must render it; ``value``
    stands for the field's own (``_value()``) when given."""
    widget = field.widget
    if (type(widget).__call__ is not Input.__call__ or getattr(field, "render_kw", None)
            or getattr(field, "_datalist", None) is not None):
        return None
    params = {_key(key): value for key, value in render_kw.items()}
    params.setdefault("id", field.id)
    params.setdefault("type", widget.input_type)
    if "value" not in params:
        params["value"] = field._value() if value is None else value
    # the validators' flags the widget writes (required, maxlength …), as Input.__call__ does
    for key, value in vars(field.flags).items():
        if key in widget.validation_attrs and key not in params:
            params[key] = value() if callable(value) else value
    params["name"] = field.name
    parts = []
    for key in sorted(params):
        value = params[key]
        if value is True:
            parts.append(key)
        elif value is not False:
            parts.append(f'{key}="{escape(value)}"')
    return Markup(f"<input {' '.join(parts)}>")  # noqa: S704  # every key and value escaped


@lru_cache(maxsize=256)
def _key(key: str) -> str:
    """An attribute name cleaned (``class_`` → ``class``) and escaped, once per name: a page
    writes the same half-dozen names for every one of its inputs."""
    return str(escape(clean_key(key)))


#: attribute of an unbound field (of a form class) holding its bound prototypes:
#: (name, prefix) → (translations, prototype, names of its attributes holding lists, dicts
#: or sets, the form class that declares the field)
PROTOTYPES = "_esmon_prototypes"


class FastInputMeta(DefaultMeta):
    """Form ``Meta`` whose plain inputs are rendered by :func:`fast_input`, and whose fields
    are copied from a prototype rather than built.

    A section form has a field per question and is made on every request: building a field
    (``Field.__init__``: its label, flags and options from the validators) cost more than the
    rest of making the form. Each field of a form class is built once, as a prototype never
    used by a form, and every form gets a copy of it with its own lists and flags (the
    validators are shared, as WTForms shares them); fields not declared by the class (the
    CSRF token, made per form) and fields without a label of their own (WTForms translates
    the name then) are built as usual.
    """

    def render_field(self, field: Any, render_kw: dict[str, Any]) -> Markup:
        return fast_input(field, render_kw) or super().render_field(field, render_kw)

    def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
        name, prefix = options.get("name"), options.get("prefix", "")
        translations = options.get("translations")
        prototypes = unbound_field.__dict__.get(PROTOTYPES)
        entry = prototypes.get((name, prefix)) if prototypes is not None else None
        if entry is not None and entry[0] is translations and entry[3] is type(form):
            return _copied(entry[1], entry[2], form)  # the usual case: checked when made
        if vars(type(form)).get(name) is not unbound_field or not _labelled(unbound_field):
            return super().bind_field(form, unbound_field, options)
        prototype = super().bind_field(form, unbound_field, options)
        prototype._form = None  # the prototype belongs to no form
        mutable = tuple(key for key, value in vars(prototype).items()
                        if isinstance(value, (list, dict, set)) and key != "validators")
        unbound_field.__dict__.setdefault(PROTOTYPES, {})[name, prefix] = (
            translations, prototype, mutable, type(form))
        return _copied(prototype, mutable, form)


def _labelled(unbound_field: Any) -> bool:
    label = unbound_field.args[0] if unbound_field.args else unbound_field.kwargs.get("label")
    return label is not None


def _copied(prototype: Any, mutable: tuple[str, ...], form: Any) -> Any:
    """A field like ``prototype`` bound to ``form``, sharing nothing a form may change.

    The field refers to its form weakly (WTForms reads ``_form`` only for options given as
    a callable, while the form is in use): with a strong reference every form and its
    fields (some 250 objects for 40 questions) were a reference cycle the cycle collector
    had to find and free, a tenth of a section request's time.
    """
    field = object.__new__(type(prototype))
    attributes = field.__dict__
    attributes.update(vars(prototype))
    for key in mutable:
        attributes[key] = attributes[key].copy()  # a list, dict or set of its own
    attributes["_form"] = weakref.proxy(form)
    attributes["meta"] = form.meta
    flags = attributes["flags"] = object.__new__(Flags)
    vars(flags).update(vars(prototype.flags))
    return field
