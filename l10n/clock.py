"""The calendar in Poland: deadlines, reminders and audit days follow Warsaw time, not UTC.

The one home of the Europe/Warsaw zone; everything that asks "what day is it" or shows a time
to people reads it from here, so a server running in UTC never moves a deadline by a day.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

#: the zone every date shown to people and every deadline is reckoned in
POLAND = ZoneInfo("Europe/Warsaw")


def now_in_poland() -> datetime:
    """The current time in Poland (aware)."""
    return datetime.now(POLAND)


def today_in_poland() -> date:
    """Today's date in Poland: a deadline "until 31 March" ends at midnight in Warsaw."""
    return now_in_poland().date()
