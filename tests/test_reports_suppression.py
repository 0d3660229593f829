"""Small-cell suppression: counts 1–2 become "<3" and a complementary cell hides them."""

from __future__ import annotations

from pathlib import Path

from forms.loader import load_survey_file
from reports.aggregate import COUNT, MEAN, SUM, TOTAL, aggregate
from reports.frame import build_frame
from reports.suppression import COMPLEMENT, SMALL, hide, suppress

ROOT = Path(__file__).resolve().parent.parent
SURVEY, _ = load_survey_file(ROOT / "survey_defs" / "cis-annual.yaml")
TABLE = "uczestnicy_wg_przeslanki"
ROWS = [r.id for r in SURVEY.question(TABLE).rows]


def cis(uid: int, territory: str, cells: dict[tuple[str, str], int]) -> dict:
    table = {row: {"kobiety": 0, "mezczyzni": 0} for row in ROWS}
    for (row, col), value in cells.items():
        table[row][col] = value
    return {"unit_id": uid, "unit_name": f"CIS {uid}", "unit_kind": "cis",
            "territory": territory, "rodz": "3", "powiat_name": territory[:4],
            "wojewodztwo_name": "OPOLSKIE", "status": "submitted",
            "answers": {TABLE: table, "uczestnicy_ogolem": sum(cells.values())}}


def aggregated():
    frame = build_frame([
        cis(1, "160401", {("bezdomni", "kobiety"): 1, ("bezdomni", "mezczyzni"): 5,
                          ("uzaleznieni_alkohol", "kobiety"): 4,
                          ("uzaleznieni_alkohol", "mezczyzni"): 6}),
        cis(2, "160701", {("bezdomni", "kobiety"): 7, ("bezdomni", "mezczyzni"): 8,
                          ("uzaleznieni_alkohol", "kobiety"): 2,
                          ("uzaleznieni_alkohol", "mezczyzni"): 9}),
        cis(3, "160901", {("bezdomni", "kobiety"): 30, ("bezdomni", "mezczyzni"): 30,
                          ("uzaleznieni_alkohol", "kobiety"): 30,
                          ("uzaleznieni_alkohol", "mezczyzni"): 30}),
    ], SURVEY)
    return frame, aggregate(frame, "powiat")


def cell(row: str, col: str) -> str:
    return f"{TABLE}__{row}__{col}"


def test_small_counts_are_hidden_and_cannot_be_recovered():
    frame, agg = aggregated()
    hidden = suppress(agg, frame.columns)
    assert hidden.value(cell("bezdomni", "kobiety"), SUM, "1604 1604") == SMALL
    assert hidden.value(cell("uzaleznieni_alkohol", "kobiety"), SUM, "1607 1607") == SMALL
    # without suppression the small numbers are there
    assert agg.value(cell("bezdomni", "kobiety"), SUM, "1604 1604") == 1
    groups = [*hidden.groups, TOTAL]
    sums = hidden.table[hidden.table["miara"] == SUM].set_index("kolumna")
    marks = {(name, g): sums.at[name, g] for name in sums.index if name.startswith(TABLE)
             for g in groups}
    assert not any(v in (1, 2) for v in marks.values())
    # every line that adds up to a published total hides none or at least two cells
    for g in groups:
        for row in ROWS:
            line = [marks[(cell(row, c), g)] for c in ("kobiety", "mezczyzni")]
            assert sum(v in (SMALL, COMPLEMENT) for v in line) != 1, (g, row, line)
        for col in ("kobiety", "mezczyzni"):
            line = [marks[(cell(row, col), g)] for row in ROWS]
            assert sum(v in (SMALL, COMPLEMENT) for v in line) != 1, (g, col, line)
    for row in ROWS:
        for col in ("kobiety", "mezczyzni"):
            line = [marks[(cell(row, col), g)] for g in hidden.groups]
            assert sum(v in (SMALL, COMPLEMENT) for v in line) != 1, (row, col, line)
    # the row's complement is the other cell, the cells of zero stay visible
    assert marks[(cell("bezdomni", "mezczyzni"), "1604 1604")] == COMPLEMENT
    assert marks[(cell("inne", "kobiety"), "1604 1604")] == 0


def test_sensitive_cells_publish_only_count_and_sum():
    frame, agg = aggregated()
    hidden = suppress(agg, frame.columns)
    measures = set(hidden.table.loc[hidden.table["kolumna"] == cell("bezdomni", "kobiety"),
                                    "miara"])
    assert measures == {COUNT, SUM}
    assert hidden.value("uczestnicy_ogolem", MEAN) is not None


def test_complement_prefers_the_smallest_non_zero_cell():
    values = {("a", "g"): 2, ("b", "g"): 0, ("c", "g"): 9, ("d", "g"): 5}
    assert hide(values, [list(values)]) == {("a", "g"): SMALL, ("d", "g"): COMPLEMENT}
    assert hide({("a", "g"): 3, ("b", "g"): 0}, [[("a", "g"), ("b", "g")]]) == {}
