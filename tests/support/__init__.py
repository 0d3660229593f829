"""Test helpers shared by test modules (import from here, never from ``conftest``).

Two ``conftest.py`` files exist (tests/ and tests/browser/); importing names from
``conftest`` would pick whichever pytest loaded first. The package holds the app settings and
register data for tests (here), a respondent's form data (``respondent``), valid answers to
every shipped questionnaire (``valid_answers``), the loopback SMTP server and its fixture (the
pytest plugin ``support.smtp``) and throwaway databases (``scratch_db``, used by the
benchmarks too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from flask import Flask

from extensions import db

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
SAMPLE_TERC = ROOT / "demo" / "terc_sample.csv"
STAFF_PASSWORD = "bardzo-tajne-haslo-123"


def make_config(database_url: str, tmp_path: Path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SURVEY_DEFS_DIR": str(ROOT / "survey_defs"),
        "ESMON_WOJEWODZTWO": "16",
        "MAIL_SUPPRESS_SEND": True,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "ESMON_BASE_URL": "http://esmon.test",
    }
    config.update(overrides)
    return config


@dataclass
class World:
    """Builds register data and rounds for a test; every call commits."""

    app: Flask
    tokens: dict[int, str] = field(default_factory=dict)

    def territories(self) -> None:
        from services.teryt import import_terc_file

        with self.app.app_context():
            import_terc_file(SAMPLE_TERC)
            db.session.commit()

    def unit(self, kind: str = "gmina", teryt: str = "160402", name: str | None = None,
             emails: str = "jednostka@example.pl", **extra) -> int:
        from models import Unit

        with self.app.app_context():
            unit = Unit(kind=kind, teryt=teryt, name=name or f"{kind.upper()} {teryt}",
                        emails=emails, **extra)
            db.session.add(unit)
            db.session.commit()
            return unit.id

    def round(self, key: str, *, year: int = 2025, status: str = "open",
              period: str | None = None) -> int:
        from models import Round
        from services.questionnaires import sync_questionnaires
        from services.rounds import create_round

        with self.app.app_context():
            questionnaire = next(q for q in sync_questionnaires() if q.key == key)
            today = date.today()
            round_ = create_round(questionnaire, period=period or str(year),
                                  reporting_year=year, opens_on=today - timedelta(days=1),
                                  deadline=today + timedelta(days=30), status=status)
            db.session.commit()
            assert isinstance(round_, Round)
            return round_.id

    def invite(self, round_id: int, unit_id: int) -> str:
        """Invite a unit; returns the personal link token."""
        from models import Round, Unit
        from services.rounds import invite

        with self.app.app_context():
            invitation, token = invite(db.session.get(Round, round_id),
                                       db.session.get(Unit, unit_id))
            db.session.commit()
            self.tokens[invitation.id] = token
            return token
