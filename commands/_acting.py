"""``--organisation NAME``: a command acts as that organisation (its scope and its rows)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from extensions import db
from services.organisations import find_organisation
from services.scoping import act_as

if TYPE_CHECKING:
    from models import Organisation


def organisation_named(name: str) -> Organisation:
    """The organisation called ``name``, or a Polish error naming the command that lists them."""
    organisation = find_organisation(name)
    if organisation is None:
        raise click.ClickException(f"Nie ma organizacji „{name}” (flask organisations list).")
    return organisation


def act_as_named(name: str | None) -> Organisation | None:
    """From now on the command sees what ``name`` sees and new rows belong to it; ``None``:
    the command line's usual view (everything; new rows of the default organisation)."""
    if name is None:
        return None
    organisation = organisation_named(name)
    act_as(organisation, db.session)
    return organisation
