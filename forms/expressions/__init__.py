"""Expression language of esmon questionnaires (a small XLSForm subset).

Expressions drive relevance, calculations, constraints and warnings.  They are parsed once on the
server (never with eval/exec) into a small AST; Python evaluates it when answers are saved and the
browser evaluates the very same AST, serialised as JSON, with ``static/js/expressions.js`` while
people type.  Both evaluators follow the rules below and are checked against the shared vectors
in ``tests/data/expression_vectors.json``.

Syntax
------
* literals: numbers ``12``, ``12.5`` (dot decimal); strings in single or double quotes, without
  escapes (``"it's"`` and ``'say "hi"'`` both work);
* ``${name}`` - the answer to another question (``name`` = ``[a-z][a-z0-9_]*``);
  ``.`` - the current question's own value (only meaningful in constraints and warnings);
* operators, lowest precedence first, all binary ones left-associative:
  ``or``; ``and``; ``=`` ``!=``; ``<`` ``<=`` ``>`` ``>=``; ``+`` ``-``; ``*`` ``div`` ``mod``;
  unary ``-``; parentheses.  Keywords are lowercase.  ``/`` is not division (use ``div``);
* function calls ``name(arg, ...)``, see ``semantics.REGISTRY``; the number and kind of
  arguments are checked when parsing.  ``prev``, ``cell``, ``row-total`` and ``column-total``
  take a ``${reference}`` as their first argument.

Errors are ``ExpressionError`` with a Polish ``message`` and the 1-based ``column`` where the
problem starts.

Values
------
``None`` is empty (unanswered or hidden); numbers are ``Decimal`` (``Number`` in JS); strings;
booleans; ``list[str]`` for multiple choice; ``dict[row, dict[column, number]]`` for tables.  Dates
are ISO strings ``YYYY-MM-DD`` and so compare correctly as strings.

Answers (and the own value and previous answers) are normalised when read: ``''``, ``[]`` and
``{}`` become empty; ints and floats become ``Decimal(str(x))``; a string in canonical number form
(``-?(0|[1-9][0-9]{0,14})(\\.[0-9]+)?``, e.g. ``"1234.50"``) becomes a number, while other strings
(``"007"``, a 26-digit account number, ``"00-950"``) stay text so leading zeros survive in
``regex()`` and ``string-length()``; list items are kept as strings; ``date`` objects become ISO
strings.

Semantics
---------
1. Arithmetic (``+ - * div mod``, unary ``-``): an empty operand (``None`` or ``''``) counts as 0;
   a string that parses as a number (``[+-]?(digits[.digits]|.digits)``, surrounding blanks
   allowed) counts as that number; booleans count as 1/0; a table counts as its grand total; any
   other string or a list makes the result empty.  ``x div 0`` and ``x mod 0`` are empty.  ``mod``
   keeps the sign of the dividend (like JS ``%``).
2. Comparison: a list is first turned into its space-joined string, a table into its grand total
   and a boolean into 1/0.  If either side is then a number, the other side is converted (empty ->
   0, numeric string -> number); if that side is a non-numeric string (``''`` included) both are
   compared as strings (numbers written as in rule 5).  Otherwise both sides are strings with empty
   -> ``''``, compared by code points.  Numbers are equal when
   ``|a-b| <= 1e-12 * max(1, |a|, |b|)``; ``<`` and ``>`` are strict with that tolerance, so
   ``<=``/``>=`` agree with ``=``.  The result is a boolean.  So ``${x} != ''`` is true for an
   answered 0 and false for an unanswered question, while ``${x} = 0`` is true when unanswered.
3. ``and``/``or``/``not()``/``if()`` use truthiness: empty, ``''``, 0, false and an empty list are
   false, a table is its grand total, anything else is true.  ``and``/``or`` return booleans and
   short-circuit.
4. ``selected(v, 'x')``: a list -> membership; another value -> equality of texts (single choice);
   empty -> false.  ``count-selected(v)``: length of a list; any other non-empty value 1; empty 0.
5. Numbers are written as text (``concat``, string comparison, ``string-length``, ``regex``) as
   integers without a decimal point, otherwise as the shortest plain decimal, rounded to 15
   significant digits (what JS doubles can carry), without exponent and trailing zeros.  Booleans
   are written ``1``/``0``, lists space-joined, tables as their grand total, empty as ``''``.
6. ``sum(...)``: arithmetic sum with empty -> 0 (a table adds its grand total).
   ``coalesce(...)``: first argument that is neither empty nor ``''``.  ``min``/``max``: empty
   arguments ignored, all empty -> empty, a non-numeric argument -> empty.  ``string-length``
   counts code points (empty -> 0).  ``regex(s, p)``: ``re.fullmatch(p, s, re.ASCII)`` (JS:
   ``new RegExp('^(?:' + p + ')$')``), empty tests ``''``, an invalid pattern is false.
   ``number(x)``: a number or empty.  ``int(x)`` truncates toward 0, ``round(x, n)`` rounds half
   away from zero (n defaults to 0); both give empty for empty or non-numeric input.  ``concat``
   writes empty as ``''``.  ``date(y, m, d)``: ISO date, invalid -> empty.  ``year(d)``: the year
   of an ISO date (a ``T...`` time part is allowed), otherwise empty.
7. ``prev(${x})``: the previous round's answer (empty if absent).  ``today()`` and
   ``reporting-year()`` come from the context (empty if not set).  ``cell(${t}, 'row', 'col')``
   gives a cell (empty if missing); ``row-total``/``column-total`` add the numeric cells of a row or
   column (0 when there are none; non-numeric cells are ignored).

Formats
-------
A definition's ``format`` says how its expressions are read (``parse(source, fmt)``). Format 1
is all of the above. Format 2 (ODK's meanings, the default of new and imported files) reads
``regex`` as ``re.search`` (JS: ``new RegExp(p)``), ``selected``/``count-selected`` as splitting
a text value at whitespace (a list stays a list), and knows ``true()``/``false()``; the tree
names those functions ``odk:regex``, ``odk:selected``, ``odk:count-selected`` so both
evaluators know which meaning a stored tree has. Vectors carry ``"format": 2`` where they
need it.

Limits: nesting is limited to ``MAX_DEPTH`` levels; JS cannot carry integers above 2**53 exactly
nor ``mod`` of non-integers exactly, so such values may differ between the two evaluators.

Command line: ``python -m forms.expressions --vectors FILE`` prints the vectors with an added
``"ast"`` key (the file ``tests/data/expression_vectors_ast.json`` used by the JS tests);
``python -m forms.expressions 'EXPR'`` prints the JSON AST of one expression.

Modules: ``syntax`` (tokens, the parser and its Polish messages, trees from JSON), ``tree`` (the
node types, walkers, JSON and source text), ``semantics`` (the registry of functions: arity,
argument and result kinds, implementations), ``values`` (rules 1-5), ``evaluate`` (the Python
evaluator), ``vectors`` (the shared test vectors and the command line). Import from here.
"""

from forms.expressions.evaluate import evaluate
from forms.expressions.semantics import FUNCTIONS, REGISTRY, EvalContext, Function
from forms.expressions.syntax import Expression, check_references, from_json, parse
from forms.expressions.tree import (
    MAX_DEPTH,
    BinOp,
    Call,
    ExpressionError,
    Neg,
    Node,
    Num,
    Ref,
    SelfRef,
    Str,
    functions_used,
    previous_references,
    references,
    to_json,
    to_source,
    uses_self,
)
from forms.expressions.values import to_text, truthy
from forms.expressions.vectors import dump_vectors, vectors_with_ast

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "REGISTRY",
    "BinOp",
    "Call",
    "EvalContext",
    "Expression",
    "ExpressionError",
    "Function",
    "Neg",
    "Node",
    "Num",
    "Ref",
    "SelfRef",
    "Str",
    "check_references",
    "dump_vectors",
    "evaluate",
    "from_json",
    "functions_used",
    "parse",
    "previous_references",
    "references",
    "to_json",
    "to_source",
    "to_text",
    "truthy",
    "uses_self",
    "vectors_with_ast",
]
