"""Import of the units register from a spreadsheet, and JST units straight from TERYT.

Staff keep their lists of CIS, KIS, OWES and partner JST in Excel. An import checks every row
first and reports every problem at once, with the row and column as the spreadsheet shows them;
with any problem nothing is imported, so a half-loaded register never gets invited. A row that
matches a unit already in the register (same kind, TERYT and name) updates it, which lets staff
re-import a corrected list.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from flask_babel import gettext
from sqlalchemy import select

from extensions import db
from forms.emails import parse_addresses
from forms.types.text import phone_is_valid, regon_is_valid, split_phones
from models import Territory, Unit
from services.audit import record
from services.scoping import current_prefixes, in_territory
from services.tabular import Row, RowProblem, Table, TableFormatError, read_table, restore_zeros
from services.unit_kinds import kinds
from services.uploads import echo

COLUMN_ALIASES = {
    "kind": "kind", "rodzaj": "kind", "rodzaj_jednostki": "kind", "typ": "kind",
    "name": "name", "nazwa": "name", "nazwa_jednostki": "name",
    "teryt": "teryt", "kod_teryt": "teryt", "kod_terc": "teryt",
    "email": "email", "e-mail": "email", "e_mail": "email", "emails": "email",
    "adres_e-mail": "email", "adres_email": "email", "adresy_e-mail": "email",
    "regon": "regon", "krs": "krs",
    "contact_person": "contact_person", "osoba_kontaktowa": "contact_person",
    "phones": "phones", "telefon": "phones", "telefony": "phones", "nr_telefonu": "phones",
    "numer_telefonu": "phones",
}
#: kinds whose unit must sit on a gmina code, or on a powiat code; others take either


@dataclass
class UnitsImport:
    """What an import did, or (when ``problems`` is not empty) why it did nothing."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    #: header cells that matched no known column (their data is not imported)
    ignored_columns: list[str] = field(default_factory=list)
    #: JST units created without an e-mail address (``create_jst_units`` only)
    without_email: list[str] = field(default_factory=list)
    #: rows of the e-mail file naming a JST of the other level (a powiat in a run for
    #: gminas): one file of every JST's address serves both runs (``create_jst_units``)
    other_level: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems




class _Register:
    """Territory and unit look-ups shared by the row checks, loaded once an import."""

    def __init__(self) -> None:
        self.levels = dict(db.session.execute(select(Territory.code, Territory.level)).all())
        self.units: dict[tuple[str, str, str], list[Unit]] = {}
        for unit in db.session.scalars(select(Unit)):
            self.units.setdefault(unit_key(unit.kind, unit.teryt, unit.name), []).append(unit)

    def territory(self, row: Row, column: str) -> tuple[str | None, str | None]:
        """(6/4-digit code, None) or (None, Polish problem) for a TERYT cell."""
        code = restore_zeros(row, column, (4, 6, 7)).replace(" ", "")
        if not code:
            return None, gettext("brak kodu TERYT")
        if not code.isdigit() or len(code) not in (4, 6, 7):
            return None, gettext("„%(code)s” nie jest kodem TERYT: podaj 6 cyfr gminy (WWPPGG), "
                                 "7 cyfr z rodzajem gminy (WWPPGGR) albo 4 cyfry powiatu "
                                 "(WWPP)", code=echo(code))
        if len(code) == 7:
            if code[6] not in "12345":
                return None, gettext("siódma cyfra kodu %(code)s oznacza dzielnicę lub "
                                     "delegaturę, nie gminę: podaj kod gminy", code=code)
            code = code[:6]
        if code not in self.levels:
            return None, gettext("nie ma kodu %(code)s w rejestrze TERYT", code=code)
        prefixes = current_prefixes()
        if prefixes and not code.startswith(prefixes):
            return None, gettext("kod %(code)s leży poza obszarem organizacji", code=code)
        return code, None


def unit_key(kind: str, teryt: str, name: str) -> tuple[str, str, str]:
    """Identity of a unit for matching an imported row: kind, territory, name (case-blind)."""
    return kind, teryt, " ".join(name.split()).casefold()


@dataclass
class _Parsed:
    row: int
    kind: str
    teryt: str
    name: str
    emails: str
    optional: dict[str, str]


def import_units(data: bytes, filename: str) -> UnitsImport:
    """Check a CSV/XLSX list of units and, when every row is right, create or update them.

    Columns: kind (rodzaj), name (nazwa), teryt (kod_teryt), email (e-mail; several separated by
    ``,`` or ``;``), optional regon, krs, contact_person (osoba_kontaktowa), phones (telefon;
    several separated by ``,`` or ``;``, for the phone follow-up). Empty optional
    cells leave what the register already holds. Flushes; the caller commits.
    """
    result = UnitsImport()
    try:
        table = read_table(data, filename, COLUMN_ALIASES)
    except TableFormatError as err:
        result.problems.append(RowProblem(None, "", str(err)))
        return result
    result.ignored_columns = table.ignored_columns
    result.problems = table.problems + table.require("kind", "name", "teryt", "email")
    if result.problems:
        return result
    register = _Register()
    parsed = [_parse_row(row, table, register, result.problems) for row in table.rows]
    _check_duplicates([p for p in parsed if p], table, register, result.problems)
    if result.problems:
        result.problems.sort(key=lambda p: p.row or 0)
        return result
    for item in parsed:
        if item is not None:  # always, once no row has a problem
            _apply(item, register, result)
    db.session.flush()
    _audit(result, filename)
    return result


def _audit(result: UnitsImport, summary: str) -> None:
    """An import that changed the register leaves one audit row, from the page or the CLI."""
    record("units_import", None, summary=summary,
           after={"created": result.created, "updated": result.updated})


def _parse_row(row: Row, table: Table, register: _Register,
               problems: list[RowProblem]) -> _Parsed | None:
    """The row's values, or ``None`` after adding its problems to ``problems``."""
    found: list[RowProblem] = []

    def problem(column: str, message: str) -> None:
        found.append(RowProblem(row.number, table.header(column), message))

    kind_text = row.get("kind").strip().lower()
    known = kinds()
    by_name = {k.name.lower(): code for code, k in known.items()}
    kind = kind_text if kind_text in known else by_name.get(kind_text)
    if not kind:
        problem("kind", gettext("nieznany rodzaj jednostki „%(kind)s” — organizacja nie ma "
                                "takiego rodzaju (dozwolone: %(kinds)s)",
                                kind=echo(row.get("kind")), kinds=", ".join(known)))
    level = known[kind].teryt if kind else "any"
    name = " ".join(row.get("name").split())
    if not name:
        problem("name", gettext("brak nazwy jednostki"))
    elif len(name) > 300:
        problem("name", gettext("nazwa jest dłuższa niż 300 znaków"))
    teryt, message = register.territory(row, "teryt")
    if message:
        problem("teryt", message)
    elif level == "gmina" and register.levels.get(teryt or "") != "gmina":
        problem("teryt", gettext("jednostka rodzaju %(kind)s wymaga kodu gminy (6 cyfr), jest "
                                 "%(code)s", kind=kind, code=teryt))
    elif level == "powiat" and register.levels.get(teryt or "") != "powiat":
        problem("teryt", gettext("jednostka rodzaju %(kind)s wymaga kodu powiatu (4 cyfry), jest "
                                 "%(code)s", kind=kind, code=teryt))
    emails, invalid = parse_addresses(row.get("email"))
    if invalid:
        problem("email", gettext("niepoprawny adres e-mail: %(addresses)s",
                                 addresses=echo(", ".join(invalid))))
    elif not emails:
        problem("email", gettext("brak adresu e-mail"))
    optional = _optional_values(row, problem)
    problems.extend(found)
    if found or kind is None or teryt is None:
        return None
    return _Parsed(row.number, kind, teryt, name, ", ".join(emails), optional)


def _optional_values(row: Row, problem: Callable[[str, str], None]) -> dict[str, str]:
    values = {}
    regon = restore_zeros(row, "regon", (9, 14)).replace(" ", "").replace("-", "")
    if regon:
        if regon_is_valid(regon):
            values["regon"] = regon
        else:
            problem("regon", gettext("„%(regon)s” nie jest poprawnym numerem REGON (9 albo 14 "
                                     "cyfr z poprawną cyfrą kontrolną)", regon=echo(regon)))
    krs = restore_zeros(row, "krs", (10,)).replace(" ", "")
    if krs:
        if len(krs) == 10 and krs.isdigit():
            values["krs"] = krs
        else:
            problem("krs", gettext("„%(krs)s” nie jest numerem KRS (10 cyfr, z zerami na "
                                   "początku)", krs=echo(krs)))
    person = " ".join(row.get("contact_person").split())
    if len(person) > 200:
        problem("contact_person", gettext("osoba kontaktowa: tekst dłuższy niż 200 znaków"))
    elif person:
        values["contact_person"] = person
    phones = split_phones(row.get("phones"))
    wrong = [p for p in phones if not phone_is_valid(p)]
    if wrong:
        problem("phones", gettext("„%(phone)s” nie jest numerem telefonu (cyfry, spacje, „+”, "
                                  "„-”, nawiasy)", phone=echo(wrong[0])))
    elif len(", ".join(phones)) > 200:
        problem("phones", gettext("telefony: tekst dłuższy niż 200 znaków"))
    elif phones:
        values["phones"] = ", ".join(phones)
    return values


def _check_duplicates(parsed: list[_Parsed], table: Table, register: _Register,
                      problems: list[RowProblem]) -> None:
    """The same unit twice in the file is an error; a match in the register is an update,
    unless the register itself holds that unit twice (then it is unclear which to update)."""
    first_row: dict[tuple[str, str, str], int] = {}
    for item in parsed:
        key = unit_key(item.kind, item.teryt, item.name)
        if key in first_row:
            problems.append(RowProblem(item.row, table.header("name"),
                                       gettext("ta sama jednostka (rodzaj, TERYT, nazwa) co w "
                                               "wierszu %(row)s", row=first_row[key])))
        elif len(register.units.get(key, ())) > 1:
            problems.append(RowProblem(item.row, table.header("name"),
                                       gettext("w rejestrze są już dwie jednostki o tym "
                                               "rodzaju, TERYT i nazwie; popraw rejestr przed "
                                               "importem")))
        first_row.setdefault(key, item.row)


def _apply(item: _Parsed, register: _Register, result: UnitsImport) -> None:
    matches = register.units.get(unit_key(item.kind, item.teryt, item.name))
    if not matches:
        db.session.add(Unit(kind=item.kind, teryt=item.teryt, name=item.name,
                            emails=item.emails, **item.optional))
        result.created += 1
        return
    unit = matches[0]
    changes = {"emails": item.emails, **item.optional}
    if all(getattr(unit, key) == value for key, value in changes.items()):
        result.unchanged += 1
        return
    for key, value in changes.items():
        setattr(unit, key, value)
    result.updated += 1


EMAIL_FILE_ALIASES = {key: value for key, value in COLUMN_ALIASES.items()
                      if value in ("teryt", "email")}


def create_jst_units(kind: Literal["gmina", "powiat"], emails_file: bytes | None = None,
                     filename: str = "") -> UnitsImport:
    """Create a unit for every gmina (or powiat) of the configured województwo from TERYT.

    Saves typing 71 gminas by hand: names follow the register ("Gmina Kluczbork", "Powiat
    kluczborski", "Miasto Opole"); e-mails come from a ``teryt;email`` file checked row by row
    like ``import_units``. A JST already in the register (same kind and TERYT) keeps its name
    and gets the file's e-mails. Units without an address are created and listed in
    ``without_email`` so staff can fill them in before inviting. Flushes; the caller commits.
    """
    if kind not in ("gmina", "powiat"):
        raise ValueError(f"kind must be 'gmina' or 'powiat', not {kind!r}")
    prefixes = current_prefixes()
    region = ", ".join(prefixes) or gettext("cały kraj")
    territories = list(db.session.scalars(
        select(Territory).where(Territory.level == kind, in_territory(Territory.code, prefixes))
        .order_by(Territory.code)))
    result = UnitsImport()
    if not territories:
        result.problems.append(RowProblem(None, "", gettext(
            "W rejestrze TERYT nie ma jednostek „%(kind)s” województwa %(region)s: najpierw "
            "wczytaj plik TERC (flask territory import).", kind=kind, region=region)))
        return result
    emails = _jst_emails(emails_file, filename, {t.code for t in territories}, kind, result)
    if result.problems:
        return result
    existing = {u.teryt: u for u in db.session.scalars(select(Unit).where(Unit.kind == kind))}
    for territory in territories:
        address = emails.get(territory.code, "")
        unit = existing.get(territory.code)
        if unit is None:
            db.session.add(Unit(kind=kind, teryt=territory.code, name=jst_unit_name(territory),
                                emails=address))
            result.created += 1
        elif address and unit.emails != address:
            unit.emails = address
            result.updated += 1
        else:
            result.unchanged += 1
        if not address and not (unit and unit.emails):
            result.without_email.append(territory.code)
    db.session.flush()
    _audit(result, f"JST z rejestru TERYT ({kind})")
    return result


def _jst_emails(data: bytes | None, filename: str, codes: set[str], kind: str,
                result: UnitsImport) -> dict[str, str]:
    """TERYT code → e-mails from the file; problems go to ``result``."""
    if data is None:
        return {}
    try:
        table = read_table(data, filename, EMAIL_FILE_ALIASES)
    except TableFormatError as err:
        result.problems.append(RowProblem(None, "", str(err)))
        return {}
    result.ignored_columns = table.ignored_columns
    result.problems += table.problems + table.require("teryt", "email")
    if result.problems:
        return {}
    register = _Register()
    prefixes = current_prefixes()
    emails: dict[str, str] = {}
    first_row: dict[str, int] = {}
    for row in table.rows:
        code, message = register.territory(row, "teryt")
        if not message and code not in codes:
            if (code and register.levels.get(code) in ("gmina", "powiat")
                    and any(code.startswith(prefix) for prefix in prefixes or ("",))):
                result.other_level += 1  # the other run's row (``--kind powiat``)
                continue
            message = (gettext("kod %(code)s nie jest kodem jednostki „%(kind)s” województwa "
                               "%(region)s", code=code, kind=kind, region=", ".join(prefixes))
                       if prefixes else
                       gettext("kod %(code)s nie jest kodem jednostki „%(kind)s” w rejestrze "
                               "TERYT", code=code, kind=kind))
        elif code in first_row:
            message = gettext("kod %(code)s był już w wierszu %(row)s", code=code,
                              row=first_row[code])
        if message:
            result.problems.append(RowProblem(row.number, table.header("teryt"), message))
        elif code is not None:
            first_row[code] = row.number
        valid, invalid = parse_addresses(row.get("email"))
        if invalid or not valid:
            result.problems.append(RowProblem(
                row.number, table.header("email"),
                gettext("niepoprawny adres e-mail: %(addresses)s",
                        addresses=echo(", ".join(invalid)))
                if invalid else gettext("brak adresu e-mail")))
        elif code and not message:
            emails[code] = ", ".join(valid)
    return emails


def jst_unit_name(territory: Territory) -> str:
    """The name a JST signs with: "Gmina Kluczbork", "Powiat kluczborski", "Miasto Opole".

    Urban gminas are "Miasto …" so that Bolesławiec miejska and Bolesławiec wiejska do not
    share a name; a city with powiat rights is "Miasto …" as a gmina and as a powiat.
    """
    stoleczne = "stołeczne" in territory.kind_label
    if territory.level == "powiat" and not territory.is_city_with_powiat_rights:
        return f"Powiat {territory.name}"
    if territory.level == "powiat" or territory.rodz == "1" or territory.is_city_with_powiat_rights:
        return f"Miasto Stołeczne {territory.name}" if stoleczne else f"Miasto {territory.name}"
    return f"Gmina {territory.name}"
