"""SQLAlchemy models. Import from here: ``from models import Unit, Round``."""

from models.audit import AuditEvent
from models.outbox import OutboxMessage
from models.questionnaires import Questionnaire, Round, RoundReminder
from models.responses import Invitation, InvitationToken, Response
from models.review import ContactChange, ResponseVersion
from models.subregions import SubregionAssignment
from models.territory import Territory
from models.territory_history import TerritoryVersion
from models.units import Unit
from models.users import LoginAttempt, User

__all__ = [
    "AuditEvent",
    "ContactChange",
    "ResponseVersion",
    "Invitation",
    "InvitationToken",
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
