"""What the files beside a questionnaire (``<key>.report.yaml``, ``<key>.indicators.yaml``) share.

Both are read the same way as a questionnaire definition: every problem at once, each with its
file, line and a code from ``forms.problems.CODES``. The checks of the top of such a file —
YAML syntax, a mapping, the format version, the questionnaire key, a non-empty list of items —
and of a mapping's keys are written once here; each file's reader adds what it describes.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from forms.model import Survey
from forms.problems import Problem
from forms.yamlsource import LineDict, LineList, load_yaml

FORMAT_VERSION = 1


def read_text(path: Path) -> str | Problem:
    """The file's text, or the problem that it cannot be read (said like any other problem)."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return Problem(path.name, 1, "unreadable", f"Nie można odczytać pliku: {err}")


class CompanionReader:
    """Collects a companion file's problems; subclasses read the items of their kind."""

    #: what the file describes, in the "does not contain …" message ("opisu raportu")
    describes = ""
    #: the key holding the list of items ("chapters", "indicators")
    items_key = ""
    #: what the list holds, in the "must be a non-empty list of …" message ("rozdziałów")
    items_noun = ""
    #: the questionnaire key's mismatch message opens with this ("Raport jest", "Wskaźniki są")
    belongs = ""

    def __init__(self, name: str, survey: Survey):
        self.name, self.survey = name, survey
        self.problems: list[Problem] = []

    def problem(self, line: int, code: str, message: str, subject: str | None = None,
                column: int | None = None) -> None:
        self.problems.append(Problem(self.name, line, code, message, subject, column))

    def top(self, text: str, allowed: set[str]) -> tuple[LineDict, LineList | None] | None:
        """The file's mapping and its list of items, with the top's problems recorded.

        None when there is nothing to read further (not YAML, not a mapping, an empty list).
        """
        try:
            document = load_yaml(text)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            self.problem(mark.line + 1 if mark else 1, "yaml_syntax",
                         f"Plik nie jest poprawnym YAML: {getattr(err, 'problem', err)}",
                         column=mark.column + 1 if mark else None)
            return None
        if not isinstance(document, LineDict):
            self.problem(1, "not_a_mapping", f"Plik nie zawiera {self.describes} (format, key, "
                                             f"{self.items_key}).")
            return None
        self.keys(document, allowed, {"format", "key", self.items_key}, None)
        if "format" in document and document["format"] != FORMAT_VERSION:
            self.problem(document.line_of("format"), "bad_format_version",
                         f"Nieobsługiwany format {document['format']!r}; obsługiwany: "
                         f"{FORMAT_VERSION}.")
        if "key" in document and document["key"] != self.survey.key:
            self.problem(document.line_of("key"), "key_mismatch",
                         f"{self.belongs} dla ankiety '{document['key']}', a nie "
                         f"'{self.survey.key}'.")
        items = document.get(self.items_key)
        if self.items_key in document and not (isinstance(items, LineList) and items):
            self.problem(document.line_of(self.items_key), "bad_value",
                         f"'{self.items_key}' musi być niepustą listą {self.items_noun}.")
            return None
        return document, items if isinstance(items, LineList) else None

    def keys(self, raw: LineDict, allowed: set[str], required: set[str],
             subject: str | None) -> None:
        """Duplicate, unknown (a typo?) and missing keys of one mapping."""
        for key, line in raw.duplicate_keys:
            self.problem(line, "duplicate_key", f"Pole '{key}' podano dwa razy.", subject)
        for key in raw:
            if key not in allowed:
                self.problem(raw.key_lines[key], "unknown_key",
                             f"Nieznane pole '{key}' (literówka?). Dozwolone: "
                             f"{', '.join(sorted(allowed))}.", subject)
        for key in sorted(required - set(raw)):
            self.problem(raw.line, "missing_key", f"Brak wymaganego pola '{key}'.", subject)
