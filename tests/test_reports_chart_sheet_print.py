"""The workbook's "Wykresy" sheet prints like the others: the report's title and the sheet in
the page header, "strona n z m" in the footer, listed in the contents, and no table with its
chart split across two printed pages."""

from __future__ import annotations

import io

import openpyxl
import xlsxwriter

from reports.chart_xlsx import CHARTS, FigureSheets, _rows_per_page
from reports.charts import ChartSpec, Series


def _spec(n: int, categories: int) -> ChartSpec:
    names = [f"powiat {i}" for i in range(categories)]
    return ChartSpec("bars", f"Wykres {n}", names,
                     [Series("poprzednia runda", [0.5] * categories),
                      Series("bieżąca runda", [0.6] * categories)], "share")


def test_each_chart_block_starts_a_page_when_it_would_not_fit():
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"in_memory": True})
    header = wb.add_format({"bold": True})
    made: list[tuple[str, str]] = []

    def new_sheet(name: str, about: str):
        made.append((name, about))
        ws = wb.add_worksheet(name)
        ws.set_footer("&Cstrona &P z &N")
        return ws

    sheets = FigureSheets(wb, header, lambda ws, r, c, text: ws.write_string(r, c, text),
                          str, new_sheet=new_sheet)
    specs = [_spec(n, 13 if n % 2 else 2) for n in range(10)]
    sheets.charts(specs)
    wb.close()
    assert [name for name, _ in made] == [CHARTS]
    assert made[0][1]  # what the sheet holds, for the contents
    ws = openpyxl.load_workbook(io.BytesIO(out.getvalue()))[CHARTS]
    assert "strona" in ws.oddFooter.center.text
    titles = [cell.row - 1 for cell in ws["A"] if str(cell.value).startswith("Wykres ")]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks  # ten blocks do not fit on one page
    assert set(breaks) <= set(titles)  # a page starts with a block's title
    per_page = _rows_per_page(specs[0])
    tops = [0, *breaks, ws.max_row]
    # every page holds whole blocks and no more rows than a page prints
    for top, bottom in zip(tops, tops[1:], strict=False):
        blocks = [t for t in titles if top <= t < bottom]
        assert blocks
        assert bottom - top <= per_page or len(blocks) == 1
