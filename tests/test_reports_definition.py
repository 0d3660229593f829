"""Report definition files: the shipped one loads, typos come back with file, line and code."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.loader import load_survey_file
from reports.compose import compose
from reports.definition import default_definition
from reports.frame import build_frame
from reports.model import ChartSpec, KeyFigure, MapSpec, WideTable
from reports.report_file import load_report_file, load_report_text

ROOT = Path(__file__).resolve().parent.parent
SURVEY, _ = load_survey_file(ROOT / "survey_defs" / "jst-annual.yaml")
GOOD = """\
format: 1
key: jst-annual
chapters:
  - id: zamowienia
    title: Zamówienia
    blocks:
      - table: wartosc
        questions: [zam_ogolem_liczba, zam_ogolem_wartosc]
      - map: mapa
        question: klauzule_stosowane
        statistic: odsetek_tak
"""


def test_shipped_report_file_loads():
    definition, problems = load_report_file(ROOT / "survey_defs" / "jst-annual.report.yaml",
                                            SURVEY)
    assert problems == []
    assert [c.id for c in definition.chapters] == ["odpowiedzi", "dokumenty", "zamowienia",
                                                   "zlecanie", "wsparcie", "owes",
                                                   "wskazniki"]


@pytest.mark.parametrize(("typo", "line", "code"), [
    ("        questions: [zam_ogolem_liczba, zam_ogolem_wartoscc]", 8, "unknown_question"),
    ("        statistic: odsetek_takk", 11, "unknown_statistic"),
    ("        statistic: suma", 11, "unknown_statistic"),  # a yes/no question is not summed
    ("        levle: powiat", 8, "unknown_key"),
    ("        level: gmina_typ", 8, "unknown_level"),
    ("      - tabel: wartosc", 7, "bad_block"),
])
def test_a_typo_gives_its_located_code(typo, line, code):
    lines = GOOD.splitlines()
    key = typo.split(":")[0]
    index = next((i for i, text in enumerate(lines) if text.split(":")[0] == key), None)
    if index is None or key.strip() in ("levle", "level"):
        lines.insert(line - 1, typo)
    else:
        lines[index] = typo
    definition, problems = load_report_text("\n".join(lines) + "\n", "jst-annual.report.yaml",
                                            SURVEY)
    assert definition is None
    assert (problems[0].file, problems[0].line, problems[0].code) == (
        "jst-annual.report.yaml", line, code), [str(p) for p in problems]


def test_a_report_file_shapes_the_report():
    definition, _ = load_report_text(GOOD, "jst-annual.report.yaml", SURVEY)
    frame = build_frame([{
        "unit_id": 1, "unit_name": "Gmina", "unit_kind": "gmina", "territory": "160402",
        "rodz": "3", "powiat_name": "kluczborski", "wojewodztwo_name": "OPOLSKIE",
        "status": "submitted",
        "answers": {"zam_ogolem_liczba": 4, "zam_ogolem_wartosc": "10.00",
                    "klauzule_stosowane": "yes"}}], SURVEY)
    report = compose("regional", "R", frame, definition, ["powiat"])
    [chapter] = report.chapters
    table, chart_table, shown_map = chapter.blocks
    assert isinstance(table, WideTable)
    assert [c.label for c in table.columns][:2] == [
        "Liczba udzielonych zamówień ogółem (w tym poniżej 130 000 zł, jeśli ewidencjonowane)"
        " — suma", "Łączna wartość udzielonych zamówień (netto) — suma"]
    assert table.value("zam_ogolem_liczba:suma") == 4
    assert isinstance(chart_table, WideTable)  # the map's own table (no earlier one has it)
    assert isinstance(shown_map, MapSpec)
    assert report.table(shown_map.table).series(shown_map.column)[0][1] == 1.0


def test_no_report_file_default_has_a_chapter_per_section():
    definition = default_definition(SURVEY)
    ids = [c.id for c in definition.chapters]
    assert ids[0] == "odpowiedzi"
    assert ids[-1] == "wskazniki"
    assert {s.id for s in SURVEY.sections} - {"z"} <= set(ids)
    kinds = {i.kind for c in definition.chapters for i in c.items}
    assert kinds == {"responses", "chart", "map", "table", "indicators"}
    assert not [b for b in (ChartSpec, KeyFigure) if b is None]
