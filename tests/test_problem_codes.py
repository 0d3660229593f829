"""One registry of checker problem codes: the analysts' table in survey_defs/README.md is it."""

from __future__ import annotations

import re

import pytest

from forms.problems import CODES, Problem

from support import ROOT

_ROW = re.compile(r"^\| `([a-z_]+)` \| (.+) \|$")


def _readme_table() -> dict[str, str]:
    text = (ROOT / "survey_defs" / "README.md").read_text(encoding="utf-8")
    section = text.split("## Kody błędów sprawdzania", 1)[1].split("\n## ", 1)[0]
    return {m.group(1): m.group(2) for m in map(_ROW.match, section.splitlines()) if m}


def test_readme_lists_exactly_the_registered_codes_with_their_meaning():
    assert _readme_table() == CODES


def test_a_problem_with_an_unregistered_code_is_refused():
    with pytest.raises(ValueError, match="not_a_code"):
        Problem("ankieta.yaml", 3, "not_a_code", "…")
