"""Charts and maps in the workbook: native Excel charts over their data, maps as images.

A chapter's chart (``reports.model.ChartSpec``) is a native chart reading the cells of the
wide table written above it in the same sheet — editable in Excel or LibreOffice, unlike a
picture, and never a second copy of the numbers; a chapter's map is its PNG under the table
it colours; the indicators chapter gets the chart against the targets with its own small
table. Importing this module registers these drawers in ``reports.xlsx_chapters.DRAWERS``.
"Wykresy" holds the year-over-year charts (their data table beside each). Sheets are written
top to bottom (the workbook runs in ``constant_memory`` mode).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from l10n import N_
from reports import model
from reports.charts import BASELINE, TARGET, ChartSpec
from reports.xlsx_chapters import DRAWERS

CHARTS = N_("Wykresy")
MAPS = N_("Mapy")
_MAP_HEADER = (N_("Obszar"), N_("Wartość"), N_("Klasa"))
_ROW_PX = 20
#: a map's PNG (150 dpi, a page wide) in a chapter sheet: about 380 px wide
_MAP_SCALE = 0.4
_NUM_FORMATS = {"share": "0.0%", "pct": "0.0%", "count": "#,##0", "money": '#,##0.00 "zł"',
                "decimal": "#,##0.00"}
#: chart axes and labels: whole złote are enough to read a bar
_CHART_FORMATS = {**_NUM_FORMATS, "money": '#,##0 "zł"', "share": "0%"}
_COLORS = ("#3182BD", "#9ECAE1", "#08519C")
Translate = Callable[[str], str]


class FigureSheets:
    """Writes the two sheets with the workbook's own header format."""

    def __init__(self, wb: Workbook, header: Any, write_text: Callable[..., None],
                 translate: Translate,
                 new_sheet: Callable[[str, str], Worksheet] | None = None):
        self.wb, self.header, self.t = wb, header, translate
        #: the workbook's own sheet maker (its page header and footer, the sheet of contents)
        self._new_sheet = new_sheet
        #: the workbook's text writer: a name from the register never becomes a formula
        self._text = write_text
        self.number_formats = {k: wb.add_format({"num_format": v})
                               for k, v in _NUM_FORMATS.items()}
        self.title = wb.add_format({"bold": True, "font_size": 12})

    def sheet(self, name: str, about: str = "") -> Worksheet:
        """A sheet that prints as A4 landscape, a table and its chart side by side."""
        if self._new_sheet is not None:
            return self._new_sheet(name, about)
        ws = self.wb.add_worksheet(self.t(name)[:31])
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_footer("&C&P / &N")
        return ws

    def maps(self, specs: list[Any], png: Callable[[Any], bytes]) -> None:
        """Maps of a report without chapters ("Mapy"): each map's table, then its PNG —
        the table is the map's text alternative and what a reader who cannot tell the blues
        apart reads."""
        ws = self.sheet(MAPS, N_("Mapy z tabelami wartości, które pokazują"))
        ws.set_column(0, 0, 28)
        ws.set_column(1, 2, 16)
        row = 0
        for spec in specs:
            ws.write_string(row, 0, self.t(spec.title), self.title)
            row += 1
            for col, name in enumerate(_MAP_HEADER):
                ws.write_string(row, col, self.t(name), self.header)
            for area, value, klass in spec.rows("pl_PL", self.t):
                row += 1
                for col, text in enumerate((area, value, klass)):
                    self._text(ws, row, col, text)
            row += 2
            picture = png(spec)
            _, height = _png_size(picture)
            ws.insert_image(row, 0, f"mapa-{row}.png",
                            {"image_data": io.BytesIO(picture), "x_scale": _MAP_SCALE,
                             "y_scale": _MAP_SCALE, "object_position": 3})
            row += 2 + int(height * _MAP_SCALE) // _ROW_PX
            for note in spec.notes:
                self._text(ws, row, 0, self.t(note))
                row += 1
            row += 1

    def charts(self, specs: list[ChartSpec]) -> None:
        ws = self.sheet(CHARTS, N_("Wykresy rok do roku, każdy obok tabeli swoich danych"))
        ws.set_column(0, 0, 36)
        ws.set_column(1, 5, 18)
        row, page_top, breaks = 0, 0, []
        # the widest block sets the print scale of the whole sheet
        per_page = min((_rows_per_page(spec) for spec in specs), default=0)
        for spec in specs:
            end = self._chart(ws, spec, row)
            # a table with its chart never splits across two printed pages
            if end - page_top > per_page and row > page_top:
                breaks.append(row)
                page_top = row
            row = end
        ws.set_h_pagebreaks(breaks)

    def _chart(self, ws: Worksheet, spec: ChartSpec, row: int) -> int:
        t = self.t
        ws.write_string(row, 0, t(spec.title), self.title)
        numeric = [(t(s.name), s.values, spec.fmt) for s in spec.series]
        if spec.kind == "target":
            numeric += [(t(TARGET), [1.0] * len(spec.categories), "share"),
                        (t(BASELINE), spec.baselines, "share")]
        header = [t(N_("Kategoria")), *(name for name, _, _ in numeric),
                  *(t(name) for name, _ in spec.details)]
        for c, name in enumerate(header):
            ws.write_string(row + 1, c, name, self.header)
        first = row + 2
        for i, category in enumerate(spec.categories):
            r = first + i
            self._text(ws, r, 0, category)
            for c, (_, values, fmt) in enumerate(numeric, start=1):
                value = values[i]
                if value is not None:
                    ws.write_number(r, c, float(value), self.number_formats[fmt])
            for c, (_, texts) in enumerate(spec.details, start=1 + len(numeric)):
                self._text(ws, r, c, texts[i])
        last = first + len(spec.categories) - 1
        sheet = ws.get_name()
        chart = self._native(spec, sheet, first, last, numeric)
        height = (60 + 22 * len(spec.categories) * max(1, len(spec.series))
                  if spec.kind == "bars" else 340)
        chart.set_size({"width": 620, "height": height})
        ws.insert_chart(row, len(header) + 1, chart)
        return max(last + 3, row + height // _ROW_PX + 2)

    def _native(self, spec: ChartSpec, sheet: str, first: int, last: int,
                numeric: list[tuple[str, list, str]]):
        categories = [sheet, first, 0, last, 0]
        num_format = _CHART_FORMATS[spec.fmt]
        if spec.kind == "target":
            chart = self.wb.add_chart({"type": "column"})
            chart.add_series({"name": numeric[0][0], "categories": categories,
                              "values": [sheet, first, 1, last, 1],
                              "fill": {"color": _COLORS[0]},
                              "data_labels": {"value": True, "num_format": "0%"}})
            marks = self.wb.add_chart({"type": "line"})
            marks.add_series({"name": numeric[1][0], "categories": categories,
                              "values": [sheet, first, 2, last, 2], "line": {"none": True},
                              "marker": {"type": "dash", "size": 14,
                                         "fill": {"color": "#B2182B"},
                                         "border": {"color": "#B2182B"}}})
            marks.add_series({"name": numeric[2][0], "categories": categories,
                              "values": [sheet, first, 3, last, 3], "line": {"none": True},
                              "marker": {"type": "diamond", "size": 7,
                                         "fill": {"color": "#555555"},
                                         "border": {"color": "#555555"}}})
            chart.combine(marks)
            chart.set_y_axis({"num_format": "0%", "min": 0})
            chart.set_legend({"position": "top"})
        else:
            chart = self.wb.add_chart({"type": "bar"})
            for j, (name, _, _) in enumerate(numeric):
                chart.add_series({"name": name, "categories": categories,
                                  "values": [sheet, first, 1 + j, last, 1 + j],
                                  "fill": {"color": _COLORS[j % len(_COLORS)]},
                                  "data_labels": {"value": True, "num_format": num_format}})
            chart.set_y_axis({"reverse": True})
            chart.set_x_axis({"num_format": num_format, "min": 0})
            chart.set_legend({"none": True} if len(numeric) == 1 else {"position": "bottom"})
        chart.set_title({"name": self.t(spec.title), "name_font": {"size": 11}})
        return chart


def _rows_per_page(spec: ChartSpec) -> int:
    """Rows of the "Wykresy" sheet on one printed page (A4 landscape, fitted to the width).

    Why: the sheet is scaled so that its columns and the chart beside them fill the page's
    width; the wider that is, the more rows fit under it. A little is kept in reserve, as
    the spreadsheet's own rounding differs.
    """
    columns = 1 + len(spec.series) + (2 if spec.kind == "target" else 0) + len(spec.details)
    widths = [36] + [18] * min(columns, 5) + [8.43] * max(0, columns - 5)
    sheet_px = sum(int(w * 7 + 5) for w in widths) + 620
    page_width_px, page_height_px = (11.69 - 1.0) * 96, (8.27 - 1.5) * 96
    scale = min(1.0, page_width_px / sheet_px)
    return int(page_height_px / scale / _ROW_PX * 0.9)


def _png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def draw_chart(book: Any, ws: Worksheet, row: int, block: model.ChartSpec,
               report: model.Report) -> int:
    """A native bar chart over the chapter's table (its groups; the rate with the total)."""
    drawn = book.figures.drawn.get(block.id) if book.figures is not None else None
    placed = book.placed.get(block.table)
    if drawn is None or placed is None or drawn.empty:
        return row
    sheet, first, columns = placed
    last = first + len(drawn.categories) - 1
    col = columns[block.column]
    num_format = _CHART_FORMATS.get(block.fmt, "General")
    chart = book.wb.add_chart({"type": "bar"})
    chart.add_series({"name": book.t(drawn.title), "categories": [sheet, first, 0, last, 0],
                      "values": [sheet, first, col, last, col],
                      "fill": {"color": _COLORS[0]},
                      "data_labels": {"value": True, "num_format": num_format}})
    chart.set_y_axis({"reverse": True})
    chart.set_x_axis({"num_format": num_format, "min": 0})
    chart.set_legend({"none": True})
    chart.set_title({"name": book.t(drawn.title), "name_font": {"size": 11}})
    height = 60 + 16 * len(drawn.categories)
    chart.set_size({"width": 640, "height": height})
    ws.insert_chart(row, 0, chart)
    return row + height // _ROW_PX + 2


def draw_map(book: Any, ws: Worksheet, row: int, block: model.MapSpec,
             report: model.Report) -> int:
    """The map's PNG under the table it colours (the table is its text alternative)."""
    drawn = book.figures.drawn.get(block.id) if book.figures is not None else None
    if drawn is None:
        return row
    ws.write_string(row, 0, book.t(drawn.title), book.caption)
    picture = book.figures.png(drawn, book.t, "pl_PL")
    _, height = _png_size(picture)
    ws.insert_image(row + 1, 0, f"{block.id}.png",
                    {"image_data": io.BytesIO(picture), "x_scale": _MAP_SCALE,
                     "y_scale": _MAP_SCALE, "object_position": 3})
    row += 2 + int(height * _MAP_SCALE) // _ROW_PX
    for note in drawn.notes:
        book.string(ws, row, 0, book.t(note))
        row += 1
    return row + 1


def draw_indicators(book: Any, ws: Worksheet, row: int, block: model.IndicatorBlock,
                    report: model.Report) -> int:
    """The chart against the targets (value, target mark, baseline) with its table."""
    drawn = book.figures.drawn.get(block.id) if book.figures is not None else None
    if drawn is None:
        return row
    sheets = FigureSheets(book.wb, book.header, book.string, book.t)
    return sheets._chart(ws, drawn, row)


DRAWERS[model.ChartSpec] = draw_chart
DRAWERS[model.MapSpec] = draw_map
DRAWERS[model.IndicatorBlock] = draw_indicators
