"""Organisations: a gmina office, a ROPS or a national operator, each over a territory.

An organisation owns its register, rounds and reports; its staff see only what it owns. A
regional partner of a national project (``partner_of``) also sees the part of its parent's
register and rounds that lies in its own territory.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, insert, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from models.types import UTCDateTime, utcnow


class Organisation(db.Model):
    """An organisation with its territory scope (``gmina:160402``, ``woj:24``, ``woj:02,04``,
    ``kraj``)."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    #: the territory as typed: ``gmina:TERYT``, ``powiat:TERYT``, ``woj:NN[,NN…]`` or ``kraj``
    scope: Mapped[str] = mapped_column(String(200))
    #: the organisation the deployment started with; data without an owner belongs to it
    is_default: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: the organisation this one is a regional partner of (it sees the parent's data in its
    #: territory)
    partner_of_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner_of: Mapped[Organisation | None] = relationship(remote_side="Organisation.id")

    @property
    def prefixes(self) -> tuple[str, ...]:
        """TERYT prefixes of the territory; ``()`` for the whole country."""
        kind, _, codes = self.scope.partition(":")
        return () if kind == "kraj" else tuple(c.strip() for c in codes.split(",") if c.strip())

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r} {self.scope}>"


#: set by ``services.scoping.install``: the id of the organisation acting now (``None``: the
#: default one), and the default organisation's (name, scope) for a database without it
def _nobody() -> int | None:
    return None


def _plain_default() -> tuple[str, str]:
    return ("Organizacja domyślna", "kraj")


acting_organisation: Callable[[], int | None] = _nobody
default_settings: Callable[[], tuple[str, str]] = _plain_default


def owner_default(context) -> int:
    """Column default of every ``organisation_id``: the acting organisation, else the default
    one (created on first need: a database made by ``create_all`` has none). Works for bulk
    inserts too, which bypass the session's flush events."""
    acting = acting_organisation()
    if acting is not None:
        return acting
    cached = getattr(context, "_esmon_default_organisation", None)
    if cached is None:
        cached = default_organisation_id(context.connection)
        context._esmon_default_organisation = cached
    return cached


def default_organisation_id(connection) -> int:
    """The default organisation's id, inserting it when the database has none yet."""
    table = Organisation.__table__
    found = connection.execute(select(table.c.id).where(table.c.is_default.is_(True))).scalar()
    if found is not None:
        return found
    name, scope = default_settings()
    return connection.execute(insert(table).values(name=name, scope=scope, is_default=True)
                              .returning(table.c.id)).scalar_one()
