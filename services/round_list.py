"""A draft round's recipients from a list file: exactly the units a CSV/XLSX names.

A national project invites its 580 JST out of the country's 2 859; the operator has them in a
spreadsheet, by TERYT code or by the unit's id in esmon. Every row is checked first and every
problem is reported with its row and column; with any problem the round's recipients stay as
they were, so a round is never launched to half a list.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from flask_babel import gettext
from sqlalchemy import select

from extensions import db
from models import Round, Unit
from services.audit import record
from services.questionnaires import survey_for_round
from services.rounds import RoundSelection
from services.tabular import Row, RowProblem, Table, TableFormatError, read_table, restore_zeros
from services.territory import units_in_territory
from services.unit_kinds import kinds, kinds_for_survey
from services.uploads import echo

COLUMN_ALIASES = {
    "teryt": "teryt", "kod_teryt": "teryt", "kod_terc": "teryt", "terc": "teryt",
    "kod": "teryt",
    "id": "unit_id", "id_jednostki": "unit_id", "unit_id": "unit_id",
    "identyfikator": "unit_id",
    "rodzaj": "kind", "rodzaj_jednostki": "kind", "kind": "kind",
    # a name beside the code helps the person reading the file; it is not matched
    "nazwa": "name", "nazwa_jednostki": "name", "name": "name", "jst": "name",
}


@dataclass
class RoundList:
    """The units a list names (in its order), or why none were taken."""

    units: list[Unit] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_round_list(round_: Round, data: bytes, filename: str) -> RoundList:
    """The units of the organisation's register the list names, checked row by row.

    Columns: ``teryt`` (kod_teryt; a gmina's 6 or 7 digits, a powiat's 4) or ``id``
    (id_jednostki), optionally ``rodzaj`` when one code has units of several kinds. Only
    active units of the kinds the round's questionnaire is for, with an e-mail address, are
    taken; any other row is a problem.
    """
    result = RoundList()
    try:
        table = read_table(data, filename, COLUMN_ALIASES)
    except TableFormatError as err:
        result.problems.append(RowProblem(None, "", str(err)))
        return result
    result.ignored_columns = table.ignored_columns
    result.problems = list(table.problems)
    if "teryt" not in table.headers and "unit_id" not in table.headers:
        result.problems.append(RowProblem(1, "teryt", gettext(
            "brak kolumny z kodem TERYT (teryt, kod_teryt) albo z identyfikatorem jednostki "
            "(id, id_jednostki) w nagłówku")))
        return result
    allowed = kinds_for_survey(survey_for_round(round_).survey)
    register = _register(allowed)
    seen: dict[int, int] = {}
    for row in table.rows:
        unit = _unit_of(row, table, register, allowed, result.problems)
        if unit is None:
            continue
        if unit.id in seen:
            result.problems.append(RowProblem(row.number, _where(table), gettext(
                "%(unit)s jest już w wierszu %(row)s", unit=unit.name, row=seen[unit.id])))
            continue
        seen[unit.id] = row.number
        if not unit.is_active:
            result.problems.append(RowProblem(row.number, _where(table), gettext(
                "%(unit)s jest w rejestrze nieaktywna — nie można jej zaprosić",
                unit=unit.name)))
        elif not unit.email_list:
            result.problems.append(RowProblem(row.number, _where(table), gettext(
                "%(unit)s nie ma adresu e-mail w rejestrze — uzupełnij go, zanim wczytasz "
                "listę", unit=unit.name)))
        else:
            result.units.append(unit)
    result.problems.sort(key=lambda p: p.row or 0)
    if result.problems:
        result.units = []
    return result


def _where(table: Table) -> str:
    """The column a row's unit was found by, as the file names it."""
    return table.header("teryt" if "teryt" in table.headers else "unit_id")


@dataclass
class _Register:
    """The organisation's units of the questionnaire's kinds, by id and by TERYT code."""

    by_id: dict[int, Unit]
    by_code: dict[str, list[Unit]]
    #: ids of units of other kinds (in the register, but not for this questionnaire)
    other_kinds: dict[int, Unit]


def _register(allowed: tuple[str, ...]) -> _Register:
    units = db.session.scalars(units_in_territory(select(Unit))).all()
    register = _Register({}, {}, {})
    for unit in units:
        if unit.kind in allowed:
            register.by_id[unit.id] = unit
            register.by_code.setdefault(unit.teryt, []).append(unit)
        else:
            register.other_kinds[unit.id] = unit
    return register


def _unit_of(row: Row, table: Table, register: _Register, allowed: tuple[str, ...],
             problems: list[RowProblem]) -> Unit | None:
    """The unit a row names, or ``None`` after adding the row's problem."""
    def problem(column: str, message: str) -> None:
        problems.append(RowProblem(row.number, table.header(column), message))

    known = kinds()
    kind_text = row.get("kind").strip().lower()
    kind = None
    if kind_text:
        by_name = {k.name.lower(): code for code, k in known.items()}
        kind = kind_text if kind_text in known else by_name.get(kind_text)
        if kind is None:
            problem("kind", gettext("nieznany rodzaj jednostki „%(kind)s” — organizacja nie ma "
                                    "takiego rodzaju (dozwolone: %(kinds)s)",
                                    kind=echo(row.get("kind")), kinds=", ".join(known)))
            return None
        if kind not in allowed:
            problem("kind", gettext("ankieta tej rundy nie jest dla jednostek rodzaju "
                                    "%(kind)s (dozwolone: %(kinds)s)", kind=kind,
                                    kinds=", ".join(allowed)))
            return None
    text = row.get("unit_id").strip()
    if text:
        if not text.isdigit():
            problem("unit_id", gettext("„%(value)s” nie jest identyfikatorem jednostki (liczbą)",
                                       value=echo(text)))
            return None
        unit = register.by_id.get(int(text))
        if unit is None:
            other = register.other_kinds.get(int(text))
            problem("unit_id", gettext(
                "%(unit)s to jednostka rodzaju %(kind)s — ankieta tej rundy jest dla: "
                "%(kinds)s", unit=other.name, kind=other.kind, kinds=", ".join(allowed))
                if other else gettext("nie ma w rejestrze jednostki o identyfikatorze "
                                      "%(id)s", id=text))
            return None
        return unit
    code = restore_zeros(row, "teryt", (4, 6, 7)).replace(" ", "")
    if not code:
        problem("teryt" if "teryt" in table.headers else "unit_id",
                gettext("brak kodu TERYT i identyfikatora jednostki"))
        return None
    if not code.isdigit() or len(code) not in (4, 6, 7):
        problem("teryt", gettext("„%(code)s” nie jest kodem TERYT gminy (6 albo 7 cyfr) ani "
                                 "powiatu (4 cyfry)", code=echo(code)))
        return None
    found = [u for u in register.by_code.get(code[:6], []) if kind is None or u.kind == kind]
    if not found:
        problem("teryt", gettext("w rejestrze nie ma jednostki o kodzie %(code)s, dla której "
                                 "jest ankieta tej rundy (%(kinds)s)", code=code,
                                 kinds=", ".join(allowed)))
        return None
    if len(found) > 1:
        problem("teryt", gettext("kod %(code)s ma w rejestrze kilka jednostek (%(units)s) — "
                                 "podaj w kolumnie „rodzaj” rodzaj jednostki albo zamiast kodu "
                                 "jej identyfikator", code=code,
                                 units=", ".join(f"{u.name} [{u.id}]" for u in found[:5])))
        return None
    return found[0]


def set_recipients_from_list(round_: Round, units: list[Unit], filename: str) -> None:
    """The draft's recipients become exactly ``units`` (chosen by hand, the list's order).

    Flushes and audits; the caller commits. Launching then invites exactly these.
    """
    chosen = RoundSelection.from_json(round_.selection)
    round_.selection = RoundSelection(**{
        **asdict(chosen), "manual": True, "added": tuple(u.id for u in units),
        "excluded": ()}).to_json()
    db.session.flush()
    record("round_recipients", round_, summary=round_.title,
           after={"list": filename, "units": len(units)})
