"""Subregions: load a powiat → subregion mapping from a file, and look it up for reports.

The mapping is data, not code: NUTS-3 podregiony are revised, and each ROPS keeps divisions of
its own (OWES service areas, subregions of a regional programme). A file (YAML, CSV or XLSX) is
checked row by row first; a scheme's mapping is replaced only when every row is right, so a
report never runs on half an import.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from flask import current_app
from flask_babel import gettext
from sqlalchemy import delete, select

from extensions import db
from models import SubregionAssignment, Territory
from services.audit import record
from services.tabular import RowProblem, TableFormatError, read_table, restore_zeros
from services.uploads import (
    MAX_ROWS,
    control_character_problem,
    echo,
    too_long_problem,
    too_many_rows,
)

PRESETS_DIR = Path(__file__).resolve().parent.parent / "registers" / "subregions"
SCHEME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
#: column sizes of ``SubregionAssignment``: a longer text is a located problem, not a 500
NAME_LENGTH, CODE_LENGTH = 120, 20
CSV_ALIASES = {
    "powiat": "powiat", "kod_powiatu": "powiat", "teryt": "powiat", "kod_teryt": "powiat",
    "podregion": "subregion", "subregion": "subregion", "nazwa_podregionu": "subregion",
    "kod_podregionu": "code", "kod": "code", "nuts": "code",
}


@dataclass(frozen=True)
class _Entry:
    row: int
    powiat: str
    name: str
    code: str | None
    #: column headers as the file names them, for messages
    powiat_column: str = "powiat"
    name_column: str = "podregion"


@dataclass
class SubregionsImport:
    """Outcome of an import: the scheme, how many powiats it now maps, or what is wrong."""

    scheme: str
    assigned: int = 0
    #: powiats of the configured województwo that the mapping leaves out (not an error)
    unassigned: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def default_scheme() -> str:
    """The scheme reports use when none is named (config ``ESMON_SUBREGION_SCHEME``)."""
    return current_app.config.get("ESMON_SUBREGION_SCHEME") or "nuts3"


def import_subregions(data: bytes, filename: str, scheme: str | None = None) -> SubregionsImport:
    """Validate a mapping file and, when it has no problems, replace the scheme's mapping.

    YAML (``scheme``, ``subregions: [{code, name, powiats: [...]}]``) or a table with columns
    ``powiat;podregion`` and optionally ``kod_podregionu``. Flushes; the caller commits.

    :param scheme: overrides the ``scheme`` a YAML file names; default ``default_scheme()``
    """
    reader = _read_yaml if filename.lower().endswith((".yaml", ".yml")) else _read_table
    named, entries, problems = reader(data, filename)
    result = SubregionsImport(scheme=scheme or named or default_scheme())
    if not SCHEME_PATTERN.match(result.scheme):
        problems.insert(0, RowProblem(None, "", gettext(
            "Nazwa schematu „%(scheme)s” może zawierać tylko małe litery, cyfry, „-” i „_”.",
            scheme=echo(result.scheme))))
    result.problems = problems or _check(entries)
    if result.problems:
        return result
    db.session.execute(delete(SubregionAssignment)
                       .where(SubregionAssignment.scheme == result.scheme))
    db.session.add_all(SubregionAssignment(scheme=result.scheme, powiat_code=e.powiat,
                                           subregion_name=e.name, subregion_code=e.code)
                       for e in entries)
    db.session.flush()
    result.assigned = len(entries)
    result.unassigned = unassigned_powiats(result.scheme)
    record("units_import", None, summary=f"podregiony {result.scheme} z {filename}",
           after={"assigned": result.assigned})
    return result


def import_subregions_file(path: Path, scheme: str | None = None) -> SubregionsImport:
    return import_subregions(path.read_bytes(), path.name, scheme)


def _read_table(data: bytes, filename: str) -> tuple[None, list[_Entry], list[RowProblem]]:
    try:
        table = read_table(data, filename, CSV_ALIASES)
    except TableFormatError as err:
        return None, [], [RowProblem(None, "", str(err))]
    problems = table.problems + table.require("powiat", "subregion")
    if problems:
        return None, [], problems
    entries = [_Entry(row.number, restore_zeros(row, "powiat", (4,)), row.get("subregion"),
                      row.get("code") or None, table.header("powiat"), table.header("subregion"))
               for row in table.rows]
    return None, entries, []


def _read_yaml(data: bytes, filename: str) -> tuple[str | None, list[_Entry], list[RowProblem]]:
    """Entries with the YAML line numbers: composed nodes keep their marks (and ``0201`` stays
    text, where plain loading would read an unquoted code as a number).

    Anchors and aliases are refused before anything is built: a few hundred bytes of aliases
    of aliases expand to gigabytes. Every value must be a plain scalar.
    """
    try:
        text = data.decode("utf-8-sig")
        alias = _first_alias(text)
        root = None if alias else yaml.compose(text, Loader=yaml.SafeLoader)
    except (UnicodeDecodeError, yaml.YAMLError) as err:
        return None, [], [RowProblem(None, "", gettext("Nie można odczytać pliku YAML: "
                                                       "%(error)s", error=echo(err)))]
    if alias:
        return None, [], [RowProblem(alias, "", gettext(
            "plik YAML używa kotwic lub aliasów (& albo *); w pliku podziału wpisz każdą "
            "wartość wprost"))]
    top = _mapping(root)
    if top is None or not isinstance(top.get("subregions"), yaml.SequenceNode):
        return None, [], [RowProblem(1, "subregions", gettext(
            "plik YAML powinien mieć listę „subregions” z pozycjami name, code i powiats"))]
    scheme = top["scheme"].value if isinstance(top.get("scheme"), yaml.ScalarNode) else None
    entries, problems = [], []
    for item in top["subregions"].value:
        fields = _mapping(item) or {}
        line = item.start_mark.line + 1
        name = fields.get("name")
        powiats = fields.get("powiats")
        code = fields.get("code")
        if not isinstance(name, yaml.ScalarNode) or not name.value.strip():
            problems.append(RowProblem(line, "name", gettext("brak nazwy podregionu")))
            continue
        if not isinstance(powiats, yaml.SequenceNode):
            problems.append(RowProblem(line, "powiats", gettext("brak listy kodów powiatów")))
            continue
        if code is not None and not isinstance(code, yaml.ScalarNode):
            problems.append(RowProblem(code.start_mark.line + 1, "code", gettext(
                "kod podregionu musi być pojedynczą wartością, nie listą ani słownikiem")))
            continue
        code_value = code.value.strip() if code is not None else None
        for node in powiats.value:
            if not isinstance(node, yaml.ScalarNode):
                problems.append(RowProblem(node.start_mark.line + 1, "powiats", gettext(
                    "pozycja listy powiats musi być kodem powiatu, nie listą ani słownikiem")))
                continue
            entries.append(_Entry(node.start_mark.line + 1, node.value.strip(),
                                  name.value.strip(), code_value or None, "powiats", "name"))
        if len(entries) > MAX_ROWS:
            return scheme, [], [RowProblem(None, "", too_many_rows(len(entries)))]
    return scheme, entries, problems


def _first_alias(text: str) -> int | None:
    """The line of the first anchor or alias in a YAML text, or ``None`` (events only)."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            return event.start_mark.line + 1 if event.start_mark else 1
    return None


def _mapping(node: yaml.Node | None) -> dict[str, yaml.Node] | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return {key.value: value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _check(entries: list[_Entry]) -> list[RowProblem]:
    """Every row's problems: unknown or non-powiat code, a powiat twice, names without codes."""
    if not entries:
        return [RowProblem(None, "", gettext("Plik nie przypisuje żadnego powiatu."))]
    powiats = set(db.session.scalars(select(Territory.code).where(Territory.level == "powiat")))
    problems: list[RowProblem] = []
    seen: dict[str, int | None] = {}
    codes: dict[str, str | None] = {}
    for entry in entries:
        if not (len(entry.powiat) == 4 and entry.powiat.isdigit()):
            problems.append(RowProblem(entry.row, entry.powiat_column,
                                       gettext("„%(code)s” nie jest kodem powiatu (4 cyfry)",
                                               code=echo(entry.powiat))))
        elif entry.powiat not in powiats:
            problems.append(RowProblem(entry.row, entry.powiat_column,
                                       gettext("nie ma powiatu o kodzie %(code)s w rejestrze "
                                               "TERYT (czy wczytano plik TERC?)",
                                               code=entry.powiat)))
        elif entry.powiat in seen:
            problems.append(RowProblem(entry.row, entry.powiat_column,
                                       gettext("powiat %(code)s jest już przypisany w wierszu "
                                               "%(row)s", code=entry.powiat,
                                               row=seen[entry.powiat])))
        seen.setdefault(entry.powiat, entry.row)
        name_problem = (control_character_problem(entry.name)
                        or too_long_problem(entry.name, NAME_LENGTH))
        code_problem = entry.code and (control_character_problem(entry.code)
                                       or too_long_problem(entry.code, CODE_LENGTH))
        if code_problem:
            problems.append(RowProblem(entry.row, "code", code_problem))
        if not entry.name:
            problems.append(RowProblem(entry.row, entry.name_column,
                                       gettext("brak nazwy podregionu")))
        elif name_problem:
            problems.append(RowProblem(entry.row, entry.name_column, name_problem))
        elif codes.setdefault(entry.name, entry.code) != entry.code:
            problems.append(RowProblem(entry.row, entry.name_column,
                                       gettext("podregion „%(name)s” ma już kod %(code)s",
                                               name=echo(entry.name),
                                               code=echo(codes[entry.name] or gettext("(pusty)")))))
    return problems


def mapping(scheme: str | None = None) -> dict[str, str]:
    """powiat code → subregion name under a scheme (default scheme when ``None``)."""
    rows = db.session.execute(
        select(SubregionAssignment.powiat_code, SubregionAssignment.subregion_name)
        .where(SubregionAssignment.scheme == (scheme or default_scheme())))
    return dict(rows.all())


def subregion_of(code: str, scheme: str | None = None) -> str | None:
    """The subregion of a powiat, or of the gmina whose 6/7-digit code is given."""
    return db.session.scalar(
        select(SubregionAssignment.subregion_name)
        .where(SubregionAssignment.scheme == (scheme or default_scheme()),
               SubregionAssignment.powiat_code == code[:4]))


def schemes() -> list[str]:
    """Schemes that hold a mapping, for choosing one on a report page."""
    return list(db.session.scalars(select(SubregionAssignment.scheme).distinct()
                                   .order_by(SubregionAssignment.scheme)))


def assignments(scheme: str | None = None) -> list[SubregionAssignment]:
    """A scheme's rows, by subregion then powiat, for listing."""
    return list(db.session.scalars(
        select(SubregionAssignment)
        .where(SubregionAssignment.scheme == (scheme or default_scheme()))
        .order_by(SubregionAssignment.subregion_name, SubregionAssignment.powiat_code)))


def unassigned_powiats(scheme: str | None = None) -> list[str]:
    """Powiats of the acting organisation's territory without a subregion in the scheme."""
    from services.scoping import current_prefixes, in_territory

    assigned = set(mapping(scheme))
    return sorted(code for code in db.session.scalars(
        select(Territory.code).where(Territory.level == "powiat",
                                     in_territory(Territory.code, current_prefixes())))
        if code not in assigned)


def presets() -> list[Path]:
    """Mapping files shipped with esmon (``registers/subregions/``)."""
    return sorted(PRESETS_DIR.glob("*.yaml"))


@dataclass(frozen=True)
class Preset:
    """A shipped mapping: the name it is loaded by, its województwo and its file."""

    name: str
    wojewodztwo: str
    path: Path


def preset_catalogue() -> dict[str, Preset]:
    """Shipped presets by name: the file's ``preset`` key, else the file name without .yaml.

    The województwo is the file's ``wojewodztwo`` key, else the code in the file name
    (``nuts3-16-opolskie``), so a preset can be checked against its own territory.
    """
    catalogue = {}
    for path in presets():
        head = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        name = str(head.get("preset") or path.stem)
        region = str(head.get("wojewodztwo") or path.stem.split("-")[1])
        catalogue[name] = Preset(name, region, path)
    return catalogue
