"""Limits on what an uploaded register file may hold, and how its values are echoed back.

A register import reads a file a person chose — or one made to hurt: a million rows, a 50 MB
cell inside a 52 KB XLSX, a ZIP that inflates a thousandfold, YAML aliases of aliases. Each is
refused early with a located Polish message, and no value from the file ever reaches a page,
a log or the console longer than ``ECHO_LIMIT`` characters.

One place for the caps, so every importer (units, JST e-mails, TERC, subregions) has the same.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from typing import TypeVar

from flask_babel import gettext, ngettext

#: data rows in one register file (a national deployment has about 6 000 units; TERC ~4 000)
MAX_ROWS = 20_000
#: characters in one cell of a register file (the longest column, e-mails, needs far less)
MAX_CELL_CHARS = 2_000
#: bytes a ZIP (a TERC archive, an XLSX workbook) may inflate to, all members together
MAX_INFLATED_BYTES = 25 * 1024 * 1024
#: problems listed on a page or the console; the rest are counted
MAX_LISTED_PROBLEMS = 100
#: characters of a value from a file quoted back in a message
ECHO_LIMIT = 80
#: control characters no register text may hold (tab, line feed and carriage return may)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

T = TypeVar("T")


class UploadTooLarge(ValueError):
    """The file is beyond one of the caps; the message (Polish) says which and where."""


def echo(value: object, limit: int = ECHO_LIMIT) -> str:
    """A value from a file as a message may quote it: at most ``limit`` characters.

    Control characters are shown as ``\\xNN`` (a NUL must not reach the page or the
    database), and a longer value ends with ``…`` and its full length.
    """
    text = str(value)
    clipped = text[:limit]
    clipped = CONTROL_CHARACTERS.sub(lambda m: f"\\x{ord(m.group()):02x}", clipped)
    if len(text) > limit:
        return clipped + "… " + ngettext("(%(num)d znak)", "(%(num)d znaki)", len(text))
    return clipped


def control_character_problem(text: str) -> str | None:
    """A Polish message naming the first control character in ``text``, or ``None``."""
    found = CONTROL_CHARACTERS.search(text)
    if found is None:
        return None
    return gettext("niedozwolony znak sterujący U+%(code)s na pozycji %(position)s",
                   code=f"{ord(found.group()):04X}", position=found.start() + 1)


def too_long_problem(text: str, limit: int) -> str | None:
    """A Polish message when ``text`` is longer than its column allows, or ``None``."""
    if len(text) <= limit:
        return None
    return ngettext("tekst ma %(num)d znak, dopuszczalne najwyżej %(limit)s",
                    "tekst ma %(num)d znaków, dopuszczalne najwyżej %(limit)s",
                    len(text), limit=limit)


def check_zip_size(data: bytes, what: str) -> None:
    """Refuse a ZIP whose members would inflate beyond ``MAX_INFLATED_BYTES``.

    Reads only the central directory (``ZipInfo.file_size``), before anything is inflated.
    A member that claims less than it holds is caught too: inflating stops at the cap
    (``read_member``).

    :raise UploadTooLarge: with the sizes, in Polish
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return  # the reader says the file is broken, in its own words
    if total > MAX_INFLATED_BYTES:
        raise UploadTooLarge(gettext(
            "%(what)s po rozpakowaniu zajmuje %(size)s MB, dopuszczalne najwyżej %(limit)s MB.",
            what=what, size=total // (1024 * 1024), limit=MAX_INFLATED_BYTES // (1024 * 1024)))


def read_member(archive: zipfile.ZipFile, name: str, what: str) -> bytes:
    """One member of an archive, inflated at most to ``MAX_INFLATED_BYTES``.

    :raise UploadTooLarge: when the member inflates beyond the cap (whatever it claimed)
    """
    with archive.open(name) as member:
        data = member.read(MAX_INFLATED_BYTES + 1)
    if len(data) > MAX_INFLATED_BYTES:
        raise UploadTooLarge(gettext(
            "%(what)s po rozpakowaniu zajmuje ponad %(limit)s MB.",
            what=what, limit=MAX_INFLATED_BYTES // (1024 * 1024)))
    return data


def too_many_rows(count: int) -> str:
    """The message for a file with more than ``MAX_ROWS`` data rows."""
    return gettext("Plik ma więcej niż %(limit)s wierszy danych (znaleziono co najmniej "
                   "%(count)s); podziel go na mniejsze części.", limit=MAX_ROWS, count=count)


def listed(problems: Sequence[T]) -> tuple[Sequence[T], int]:
    """The problems to list (the first ``MAX_LISTED_PROBLEMS``) and how many more there are."""
    return problems[:MAX_LISTED_PROBLEMS], max(0, len(problems) - MAX_LISTED_PROBLEMS)
