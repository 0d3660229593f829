// Browser evaluator against the shared vectors (run: node --test tests/js/).
// The ASTs come from tests/data/expression_vectors_ast.json, produced by
// `python -m forms.expressions --vectors tests/data/expression_vectors.json`; a pytest test
// checks that file is current, so both evaluators are held to the same expected values.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const EsmonExpr = require('../../static/js/expressions.js');

const DATA = path.join(__dirname, '..', 'data');
const vectors = JSON.parse(fs.readFileSync(path.join(DATA, 'expression_vectors_ast.json'), 'utf8'));
const sources = JSON.parse(fs.readFileSync(path.join(DATA, 'expression_vectors.json'), 'utf8'));

function close(a, b) {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

// numbers with tolerance, everything else exactly (true is not 1, null is not 0)
function same(actual, expected) {
  if (expected === null) return actual === null;
  if (typeof expected === 'number') return typeof actual === 'number' && close(actual, expected);
  if (typeof expected !== 'object') return actual === expected;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length &&
      expected.every((x, i) => same(actual[i], x));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
  const keys = Object.keys(expected);
  return keys.length === Object.keys(actual).length &&
    keys.every((k) => Object.prototype.hasOwnProperty.call(actual, k) && same(actual[k], expected[k]));
}

function contextOf(v) {
  return {
    answers: v.answers, self: v.self, previous: v.previous,
    reportingYear: v.reporting_year, today: v.today,
  };
}

test('AST file matches the vectors file', () => {
  assert.equal(vectors.length, sources.length);
  assert.ok(vectors.length >= 80);
  vectors.forEach((v, i) => {
    const { ast, ...rest } = v;
    assert.ok(ast && typeof ast === 'object', `vector ${i} has no ast`);
    assert.deepEqual(rest, sources[i]);
  });
});

vectors.forEach((v, i) => {
  test(`vector ${i}: ${v.expr}`, () => {
    const actual = EsmonExpr.evaluate(v.ast, contextOf(v));
    assert.ok(same(actual, v.expected),
      `${v.expr} with ${JSON.stringify(v.answers)}: got ${JSON.stringify(actual)}, ` +
      `expected ${JSON.stringify(v.expected)}`);
  });
});

test('every function of the language is covered by the vectors', () => {
  const used = new Set();
  const walk = (node) => {
    if (!node || typeof node !== 'object') return;
    if (node.t === 'fn') used.add(node.f);
    if (node.t === 'op') used.add(node.o);
    if (node.t === 'neg') used.add('neg');
    [node.a, node.b].concat(node.args || []).forEach(walk);
  };
  vectors.forEach((v) => walk(v.ast));
  for (const name of Object.keys(EsmonExpr.FUNCTIONS)) assert.ok(used.has(name), name);
  for (const op of ['or', 'and', '=', '!=', '<', '<=', '>', '>=', '+', '-', '*', 'div', 'mod', 'neg']) {
    assert.ok(used.has(op), op);
  }
});

const num = (v) => ({ t: 'num', v: String(v) });
const str = (v) => ({ t: 'str', v });
const ref = (n) => ({ t: 'ref', n });
const op = (o, a, b) => ({ t: 'op', o, a, b });
const fn = (f, ...args) => ({ t: 'fn', f, args });

test('truthy', () => {
  assert.equal(EsmonExpr.truthy(null), false);
  assert.equal(EsmonExpr.truthy(undefined), false);
  assert.equal(EsmonExpr.truthy(''), false);
  assert.equal(EsmonExpr.truthy(0), false);
  assert.equal(EsmonExpr.truthy(false), false);
  assert.equal(EsmonExpr.truthy([]), false);
  assert.equal(EsmonExpr.truthy('0'), true);
  assert.equal(EsmonExpr.truthy(-1), true);
  assert.equal(EsmonExpr.truthy(['a']), true);
  assert.equal(EsmonExpr.truthy({ r: { c: 2 } }), true);
  assert.equal(EsmonExpr.truthy({ r: { c: 0 } }), false);
});

test('toText writes numbers without exponent or float noise', () => {
  assert.equal(EsmonExpr.toText(0.1 + 0.2), '0.3');
  assert.equal(EsmonExpr.toText(-0), '0');
  assert.equal(EsmonExpr.toText(1e21), '1000000000000000000000');
  assert.equal(EsmonExpr.toText(1.5e-7), '0.00000015');
  assert.equal(EsmonExpr.toText(-1234.5), '-1234.5');
  assert.equal(EsmonExpr.toText(2 / 3), '0.666666666666667');
  assert.equal(EsmonExpr.toText(true), '1');
  assert.equal(EsmonExpr.toText(['a', 'b']), 'a b');
  assert.equal(EsmonExpr.toText(null), '');
});

test('answers may be numbers or numeric strings', () => {
  const ast = op('+', ref('a'), ref('b'));
  assert.equal(EsmonExpr.evaluate(ast, { answers: { a: '1234.50', b: 0.5 } }), 1235);
  assert.equal(EsmonExpr.evaluate(op('>', ref('a'), ref('b')), { answers: { a: '10', b: '9' } }), true);
  assert.equal(EsmonExpr.evaluate(ref('a'), { answers: { a: '007' } }), '007');
});

test('missing context parts are empty', () => {
  assert.equal(EsmonExpr.evaluate(fn('today')), null);
  assert.equal(EsmonExpr.evaluate(fn('reporting-year'), {}), null);
  assert.equal(EsmonExpr.evaluate(fn('prev', ref('a')), { answers: {} }), null);
  assert.equal(EsmonExpr.evaluate({ t: 'self' }, { answers: {} }), null);
});

test('prototype keys are not answers', () => {
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    assert.equal(EsmonExpr.evaluate(ref(name), { answers: {} }), null, name);
  }
  const t = { r: { c: 1 } };
  assert.equal(EsmonExpr.evaluate(fn('cell', ref('t'), str('r'), str('toString')), { answers: { t } }), null);
});

test('and/or short-circuit and return booleans', () => {
  let calls = 0;
  const ctx = { answers: {} };
  Object.defineProperty(ctx.answers, 'x', { enumerable: true, get() { calls += 1; return 1; } });
  assert.equal(EsmonExpr.evaluate(op('or', num(1), ref('x')), ctx), true);
  assert.equal(EsmonExpr.evaluate(op('and', num(0), ref('x')), ctx), false);
  assert.equal(calls, 0);
  assert.equal(EsmonExpr.evaluate(op('and', num(2), str('a')), ctx), true);
});

test('regex wraps the pattern as a full match and tolerates invalid patterns', () => {
  assert.equal(EsmonExpr.evaluate(fn('regex', str('xab'), str('a|b')), {}), false);
  assert.equal(EsmonExpr.evaluate(fn('regex', str('a'), str('(')), {}), false);
});

test('unknown nodes and functions throw', () => {
  assert.throws(() => EsmonExpr.evaluate({ t: 'bogus' }, {}));
  assert.throws(() => EsmonExpr.evaluate(fn('eval', str('1')), {}));
});

test('references lists question names, prev() included', () => {
  const ast = op('+', ref('b'), fn('prev', ref('a')));
  assert.deepEqual(EsmonExpr.references(ast), ['a', 'b']);
});
