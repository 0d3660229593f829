"""Messages people understand (issue 12, item 6): command output counts with Polish plural
forms (ngettext: 1 plik, 2 pliki, 5 plików, 22 pliki) and periods as words, never "plik(ów)",
"3 sekcji" or "2025-H2"."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale, ngettext

from views.filters import polish_plural

#: (msgid, msgid_plural, the three Polish forms with %(num)d) of the command-line counts
CLI_COUNTS = [
    ("%(num)d rozdział", "%(num)d rozdziały", ("rozdział", "rozdziały", "rozdziałów")),
    ("%(num)d wskaźnik", "%(num)d wskaźniki", ("wskaźnik", "wskaźniki", "wskaźników")),
    ("Sprawdzono %(num)d plik raportów i wskaźników",
     "Sprawdzono %(num)d pliki raportów i wskaźników", ("plik", "pliki", "plików")),
    ("%(num)d rodzaj jednostek", "%(num)d rodzaje jednostek", ("rodzaj", "rodzaje", "rodzajów")),
    ("Wczytano warstwę gmin: %(num)d obrys", "Wczytano warstwę gmin: %(num)d obrysy",
     ("obrys", "obrysy", "obrysów")),
    ("Pominięto %(num)d jednostkę", "Pominięto %(num)d jednostki",
     ("jednostkę", "jednostki", "jednostek")),
    ("%(num)d jednostka terytorialna.", "%(num)d jednostki terytorialne.",
     ("jednostka", "jednostki", "jednostek")),
    ("Serwer poczty zerwał połączenie podczas wysyłania tej wiadomości (%(num)d raz)",
     "Serwer poczty zerwał połączenie podczas wysyłania tej wiadomości (%(num)d razy)",
     ("raz)", "razy)", "razy)")),
]


@pytest.mark.parametrize(("singular", "plural", "forms"), CLI_COUNTS)
@pytest.mark.parametrize("n", [1, 2, 5, 22])
def test_command_line_counts_take_the_polish_plural_form(app, singular, plural, forms, n):
    with app.test_request_context(), force_locale("pl"):
        text = ngettext(singular, plural, n)
    word = polish_plural(n, *forms)
    assert re.search(rf"\b{n} {re.escape(word)}", text), text


def test_reports_check_counts_its_files_in_polish(app, runner):
    result = runner.invoke(args=["reports", "check"])
    assert "plik(ów)" not in result.output
    match = re.search(r"Sprawdzono (\d+) (plik|pliki|plików) raportów", result.output)
    assert match, result.output
    n = int(match.group(1))
    assert match.group(2) == polish_plural(n, "plik", "pliki", "plików")
    assert not re.search(r"\b[2-4] (rozdziałów|wskaźników)\b", result.output)


def test_surveys_check_counts_unit_kinds_in_polish(app, runner):
    result = runner.invoke(args=["surveys", "check"])
    match = re.search(r"(\d+) (rodzaj|rodzaje|rodzajów) jednostek", result.output)
    assert match, result.output
    n = int(match.group(1))
    assert match.group(2) == polish_plural(n, "rodzaj", "rodzaje", "rodzajów")
