"""Confirm with consequences: a destructive staff action runs only from its confirmation page.

The GOV.UK pattern, with no JavaScript: the button on the round or response page is a link
to the action's own address. A GET there shows what exactly will happen (who gets an e-mail,
which link stops working), and its form POSTs back with ``confirm`` set to a *stamp* of the
state the page described. A POST without the stamp — or with the stamp of a state that has
changed since (another unit submitted, someone else closed the round) — shows the page again
and changes nothing; what was typed (a reason, notes) is carried over, never lost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import render_template, request
from flask_wtf import FlaskForm

from views.forms import ConfirmForm

#: how many affected units a confirmation page names before it says "and N more"
NAMED_ITEMS = 25


@dataclass
class Confirmation:
    """What a confirmation page says and where its button goes."""

    #: the question in the heading: "Zamknąć rundę „…”?"
    title: str
    #: the one sentence in the warning box: what cannot be undone or who gets an e-mail
    warning: str
    #: the button: "Tak, zamknij rundę"
    button: str
    #: where "Anuluj" leads
    cancel_url: str
    #: the state the page describes; the action runs only when the POST carries it back
    stamp: str
    #: further consequences, one sentence each
    consequences: list[str] = field(default_factory=list)
    #: names of the units the action touches (the first ``NAMED_ITEMS`` are listed)
    items: list[str] = field(default_factory=list)
    #: the form with CSRF, the stamp and any fields the action needs (a reason …)
    form: FlaskForm | None = None
    #: names of the form's fields to show, in order
    fields: tuple[str, ...] = ()
    #: values posted from the page before (notes to questions) carried to the action
    carried: list[tuple[str, str]] = field(default_factory=list)
    #: red button for what cannot be undone; the brand colour for what sends e-mail
    destructive: bool = True
    #: a page heading above the question (the round's or the unit's name)
    caption: str = ""


def needs_confirmation(view: Callable) -> Callable:
    """Mark a view as one that acts only from its confirmation page.

    ``tests/test_confirmations.py`` walks every staff POST route: each is either marked so
    (and must refuse a POST without the step) or listed there as harmless.
    """
    view.needs_confirmation = True  # type: ignore[attr-defined]
    return view


def stamp_of(*parts: Any) -> str:
    """A short fingerprint of the state a page shows (ids, counts, versions)."""
    text = "|".join(",".join(map(str, p)) if isinstance(p, list | tuple | set) else str(p)
                    for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def ids_stamp(kind: str, ids: Iterable[int]) -> str:
    return stamp_of(kind, sorted(ids))


def confirmed(confirmation: Confirmation) -> bool:
    """A POST made from the confirmation page of exactly this state, with a valid form."""
    if request.method != "POST" or request.form.get("confirm") != confirmation.stamp:
        return False
    form = confirmation.form
    return form is None or form.validate_on_submit()


def confirm_page(confirmation: Confirmation):
    """The confirmation page; after a POST that did not run, it says why.

    Status 200 for the first view and a POST without the step (the page is what they get
    instead), 409 when the state changed since the page was shown.
    """
    if confirmation.form is None:
        confirmation.form = ConfirmForm()
    confirmation.form.confirm.data = confirmation.stamp
    sent = request.form.get("confirm") if request.method == "POST" else None
    stale = bool(sent) and sent != confirmation.stamp
    return render_template("confirm.html", c=confirmation, stale=stale,
                           named=NAMED_ITEMS), 409 if stale else 200
