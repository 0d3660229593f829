"""A round of many responses for the review list, inserted in bulk (tests and bench).

Units spread over the sample register's gminas and powiats, with Polish letters in their
names (the list sorts them in Polish order), and responses in a mix of states, some with
warnings and some with reviewer's notes. The random generator is seeded: the same ``n`` gives
the same round.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from extensions import db

#: names' first words: Ł after L, Ś after S, Ż last — a Polish order to check
WORDS = ["Łąka", "Lipa", "Zębowice", "Ścinawa", "Sosna", "Ćmielów", "Cisek", "Żelazna",
         "Ozimek", "Olesno", "Ąbrowa", "Adamów", "Nysa", "Niemodlin"]
STATES = ["submitted"] * 40 + ["accepted"] * 30 + ["returned"] * 10 + ["draft"] * 10 \
    + [None] * 10


def seed_review_round(n: int, *, seed: int = 13) -> int:
    """Insert ``n`` units invited to a new open ``jst-annual`` round; returns the round id.

    Call inside an app context, with the sample territories imported.
    """
    from models import Invitation, Response, Round, Territory, Unit
    from services.questionnaires import sync_questionnaires
    from services.rounds import create_round

    rng = random.Random(seed)
    gminas = db.session.scalars(select(Territory.code).where(Territory.level == "gmina")).all()
    jst = next(q for q in sync_questionnaires() if q.key == "jst-annual")
    today = date.today()
    round_ = create_round(jst, period="2025", reporting_year=2025, opens_on=today,
                          deadline=today + timedelta(days=30), status="open")
    assert isinstance(round_, Round)
    units = [{"kind": "gmina", "teryt": rng.choice(gminas), "emails": f"u{i}@example.pl",
              "name": f"{rng.choice(WORDS)} {i:05d}", "is_active": True} for i in range(n)]
    unit_ids = db.session.scalars(insert(Unit).returning(Unit.id), units).all()
    now = datetime.now(UTC)
    invitations = [{"round_id": round_.id, "unit_id": unit_id,
                    "opened_at": now if rng.random() < 0.8 else None} for unit_id in unit_ids]
    invitation_ids = db.session.scalars(insert(Invitation).returning(Invitation.id),
                                        invitations).all()
    responses = []
    for invitation_id in invitation_ids:
        state = rng.choice(STATES)
        if state is None:
            continue
        warned = rng.random() < 0.15
        noted = state == "returned" or rng.random() < 0.05
        responses.append({
            "invitation_id": invitation_id, "status": state, "version": 1,
            "answers": {"zam_ogolem_liczba": rng.randint(0, 200)},
            "warnings": {"zam_ogolem_liczba": {"messages": ["Duża zmiana."],
                                               "comment": "Nowy program."}} if warned else {},
            "question_notes": {"zam_ogolem_liczba": "Sprawdź."} if noted else {},
            "review_comment": "Popraw D3." if state == "returned" else None,
            "sections_saved": [], "carried_over": [],
            "submitted_at": None if state == "draft"
            else now - timedelta(minutes=rng.randint(1, 60 * 24 * 20)),
        })
    if responses:
        db.session.execute(insert(Response), responses)
    db.session.commit()
    return round_.id
