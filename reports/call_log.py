"""The call log of a round's phone follow-up (CATI) as a workbook.

One row per call: when, which unit, the number dialled, who called, the outcome, the length,
the note and the booked call-back. Notes are typed by staff and names come from the register,
so every text cell goes through the report writer that never lets text become a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from l10n import N_
from reports.xlsx import Translate, _Book, _unchanged, _width

CALLS = N_("Rozmowy")
HEADER = [N_("Data i godzina"), N_("Jednostka"), N_("Rodzaj jednostki"), N_("Kod TERYT"),
          N_("Telefon"), N_("Dzwonił(a)"), N_("Wynik"), N_("Czas rozmowy (min)"), N_("Notatka"),
          N_("Oddzwonić"), N_("Nr odpowiedzi")]


@dataclass(frozen=True)
class CallLogRow:
    """One call, in local time and the reader's language already."""

    called_at: datetime
    unit: str
    unit_kind: str
    teryt: str
    phone: str
    caller: str
    outcome: str
    duration_minutes: float
    note: str
    callback_at: datetime | None
    response_id: int | None


def write_call_log(out: IO[bytes] | str | Path, round_title: str, rows: Sequence[CallLogRow],
                   translate: Translate = _unchanged) -> None:
    """A sheet of calls (frozen header, autofilter) under the round's title."""
    book = _Book(out, translate)
    try:
        ws = book.sheet(CALLS)
        texts = [[r.unit, r.unit_kind, r.teryt, r.phone, r.caller, r.outcome, r.note]
                 for r in rows]
        widths = [18, _width([t[0] for t in texts], 24), _width([t[1] for t in texts]), 10,
                  _width([t[3] for t in texts], 14), _width([t[4] for t in texts], 14),
                  _width([t[5] for t in texts], 16), 10, _width([t[6] for t in texts], 30),
                  18, 10]
        book.header_row(ws, HEADER, widths, len(rows))
        for r, row in enumerate(rows, start=1):
            book.value(ws, r, 0, row.called_at)
            for col, text in enumerate((row.unit, row.unit_kind, row.teryt, row.phone,
                                        row.caller, row.outcome), start=1):
                book.string(ws, r, col, text)
            book.value(ws, r, 7, row.duration_minutes, "decimal")
            if row.note:
                book.string(ws, r, 8, row.note, wrap=True)
            book.value(ws, r, 9, row.callback_at)
            book.value(ws, r, 10, row.response_id, "count")
        book.string(ws, len(rows) + 2, 0, translate(N_("Runda:")) + " " + round_title)
    finally:
        book.close()
