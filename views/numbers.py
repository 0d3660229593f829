"""Whole numbers from addresses and query strings, bounded to what the database holds.

An id or a page number of twenty digits is nobody's: on PostgreSQL it would not even fit the
column type and the query would fail with a 500. Ids beyond the 32-bit range answer 404
(the ``int`` URL converter is replaced); page numbers are clamped.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from werkzeug.routing import IntegerConverter

#: the largest value of a 32-bit integer column (PostgreSQL ``integer``)
DB_INT_MAX = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    """``<int:…>`` that matches only ids a database column can hold (others are 404)."""

    def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


def bounded_id(args: Mapping, name: str) -> int | None:
    """An id from a query string, or ``None`` when missing, not a number or out of range."""
    try:
        value = int(args.get(name, ""))
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= DB_INT_MAX else None


def page_number(args: Mapping, name: str = "strona", last: int | None = None) -> int:
    """A page number from a query string: at least 1, at most ``last`` (when given)."""
    try:
        page = int(args.get(name, 1))
    except (TypeError, ValueError):
        page = 1
    page = max(1, min(page, DB_INT_MAX))
    return min(page, last) if last else page


def install(app: Flask) -> None:
    """Call before the blueprints are registered: their rules take the converter then."""
    app.url_map.converters["int"] = BoundedIntegerConverter
