"""A round from the database as the plain records ``reports.frame`` reads.

It takes an SQLAlchemy session (``db.session`` in the app, a plain ``Session`` in the
benchmark) and streams the round's invitations with their responses in chunks (``yield_per``;
a server-side cursor on PostgreSQL), so memory does not grow with the number of responses.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, scoped_session

from forms.loader import load_survey_text
from forms.model import Survey
from forms.problems import DefinitionError
from models import (
    Invitation,
    Questionnaire,
    Response,
    Round,
    SubregionAssignment,
    Territory,
    Unit,
)

#: ``db.session`` in the app (a scoped session) or a plain ``Session`` in the benchmarks
AnySession = Session | scoped_session[Any]



@dataclass(frozen=True)
class RoundInfo:
    """What reports say about a round."""

    id: int
    title: str
    period: str
    reporting_year: int
    key: str
    version: str

    @property
    def label(self) -> str:
        """The round as a published report names it: its title, never the database number."""
        return self.title


def round_info(session: AnySession, round_id: int) -> RoundInfo:
    """:raise LookupError: when there is no such round."""
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise LookupError(f"Nie ma rundy o numerze {round_id}.")
    q = round_.questionnaire
    return RoundInfo(round_.id, round_.title, round_.period, round_.reporting_year, q.key,
                     q.version)


def round_survey(session: AnySession, round_id: int) -> Survey:
    """The definition the round was launched with (its stored text, not today's file)."""
    questionnaire = session.scalars(
        select(Questionnaire).join(Round).where(Round.id == round_id)).one()
    survey, problems = load_survey_text(questionnaire.source_text, questionnaire.source_name)
    if survey is None:
        raise DefinitionError(problems)
    return survey


def previous_round_id(session: AnySession, round_id: int) -> int | None:
    """The latest round of the same questionnaire key with an earlier reporting year."""
    info = round_info(session, round_id)
    return session.scalar(
        select(Round.id).join(Questionnaire)
        .where(Questionnaire.key == info.key, Round.reporting_year < info.reporting_year)
        .order_by(Round.reporting_year.desc(), Round.id.desc()).limit(1))


def invitation_count(session: AnySession, round_id: int) -> int:
    """How many records ``round_records`` will yield (for a progress bar)."""
    return session.scalar(select(func.count(Invitation.id))
                          .where(Invitation.round_id == round_id,
                                 Invitation.withdrawn_at.is_(None))) or 0


def territory_names(session: AnySession) -> dict[str, str]:
    """Powiat and województwo code → register name."""
    rows = session.execute(select(Territory.code, Territory.name)
                           .where(Territory.level.in_(("powiat", "wojewodztwo"))))
    return dict(rows.all())  # a Result has keys(): dict() would read it as a mapping


def round_records(session: AnySession, round_id: int, chunk_size: int = 2000
                  ) -> Iterator[dict[str, Any]]:
    """One record per invitation of the round, streamed ``chunk_size`` rows at a time."""
    names = territory_names(session)
    statement = (
        select(Invitation.unit_id, Unit.name, Unit.kind, Unit.teryt, Territory.rodz,
               Response.status, Response.mode, Response.answers, Response.warnings)
        .select_from(Invitation)
        .join(Unit, Unit.id == Invitation.unit_id)
        .outerjoin(Territory, Territory.code == Unit.teryt)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.round_id == round_id, Invitation.withdrawn_at.is_(None))
        .order_by(Invitation.id)
        .execution_options(yield_per=chunk_size)
    )
    result = session.execute(statement)
    for partition in result.partitions():
        for unit_id, name, kind, teryt, rodz, status, mode, answers, warnings in partition:
            yield {
                "unit_id": unit_id, "unit_name": name, "unit_kind": kind,
                "territory": teryt, "rodz": rodz,
                "powiat_name": names.get(teryt[:4], ""),
                "wojewodztwo_name": names.get(teryt[:2], ""),
                "status": status or "invited", "mode": mode, "answers": answers,
                "warnings": warnings,
            }


def subregion_schemes(session: AnySession) -> list[str]:
    return list(session.scalars(select(SubregionAssignment.scheme).distinct()
                                .order_by(SubregionAssignment.scheme)))


def podregion_mapping(session: AnySession, scheme: str) -> dict[str, str]:
    """Powiat code → subregion name under one division (``nuts3``, a ROPS's own areas …)."""
    rows = session.execute(select(SubregionAssignment.powiat_code,
                                  SubregionAssignment.subregion_name)
                           .where(SubregionAssignment.scheme == scheme))
    return dict(rows.all())  # a Result has keys(): dict() would read it as a mapping
