"""The demo's region: a register, last year's round all accepted, this year's halfway through.

Why: a newcomer should see the product at work on first start — response rates by powiat,
a review list with every state, year-over-year columns, reports with numbers — not empty
pages. Answers come from ``forms.samples`` (plausible, seeded, passing every rule of the
questionnaire); this year's are submitted, returned and accepted through the same services
staff and respondents use, so the demo holds nothing the product could not have made itself.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from extensions import db
from forms.logic import Situation
from forms.registry import LoadedSurvey
from forms.samples import Sample, SamplePlace, sample_answers
from l10n.clock import POLAND, today_in_poland
from models import (
    AuditEvent,
    Invitation,
    OutboxMessage,
    Questionnaire,
    Response,
    ResponseVersion,
    Round,
    Territory,
    Unit,
)
from models.types import utcnow
from services.demo_organisations import KLUCZBORK_UNITS, ROUND_OWNERS, DemoDeployments
from services.responses import (
    open_response,
    previous_response,
    submit,
    unit_value,
)
from services.review import accept, add_version, return_for_correction
from services.rounds import close_round, create_round, invite, launch_round
from services.scoping import act_as, default_organisation, set_scope
from services.territory import territories_of_region
from services.units_import import jst_unit_name

#: the seed of every demo draw: the same register gives the same demo
SEED = 2025
#: this year's round: the share of units in each state (the rest have not opened the link)
CURRENT_MIX = (("accepted", 0.34), ("submitted", 0.28), ("returned", 0.08), ("draft", 0.16))
#: demo confirmations that keep their PDF copy of the answers (the rest go as text)
PDF_COPIES = 3
#: the states of a round's first invitations, so that a small round has each of them
FIRST_STATES = ("submitted", "invited", "accepted", "returned", "draft")
PEOPLE = ["Anna Nowak", "Katarzyna Wiśniewska", "Tomasz Wójcik", "Magdalena Kamińska",
          "Piotr Lewandowski", "Agnieszka Zielińska", "Marek Szymański", "Ewa Dąbrowska"]
RETURN_COMMENTS = [
    "Prosimy o sprawdzenie odpowiedzi oznaczonych uwagami ROPS i ponowne wysłanie sprawozdania.",
    "Dwie wartości budzą wątpliwości (uwagi przy pytaniach) — prosimy o weryfikację "
    "z dokumentacją i poprawienie sprawozdania.",
]
QUESTION_NOTES = ["Proszę sprawdzić tę wartość z dokumentacją.",
                  "Wartość wyraźnie inna niż przed rokiem — proszę potwierdzić."]

#: (kind, name, teryt, e-mail) — institutions of the ROPS's register in województwo opolskie
REGION_UNITS = [
    ("cis", "Centrum Integracji Społecznej w Kluczborku", "160402", "cis@kluczbork.example.pl"),
    ("cis", "Centrum Integracji Społecznej „Szansa” w Opolu", "166101", "cis@opole.example.pl"),
    ("kis", "Klub Integracji Społecznej przy MOPS w Byczynie", "160401", "kis@byczyna.example.pl"),
    ("kis", "Klub Integracji Społecznej w Dobrzeniu Wielkim", "160903",
     "kis@dobrzen.example.pl"),
    ("owes", "Ośrodek Wsparcia Ekonomii Społecznej Subregionu Opolskiego", "166101",
     "owes@owes-opole.example.pl"),
    ("gmina", "Gmina Kluczbork", "160402", "es@kluczbork.example.pl"),
    ("gmina", "Gmina Lasowice Wielkie", "160403", "ug@lasowice.example.pl"),
    ("gmina", "Gmina Wołczyn", "160404", "ug@wolczyn.example.pl"),
    ("gmina", "Miasto Opole", "166101", "es@um.opole.example.pl"),
    ("powiat", "Powiat Kluczborski", "1604", "starostwo@powiat-kluczbork.example.pl"),
    ("powiat", "Powiat Opolski", "1609", "starostwo@powiat.opole.example.pl"),
]
#: every demo institution of opolskie: the ROPS's and Gmina Kluczbork's own register
DEMO_UNITS = REGION_UNITS + [(kind, name, teryt, email)
                             for kind, name, teryt, email, _phone in KLUCZBORK_UNITS]
#: phones for the phone follow-up (CATI) pages, by unit name
DEMO_PHONES = {
    "Gmina Kluczbork": "77 418 00 00", "Gmina Lasowice Wielkie": "77 419 32 10",
    "Gmina Wołczyn": "77 418 85 00", "Miasto Opole": "77 454 10 00",
    "Powiat Kluczborski": "77 418 15 00", "Powiat Opolski": "77 541 51 00",
    "Ośrodek Pomocy Społecznej w Kluczborku": "77 418 26 62",
    "Centrum Integracji Społecznej w Kluczborku": "77 413 40 40",
}
#: more institutions where the full register has their gminas (the sample has not)
MORE_UNITS = [
    ("cis", "Centrum Integracji Społecznej w Nysie", "160705", "cis@nysa.example.pl"),
    ("cis", "Centrum Integracji Społecznej w Brzegu", "160101", "cis@brzeg.example.pl"),
    ("cis", "Centrum Integracji Społecznej „Przystań” w Kędzierzynie-Koźlu", "160301",
     "cis@kk.example.pl"),
    ("cis", "Centrum Integracji Społecznej w Prudniku", "161004", "cis@prudnik.example.pl"),
    ("kis", "Klub Integracji Społecznej w Głubczycach", "160203", "kis@glubczyce.example.pl"),
    ("kis", "Klub Integracji Społecznej w Namysłowie", "160602", "kis@namyslow.example.pl"),
    ("kis", "Klub Integracji Społecznej w Oleśnie", "160803", "kis@olesno.example.pl"),
    ("kis", "Klub Integracji Społecznej w Krapkowicach", "160502", "kis@krapkowice.example.pl"),
    ("kis", "Klub Integracji Społecznej w Ozimku", "160908", "kis@ozimek.example.pl"),
    ("owes", "Ośrodek Wsparcia Ekonomii Społecznej Subregionu Nyskiego", "160705",
     "owes@owes-nysa.example.pl"),
    ("owes", "Ośrodek Wsparcia Ekonomii Społecznej Subregionu Kędzierzyńsko-Strzeleckiego",
     "161105", "owes@owes-strzelce.example.pl"),
]


@dataclass
class DemoRounds:
    """What the demo made: this year's rounds and the state of each invitation."""

    current: list[Round] = field(default_factory=list)
    previous: list[Round] = field(default_factory=list)
    states: Counter = field(default_factory=Counter)

    @property
    def made_now(self) -> list[Round]:
        """The rounds this run made (a questionnaire's existing rounds are not among them)."""
        made = {r.questionnaire_id for r in self.previous}
        return self.previous + [r for r in self.current if r.questionnaire_id in made]


def demo_register() -> list[Unit]:
    """The register: the institutions above and a unit for every gmina and powiat.

    Units already there (same kind and TERYT for a JST, same name otherwise) are kept.
    One gmina has no e-mail address yet, as real registers do: staff see it as not invited.
    """
    units: list[Unit] = []
    default_organisation()
    db.session.flush()
    known = {t.code for t in db.session.scalars(select(Territory))}
    for kind, name, teryt, email in REGION_UNITS + MORE_UNITS:
        if teryt in known:
            units.append(_unit(kind, name, teryt, email))
    jst = {(u.kind, u.teryt) for u in units}
    territories = territories_of_region(("gmina", "powiat"))
    for index, territory in enumerate(sorted(territories, key=lambda t: t.code)):
        kind = territory.level
        if (kind, territory.code) in jst or (kind == "powiat"
                                             and territory.is_city_with_powiat_rights):
            continue
        slug = _slug(territory.name)
        email = "" if index == 7 else (f"ops@{slug}.example.pl" if kind == "gmina"
                                       else f"starostwo@powiat-{slug}.example.pl")
        units.append(_unit(kind, jst_unit_name(territory), territory.code, email))
    db.session.flush()
    return units


def _unit(kind: str, name: str, teryt: str, email: str) -> Unit:
    query = select(Unit).filter_by(kind=kind, teryt=teryt) if kind in ("gmina", "powiat") \
        else select(Unit).filter_by(name=name)
    # the same gmina or institution may be in another organisation's register too
    query = query.where(Unit.organisation_id == default_organisation().id)
    unit = db.session.scalar(query.limit(1))
    if unit is None:
        rng = random.Random(f"{SEED}{name}")
        unit = Unit(kind=kind, name=name, teryt=teryt, emails=email,
                    contact_person=rng.choice(PEOPLE), phones=DEMO_PHONES.get(name))
        db.session.add(unit)
    return unit


def make_demo_rounds(questionnaires: list[tuple[Questionnaire, LoadedSurvey]],
                     units: list[Unit], today: date,
                     deployments: DemoDeployments | None = None) -> DemoRounds:
    """Last period's round (closed, every unit accepted) and this one's (open, a mix).

    A questionnaire of another deployment (``ROUND_OWNERS``) runs in its organisation, to its
    register; the rest in the default ROPS's, to ``units``. A questionnaire that already has
    this period's demo round is left as it is.
    """
    made = DemoRounds()
    rng = random.Random(SEED)
    for questionnaire, loaded in questionnaires:
        previous, current = _periods(loaded, today)
        existing = db.session.scalar(select(Round).filter_by(
            questionnaire_id=questionnaire.id, period=current[0]))
        if existing is not None:
            made.current.append(existing)
            continue
        owner = ROUND_OWNERS.get(questionnaire.key)
        register_units = units
        if owner and deployments is not None:
            act_as(deployments.organisations[owner], db.session)
            register_units = deployments.units[owner]
        try:
            register = {level: [t.code for t in territories_of_region((level,))]
                        for level in ("gmina", "powiat")}
            invited = [u for u in register_units
                       if u.kind in loaded.survey.unit_kinds and u.email_list]
            made.previous.append(_past_round(questionnaire, loaded, invited, previous,
                                             register, rng))
            made.current.append(_current_round(questionnaire, loaded, invited, current, today,
                                               register, rng, made.states))
        finally:
            set_scope(None)
    if made.previous:
        _light_confirmations()
    return made


def _light_confirmations() -> None:
    """Keep the PDF copy of the answers on a few demo confirmations only.

    Why: every demo submission queues its confirmation e-mail with a PDF copy, which the mail
    sender makes (about a second each) when ``flask demo`` ends; the demo's answers were "sent"
    weeks ago, and a few copies show the feature, so ``make run`` stays quick.
    """
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "confirmation",
                                    OutboxMessage.status == "queued")
        .order_by(OutboxMessage.id)).all()
    for message in messages[PDF_COPIES:]:
        message.attachments.clear()
        # without the copy the e-mail does not say "W załączniku"
        message.compose_args = {**(message.compose_args or {}), "version": None}
    db.session.flush()


def _periods(loaded: LoadedSurvey, today: date) -> tuple[tuple[str, int, date],
                                                          tuple[str, int, date]]:
    """(period, reporting year, first day after it) of the last period and of the one
    before: last year for an annual questionnaire, the last half-year for a half-year one."""
    if loaded.survey.period != "half_year":
        year = today.year - 1
        return (str(year - 1), year - 1, date(year, 1, 1)), (str(year), year, date(year + 1, 1, 1))
    if today.month >= 7:
        return ((f"{today.year - 1}-H2", today.year - 1, date(today.year, 1, 1)),
                (f"{today.year}-H1", today.year, date(today.year, 7, 1)))
    return ((f"{today.year - 1}-H1", today.year - 1, date(today.year - 1, 7, 1)),
            (f"{today.year - 1}-H2", today.year - 1, date(today.year, 1, 1)))


def _past_round(questionnaire: Questionnaire, loaded: LoadedSurvey, units: list[Unit],
                period: tuple[str, int, date], register: dict, rng: random.Random) -> Round:
    """The last period's round as it ended: every unit's answers accepted, the round closed."""
    name, year, after = period
    opens_on = after + timedelta(days=14)
    round_ = create_round(questionnaire, period=name, reporting_year=year,
                          opens_on=opens_on, deadline=opens_on + timedelta(days=75),
                          status="open")
    round_.launched_at = _moment(opens_on, 9)
    for unit in units:
        invitation, _token = invite(round_, unit)  # the link was e-mailed a year ago
        invitation.opened_at = _moment(opens_on + timedelta(days=rng.randint(0, 40)),
                                       rng.randint(8, 15))
        sample = _sample(loaded, invitation, register, rng, previous={})
        response = Response(invitation=invitation, answers=sample.answers,
                            warnings=sample.warnings, status="accepted",
                            sections_saved=[s.id for s in loaded.survey.sections],
                            carried_over=[], question_notes={},
                            submitted_at=invitation.opened_at + timedelta(days=rng.randint(1, 20)))
        db.session.add(response)
        db.session.flush()
        add_version(response)
    close_round(round_, allow_late=False)
    round_.closed_at = _moment(opens_on + timedelta(days=76), 8)
    backdate(round_)
    return round_


def _current_round(questionnaire: Questionnaire, loaded: LoadedSurvey, units: list[Unit],
                   period: tuple[str, int, date], today: date, register: dict,
                   rng: random.Random, states: Counter) -> Round:
    """This period's round, three weeks after launch: invitations out, answers coming in."""
    name, year, _after = period
    opens_on = today - timedelta(days=24)
    round_ = create_round(questionnaire, period=name, reporting_year=year,
                          opens_on=opens_on, deadline=today + timedelta(days=21))
    launch_round(round_, units)  # the invitation e-mails go to the outbox
    round_.launched_at = _moment(opens_on, 9)
    for number, invitation in enumerate(round_.invitations):
        # every round, however small, has a response to review and a fresh link first
        state = FIRST_STATES[number] if number < len(FIRST_STATES) else _state(rng)
        states[state] += 1
        if state == "invited":
            continue
        invitation.opened_at = _moment(opens_on + timedelta(days=rng.randint(0, 20)),
                                       rng.randint(8, 15))
        response = open_response(invitation, loaded)
        last_year = previous_response(invitation)  # this year's answers follow last year's
        sample = _sample(loaded, invitation, register, rng,
                         previous=dict(last_year.answers) if last_year else {},
                         warning_rate=0.25)
        sections = [s.id for s in loaded.survey.sections]
        if state == "draft":  # the first sections typed in, the rest still to do
            done = sections[:rng.randint(1, max(1, len(sections) - 1))]
            keep = {q.id for s in loaded.survey.sections if s.id in done for q in s.questions}
            response.answers = {k: v for k, v in sample.answers.items() if k in keep}
            response.sections_saved = done
            continue
        response.answers, response.warnings = sample.answers, sample.warnings
        response.sections_saved = sections
        # all but a few confirmations lose their PDF copy before sending (_light_confirmations)
        issues = submit(response, loaded)
        if issues:  # the generator promises valid answers: say which rule it broke
            raise RuntimeError(f"{loaded.survey.key}: {issues[0].question.id}: "
                               f"{issues[0].message}")
        response.submitted_at = _moment(invitation.opened_at.date()
                                        + timedelta(days=rng.randint(0, 3)), rng.randint(8, 15))
        if state == "accepted":
            accept(response)
        elif state == "returned":
            numbers = [q.id for q in loaded.survey.questions if q.id in response.answers
                       and q.is_numeric and q.is_input]
            notes = {qid: rng.choice(QUESTION_NOTES) for qid in rng.sample(numbers, 2)}
            return_for_correction(response, rng.choice(RETURN_COMMENTS), notes)
    db.session.flush()
    backdate(round_)
    return round_


def backdate(round_: Round) -> None:
    """Date the round's records by its story, not by the moment the demo ran.

    Why: the services stamp ``now`` on what they write (the launch and close in the round's
    history, the invitations and the confirmations in the outbox, the decisions on responses),
    so a round "opened three weeks ago" would otherwise show all of it as done today.
    """
    db.session.flush()
    launched = round_.launched_at or utcnow()
    round_.created_at = launched - timedelta(days=2)
    moments = {"round_launch": launched, "round_close": round_.closed_at}
    for event in db.session.scalars(select(AuditEvent).filter_by(object_type="Round",
                                                                 object_id=round_.id)):
        event.at = moments.get(event.action) or event.at
    messages: dict[int | None, list[OutboxMessage]] = {}
    for message in db.session.scalars(select(OutboxMessage).filter_by(round_id=round_.id)):
        messages.setdefault(message.invitation_id, []).append(message)
    for invitation in round_.invitations:
        invitation.created_at = launched
        response = invitation.response
        decided = _backdate_response(response, invitation) if response is not None else None
        for message in messages.get(invitation.id, []):
            moment = {"invitation": launched,
                      "confirmation": response.submitted_at if response else None,
                      "other": decided}.get(message.kind)
            if moment is not None:
                message.created_at = message.next_attempt_at = moment


def date_sent_mail(rounds: list[Round]) -> list[OutboxMessage]:
    """The rounds' messages sent by this run: sent a minute after they were queued.

    Why: the outbox is drained when the demo commits, so the sending time is today even for
    an invitation queued three weeks ago (``backdate``); messages still queued keep theirs.
    Returns the messages so dated (their ``.eml`` copies get the same date).
    """
    dated = list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.round_id.in_([r.id for r in rounds]), OutboxMessage.status == "sent")))
    for message in dated:
        message.sent_at = message.created_at + timedelta(minutes=1)
    return dated


def _backdate_response(response: Response, invitation: Invitation) -> datetime | None:
    """Date a response's versions and the ROPS's decision on it; return the decision's moment."""
    opened = invitation.opened_at or utcnow()
    response.created_at = opened
    submitted = response.submitted_at
    for version in db.session.scalars(select(ResponseVersion).filter_by(
            response_id=response.id)):
        version.created_at = submitted or opened
    decided = None
    if submitted is not None and response.status in ("accepted", "returned"):
        rng = random.Random(f"{SEED}{invitation.id}")
        decided = min(_moment(submitted.astimezone(POLAND).date()
                              + timedelta(days=rng.randint(1, 4)), rng.randint(8, 15)),
                      utcnow() - timedelta(minutes=5))
        for event in db.session.scalars(select(AuditEvent).filter_by(object_type="Response",
                                                                     object_id=response.id)):
            event.at = decided
    response.updated_at = decided or submitted or opened
    return decided


def _sample(loaded: LoadedSurvey, invitation: Invitation, register: dict,
            rng: random.Random, previous: dict, warning_rate: float = 0.05) -> Sample:
    unit = invitation.unit
    survey = loaded.survey
    fixed = {q.id: unit_value(invitation, q.prefill) for q in survey.questions
             if q.prefill and q.prefill.startswith("unit.")}
    place = SamplePlace(town=unit.territory.name if unit.territory else "Opole",
                        home=unit.teryt, register=register,
                        fixed={k: v for k, v in fixed.items() if v not in (None, "")})
    situation = Situation(reporting_year=invitation.round.reporting_year,
                          today=today_in_poland().isoformat(), previous=previous)
    return sample_answers(survey, situation, rng, place, warning_rate=warning_rate)


def _state(rng: random.Random) -> str:
    roll = rng.random()
    for state, share in CURRENT_MIX:
        if roll < share:
            return state
        roll -= share
    return "invited"


def _moment(day: date, hour: int) -> datetime:
    """A moment of a working day: ``hour`` o'clock in Poland, give or take the minutes."""
    local = datetime.combine(day, time(hour, random.Random(f"{day}{hour}").randint(0, 59)),
                             tzinfo=POLAND)
    return local.astimezone(UTC)


def _slug(text: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in plain if c.isalnum() or c == "-").lower()
