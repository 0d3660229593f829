// A calculated value as the browser shows it, against the shared format vectors
// (tests/data/format_vectors.json; tests/test_calculated_formats.py holds the server to the
// same file: stored value and shown text). Run: node --test tests/js/.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const EsmonExpr = require('../../static/js/expressions.js');

const vectors = JSON.parse(fs.readFileSync(
  path.join(__dirname, '..', 'data', 'format_vectors_ast.json'), 'utf8'));
//: what each format's question sends the page (forms/types/calculated.py browser_entry)
const FORMATS = { integer: [0, ''], decimal: [2, ''], money: [2, ' zł'], percent: [2, '%'] };

vectors.forEach((v) => {
  test(`${v.format}: ${v.expr}`, () => {
    const value = EsmonExpr.evaluate(v.ast, { answers: v.answers, previous: {} });
    const shown = v.format === 'text' ? EsmonExpr.toText(value)
      : EsmonExpr.formatCalculated(value, ...FORMATS[v.format]);
    assert.equal(shown, v.shown);
  });
});
