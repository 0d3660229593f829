"""Expression language: parser, evaluator, JSON AST and the vectors shared with the JS evaluator."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from forms.expressions import (
    FUNCTIONS,
    MAX_DEPTH,
    REGISTRY,
    BinOp,
    Call,
    EvalContext,
    Expression,
    ExpressionError,
    Neg,
    Num,
    Ref,
    SelfRef,
    Str,
    check_references,
    dump_vectors,
    evaluate,
    from_json,
    functions_used,
    parse,
    previous_references,
    references,
    to_json,
    to_source,
    to_text,
    truthy,
    uses_self,
    vectors_with_ast,
)

ROOT = Path(__file__).resolve().parent.parent
VECTORS_FILE = ROOT / "tests" / "data" / "expression_vectors.json"
AST_FILE = ROOT / "tests" / "data" / "expression_vectors_ast.json"
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))

TABLE = {"r1": {"c1": 1, "c2": 2}, "r2": {"c1": "3.5", "c2": None}}


def ev(source: str, answers: dict[str, Any] | None = None, **kw: Any) -> Any:
    return evaluate(parse(source), EvalContext(answers=answers or {}, **kw))


def D(x: str | int) -> Decimal:  # noqa: N802 - reads like a literal
    return Decimal(str(x))


def expected_value(x: Any) -> Any:
    """JSON expected value -> what Python returns (numbers as Decimal)."""
    if x is None or isinstance(x, bool | str):
        return x
    if isinstance(x, int | float):
        return Decimal(str(x))
    if isinstance(x, list):
        return [expected_value(i) for i in x]
    return {k: expected_value(i) for k, i in x.items()}


def same(actual: Any, expected: Any) -> bool:
    """Equal with equal types: True is not 1 and None is not 0."""
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, list):
        return len(actual) == len(expected) and all(map(same, actual, expected))
    if isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(same(actual[k], expected[k])
                                                        for k in expected)
    return actual == expected


# -- parser ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "ast"), [
    ("1 + 2 * 3", BinOp("+", Num("1"), BinOp("*", Num("2"), Num("3")))),
    ("(1 + 2) * 3", BinOp("*", BinOp("+", Num("1"), Num("2")), Num("3"))),
    ("10 - 4 - 3", BinOp("-", BinOp("-", Num("10"), Num("4")), Num("3"))),
    ("8 div 4 mod 3", BinOp("mod", BinOp("div", Num("8"), Num("4")), Num("3"))),
    ("-2 * 3", BinOp("*", Neg(Num("2")), Num("3"))),
    ("2 * -3", BinOp("*", Num("2"), Neg(Num("3")))),
    ("- -1", Neg(Neg(Num("1")))),
    ("1 < 2 = 2 > 1", BinOp("=", BinOp("<", Num("1"), Num("2")), BinOp(">", Num("2"), Num("1")))),
    ("1 = 1 != 0", BinOp("!=", BinOp("=", Num("1"), Num("1")), Num("0"))),
    ("${a} or ${b} and ${c}",
     BinOp("or", Ref("a"), BinOp("and", Ref("b"), Ref("c")))),
    ("${a} + 1 > 2 and . <= 3",
     BinOp("and", BinOp(">", BinOp("+", Ref("a"), Num("1")), Num("2")),
           BinOp("<=", SelfRef(), Num("3")))),
    ("1+2", BinOp("+", Num("1"), Num("2"))),
    ("2 mod-1", BinOp("mod", Num("2"), Neg(Num("1")))),
    ("5-count-selected(${m})", BinOp("-", Num("5"), Call("count-selected", (Ref("m"),)))),
    ("'it''s'", None),  # two adjacent strings: an error, checked below
    ("\"it's\"", Str("it's")),
    ("'say \"hi\"'", Str('say "hi"')),
    ("12.50", Num("12.50")),
    ("today()", Call("today", ())),
    ("if(${a}, 'x', \"y\")", Call("if", (Ref("a"), Str("x"), Str("y")))),
    ("\t1\n+\n2 ", BinOp("+", Num("1"), Num("2"))),
])
def test_parse_tree(source: str, ast: Any) -> None:
    if ast is None:
        with pytest.raises(ExpressionError):
            parse(source)
        return
    expr = parse(source)
    assert expr.ast == ast
    assert expr.source == source


@pytest.mark.parametrize(("source", "value"), [
    ("1 + 2 * 3", D(7)),
    ("2 * 3 + 1", D(7)),
    ("(1 + 2) * 3", D(9)),
    ("10 - 4 - 3", D(3)),
    ("100 div 10 div 5", D(2)),
    ("2 * 3 mod 4", D(2)),
    ("-2 + 5", D(3)),
    ("-(2 + 5)", D(-7)),
    ("1 + 2 > 2 and 3 * 2 = 6 or 0", True),
    ("1 or 0 and 0", True),
    ("(1 or 0) and 0", False),
    ("1 < 2 = 2 < 3", True),
])
def test_precedence_values(source: str, value: Any) -> None:
    assert same(ev(source), value)


def test_parse_is_cached_and_immutable() -> None:
    assert parse("${a} + 1") is parse("${a} + 1")
    expr = parse("${a} + 1")
    with pytest.raises(AttributeError):
        expr.ast = Num("1")  # type: ignore[misc]
    assert hash(expr) == hash(Expression("other text", expr.ast))
    assert expr == Expression("other text", expr.ast)
    assert parse.cache_info().hits >= 1


def test_every_function_parses_with_its_arity() -> None:
    for name, (low, high) in FUNCTIONS.items():
        written, fmt = REGISTRY[name].source_name, REGISTRY[name].since
        first = "${t}" if name in ("prev", "cell", "row-total", "column-total") else "1"
        args = [first] + ["'x'"] * (low - 1) if low else []
        expr = parse(f"{written}({', '.join(args)})", fmt)
        assert isinstance(expr.ast, Call)
        assert expr.ast.f == name
        too_many = (high if high is not None else low) + 1
        if high is not None:
            with pytest.raises(ExpressionError):
                parse(f"{written}({', '.join([first] + ['1'] * (too_many - 1))})", fmt)


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "column", "message"), [
    ("foo(1)", 1, "Nieznana funkcja 'foo'"),
    ("1 + bar(2)", 5, "Nieznana funkcja 'bar'"),
    ("IF(1, 2, 3)", 1, "Nieznana funkcja 'IF' (nazwy funkcji zapisuj małymi literami: 'if')"),
    ("1 # 2", 3, "Nieoczekiwany znak '#'"),
    ("6 / 2", 3, "Użyj 'div' zamiast '/' do dzielenia"),
    ("1 == 1", 3, "Użyj '=' zamiast '=='"),
    ("1 <> 2", 3, "Użyj '!=' zamiast '<>'"),
    ("1 && 2", 3, "Użyj 'and' zamiast '&&'"),
    ("7 % 2", 3, "Użyj 'mod' zamiast '%'"),
    ("(1 + 2", 1, "Brak nawiasu zamykającego"),
    ("2 * (1 + (2", 10, "Brak nawiasu zamykającego"),
    ("if(1, 2", 3, "Brak nawiasu zamykającego"),
    ("1 + 2)", 6, "Nadmiarowy nawias zamykający"),
    ("1 +", 4, "Oczekiwano wyrażenia"),
    ("", 1, "Oczekiwano wyrażenia"),
    ("   ", 4, "Oczekiwano wyrażenia"),
    ("()", 2, "Oczekiwano wyrażenia"),
    ("sum(1,,2)", 7, "Oczekiwano wyrażenia"),
    ("1 and or 2", 7, "Oczekiwano wyrażenia"),
    ("+1", 1, "Oczekiwano wyrażenia"),
    ("1 2", 3, "Brak operatora przed '2'"),
    ("(1 2)", 4, "Oczekiwano ')' lub operatora przed '2'"),
    ("if(1 2, 3)", 6, "Oczekiwano ',' lub ')' przed '2'"),
    ("if(1, 2)", 1, "Funkcja 'if' wymaga 3 argumentów"),
    ("1 + not()", 5, "Funkcja 'not' wymaga 1 argumentu"),
    ("today(1)", 1, "Funkcja 'today' nie przyjmuje argumentów"),
    ("sum()", 1, "Funkcja 'sum' wymaga co najmniej 1 argumentu"),
    ("coalesce(1)", 1, "Funkcja 'coalesce' wymaga co najmniej 2 argumentów"),
    ("round(1, 2, 3)", 1, "Funkcja 'round' wymaga od 1 do 2 argumentów"),
    ("'abc", 1, "Brak cudzysłowu zamykającego"),
    ("1 + \"abc'", 5, "Brak cudzysłowu zamykającego"),
    ("${Name}", 1, "Nieprawidłowa nazwa pytania 'Name'"),
    ("1 + ${a b}", 5, "Nieprawidłowa nazwa pytania 'a b'"),
    ("${a", 1, "Brak '}' zamykającego odwołanie"),
    ("$a", 1, "Po '$' oczekiwano '{'"),
    ("x + 1", 1, "Nieznana nazwa 'x' (odwołanie do pytania zapisuj jako ${x})"),
    ("today + 1", 7, "Po nazwie funkcji 'today' brakuje nawiasu '('"),
    ("1 AND 2", 3, "Słowa kluczowe zapisuj małymi literami: 'and' zamiast 'AND'"),
    ("12. + 1", 1, "Niepoprawna liczba '12.'"),
    ("1.2.3", 1, "Niepoprawna liczba '1.2.'"),
    (".5", 1, "Liczba musi zaczynać się od cyfry"),
    ("!${a}", 1, "Nieoczekiwany znak '!'"),
    ("prev(1)", 6, "Pierwszym argumentem funkcji 'prev' musi być odwołanie"),
    ("1 + cell('t', 'a', 'b')", 10, "Pierwszym argumentem funkcji 'cell' musi być odwołanie"),
    ("row-total(prev(${t}), 'r')", 11,
     "Pierwszym argumentem funkcji 'row-total' musi być odwołanie"),
    ("column-total(., 'c')", 14, "Pierwszym argumentem funkcji 'column-total' musi być"),
    ("regex(., '[')", 10, "Nieprawidłowe wyrażenie regularne"),
    ("regex(., '(?P<x>a)')", 10, "Konstrukcja '(?P' w wyrażeniu regularnym nie jest obsługiwana"),
    ("regex(., '(?i)a')", 10, "Konstrukcja '(?i'"),
    ("regex(., '[0-9]*+x')", 10, "Konstrukcja '*+' w wyrażeniu regularnym nie jest obsługiwana"),
    ("regex(., 'a++')", 10, "Konstrukcja '++'"),
    ("regex(., '[0-9]{2}+')", 10, "Konstrukcja '}+'"),
    ("regex(., 'a?+')", 10, "Konstrukcja '?+'"),
    ("regex(., '(?>ab|a)c')", 10, "Konstrukcja '(?>'"),
    ("regex(., '(a)?(?(1)b|c)')", 10, "Konstrukcja '(?('"),
    ("regex(., '[]+]*')", 10, "Konstrukcja '[]'"),
])
def test_syntax_errors_have_column_and_message(source: str, column: int, message: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(source)
    err = info.value
    assert err.message.startswith(message), err.message
    assert err.column == column
    assert str(err) == f"kolumna {column}: {err.message}"
    assert isinstance(err, ValueError)


def test_error_str_format() -> None:
    err = ExpressionError("Nieznana funkcja 'foo'", 7)
    assert str(err) == "kolumna 7: Nieznana funkcja 'foo'"
    assert (err.message, err.column) == ("Nieznana funkcja 'foo'", 7)


def test_nesting_limit() -> None:
    deep = "(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(ExpressionError, match="zagnieżdżone"):
        parse(deep)
    assert ev("(" * 50 + "1" + ")" * 50) == 1
    with pytest.raises(ExpressionError, match=r"sum\(\.\.\.\)"):
        parse(" + ".join(["1"] * (MAX_DEPTH + 5)))
    assert ev(" + ".join(["1"] * 50)) == 50


def test_parse_rejects_non_strings() -> None:
    with pytest.raises(TypeError):
        parse(12)  # type: ignore[arg-type]


# -- static analysis -----------------------------------------------------------------------------


def test_references_include_prev_and_tables() -> None:
    expr = parse("${a} + prev(${b}) + cell(${t}, 'r', 'c') > . and selected(${m}, 'x')")
    assert references(expr) == {"a", "b", "t", "m"}
    assert previous_references(expr) == {"b"}
    assert uses_self(expr) is True
    assert functions_used(expr) == {"prev", "cell", "selected"}
    assert references(parse("1 + 2")) == set()
    assert uses_self(parse("${a} > 1")) is False
    assert previous_references(parse("${a}")) == set()
    assert references(expr.ast) == references(expr)


def test_unknown_names_found_with_references() -> None:
    known = {"age", "income"}
    expr = parse("${age} > 18 and ${incme} < 1000 or prev(${agee}) = 1")
    assert references(expr) - known == {"incme", "agee"}
    with pytest.raises(ExpressionError) as info:
        check_references(expr, known)
    assert info.value.column == 17
    assert info.value.message == "Nieznane pytanie 'incme'"
    check_references(expr, known | {"incme", "agee"})  # no error


# -- evaluation of each function -------------------------------------------------------------


@pytest.mark.parametrize(("source", "answers", "value"), [
    ("selected(${m}, 'b')", {"m": ["a", "b"]}, True),
    ("selected(${m}, 'c')", {"m": ["a", "b"]}, False),
    ("selected(${s}, 'b')", {"s": "b"}, True),
    ("selected(${s}, 'b')", {}, False),
    ("count-selected(${m})", {"m": ["a", "b"]}, D(2)),
    ("count-selected(${m})", {"m": "a"}, D(1)),
    ("count-selected(${m})", {}, D(0)),
    ("if(${a} > 1, 'big', 'small')", {"a": 2}, "big"),
    ("if(${a} > 1, 'big', 'small')", {"a": 1}, "small"),
    ("sum(${a}, ${b}, 1)", {"a": 2}, D(3)),
    ("sum(${t})", {"t": TABLE}, D("6.5")),
    ("sum(${a})", {"a": "x"}, None),
    ("coalesce(${a}, ${b}, 'z')", {"b": "y"}, "y"),
    ("coalesce(${a}, ${b})", {}, None),
    ("string-length('zażółć gęślą')", {}, D(12)),
    ("string-length(${a})", {}, D(0)),
    ("regex(${a}, '[0-9]{2}-[0-9]{3}')", {"a": "00-950"}, True),
    ("regex(${a}, '[0-9]{2}')", {"a": "123"}, False),
    ("regex(${a}, '')", {}, True),
    ("regex('x', ${p})", {"p": "("}, False),
    ("not(${a})", {}, True),
    ("not(${a})", {"a": "x"}, False),
    ("int(${a})", {"a": "-3.99"}, D(-3)),
    ("int(${a})", {}, None),
    ("round(${a}, 1)", {"a": "0.25"}, D("0.3")),
    ("round(${a}, 1)", {"a": "-0.25"}, D("-0.3")),
    ("round(${a})", {"a": 2.5}, D(3)),
    ("round(${a}, 100)", {"a": "1.5"}, D("1.5")),
    ("number(${a})", {"a": "12.5"}, D("12.5")),
    ("number(${a})", {"a": "abc"}, None),
    ("concat(${a}, '/', ${b}, '/', ${m})", {"a": 1, "m": ["x", "y"]}, "1//x y"),
    ("min(${a}, ${b}, 3)", {"a": "7"}, D(3)),
    ("max(${a}, ${b}, 3)", {"a": "7"}, D(7)),
    ("max(${a}, ${b})", {}, None),
    ("today()", {}, "2026-03-31"),
    ("date(2024, 2, 29)", {}, "2024-02-29"),
    ("date(2023, 2, 29)", {}, None),
    ("date(10000, 1, 1)", {}, None),
    ("date(99999999999999999999, 1, 1)", {}, None),
    ("year(${d})", {"d": "2024-12-31"}, D(2024)),
    ("year(${d})", {"d": "31.12.2024"}, None),
    ("reporting-year()", {}, D(2025)),
    ("prev(${a})", {"a": 99}, D(5)),
    ("cell(${t}, 'r1', 'c2')", {"t": TABLE}, D(2)),
    ("row-total(${t}, 'r2')", {"t": TABLE}, D("3.5")),
    ("column-total(${t}, 'c1')", {"t": TABLE}, D("4.5")),
])
def test_each_function(source: str, answers: dict[str, Any], value: Any) -> None:
    result = ev(source, answers, previous={"a": 5}, reporting_year=2025, today="2026-03-31")
    assert same(result, value), (source, result)


@pytest.mark.parametrize(("source", "answers", "value"), [
    ("regex('12345', '[0-9]{3}')", {}, True),
    ("selected('a b c', 'b')", {}, True),
    ("count-selected('a  b c ')", {}, D(3)),
    ("true()", {}, True),
    ("false()", {}, False),
])
def test_each_format_2_function(source: str, answers: dict[str, Any], value: Any) -> None:
    assert same(evaluate(parse(source, 2), EvalContext(answers=answers)), value), source


def test_every_function_has_an_evaluation_test() -> None:
    names = set()
    for case in test_each_function.pytestmark[0].args[1]:  # type: ignore[attr-defined]
        names |= functions_used(parse(case[0]))
    for case in test_each_format_2_function.pytestmark[0].args[1]:  # type: ignore[attr-defined]
        names |= functions_used(parse(case[0], 2))
    assert names == set(FUNCTIONS)


@pytest.mark.parametrize(("source", "value"), [
    ("${e} + 1", D(1)),
    ("${e} * 5", D(0)),
    ("-${e}", D(0)),
    ("${e} = 0", True),
    ("${e} = ''", True),
    ("${e} != ''", False),
    ("${e} < 1", True),
    ("${e} = ${f}", True),
    ("concat('[', ${e}, ']')", "[]"),
    ("string-length(${e})", D(0)),
    ("count-selected(${e})", D(0)),
    ("selected(${e}, '')", False),
    ("int(${e})", None),
    ("round(${e})", None),
    ("number(${e})", None),
    ("year(${e})", None),
    ("date(${e}, 1, 1)", None),
    ("sum(${e}, ${f})", D(0)),
    ("min(${e}, ${f})", None),
    ("coalesce(${e}, ${f})", None),
    ("not(${e})", True),
    ("if(${e}, 1, 2)", D(2)),
    ("${e}", None),
    ("prev(${e})", None),
    ("cell(${e}, 'a', 'b')", None),
    ("row-total(${e}, 'a')", D(0)),
])
def test_empty_values(source: str, value: Any) -> None:
    for empty in (None, "", [], {}):
        result = ev(source, {"e": empty})
        assert same(result, value), (source, empty, result)
    assert same(ev(source, {}), value)


@pytest.mark.parametrize("source", [
    "1 div 0", "${a} div 0", "5 mod 0", "5 mod ${z}", "${a} div ${z}", "1 div (1 - 1)",
    "0 div 0", "-1 div 0.0",
])
def test_division_by_zero_is_empty(source: str) -> None:
    assert ev(source, {"a": 3}) is None


def test_division_by_zero_propagates_as_empty_zero() -> None:
    # empty counts as 0 in further arithmetic, so a guard with if() is needed for averages
    assert ev("1 div 0 + 1") == 1
    assert ev("if(${n} > 0, ${s} div ${n}, '')", {"s": 10, "n": 0}) == ""
    assert ev("if(${n} > 0, ${s} div ${n}, '')", {"s": 10, "n": 4}) == D("2.5")


def test_numbers_are_decimal() -> None:
    assert ev("0.1 + 0.2") == D("0.3")
    assert isinstance(ev("count-selected(${m})", {"m": ["a"]}), Decimal)
    assert isinstance(ev("string-length('x')"), Decimal)
    assert isinstance(ev("${a}", {"a": 3}), Decimal)
    assert ev("${a}", {"a": 0.1}) == D("0.1")
    assert ev("${a} * 3", {"a": D("1.10")}) == D("3.3")
    assert str(ev("-0 * 1")) == "0"


def test_answer_normalisation() -> None:
    assert ev("${d}", {"d": datetime.date(2025, 1, 2)}) == "2025-01-02"
    assert ev("${d}", {"d": datetime.datetime(2025, 1, 2, 13, 0)}) == "2025-01-02"
    assert ev("${a}", {"a": float("nan")}) is None
    assert ev("${a}", {"a": D("NaN")}) is None
    assert ev("${a}", {"a": True}) is True
    assert ev("${a}", {"a": "0123"}) == "0123"
    assert ev("${a}", {"a": "1234567890123456"}) == "1234567890123456"
    assert ev("${a}", {"a": "123456789012345"}) == D("123456789012345")
    assert ev("${m}", {"m": ("x", 2, None, "")}) == ["x", "2"]
    assert ev("${m}", {"m": {"b", "a"}}) == ["a", "b"]
    assert ev("${a} + 1", {"a": "007"}) == 8
    assert ev("regex(${a}, '0[0-9]+')", {"a": "007"}) is True


def test_comparison_rules() -> None:
    assert ev("'10' > '9'") is False
    assert ev("${a} > ${b}", {"a": "10", "b": "9"}) is True
    assert ev("5 < 'abc'") is True
    assert ev("1 = '1.000'") is True
    assert ev("1 = 1.0000000000001") is True  # tolerance 1e-12
    assert ev("1 = 1.00000000001") is False
    assert ev("12345678.91 = 12345678.90") is False  # cents still count for large amounts
    assert ev("1.0000000000001 > 1") is False
    assert ev("${m} = 'a b'", {"m": ["a", "b"]}) is True
    assert ev("(1 = 1) = 'true'") is False
    assert ev("(1 = 1) = '1'") is True
    assert ev("'ą' > 'z'") is True


def test_and_or_short_circuit() -> None:
    class Exploding(dict):
        def get(self, key: str, default: Any = None) -> Any:
            if key == "boom":
                raise AssertionError("evaluated")
            return super().get(key, default)

    ctx = EvalContext(answers=Exploding(a=1))
    assert evaluate(parse("${a} or ${boom}"), ctx) is True
    assert evaluate(parse("not(${a}) and ${boom}"), ctx) is False
    assert evaluate(parse("if(${a}, 1, ${boom})"), ctx) == 1
    assert evaluate(parse("coalesce(${a}, ${boom})"), ctx) == 1


@pytest.mark.parametrize(("value", "expected"), [
    (None, False), ("", False), (D(0), False), (0, False), (False, False), ([], False),
    ({}, False), (D("0.1"), True), ("0", True), (" ", True), (["a"], True), (True, True),
    ({"r": {"c": 1}}, True), ({"r": {"c": 0}}, False),
])
def test_truthy(value: Any, expected: bool) -> None:
    assert truthy(value) is expected


@pytest.mark.parametrize(("value", "text"), [
    (D(10), "10"), (D("1E+1"), "10"), (D("1.50"), "1.5"), (D("-0"), "0"),
    (D("0.0000001"), "0.0000001"), (D("2") / D("3"), "0.666666666666667"),
    (D("123456789012345678901234"), "123456789012345678901234"),
    (True, "1"), (None, ""), (["a", "b"], "a b"), ({"r": {"c": D(2), "d": "1.5"}}, "3.5"), (7, "7"),
])
def test_to_text(value: Any, text: str) -> None:
    assert to_text(value) == text


def test_evaluate_without_context_and_on_nodes() -> None:
    assert evaluate(parse("1 + 1")) == 2
    assert evaluate(parse("1 + 1").ast, None) == 2
    assert parse("${a} * 2").evaluate(EvalContext({"a": 4})) == 8


# -- JSON AST ----------------------------------------------------------------------------------

ROUND_TRIP = sorted({(v["expr"], v.get("format", 1)) for v in VECTORS} | {(text, 1) for text in (
    "\"it's\"", "'a \"b\"'", "- -1", "-(1 + 2) * 3", "1 - (2 - 3)", "(1 - 2) - 3",
    "2 * (3 div 4) mod 5", "(1 or 0) and (0 or 1)", "not(. = '') and prev(${a}) != ${a}",
)})


@pytest.mark.parametrize(("source", "fmt"), ROUND_TRIP)
def test_json_round_trip(source: str, fmt: int) -> None:
    expr = parse(source, fmt)
    data = json.loads(json.dumps(to_json(expr)))
    again = from_json(data)
    assert again == expr
    assert again.ast == expr.ast
    assert to_json(again) == data
    assert parse(to_source(expr), fmt) == expr
    ctx = EvalContext(answers={"a": 3, "t": TABLE, "mc": ["a"]}, self_value="x",
                      previous={"a": 2}, reporting_year=2025, today="2026-03-31")
    assert same(evaluate(again, ctx), evaluate(expr, ctx))


def test_json_shape() -> None:
    data = to_json(parse("-${a} + 1.5 = . or selected(${m}, 'x')"))
    assert data == {
        "t": "op", "o": "or",
        "a": {"t": "op", "o": "=",
              "a": {"t": "op", "o": "+", "a": {"t": "neg", "a": {"t": "ref", "n": "a"}},
                    "b": {"t": "num", "v": "1.5"}},
              "b": {"t": "self"}},
        "b": {"t": "fn", "f": "selected", "args": [{"t": "ref", "n": "m"}, {"t": "str", "v": "x"}]},
    }
    assert to_json(parse("1").ast) == {"t": "num", "v": "1"}


def test_from_json_regenerates_source() -> None:
    expr = from_json({"t": "op", "o": "*", "a": {"t": "op", "o": "+", "a": {"t": "num", "v": "1"},
                                                  "b": {"t": "num", "v": "2"}},
                      "b": {"t": "str", "v": "it's \"x\""}})
    assert expr.source == "(1 + 2) * concat('it', \"'\", 's \"x\"')"
    assert parse(expr.source).ast.a == expr.ast.a  # type: ignore[union-attr]


@pytest.mark.parametrize("data", [
    {"t": "bogus"},
    {"t": "num", "v": "abc"},
    {"t": "num", "v": 12},
    {"t": "ref", "n": "Bad"},
    {"t": "op", "o": "/", "a": {"t": "num", "v": "1"}, "b": {"t": "num", "v": "2"}},
    {"t": "op", "o": "+", "a": {"t": "num", "v": "1"}},
    {"t": "fn", "f": "eval", "args": []},
    {"t": "fn", "f": "if", "args": [{"t": "num", "v": "1"}]},
    {"t": "fn", "f": "prev", "args": [{"t": "num", "v": "1"}]},
    {"t": "fn", "f": "sum", "args": "x"},
    [],
])
def test_from_json_rejects_bad_trees(data: Any) -> None:
    with pytest.raises(ExpressionError):
        from_json(data)


# -- shared vectors ----------------------------------------------------------------------------


def test_vectors_are_plentiful_and_cover_the_language() -> None:
    assert len(VECTORS) >= 80
    required = {"expr", "answers", "self", "previous", "reporting_year", "today", "expected"}
    assert all(required <= set(v) <= required | {"format"} for v in VECTORS)
    used: set[str] = set()
    for v in VECTORS:
        expr = parse(v["expr"], v.get("format", 1))
        used |= functions_used(expr)
        stack = [expr.ast]
        while stack:
            node = stack.pop()
            if isinstance(node, BinOp):
                used.add(node.o)
                stack += [node.a, node.b]
            elif isinstance(node, Neg):
                used.add("neg")
                stack.append(node.a)
            elif isinstance(node, Call):
                stack += node.args
    operators = {"or", "and", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "div", "mod", "neg"}
    assert used >= set(FUNCTIONS) | operators


@pytest.mark.parametrize("vector", VECTORS, ids=[f"{i}:{v['expr']}" for i, v in enumerate(VECTORS)])
def test_vector(vector: dict[str, Any]) -> None:
    ctx = EvalContext(answers=vector["answers"], self_value=vector["self"],
                      previous=vector["previous"], reporting_year=vector["reporting_year"],
                      today=vector["today"])
    result = evaluate(parse(vector["expr"], vector.get("format", 1)), ctx)
    expected = expected_value(vector["expected"])
    assert same(result, expected), f"{vector['expr']}: {result!r} != {expected!r}"


def test_vectors_ast_file_is_current() -> None:
    """The JS tests read this file; regenerate it with the command in the message."""
    assert AST_FILE.read_text(encoding="utf-8") == dump_vectors(vectors_with_ast(VECTORS)), (
        "run: python -m forms.expressions --vectors tests/data/expression_vectors.json "
        "> tests/data/expression_vectors_ast.json")


def test_cli_prints_vectors_with_ast() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "forms.expressions", "--vectors", str(VECTORS_FILE)],
        cwd=ROOT, capture_output=True, check=True, env={"PYTHONIOENCODING": "ascii",
                                                        "PATH": "/usr/bin:/bin"},
    ).stdout.decode("utf-8")
    assert out == AST_FILE.read_text(encoding="utf-8")


def test_cli_reports_errors() -> None:
    proc = subprocess.run([sys.executable, "-m", "forms.expressions", "1 + foo(2)"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "kolumna 5: Nieznana funkcja 'foo'" in proc.stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_js_function_table_matches_the_registry() -> None:
    """The browser's table of functions and their arity is the Python registry's."""
    script = "process.stdout.write(JSON.stringify(require('./static/js/expressions.js').FUNCTIONS))"
    proc = subprocess.run(["node", "-e", script], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    assert json.loads(proc.stdout) == {name: [low, high] for name, (low, high) in FUNCTIONS.items()}


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_js_evaluator_agrees() -> None:
    proc = subprocess.run(["node", "--test", "tests/js/"], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


@pytest.mark.parametrize("pattern", [
    r"\++", "[*+]+", "(?:ab)+", "a+?", "(?=a)a", "[0-9]{2}-[0-9]{3}", r"[\]+]+",
])
def test_regex_the_browser_runs_too_passes_the_checker(pattern: str) -> None:
    """Escaped and bracketed ``+`` are no possessive quantifier; lazy ones are JavaScript."""
    parse(f"regex(., '{pattern}')")
