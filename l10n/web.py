"""The Flask side of translation: the current language, messages, dates and numbers in it.

Polish (``pl``) is the source language and the default; English (``en``) is the second. The
user's choice is kept in ``session["lang"]`` (``/jezyk/<code>``) and read by the locale selector
in ``app.py``; outside a request (the mail worker, the command line) the language is Polish.

Messages of the plain libraries (``forms/``, ``reports/``) are marked with ``l10n.N_``
and translated here, where they reach a page, a JSON answer or an e-mail: ``translate``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel.numbers import format_currency
from flask import Flask
from flask_babel import format_date, get_locale, get_translations, gettext
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

from l10n import numbers
from l10n.clock import POLAND
from l10n.markers import Message

#: language code → its name in that language, in the order of the switch
LANGUAGES = {"pl": "Polski", "en": "English"}
DEFAULT_LANGUAGE = "pl"


def current_language() -> str:
    """``pl`` or ``en``: the language of this request (Polish outside one)."""
    locale = get_locale()
    language = locale.language if locale is not None else DEFAULT_LANGUAGE
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def install_template_gettext(app: Flask) -> None:
    """Templates' ``_()`` and ``{% trans %}`` look a text up once per language, not per use.

    Flask-Babel's template ``gettext`` finds the request's catalogue anew for every text
    (13 µs a call, a tenth of a respondent page). A template only ever translates literal
    texts, so each (language, text) is asked of that catalogue once per application; the
    catalogues themselves are loaded once per language and never change while it runs. The
    language is still the request's (or ``force_locale``'s) at every call. A text without
    values is kept as the page writes it (Jinja's "new style": escaped as markup, ``%%`` as
    ``%``), one with values is filled in each time as Jinja's own ``gettext`` does.
    """
    env = app.jinja_env
    env.install_gettext_callables(  # type: ignore[attr-defined]  # jinja2.ext.i18n
        gettext=lambda s: get_translations().ugettext(s),
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n), newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n))
    env.globals["gettext"] = _memo_gettext()


def _memo_gettext() -> Callable[..., str]:
    @lru_cache(maxsize=4096)
    def translated(language: str, text: str) -> str:
        return get_translations().ugettext(text)

    @lru_cache(maxsize=4096)
    def written(language: str, text: str, autoescape: bool) -> str:
        return _filled(translated(language, text), autoescape, {})

    @pass_context
    def template_gettext(context: Context, text: str, /, **variables: Any) -> str:
        locale = get_locale()
        language = str(locale) if locale is not None else ""
        autoescape = context.eval_ctx.autoescape
        if not variables:
            return written(language, text, autoescape)
        return _filled(translated(language, text), autoescape, variables)

    return template_gettext


def _filled(text: str, autoescape: bool, variables: dict[str, Any]) -> str:
    """As Jinja's new-style ``gettext`` writes a translation (``jinja2.ext``)."""
    return (Markup(text) if autoescape else text) % variables  # noqa: S704  # as Jinja does


def translate(message: Any) -> Any:
    """A message of a plain library (or any text) in the current language.

    Texts that are not in the catalogue (questionnaire content, answers) come back unchanged;
    a ``Message`` is translated with its values put back into the translation.
    """
    if not message or not isinstance(message, str):
        return message
    if isinstance(message, Message):
        params = {k: translate(v) if isinstance(v, Message) else v
                  for k, v in message.params.items()}
        return gettext(message.msgid, **params)
    return gettext(message)


class _LazyText(LazyString):
    """Flask-Babel's lazy string, but escaped like any text when a template shows it."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(msgid: str, **variables: Any) -> LazyString:
    """``gettext`` when the text is used (form labels and messages defined at import time).

    Unlike ``flask_babel.lazy_gettext`` the text is escaped in templates (``'`` → ``&#39;``),
    as the plain Polish string was before translation.
    """
    return _LazyText(gettext, msgid, **variables)


def long_date(value: date | None) -> str:
    """``31 marca 2026`` in Polish (genitive month), ``31 March 2026`` in English."""
    if not isinstance(value, date):
        return ""
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, "d MMMM y")


def long_datetime(value: datetime | None) -> str:
    """``31 marca 2026, godz. 14:05`` — local time in Poland."""
    if value is None:
        return ""
    local = value.astimezone(POLAND)
    return gettext("%(date)s, godz. %(time)s", date=long_date(local.date()),
                   time=f"{local:%H:%M}")


def number(value: Decimal | int | float | None, places: int | None = None) -> str:
    """``1 234,50`` in Polish, ``1,234.50`` in English; empty for no value."""
    if current_language() == "pl":
        return numbers.format_number(value, places)
    return numbers.format_number(value, places, locale="en")


def money(value: Decimal | int | float | None) -> str:
    """``1 234,50 zł`` in Polish, ``PLN1,234.50`` (Babel's English) in English; empty if none."""
    if value in (None, ""):
        return ""
    if current_language() == "pl":
        return numbers.format_money(value)
    return format_currency(Decimal(str(value)), "PLN", locale="en")


def percent(share: float) -> str:
    """0.123 → ``12,3%`` in Polish, ``12.3%`` in English (one decimal)."""
    text = f"{share * 100:.1f}%"
    return text.replace(".", ",") if current_language() == "pl" else text
