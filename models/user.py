"""Staff accounts: ROPS admins and coordinators."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from extensions import db
from l10n import N_
from models.organisation import owner_default
from models.types import UTCDateTime, utcnow

#: role → Polish name (a msgid: pages translate it); admins can do everything, coordinators
#: read responses and export
ROLES = {"admin": N_("administrator"), "coordinator": N_("koordynator")}


class User(UserMixin, db.Model):
    """A member of staff who logs in with e-mail and password."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('admin', 'coordinator')", name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: login, stored lower-case
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: werkzeug scrypt hash; the password itself is never stored
    password_hash: Mapped[str] = mapped_column(String(255))
    #: 'admin' or 'coordinator'
    role: Mapped[str] = mapped_column(String(16))
    full_name: Mapped[str | None] = mapped_column(String(200))
    #: the organisation that owns the account: its staff see that organisation's data
    #: (``services.scoping`` fills it in on insert)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True,
                                                 default=owner_default)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: raised at every logout: a session cookie carries the generation it was issued in, so
    #: a copy of it stops working the moment its owner logs out
    session_generation: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    organisation = relationship("Organisation", lazy="joined")

    def get_id(self) -> str:
        """What Flask-Login keeps in the session: the id and the session generation."""
        return f"{self.id}:{self.session_generation or 1}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses disabled accounts
        return self.is_enabled

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def runs_the_deployment(self) -> bool:
        """An admin of the deployment itself, not of a regional partner's part of it.

        The questionnaire catalogue, the login locks and the subregion mapping are shared by
        every organisation of a deployment; a partner's admin (an OWES partner of a ROPS, a
        partner of a national operator) manages its own part, not those."""
        return self.is_admin and self.organisation.partner_of_id is None

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"
