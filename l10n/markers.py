"""Marking user-facing texts for translation in the plain libraries, without importing Flask.

``forms/`` (definitions, number parsing, field validators) and ``reports/`` run outside Flask
(command line, tests, benchmarks), so they cannot call Flask-Babel. They write their messages in
Polish, the source language, wrapped in ``N_``: ``pybabel extract`` finds them (``babel.cfg``
lists ``N_`` as a keyword) and the Flask side translates them where they are shown
(``l10n.web.translate``).

``N_("text")`` returns the text unchanged. ``N_("Zapis „%(raw)s” …", raw=raw)`` returns the
Polish message with the values filled in, as a ``Message``: a ``str`` (so everything that
compares, joins or stores messages keeps working, in Polish) that also remembers its msgid and
values, so it can be translated later with the values put back.
"""

from __future__ import annotations

from typing import Any


class Message(str):
    """A Polish message that remembers its msgid and the values filled into it."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Message:
        text = super().__new__(cls, msgid % params if params else msgid)
        text.msgid = msgid
        text.params = params
        return text

    def __reduce__(self):  # copies and pickles keep the msgid and the values
        return _rebuild, (self.msgid, self.params)


def _rebuild(msgid: str, params: dict[str, Any]) -> Message:
    return Message(msgid, **params)


def N_(msgid: str, **params: Any) -> str:
    """Mark ``msgid`` for translation; returns it (with ``params`` filled in) in Polish."""
    return Message(msgid, **params) if params else msgid
