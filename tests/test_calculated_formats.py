"""One value, one meaning (issue 12, item 5): a calculated value is stored exactly as the page
shows it. The vectors (tests/data/format_vectors.json) hold, for each expression and format,
the stored value and the text shown; the same file drives tests/js/formats.test.js, so the
browser's ``EsmonExpr.formatCalculated`` and the server's ``CalculatedType`` cannot drift."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from forms.expressions import EvalContext, evaluate, parse
from forms.expressions.vectors import dump_vectors, vectors_with_ast
from forms.types.calculated import CalculatedType

ROOT = Path(__file__).resolve().parent.parent
VECTORS_FILE = ROOT / "tests" / "data" / "format_vectors.json"
AST_FILE = ROOT / "tests" / "data" / "format_vectors_ast.json"
VECTORS = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))
KIND = CalculatedType()


def _question(fmt: str) -> SimpleNamespace:
    return SimpleNamespace(format=fmt, places=2, grouping=True)


@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{v['format']}:{v['expr']}")
def test_stored_value_is_what_the_page_shows(vector):
    question = _question(vector["format"])
    value = evaluate(parse(vector["expr"]), EvalContext(answers=vector["answers"]))
    stored = KIND.stored(value, question)
    assert stored == vector["stored"]
    if stored is not None:
        assert KIND.display(stored, question) == vector["shown"]


def test_every_format_has_vectors():
    assert {v["format"] for v in VECTORS} == {"integer", "decimal", "money", "percent", "text"}


def test_format_vectors_ast_file_is_current():
    assert AST_FILE.read_text(encoding="utf-8") == dump_vectors(vectors_with_ast(VECTORS)), (
        "run: python -m forms.expressions --vectors tests/data/format_vectors.json "
        "> tests/data/format_vectors_ast.json")


#: the places and suffix tests/js/formats.test.js gives each format
JS_FORMATS = {"integer": (0, ""), "decimal": (2, ""), "money": (2, " zł"), "percent": (2, "%")}


@pytest.mark.parametrize(("fmt", "expected"), JS_FORMATS.items())
def test_the_page_gets_the_places_and_suffix_the_js_test_uses(fmt, expected):
    entry = KIND.browser_entry(_question(fmt))
    assert (entry["places"], entry["suffix"]) == expected
