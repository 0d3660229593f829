"""Rendering a field's ``<input>`` the way WTForms does, without its per-attribute formatting.

A section page renders one input per question (per cell for tables). WTForms' ``html_params``
formats every attribute through ``Markup.format`` — the slowest part of a 40-question page.
For a plain ``<input>`` (a widget using ``Input.__call__``, no ``render_kw``, no flags, no
datalist) the same markup is written here directly: attributes sorted by name, ``class_`` and
``aria_…`` keys cleaned, ``True`` as a bare attribute, ``False`` left out, every value
escaped. Anything else goes to WTForms unchanged. ``tests/test_rendering.py`` compares
both for every question type.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from wtforms.meta import DefaultMeta
from wtforms.widgets import Input
from wtforms.widgets.core import clean_key


def fast_input(field: Any, render_kw: dict[str, Any]) -> Markup | None:
    """The field's ``<input>`` markup, or ``None`` when WTForms must render it."""
    widget = field.widget
    if (type(widget).__call__ is not Input.__call__ or getattr(field, "render_kw", None)
            or getattr(field, "_datalist", None) is not None or vars(field.flags)):
        return None
    params = {_key(key): value for key, value in render_kw.items()}
    params.setdefault("id", field.id)
    params.setdefault("type", widget.input_type)
    if "value" not in params:
        params["value"] = field._value()
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


class FastInputMeta(DefaultMeta):
    """Form ``Meta`` whose plain inputs are rendered by :func:`fast_input`."""

    def render_field(self, field: Any, render_kw: dict[str, Any]) -> Markup:
        return fast_input(field, render_kw) or super().render_field(field, render_kw)
