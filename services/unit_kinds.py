"""The unit kinds an organisation may use: the shipped file plus the organisation's own.

Pick-lists, the register, imports and round selection ask here, so a kind an organisation
added (``flask unit-kinds add``) appears everywhere its staff work and nowhere else (the rows
are scoped like any other: ``services.scoping``).
"""

from __future__ import annotations

from flask import g, has_app_context
from flask_babel import gettext
from sqlalchemy import select

import models.unit as unit_model
from extensions import db
from forms.kinds import CODE, LEVELS, UnitKind, shipped_kinds
from forms.model import Survey
from l10n.web import translate
from models import Organisation, OrganisationUnitKind
from services.audit import record
from services.organisations import OrganisationError


def kinds() -> dict[str, UnitKind]:
    """code → kind: the shipped ones in the file's order, then the organisation's own."""
    cached = g.get("esmon_unit_kinds")
    if cached is None:
        cached = dict(shipped_kinds())
        for row in db.session.scalars(select(OrganisationUnitKind).order_by(
                OrganisationUnitKind.name)):
            cached.setdefault(row.code, UnitKind(row.code, row.name, tuple(row.plural),
                                                 row.teryt, tuple(row.questionnaires or ())))
        g.esmon_unit_kinds = cached
    return cached


def kind_labels() -> dict[str, str]:
    """code → Polish name (a msgid for the shipped kinds: pages translate it with ``|tr``)."""
    return {code: kind.name for code, kind in kinds().items()}


def kind_names() -> dict[str, str]:
    """code → name in the page's language, for pick-lists and tables."""
    return {code: translate(kind.name) for code, kind in kinds().items()}


def kind_name(code: str) -> str:
    kind = kinds().get(code)
    return translate(kind.name) if kind else code


def _label(code: str) -> str:
    if not has_app_context():
        shipped = shipped_kinds().get(code)
        return shipped.name if shipped else code
    kind = kinds().get(code)
    return kind.name if kind else code


def install() -> None:
    """``Unit.kind_name`` names the organisations' own kinds too."""
    unit_model.kind_label = _label


def kinds_for_survey(survey: Survey) -> tuple[str, ...]:
    """Kinds a round of this questionnaire may invite: those it lists, and the organisation's
    own kinds that name it."""
    own = [code for code, kind in kinds().items()
           if code not in survey.unit_kinds and kind.questionnaires
           and survey.key in kind.questionnaires and code not in shipped_kinds()]
    return (*survey.unit_kinds, *own)


def add_kind(organisation: Organisation, code: str, name: str, plural: list[str], *,
             teryt: str = "any", questionnaires: list[str] | None = None) -> OrganisationUnitKind:
    """An organisation's own kind; refused with a Polish message on a bad or taken code."""
    code = (code or "").strip().lower()
    if not CODE.match(code):
        raise OrganisationError(gettext(
            "Kod rodzaju „%(code)s”: małe litery, cyfry i _, do 16 znaków, od litery.",
            code=code[:20]), "code")
    if code in shipped_kinds():
        raise OrganisationError(gettext("Rodzaj „%(code)s” jest już w pliku rodzajów jednostek.",
                                        code=code), "code")
    if db.session.scalar(select(OrganisationUnitKind).filter_by(
            organisation_id=organisation.id, code=code)):
        raise OrganisationError(gettext("Organizacja ma już rodzaj „%(code)s”.", code=code),
                                "code")
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise OrganisationError(gettext("Podaj nazwę rodzaju (do 200 znaków)."), "name")
    forms = [p.strip() for p in plural if p.strip()] or [name.lower()] * 3
    if len(forms) != 3:
        raise OrganisationError(gettext(
            "Formy mnogie: trzy, oddzielone przecinkami (1, 2–4, 5 i więcej)."), "plural")
    if teryt not in LEVELS:
        raise OrganisationError(gettext("Poziom TERYT: gmina, powiat albo any."), "teryt")
    row = OrganisationUnitKind(organisation_id=organisation.id, code=code, name=name,
                               plural=forms, teryt=teryt, questionnaires=questionnaires or [])
    db.session.add(row)
    db.session.flush()
    record("unit_kind_create", organisation, summary=f"{code}: {name}",
           after={"code": code, "name": name, "organisation": organisation.name})
    g.pop("esmon_unit_kinds", None)
    return row
