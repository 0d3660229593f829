"""The shared test vectors, and ``python -m forms.expressions`` that prints trees for them.

The JS tests have no parser: they read ``tests/data/expression_vectors_ast.json``, the vectors
with each expression's tree added by ``python -m forms.expressions --vectors FILE``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from forms.expressions.syntax import parse
from forms.expressions.tree import ExpressionError, to_json

DESCRIPTION = "Expression language of esmon questionnaires (a small XLSForm subset)."


def vectors_with_ast(vectors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each vector with an added ``"ast"`` key, for the JS tests (which have no parser)."""
    return [{**v, "ast": to_json(parse(v["expr"], _syntax_format(v)))} for v in vectors]


def _syntax_format(vector: dict[str, Any]) -> int:
    """The expression format (1 or 2) a vector is parsed in; in the calculated-format vectors
    ``format`` names the display format (``money`` …) and the expression is in format 1."""
    value = vector.get("format", 1)
    return value if isinstance(value, int) else 1


def dump_vectors(vectors: list[dict[str, Any]]) -> str:
    """One vector per line, so diffs of the committed files stay readable."""
    lines = [json.dumps(v, ensure_ascii=False) for v in vectors]
    return "[\n" + ",\n".join(f"  {line}" for line in lines) + "\n]\n"


def main(argv: list[str] | None = None) -> int:
    """CLI: print the AST of an expression, or add ASTs to a vectors file."""
    ap = argparse.ArgumentParser(prog="python -m forms.expressions", description=DESCRIPTION)
    ap.add_argument("expression", nargs="?", help="expression to parse")
    ap.add_argument("--vectors", metavar="FILE", help="vectors JSON file; prints it with ASTs")
    ns = ap.parse_args(argv)
    if ns.vectors:
        with open(ns.vectors, encoding="utf-8") as fh:
            text = dump_vectors(vectors_with_ast(json.load(fh)))
    elif ns.expression is not None:
        try:
            text = json.dumps(to_json(parse(ns.expression)), ensure_ascii=False) + "\n"
        except ExpressionError as err:
            sys.stderr.write(f"{err}\n")
            return 1
    else:
        ap.print_usage(sys.stderr)
        return 2
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0
