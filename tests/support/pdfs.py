"""Reading a printed report back: each page's lines and the contents page's entries; the
LibreOffice that prints workbooks the way a user's "print to PDF" does."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from pypdf import PdfReader

_ENTRY = re.compile(r"^(\d+\. .*?)[\s.…]*?(\d+)$")


def page_lines(pdf: Path) -> list[list[str]]:
    """The text lines of every page."""
    return [(page.extract_text() or "").splitlines() for page in PdfReader(str(pdf)).pages]


def contents_entries(page: list[str]) -> dict[str, int]:
    """"1. Title …… 3" lines of a contents page as title → page number, in order."""
    entries = {}
    for line in page:
        found = _ENTRY.match(line.strip())
        if found:
            entries[found.group(1).rstrip(" .")] = int(found.group(2))
    return entries


def office_binary() -> str | None:
    """LibreOffice's ``soffice``, which the tests print workbooks with, or ``None``."""
    return shutil.which("soffice") or shutil.which("libreoffice")
