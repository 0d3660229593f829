"""Problems found in a questionnaire definition: every one has a place and a stable code."""

from __future__ import annotations

from dataclasses import dataclass

#: every problem code a checker of esmon's files may report → what it means, in the words of
#: ``survey_defs/README.md`` (a test keeps that table and this registry the same). A code is
#: stable: people and tests search for it, so a new kind of problem gets a new code here.
CODES: dict[str, str] = {
    "yaml_syntax": "plik nie jest poprawnym YAML (wiersz i kolumna z parsera)",
    "not_a_mapping": "plik nie zawiera opisu ankiety",
    "missing_key": "brak wymaganego pola (`key`, `version`, `title`, `sections`, `label`, …)",
    "unknown_key": "nieznane pole (literówka?)",
    "duplicate_key": "to samo pole podane dwa razy",
    "bad_value": "pole ma niedozwoloną wartość",
    "bad_format_version": "nieobsługiwany `format`",
    "key_mismatch": "`key` różny od nazwy pliku",
    "bad_id": "niepoprawny identyfikator",
    "duplicate_id": "identyfikator użyty drugi raz",
    "reserved_name": "identyfikator zarezerwowany (np. `teryt`, `status`, `powiat`)",
    "unknown_type": "nieznany typ pytania",
    "unknown_unit_kind": "nieznany rodzaj jednostki w `unit_kinds` (nie ma go w "
                         "`registers/unit_kinds.yaml`); w imporcie jednostek: rodzaj, którego "
                         "organizacja nie ma",
    "unit_kind_not_allowed": "rodzaj jednostki, którego plik rodzajów nie dopuszcza w tej "
                             "ankiecie (`questionnaires`)",
    "unknown_choice_list": "`choices` wskazuje listę, której nie ma w `choice_lists`",
    "missing_choices": "pusta lista odpowiedzi",
    "duplicate_choice": "ta sama wartość dwa razy na liście",
    "expr_syntax": "błąd składni wyrażenia (z kolumną w wyrażeniu); także nieznana funkcja",
    "unknown_name": "wyrażenie odwołuje się do pytania, którego nie ma",
    "self_outside_constraint": "`.` użyte poza `constraint`/`warning`",
    "cycle": "pytania zależą od siebie w kółko (`relevant`, `required`, `calculation`)",
    "constraint_on_note": "notatka z `required`/`constraint`/`warning`",
    "missing_calculation": "pytanie `calculated` bez `calculation`",
    "bad_table": "tabela bez wierszy/kolumn albo z błędnymi identyfikatorami",
    "unknown_table_axis": "`cell()`/`row-total()`/`column-total()` z wierszem/kolumną, której "
                          "nie ma",
    "bad_prefill": "nieznane źródło `prefill` lub `read_only` bez danych z rejestru",
    "unknown_follows": "`follows` wskazuje ankietę, której nie ma, albo `prefill: follows.…` "
                       "pytanie, którego w niej nie ma",
    "empty_section": "sekcja bez pytań",
    "unreadable": "pliku nie da się odczytać (kodowanie inne niż UTF-8?)",
    "unknown_question": "plik raportu wskazuje pytanie, którego nie ma w ankiecie",
    "unknown_level": "nieznany poziom zestawienia (`level`)",
    "unknown_statistic": "nieznana statystyka albo niepasująca do pytania (`statistic`)",
    "bad_block": "blok rozdziału raportu bez rodzaju (`table:`, `chart:`, `map:` …)",
    "xlsform_unreadable": "XLSForm: plik nie jest skoroszytem .xlsx albo jest uszkodzony",
    "xlsform_too_large": "XLSForm: plik ponad 50 MB, za duży po rozpakowaniu, za wiele wierszy "
                         "albo za długa komórka",
    "xlsform_missing_sheet": "XLSForm: brak arkusza `survey` albo `choices`, którego "
                             "formularz potrzebuje",
    "xlsform_missing_column": "XLSForm: brak wymaganej kolumny (`type`, `name`, `list_name`)",
    "xlsform_duplicate_column": "XLSForm: ta sama kolumna dwa razy w nagłówku",
    "xlsform_formula": "XLSForm: komórka z formułą Excela (liczy się tylko wpisana wartość)",
    "xlsform_merged_cells": "XLSForm: scalone komórki (w nagłówku albo w wierszach)",
    "xlsform_unknown_type": "XLSForm: nieznany typ pytania albo wiersz bez typu",
    "xlsform_unsupported": "XLSForm: konstrukcja, której esmon nie obsługuje (repeat, "
                           "multimedia, położenie, listy kaskadowe …), z powodem",
    "xlsform_groups": "XLSForm: `begin group` bez `end group` albo odwrotnie",
    "xlsform_bad_name": "XLSForm: z nazwy nie da się zrobić identyfikatora esmon",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a definition file.

    ``code`` is stable (tests and people search for it); ``message`` is Polish prose.
    """

    file: str
    line: int
    code: str
    message: str
    question_id: str | None = None
    column: int | None = None
    #: the worksheet of a workbook (an XLSForm): ``line`` is then its row, ``column`` its column
    sheet: str | None = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"problem code {self.code!r} is not in forms.problems.CODES")

    def __str__(self) -> str:
        if self.sheet is not None:
            return f"{self.file} {self.location} {self.code}: {self.message}"
        where = f"{self.file}:{self.line}"
        if self.column:
            where += f":{self.column}"
        subject = f" [{self.question_id}]" if self.question_id else ""
        return f"{where}{subject} {self.code}: {self.message}"


    @property
    def location(self) -> str:
        """Where in a workbook, as a spreadsheet user names it: ``survey!C12``."""
        column = _column_letter(self.column) if self.column else ""
        subject = f" [{self.question_id}]" if self.question_id else ""
        return f"{self.sheet}!{column}{self.line}{subject}"


def _column_letter(number: int) -> str:
    """1 → A, 27 → AA (spreadsheet column names)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


class DefinitionError(Exception):
    """Raised when definitions cannot be loaded; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
