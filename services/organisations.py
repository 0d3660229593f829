"""Organisations and their staff accounts: creating them with a checked territory scope.

A scope is typed as ``gmina:160402``, ``powiat:1604`` (or several: ``powiat:2404,2406``),
``podregion:owes:północny`` (the powiats of a subregion, as the loaded mapping has them),
``woj:24``, ``woj:02,04`` or ``kraj``; ``parse_scope`` checks it against the TERYT register,
so a typo does not quietly give an organisation an empty territory. A regional partner's
territory must lie in its parent's (an OWES partner of a ROPS: one subregion of its region).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import func, or_, select

from extensions import db
from models import Organisation, SubregionAssignment, Territory, User
from models.user import ROLES
from services.audit import record
from services.scoping import scope_prefixes

#: the two-digit TERYT codes of the 16 województwa
WOJEWODZTWA = tuple(f"{code:02d}" for code in range(2, 33, 2))
MIN_PASSWORD = 10


@dataclass
class OrganisationError(Exception):
    """A refused organisation or account; ``field`` names the form field it belongs to."""

    message: str
    field: str = "scope"

    def __str__(self) -> str:
        return self.message


def _known(code: str, level: str) -> bool:
    found = db.session.scalar(select(func.count()).select_from(Territory).where(
        Territory.code == code, Territory.level == level))
    return bool(found)


def parse_scope(text: str) -> str:
    """The scope in its canonical form (``woj:02,04``), or :class:`OrganisationError`."""
    text = "".join((text or "").split()).lower()
    kind, _, codes = text.partition(":")
    if kind == "kraj" and not codes:
        return "kraj"
    parts = [code for code in codes.split(",") if code]
    if kind == "woj" and parts:
        wrong = [code for code in parts if code not in WOJEWODZTWA]
        if wrong:
            raise OrganisationError(gettext(
                "„%(codes)s” to nie kod województwa (dwie cyfry: 02, 04, … 32).",
                codes=", ".join(wrong)))
        return "woj:" + ",".join(sorted(set(parts)))
    if kind == "podregion":
        return _subregion_scope(codes)
    if kind == "powiat" and len(parts) > 1:
        return "powiat:" + ",".join(parse_scope(f"powiat:{code}")[7:]
                                    for code in sorted(set(parts)))
    levels = {"gmina": ("gmina", 6), "powiat": ("powiat", 4)}
    if kind in levels and len(parts) == 1:
        level, digits = levels[kind]
        code = parts[0][:6] if kind == "gmina" and len(parts[0]) == 7 else parts[0]
        if not (code.isdigit() and len(code) == digits):
            raise OrganisationError(gettext(
                "Kod TERYT „%(code)s” nie pasuje: gmina ma 6 cyfr (albo 7 z rodzajem), powiat 4.",
                code=parts[0][:20]))
        if not _known(code, level):
            raise OrganisationError(gettext(
                "Nie ma %(code)s w rejestrze TERYT (najpierw wczytaj plik TERC: flask territory "
                "import).", code=code))
        return f"{kind}:{code}"
    raise OrganisationError(gettext(
        "Zakres „%(text)s” nie jest poprawny: podaj gmina:TERYT, powiat:TERYT[,TERYT…], "
        "podregion:SCHEMAT:NAZWA, woj:NN[,NN…] albo kraj.", text=text[:80]))


def _subregion_scope(text: str) -> str:
    """``owes:północny`` (or the subregion's code, ``owes:S-PN``) → ``powiat:2404,2406,…``.

    Why the powiats and not the name: an organisation's area is what it agreed to serve;
    re-importing a changed mapping later does not silently move its territory.
    """
    scheme, _, name = text.partition(":")
    rows = db.session.execute(select(SubregionAssignment.powiat_code).where(
        SubregionAssignment.scheme == scheme,
        or_(func.lower(SubregionAssignment.subregion_name) == name.lower(),
            func.lower(SubregionAssignment.subregion_code) == name.lower()))).scalars().all()
    if not rows:
        raise OrganisationError(gettext(
            "Nie ma podregionu „%(name)s” w schemacie „%(scheme)s” (wczytaj podział: flask "
            "subregions import).", name=name[:80], scheme=scheme[:40]))
    return "powiat:" + ",".join(sorted(rows))


def scope_label(organisation: Organisation) -> str:
    """The territory in words: "gmina Kluczbork (160402)", "województwa: 02, 04", "cały kraj"."""
    prefixes = scope_prefixes(organisation)
    if not prefixes:
        return gettext("cały kraj")
    names = dict(db.session.execute(select(Territory.code, Territory.name).where(
        Territory.code.in_(prefixes))).all())
    if len(prefixes[0]) == 2:
        listed = ", ".join(f"{names[c].lower()} ({c})" if c in names else c for c in prefixes)
        return gettext("województwa: %(list)s", list=listed)
    listed = ", ".join(f"{names.get(c, '')} ({c})".strip() for c in prefixes)
    if len(prefixes[0]) == 6:
        return gettext("gmina %(name)s", name=listed)
    if len(prefixes) == 1:
        return gettext("powiat %(name)s", name=listed)
    subregion = _subregion_named(prefixes)
    if subregion:
        return gettext("subregion %(subregion)s: powiaty %(list)s", subregion=subregion,
                       list=listed)
    return gettext("powiaty: %(list)s", list=listed)


def _subregion_named(powiats: tuple[str, ...]) -> str | None:
    """The subregion (of any scheme) made of exactly these powiats, if there is one."""
    by_subregion: dict[tuple[str, str], set[str]] = {}
    for scheme, name, code in db.session.execute(select(
            SubregionAssignment.scheme, SubregionAssignment.subregion_name,
            SubregionAssignment.powiat_code).where(SubregionAssignment.powiat_code.in_(powiats))):
        by_subregion.setdefault((scheme, name), set()).add(code)
    for (scheme, name), codes in sorted(by_subregion.items()):
        if codes == set(powiats) and len(mapping_of(scheme, name)) == len(codes):
            return name
    return None


def mapping_of(scheme: str, name: str) -> list[str]:
    """The powiats of one subregion of a scheme."""
    return list(db.session.scalars(select(SubregionAssignment.powiat_code).where(
        SubregionAssignment.scheme == scheme, SubregionAssignment.subregion_name == name)))


def _within(prefixes: tuple[str, ...], parent: tuple[str, ...]) -> bool:
    return not parent or all(any(code.startswith(p) for p in parent) for code in prefixes) \
        and bool(prefixes)


def create_organisation(name: str, scope: str, *,
                        partner_of: Organisation | None = None) -> Organisation:
    """A new organisation; a partner's scope must lie within its parent's. Flushes."""
    name = " ".join((name or "").split())
    if not name:
        raise OrganisationError(gettext("Podaj nazwę organizacji."), "name")
    if len(name) > 300:
        raise OrganisationError(gettext("Nazwa może mieć najwyżej 300 znaków."), "name")
    if db.session.scalar(select(func.count()).select_from(Organisation).where(
            func.lower(Organisation.name) == name.lower()).execution_options(
            esmon_unscoped=True)):
        raise OrganisationError(gettext("Organizacja „%(name)s” już jest.", name=name), "name")
    canonical = parse_scope(scope)
    organisation = Organisation(name=name, scope=canonical, partner_of=partner_of)
    if partner_of is not None and not _within(organisation.prefixes, scope_prefixes(partner_of)):
        raise OrganisationError(gettext(
            "Obszar partnera musi leżeć w obszarze organizacji „%(parent)s”.",
            parent=partner_of.name))
    db.session.add(organisation)
    db.session.flush()
    record("organisation_create", organisation, summary=name,
           after={"name": name, "scope": canonical,
                  "partner_of": partner_of.name if partner_of else None})
    return organisation


def find_organisation(name: str) -> Organisation | None:
    """The organisation of this name (case does not matter)."""
    return db.session.scalar(select(Organisation).where(
        func.lower(Organisation.name) == " ".join(name.split()).lower()))


def create_user(email: str, role: str, organisation: Organisation, *,
                full_name: str | None = None, password: str | None = None) -> tuple[User, str]:
    """A new staff account (or an existing one updated); returns it and its password.

    Without ``password`` a random one is made, shown once to whoever created the account.
    Flushes and records the change.
    """
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise OrganisationError(gettext("Podaj poprawny adres e-mail."), "email")
    if role not in ROLES:
        raise OrganisationError(gettext("Nieznana rola."), "role")
    password = password if password is not None else secrets.token_urlsafe(12)
    if len(password) < MIN_PASSWORD:
        raise OrganisationError(gettext("Hasło musi mieć co najmniej %(num)s znaków.",
                                        num=MIN_PASSWORD), "password")
    user = db.session.scalar(select(User).filter_by(email=email)
                             .execution_options(esmon_unscoped=True))
    created = user is None
    if user is None:
        user = User(email=email)
        db.session.add(user)
    elif user.organisation_id not in (None, organisation.id) and _scoped():
        # an account of another organisation is not this staff member's to take over
        raise OrganisationError(gettext("Ten adres e-mail ma już konto w innej organizacji."),
                                "email")
    user.role, user.full_name, user.is_enabled = role, full_name or user.full_name, True
    user.organisation = organisation
    user.set_password(password)
    db.session.flush()
    record("user_create" if created else "user_edit", user, summary=email,
           after={"email": email, "role": role, "organisation": organisation.name})
    return user, password


def _scoped() -> bool:
    from services.scoping import current_scope

    return current_scope() is not None
