"""Survey rounds and the invitations (personal links) in them."""

from __future__ import annotations

from datetime import date

from extensions import db
from models import Invitation, Questionnaire, RevokedToken, Round, Unit
from models.types import utcnow
from services.tokens import new_token


def create_round(questionnaire: Questionnaire, *, period: str, reporting_year: int,
                 opens_on: date, deadline: date, title: str | None = None,
                 status: str = "draft") -> Round:
    """A new round of one questionnaire version for a reporting period."""
    round_ = Round(questionnaire=questionnaire, period=period, reporting_year=reporting_year,
                   opens_on=opens_on, deadline=deadline, status=status,
                   title=title or f"{questionnaire.title} — {period}")
    db.session.add(round_)
    db.session.flush()
    return round_


def invite(round_: Round, unit: Unit) -> tuple[Invitation, str]:
    """Add a unit to a round; returns the invitation and its link token (shown only now)."""
    token, token_hash = new_token()
    invitation = Invitation(round=round_, unit=unit, token_hash=token_hash)
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def reissue_token(invitation: Invitation) -> str:
    """Give an invitation a new link; the old one stops working (and says so)."""
    db.session.add(RevokedToken(token_hash=invitation.token_hash, invitation_id=invitation.id))
    token, token_hash = new_token()
    invitation.token_hash = token_hash
    invitation.token_issued_at = utcnow()
    db.session.flush()
    return token
