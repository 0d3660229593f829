"""Organisation scopes, enforced in one place: every ORM query a staff member's request runs.

A staff member sees what their organisation owns (units, rounds, their invitations and
responses, mail, audit rows, accounts); a regional partner of a national project also sees the
part of its parent's register that lies in its territory, so its view of a national round is
its part of that round; a parent sees what its partners own. Views and services never filter
by organisation themselves: ``install`` adds ``with_loader_criteria`` options to every ORM
``SELECT`` of the session (``do_orm_execute``), so an object of another organisation is simply
not found and its URL ends in 404, with no existence leak. New rows get their owner on insert
(``before_flush``): the acting organisation, or the default one.

The scope is set when Flask-Login loads the staff member (``views.access.load_user``) or by a
command acting for a named organisation (``act_as``). Respondent pages are not scoped (their
link is their authority); management commands without ``--organisation`` see everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, has_app_context
from sqlalchemy import ColumnElement, event, or_, select
from sqlalchemy.orm import (
    InstrumentedAttribute,
    ORMExecuteState,
    Session,
    scoped_session,
    with_loader_criteria,
)

import models.organisation as organisation_model
from models import (
    AuditEvent,
    ContactChange,
    Invitation,
    InvitationToken,
    LoginAttempt,
    Organisation,
    OrganisationUnitKind,
    OutboxMessage,
    Response,
    ResponseVersion,
    Round,
    RoundReminder,
    Unit,
    User,
)


@dataclass(frozen=True)
class Scope:
    """What one organisation's staff may see."""

    organisation_id: int
    #: TERYT prefixes of the organisation's territory; ``()``: the whole country
    prefixes: tuple[str, ...]
    #: the organisation this one is a regional partner of
    partner_of_id: int | None = None
    #: organisations that are regional partners of this one
    partner_ids: tuple[int, ...] = ()

    @property
    def own_ids(self) -> tuple[int, ...]:
        """Owners whose rows are wholly visible: the organisation and its partners."""
        return (self.organisation_id, *self.partner_ids)


def scope_prefixes(organisation: Organisation) -> tuple[str, ...]:
    """The organisation's TERYT prefixes; the default one follows ``ESMON_WOJEWODZTWO``, so a
    deployment that changes the setting keeps working as before."""
    if organisation.is_default:
        region = (current_app.config.get("ESMON_WOJEWODZTWO") or "").strip()
        return tuple(code.strip() for code in region.split(",") if code.strip())
    return organisation.prefixes


def default_scope_text() -> str:
    """The default organisation's scope as ``ESMON_WOJEWODZTWO`` gives it."""
    region = (current_app.config.get("ESMON_WOJEWODZTWO") or "").strip()
    return f"woj:{region}" if region else "kraj"


def scope_of(organisation: Organisation, session: Session | scoped_session[Any]) -> Scope:
    partners = tuple(session.scalars(select(Organisation.id).where(
        Organisation.partner_of_id == organisation.id)))
    return Scope(organisation.id, scope_prefixes(organisation), organisation.partner_of_id,
                 partners)


def set_scope(scope: Scope | None) -> None:
    """Scope the rest of this request (or command) to ``scope``; ``None`` lifts it."""
    g.esmon_scope = scope


def unscoped() -> None:
    """This request needs no staff scope (a respondent's page: the link is its authority)."""
    g.esmon_unscoped = True


def act_as(organisation: Organisation, session: Session | scoped_session[Any]) -> None:
    """A command works for ``organisation``: it sees and creates that organisation's data."""
    set_scope(scope_of(organisation, session))


def current_scope() -> Scope | None:
    """The scope in force, or ``None`` outside a scoped request or command."""
    if not has_app_context() or g.get("esmon_unscoped"):
        return None
    return g.get("esmon_scope")


def current_prefixes() -> tuple[str, ...]:
    """TERYT prefixes of the acting organisation (the default one outside a scope)."""
    scope = current_scope()
    if scope is not None:
        return scope.prefixes
    region = (current_app.config.get("ESMON_WOJEWODZTWO") or "").strip()
    return tuple(code.strip() for code in region.split(",") if code.strip())


def in_territory(column: ColumnElement[str] | InstrumentedAttribute[str],
                 prefixes: Iterable[str]) -> ColumnElement[bool]:
    """``column`` (a TERYT code) lies in the territory of these prefixes."""
    prefixes = tuple(prefixes)
    if not prefixes:
        return column.is_not(None)
    return or_(*(column.startswith(prefix) for prefix in prefixes))


def _visible_units(scope: Scope) -> ColumnElement[bool]:
    owned = Unit.organisation_id.in_(scope.own_ids)
    if scope.partner_of_id is None:
        return owned
    return or_(owned, (Unit.organisation_id == scope.partner_of_id)
               & in_territory(Unit.teryt, scope.prefixes))


def _criteria(scope: Scope) -> list:
    units = select(Unit.id).where(_visible_units(scope))
    invitations = select(Invitation.id).where(Invitation.unit_id.in_(units))
    responses = select(Response.id).where(Response.invitation_id.in_(invitations))
    round_owners = (*scope.own_ids, *((scope.partner_of_id,) if scope.partner_of_id else ()))
    rounds = select(Round.id).where(Round.organisation_id.in_(round_owners))
    accounts = select(User.email).where(User.organisation_id.in_(scope.own_ids))
    options = {
        Unit: _visible_units(scope),
        Round: Round.organisation_id.in_(round_owners),
        Invitation: Invitation.unit_id.in_(units),
        InvitationToken: InvitationToken.invitation_id.in_(invitations),
        Response: Response.invitation_id.in_(invitations),
        ResponseVersion: ResponseVersion.response_id.in_(responses),
        RoundReminder: RoundReminder.round_id.in_(rounds),
        ContactChange: ContactChange.unit_id.in_(units),
        OutboxMessage: or_(OutboxMessage.invitation_id.in_(invitations),
                           OutboxMessage.invitation_id.is_(None)
                           & OutboxMessage.organisation_id.in_(scope.own_ids)),
        AuditEvent: AuditEvent.organisation_id.in_(scope.own_ids),
        User: User.organisation_id.in_(scope.own_ids),
        LoginAttempt: LoginAttempt.email.in_(accounts) if scope.organisation_id != _default_id()
        else or_(LoginAttempt.email.in_(accounts),
                 LoginAttempt.email.not_in(select(User.email))),
        OrganisationUnitKind: OrganisationUnitKind.organisation_id.in_(round_owners),
        Organisation: or_(Organisation.id.in_(scope.own_ids),
                          Organisation.id == (scope.partner_of_id or 0)),
    }
    return [with_loader_criteria(model, criterion, include_aliases=True)
            for model, criterion in options.items()]


def _default_id() -> int | None:
    cached = g.get("esmon_default_organisation_id")
    if cached is None:
        organisation = _find_default(_session())
        cached = g.esmon_default_organisation_id = organisation.id if organisation else 0
    return cached


def _session() -> Session | scoped_session[Any]:
    from extensions import db

    return db.session


def _find_default(session: Session | scoped_session[Any]) -> Organisation | None:
    with session.no_autoflush:
        return session.scalar(select(Organisation).where(Organisation.is_default.is_(True))
                              .execution_options(esmon_unscoped=True))


def default_organisation(session: Session | scoped_session[Any] | None = None) -> Organisation:
    """The deployment's default organisation, created on first need (a database made by
    ``create_all`` has none; migrated ones get it from the migration)."""
    active = session or _session()
    organisation = _find_default(active)
    if organisation is None:
        name = current_app.config.get("ESMON_ORGANISATION") or "Organizacja domyślna"
        organisation = Organisation(name=name, scope=default_scope_text(), is_default=True)
        active.add(organisation)
    return organisation


def organisation_name(organisation: Organisation | None) -> str:
    """The name pages and e-mails give an organisation; the default one's is
    ``ESMON_ORGANISATION`` as configured now."""
    if organisation is None or organisation.is_default:
        return current_app.config.get("ESMON_ORGANISATION") or "esmon"
    return organisation.name


def site_organisation() -> str:
    """Whose pages these are: the respondent's round's organisation, the staff member's, or
    the deployment's."""
    from flask_login import current_user

    chosen = g.get("esmon_site_organisation")
    if chosen:
        return chosen
    if current_scope() is not None and current_user.is_authenticated:
        return organisation_name(current_user.organisation)
    return organisation_name(None)


def _add_criteria(state: ORMExecuteState) -> None:
    if (not state.is_select or state.is_column_load or state.is_relationship_load
            or state.execution_options.get("esmon_unscoped")):
        return
    scope = current_scope()
    if scope is not None:
        state.statement = state.statement.options(*_criteria(scope))


def _fill_owner(session: Session, flush_context, instances) -> None:
    """A message about a round belongs to the round's organisation, whoever queued it (the
    mail worker's reminders too); other rows get ``models.organisation.owner_default``."""
    for obj in session.new:
        if isinstance(obj, OutboxMessage) and obj.organisation_id is None and obj.round_id:
            with session.no_autoflush:
                round_ = session.get(Round, obj.round_id,
                                     execution_options={"esmon_unscoped": True})
            if round_ is not None:
                obj.organisation_id = round_.organisation_id


def _acting_id() -> int | None:
    scope = current_scope()
    return scope.organisation_id if scope is not None else None


def _default_settings() -> tuple[str, str]:
    return (current_app.config.get("ESMON_ORGANISATION") or "Organizacja domyślna",
            default_scope_text())


def install(session_class: type[Session] | object) -> None:
    """Attach the scope to every ORM query and the owner to every new row of the sessions."""
    organisation_model.acting_organisation = _acting_id
    organisation_model.default_settings = _default_settings
    if not event.contains(session_class, "do_orm_execute", _add_criteria):
        event.listen(session_class, "do_orm_execute", _add_criteria)
        event.listen(session_class, "before_flush", _fill_owner)
