"""SQLAlchemy models. Import from here: ``from models import Unit, Round``."""

from models.questionnaires import Questionnaire, Round
from models.responses import Invitation, Response, RevokedToken
from models.territory import Territory
from models.units import Unit

__all__ = [
    "Invitation",
    "Questionnaire",
    "Response",
    "RevokedToken",
    "Round",
    "Territory",
    "Unit",
]
