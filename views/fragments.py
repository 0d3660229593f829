"""Partials that depend on the settings and the language alone, rendered once per language.

Every respondent page ends with the RODO clause and the idle-session dialog with its script
texts (``respond/_rodo.html``, ``respond/_session.html``): some thirty translated texts and
a few settings that are the same on every page. Included, they were written anew for every
request; ``fixed_fragment`` writes each once per application, language and script root (the
address prefix the links start with) and keeps the markup. A partial used this way may read
only ``config``, translations and ``url_for``: nothing of the request, the user or the data.
"""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from markupsafe import Markup

from l10n.web import current_language

#: ``app.extensions`` key of the rendered partials: (template, language, script root) → markup
CACHE_KEY = "esmon_fixed_fragments"


def fixed_fragment(template: str) -> Markup:
    """The partial ``template`` as this language writes it, rendered the first time asked."""
    cache: dict[tuple[str, str, str], Markup] = current_app.extensions.setdefault(CACHE_KEY, {})
    key = (template, current_language(), request.script_root)
    markup = cache.get(key)
    if markup is None:
        markup = cache[key] = Markup(render_template(template))  # noqa: S704  # a template's output
    return markup


def install(app: Flask) -> None:
    """Make ``fixed_fragment`` a template global (``respond/_layout.html`` uses it)."""
    app.add_template_global(fixed_fragment, "fixed_fragment")
