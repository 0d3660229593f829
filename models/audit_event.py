"""The audit log: every staff action, who did it, when, and what changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from l10n import N_
from models.organisation import owner_default
from models.types import JSONDocument, UTCDateTime, utcnow

#: action code → Polish description (a msgid), for the log page and its filter
ACTIONS = {
    "login": N_("logowanie"),
    "login_failed": N_("nieudane logowanie"),
    "logout": N_("wylogowanie"),
    "login_unlock": N_("odblokowanie logowania"),
    "response_view": N_("wgląd w odpowiedź jednostki"),
    "raw_data_view": N_("wgląd w dane surowe"),
    "mail_view": N_("wgląd w treść wiadomości"),
    "round_create": N_("utworzenie rundy"),
    "round_launch": N_("uruchomienie rundy"),
    "round_close": N_("zamknięcie rundy"),
    "round_reopen": N_("ponowne otwarcie rundy"),
    "round_delete": N_("usunięcie szkicu rundy"),
    "round_recipients": N_("zmiana odbiorców rundy"),
    "round_invite": N_("zaproszenie kolejnych jednostek"),
    "round_deadline": N_("zmiana terminu rundy"),
    "round_reminder_days": N_("zmiana dni przypomnień"),
    "invitation_withdraw": N_("wycofanie jednostki z rundy"),
    "reminders": N_("wysłanie przypomnień"),
    "link_resend": N_("ponowne wysłanie linku"),
    "link_reissue": N_("wymiana linku"),
    "new_link_request": N_("prośba jednostki o nowy link"),
    "response_accept": N_("przyjęcie odpowiedzi"),
    "response_return": N_("zwrot do korekty"),
    "response_reopen": N_("ponowne otwarcie odpowiedzi"),
    "response_staff_entry": N_("wpis w imieniu jednostki"),
    "call_attempt": N_("rozmowa telefoniczna z jednostką"),
    "call_assign": N_("przydział jednostki do telefonu"),
    "unit_create": N_("dodanie jednostki"),
    "unit_edit": N_("zmiana jednostki"),
    "units_import": N_("import jednostek"),
    "contact_approve": N_("zatwierdzenie zmiany kontaktu"),
    "contact_reject": N_("odrzucenie zmiany kontaktu"),
    "export": N_("pobranie zestawienia"),
    "organisation_create": N_("utworzenie organizacji"),
    "user_create": N_("utworzenie konta"),
    "user_edit": N_("zmiana konta"),
    "questionnaire_import": N_("import ankiety z XLSForm"),
    "api_token_create": N_("utworzenie tokenu API"),
    "api_token_revoke": N_("unieważnienie tokenu API"),
    "api_call": N_("odczyt przez API"),
    "unit_kind_create": N_("dodanie rodzaju jednostek"),
}


class AuditEvent(db.Model):
    """One staff action with its before/after state."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: the actor's e-mail at the time (kept if the account is removed)
    actor: Mapped[str] = mapped_column(String(254))
    #: one of ``ACTIONS``
    action: Mapped[str] = mapped_column(String(32), index=True)
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[int | None]
    #: a short human description of the object ("Gmina Kluczbork, runda 2025")
    summary: Mapped[str] = mapped_column(String(500), default="")
    before: Mapped[dict | None] = mapped_column(JSONDocument)
    after: Mapped[dict | None] = mapped_column(JSONDocument)
    #: the organisation that owns the row: the actor's (or, for the system, the acting one)
    #: (``services.scoping`` fills it in on insert)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True,
                                                 default=owner_default)
    remote_addr: Mapped[str | None] = mapped_column(String(64))

    user = relationship("User")
    organisation = relationship("Organisation")
