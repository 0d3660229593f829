"""Charts and maps in the workbook: native Excel charts over their data, maps as images.

"Wykresy": for each ``ChartSpec`` its data table (what the chart shows, as numbers a
coordinator can copy) and beside it a native chart reading that range — editable in Excel or
LibreOffice, unlike a picture. "Mapy": each map as a PNG with its table of values beside it.
Both sheets are written top to bottom (the workbook runs in ``constant_memory`` mode).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from l10n import N_
from reports import images
from reports.charts import BASELINE, TARGET, ChartSpec
from reports.maps import MapSpec

CHARTS, MAPS = N_("Wykresy"), N_("Mapy")
_ROW_PX = 20
_NUM_FORMATS = {"share": "0.0%", "pct": "0.0%", "count": "#,##0", "money": '#,##0.00 "zł"',
                "decimal": "#,##0.00"}
#: chart axes and labels: whole złote are enough to read a bar
_CHART_FORMATS = {**_NUM_FORMATS, "money": '#,##0 "zł"', "share": "0%"}
_COLORS = ("#3182BD", "#9ECAE1", "#08519C")
Translate = Callable[[str], str]


class FigureSheets:
    """Writes the two sheets with the workbook's own header format."""

    def __init__(self, wb: Workbook, header: Any, write_text: Callable[..., None],
                 translate: Translate):
        self.wb, self.header, self.t = wb, header, translate
        #: the workbook's text writer: a name from the register never becomes a formula
        self._text = write_text
        self.number_formats = {k: wb.add_format({"num_format": v})
                               for k, v in _NUM_FORMATS.items()}
        self.title = wb.add_format({"bold": True, "font_size": 12})

    def sheet(self, name: str) -> Worksheet:
        """A sheet that prints as A4 landscape, a table and its chart side by side."""
        ws = self.wb.add_worksheet(self.t(name)[:31])
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_footer("&C&P / &N")
        return ws

    def charts(self, specs: list[ChartSpec]) -> None:
        ws = self.sheet(CHARTS)
        ws.set_column(0, 0, 36)
        ws.set_column(1, 5, 18)
        row = 0
        for spec in specs:
            row = self._chart(ws, spec, row)

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

    def maps(self, specs: list[MapSpec]) -> None:
        ws = self.sheet(MAPS)
        ws.set_column(0, 0, 30)
        ws.set_column(1, 2, 14)
        row = 0
        for spec in specs:
            ws.write_string(row, 0, self.t(spec.title), self.title)
            for c, name in enumerate((N_("Obszar"), N_("Wartość"), N_("Klasa"))):
                ws.write_string(row + 1, c, self.t(name), self.header)
            rows = spec.rows(translate=self.t)
            for i, values in enumerate(rows):
                for c, value in enumerate(values):
                    self._text(ws, row + 2 + i, c, value)
            picture = images.png(images.map_figure(spec, self.t))
            ws.insert_image(row, 4, f"{spec.level}.png",
                            {"image_data": io.BytesIO(picture), "x_scale": 0.5,
                             "y_scale": 0.5, "object_position": 3})
            for i, note in enumerate(spec.notes):
                self._text(ws, row + 3 + len(rows) + i, 0, self.t(note))
            row += max(len(rows) + len(spec.notes) + 4, 30)
