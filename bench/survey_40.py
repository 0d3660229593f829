"""The benchmarks' own questionnaire: one page of 40 questions, and a complete answer to it.

30 whole numbers, 5 single choice, 5 short texts — the survey the issue compared with
LimeSurvey. It is written as a definition file into a folder of its own
(``SURVEY_DEFS_DIR``), so it goes through the same loader and checks as a shipped one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

KEY = "bench-40"
NUMBERS, CHOICES, TEXTS = 30, 5, 5
OPTIONS = [("tak", "Tak"), ("nie", "Nie"), ("nie_wiem", "Nie wiem"), ("nie_dotyczy",
                                                                      "Nie dotyczy")]

#: a complete, valid response (typed values, as tests/support/valid_answers.py writes them)
ANSWERS: dict[str, Any] = {
    **{f"liczba_{i:02d}": 1000 + 37 * i for i in range(1, NUMBERS + 1)},
    **{f"wybor_{i}": OPTIONS[i % len(OPTIONS)][0] for i in range(1, CHOICES + 1)},
    **{f"tekst_{i}": f"Odpowiedź opisowa numer {i}, zażółć gęślą jaźń" for i in
       range(1, TEXTS + 1)},
}
#: the same page answered otherwise: every number, choice and text differs from ``ANSWERS``,
#: so a draft saved alternately with one and the other always stores a change
OTHER_ANSWERS: dict[str, Any] = {
    **{f"liczba_{i:02d}": 2000 + 41 * i for i in range(1, NUMBERS + 1)},
    **{f"wybor_{i}": OPTIONS[(i + 1) % len(OPTIONS)][0] for i in range(1, CHOICES + 1)},
    **{f"tekst_{i}": f"Inna odpowiedź opisowa {i}, źdźbło" for i in range(1, TEXTS + 1)},
}


def definition_text() -> str:
    """The YAML definition (format 1)."""
    lines = [
        "format: 1", f"key: {KEY}", 'version: "1"',
        "title: Ankieta testowa — 40 pytań na jednej stronie",
        "description: Ankieta benchmarku wydajności.", "unit_kinds: [gmina]", "period: annual",
        "choice_lists:", "  odpowiedzi:",
        *[f"    - {{value: {value}, label: {label}}}" for value, label in OPTIONS],
        "sections:", "  - id: s1", "    title: Dane za rok {rok}", "    questions:",
    ]
    for i in range(1, NUMBERS + 1):
        lines += [f"      - id: liczba_{i:02d}", "        type: integer",
                  f"        label: Liczba osób objętych wsparciem w kategorii {i} w roku {{rok}}",
                  "        required: true"]
    for i in range(1, CHOICES + 1):
        lines += [f"      - id: wybor_{i}", "        type: single_choice",
                  f"        label: Czy jednostka prowadziła działanie {i}?",
                  "        choices: odpowiedzi", "        required: true"]
    for i in range(1, TEXTS + 1):
        lines += [f"      - id: tekst_{i}", "        type: text",
                  f"        label: Krótki opis działania {i}"]
    return "\n".join(lines) + "\n"


def write_definition(folder: Path) -> Path:
    """Write the definition into ``folder`` (created) and return the file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{KEY}.yaml"
    path.write_text(definition_text(), encoding="utf-8")
    return path
