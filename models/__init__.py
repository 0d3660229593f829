"""SQLAlchemy models. Import from here: ``from models import Unit, Round``."""

from models.api_token import ApiToken
from models.audit_event import AuditEvent
from models.call_attempt import CallAttempt
from models.contact_change import ContactChange
from models.invitation import Invitation, InvitationToken
from models.login_attempt import LoginAttempt
from models.organisation import Organisation
from models.organisation_unit_kind import OrganisationUnitKind
from models.outbox_message import OutboxAttachment, OutboxMessage
from models.questionnaire import Questionnaire
from models.response import Response
from models.response_version import ResponseVersion
from models.round import Round, RoundReminder
from models.subregion_assignment import SubregionAssignment
from models.territory import Territory
from models.territory_version import TerritoryVersion
from models.unit import Unit
from models.user import User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "CallAttempt",
    "ContactChange",
    "ResponseVersion",
    "Invitation",
    "InvitationToken",
    "Organisation",
    "OrganisationUnitKind",
    "OutboxAttachment",
    "OutboxMessage",
    "Questionnaire",
    "Response",
    "Round",
    "RoundReminder",
    "SubregionAssignment",
    "Territory",
    "TerritoryVersion",
    "Unit",
    "User",
    "LoginAttempt",
]
