"""Reading the report workbook back the way a person reads its chapter sheets."""

from __future__ import annotations


def _trimmed(values: list) -> list:
    while len(values) > 2 and values[-1] is None:
        values.pop()
    return values


def chapter_tables(book) -> dict[str, tuple[list, dict]]:
    """Every wide table of the chapter sheets: (sheet, caption) → (header, {group: values})."""
    found = {}
    for sheet in book.worksheets:
        if not sheet.title[:1].isdigit():
            continue
        rows = [_trimmed([c.value for c in r]) for r in sheet.iter_rows()]
        for i, row in enumerate(rows[:-1]):
            header = rows[i + 1]
            # a caption "<title> — <level>" over a header row starting with the level
            if isinstance(row[0], str) and row[1] is None and header[0] and header[1] and \
                    row[0].endswith(f" — {header[0]}"):
                body = {}
                for values in rows[i + 2:]:
                    if values[0] is None:
                        break
                    body[values[0]] = values
                found[(sheet.title, row[0])] = (header, body)
    return found
