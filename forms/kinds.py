"""Unit kinds as data: ``registers/unit_kinds.yaml`` (code, name, plural forms, TERYT level and
the questionnaires that may use each kind).

Kinds change with programmes (a gmina adds its departments, a national project its PES), so
they are a file a deployment edits, checked like a questionnaire: every problem has its line
and a code of ``forms.problems.CODES``. Organisations add kinds of their own in the database
(``services.unit_kinds``); this module knows only the shipped file. No Flask here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from forms.problems import DefinitionError, Problem
from forms.yamlsource import LineDict, LineList, load_yaml
from l10n import N_

KINDS_FILE = Path(__file__).resolve().parents[1] / "registers" / "unit_kinds.yaml"
LEVELS = ("gmina", "powiat", "any")
CODE = re.compile(r"^[a-z][a-z0-9_]{0,15}$")
_KIND_KEYS = {"code", "name", "plural", "teryt", "questionnaires"}

#: the shipped names as msgids, so the interface can show them in English too
SHIPPED_NAMES = (
    N_("Centrum Integracji Społecznej"), N_("Klub Integracji Społecznej"),
    N_("Ośrodek Wsparcia Ekonomii Społecznej"), N_("Gmina"), N_("Powiat"),
    N_("Ośrodek pomocy społecznej"), N_("Miejski ośrodek pomocy rodzinie"),
    N_("Powiatowe centrum pomocy rodzinie"), N_("Powiatowy urząd pracy"),
    N_("Warsztat terapii zajęciowej"), N_("Zakład aktywności zawodowej"),
    N_("Spółdzielnia socjalna"), N_("Podmiot ekonomii społecznej"),
    N_("Koło gospodyń wiejskich"), N_("Komórka organizacyjna urzędu gminy"),
    N_("Jednostka organizacyjna gminy"),
)


@dataclass(frozen=True)
class UnitKind:
    """One kind of reporting unit."""

    code: str
    name: str
    #: 1 / 2–4 / 5+ ("gmina", "gminy", "gmin")
    plural: tuple[str, str, str]
    #: the TERYT level a unit of this kind has: 'gmina', 'powiat' or 'any'
    teryt: str = "any"
    #: keys of the questionnaires that may list it in ``unit_kinds``; empty: any questionnaire
    questionnaires: tuple[str, ...] = ()

    def allows(self, questionnaire_key: str) -> bool:
        return not self.questionnaires or questionnaire_key in self.questionnaires


def parse_kinds(text: str, name: str) -> tuple[dict[str, UnitKind], list[Problem]]:
    """code → kind from a kinds file's text, and every problem found (with its line)."""
    problems: list[Problem] = []

    def problem(line: int, code: str, message: str) -> None:
        problems.append(Problem(name, line, code, message))

    try:
        data = load_yaml(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem(mark.line + 1 if mark else 1, "yaml_syntax", f"Błąd składni YAML: {err}")
        return {}, problems
    raw_kinds = data.get("kinds") if isinstance(data, LineDict) else None
    if not isinstance(raw_kinds, LineList) or not raw_kinds:
        problem(getattr(data, "line", 1), "missing_key",
                "Plik rodzajów jednostek musi mieć listę 'kinds'.")
        return {}, problems
    kinds: dict[str, UnitKind] = {}
    for raw, line in zip(raw_kinds, raw_kinds.item_lines, strict=True):
        kind = _kind(raw, line, problem)
        if kind is None:
            continue
        if kind.code in kinds:
            problem(raw.line_of("code"), "duplicate_id",
                    f"Rodzaj '{kind.code}' jest już wyżej w pliku.")
            continue
        kinds[kind.code] = kind
    return kinds, problems


def _kind(raw, line: int, problem) -> UnitKind | None:
    if not isinstance(raw, LineDict):
        problem(line, "bad_value", "Rodzaj jednostki musi być opisany polami code, name, plural.")
        return None
    for key in raw:
        if key not in _KIND_KEYS:
            problem(raw.key_lines[key], "unknown_key", f"Nieznane pole '{key}' rodzaju jednostki.")
    code, name = raw.get("code"), raw.get("name")
    if not isinstance(code, str) or not CODE.match(code):
        problem(raw.line_of("code"), "bad_id",
                f"Kod rodzaju {code!r}: małe litery, cyfry i '_', do 16 znaków, od litery.")
        return None
    if not isinstance(name, str) or not name.strip():
        problem(raw.line_of("name"), "missing_key", f"Rodzaj '{code}' nie ma nazwy ('name').")
        return None
    plural = raw.get("plural")
    if not (isinstance(plural, list) and len(plural) == 3
            and all(isinstance(p, str) and p.strip() for p in plural)):
        problem(raw.line_of("plural"), "bad_value",
                f"Rodzaj '{code}': 'plural' to trzy formy — 1, 2–4 i 5 (np. [gmina, gminy, gmin]).")
        plural = [name.lower()] * 3
    level = raw.get("teryt", "any")
    if level not in LEVELS:
        problem(raw.line_of("teryt"), "bad_value",
                f"Rodzaj '{code}': 'teryt' przyjmuje gmina, powiat albo any.")
        level = "any"
    questionnaires = raw.get("questionnaires") or []
    if not isinstance(questionnaires, list) or not all(isinstance(q, str) for q in questionnaires):
        problem(raw.line_of("questionnaires"), "bad_value",
                f"Rodzaj '{code}': 'questionnaires' to lista kluczy ankiet.")
        questionnaires = []
    return UnitKind(code, name.strip(), tuple(p.strip() for p in plural), level,
                    tuple(questionnaires))


def load_kinds_file(path: Path = KINDS_FILE) -> tuple[dict[str, UnitKind], list[Problem]]:
    """The kinds of a file and its problems (``unreadable`` when it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return {}, [Problem(path.name, 1, "unreadable", f"Nie można odczytać pliku: {err}")]
    return parse_kinds(text, path.name)


@lru_cache(maxsize=4)
def known_kinds(path: Path = KINDS_FILE) -> dict[str, UnitKind]:
    """The kinds the file defines, whatever problems it has (the checker reports those)."""
    return load_kinds_file(path)[0]


@lru_cache(maxsize=4)
def shipped_kinds(path: Path = KINDS_FILE) -> dict[str, UnitKind]:
    """The deployment's kinds file, read once.

    :raise DefinitionError: when the file has problems (the application refuses to start).
    """
    kinds, problems = load_kinds_file(path)
    if problems:
        raise DefinitionError(problems)
    return kinds
