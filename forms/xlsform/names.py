"""XLSForm names → esmon identifiers, and expressions rewritten to the new names.

XLSForm allows names esmon does not (``Q1_Age``, ``wiek-osoby``, ``year``): a name is made an
esmon identifier (lowercase, ``_`` for other characters, a reserved name gets ``_odp``) and
every ``${name}`` in every expression follows it, so the form means the same.
"""

from __future__ import annotations

import re

from forms.loader import ID_PATTERN, KEY_PATTERN, RESERVED_NAMES

_REF_RE = re.compile(r"\$\{([^}]*)\}")
_NOT_ID_CHARACTER = re.compile(r"[^a-z0-9_]+")
_NOT_KEY_CHARACTER = re.compile(r"[^a-z0-9-]+")
#: the suffix a reserved name gets (``year`` → ``year_odp``)
RESERVED_SUFFIX = "_odp"


def esmon_id(name: str) -> str:
    """The esmon identifier for an XLSForm name (may still be invalid: the caller checks)."""
    text = _NOT_ID_CHARACTER.sub("_", name.strip().lower())
    text = re.sub(r"_{2,}", "_", text).strip("_")
    if text and not text[0].isalpha():
        text = "pyt_" + text  # a name starting with a digit
    text = text[:60]
    if text in RESERVED_NAMES:
        text += RESERVED_SUFFIX
    return text


def valid_id(identifier: str) -> bool:
    return bool(ID_PATTERN.match(identifier)) and "__" not in identifier


def esmon_key(form_id: str) -> str:
    """A survey key (``[a-z][a-z0-9-]``) from the form id or the file name."""
    text = _NOT_KEY_CHARACTER.sub("-", form_id.strip().lower().replace("_", "-"))
    text = re.sub(r"-{2,}", "-", text).strip("-")
    if text and not text[0].isalpha():
        text = "ankieta-" + text
    text = text[:64].rstrip("-")
    return text if KEY_PATTERN.match(text) else "ankieta-xlsform"


def rename_references(expression: str, names: dict[str, str]) -> str:
    """``${Old}`` → ``${new}`` for every name of the form; unknown names are left as they are
    (the checker reports them with their place)."""
    return _REF_RE.sub(lambda m: "${" + names.get(m.group(1).strip(), m.group(1)) + "}",
                       expression)
