/*
 * Browser evaluator of esmon expressions (plain ES2019, no dependencies, no build step).
 *
 * The server parses expressions (forms/expressions/) and sends their JSON AST; this file only
 * EVALUATES that AST, following the same rules as the Python evaluator (see the docstring of
 * forms/expressions/__init__.py). Both are checked against tests/data/expression_vectors.json;
 * FUNCTIONS is checked against the Python registry (forms/expressions/semantics.py).
 *
 *   EsmonExpr.evaluate(ast, {answers, self, previous, reportingYear, today}) -> value
 *   EsmonExpr.truthy(value) -> boolean
 *   EsmonExpr.toText(value) -> string          (how a value is written by concat())
 *   EsmonExpr.references(ast) -> [names]       (questions the expression depends on)
 *
 * Values: null = empty, Number, string, boolean, array of strings (multiple choice),
 * object {row: {column: number}} (table). Numbers in answers may be numbers or numeric strings.
 */
(function (root, factory) {
  'use strict';
  var api = factory();
  if (typeof module !== 'undefined' && module.exports) {
    module.exports = api;
  } else if (root) {
    root.EsmonExpr = api;
  }
})(typeof window !== 'undefined' ? window : this, function () {
  'use strict';

  var FUNCTIONS = {
    'selected': [2, 2], 'count-selected': [1, 1], 'if': [3, 3], 'sum': [1, null],
    'coalesce': [2, null], 'string-length': [1, 1], 'regex': [2, 2], 'not': [1, 1],
    'int': [1, 1], 'round': [1, 2], 'number': [1, 1], 'concat': [1, null], 'min': [1, null],
    'max': [1, null], 'today': [0, 0], 'date': [3, 3], 'year': [1, 1],
    'reporting-year': [0, 0], 'prev': [1, 1], 'cell': [3, 3], 'row-total': [2, 2],
    'column-total': [2, 2],
    // format 2 (the server writes these names into the tree): what ODK/Enketo mean
    'odk:selected': [2, 2], 'odk:count-selected': [1, 1], 'odk:regex': [2, 2],
    'true': [0, 0], 'false': [0, 0]
  };

  var CANONICAL_NUMBER = /^-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]+)?$/;
  var LOOSE_NUMBER = /^[ \t\r\n]*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[ \t\r\n]*$/;
  var ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(?:T[\s\S]*)?$/;
  var TOLERANCE = 1e-12;
  var FAIL = {};  // marker: not usable in arithmetic

  function own(obj, key) {
    return obj !== null && typeof obj === 'object' && Object.prototype.hasOwnProperty.call(obj, key);
  }

  function isTable(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  }

  function clean(n) {
    if (typeof n !== 'number' || !isFinite(n)) return null;
    return n === 0 ? 0 : n;  // no -0
  }

  // ---- numbers as text ------------------------------------------------------------------

  // "-1.2300e-7" / "123.450" -> plain decimal without exponent and trailing zeros
  function plain(s) {
    var sign = '';
    if (s.charAt(0) === '-') { sign = '-'; s = s.slice(1); }
    var exp = 0;
    var e = s.indexOf('e');
    if (e >= 0) { exp = parseInt(s.slice(e + 1), 10); s = s.slice(0, e); }
    var dot = s.indexOf('.');
    var digits = dot < 0 ? s : s.slice(0, dot) + s.slice(dot + 1);
    var intLen = (dot < 0 ? s.length : dot) + exp;
    while (digits.length > 1 && digits.charAt(0) === '0') { digits = digits.slice(1); intLen -= 1; }
    var intPart, frac;
    if (intLen <= 0) {
      intPart = '0'; frac = new Array(1 - intLen).join('0') + digits;
    } else if (intLen >= digits.length) {
      intPart = digits + new Array(intLen - digits.length + 1).join('0'); frac = '';
    } else {
      intPart = digits.slice(0, intLen); frac = digits.slice(intLen);
    }
    frac = frac.replace(/0+$/, '');
    intPart = intPart.replace(/^0+(?=[0-9])/, '');
    var out = frac ? intPart + '.' + frac : intPart;
    return out === '0' ? '0' : sign + out;
  }

  function numberText(x) {
    if (x === 0) return '0';
    if (Number.isInteger(x)) return Math.abs(x) < 1e21 ? x.toFixed(0) : plain(String(x));
    return plain(x.toPrecision(15));
  }

  function toText(v) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'boolean') return v ? '1' : '0';
    if (typeof v === 'number') return numberText(v);
    if (typeof v === 'string') return v;
    if (Array.isArray(v)) return v.map(toText).join(' ');
    if (isTable(v)) return numberText(tableSum(v, null, null));
    return String(v);
  }

  // ---- answers as expressions see them --------------------------------------------------

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) s = '0' + s;
    return s;
  }

  function normalize(v) {
    if (v === null || v === undefined) return null;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return clean(v);
    if (typeof v === 'string') {
      if (v === '') return null;
      if (CANONICAL_NUMBER.test(v)) return clean(Number(v));
      return v;
    }
    if (Array.isArray(v)) {
      var items = [];
      for (var i = 0; i < v.length; i++) {
        var x = v[i];
        if (x === null || x === undefined || x === '') continue;
        items.push(typeof x === 'string' ? x : toText(normalize(x)));
      }
      return items.length ? items : null;
    }
    if (v instanceof Date) {
      return pad(v.getFullYear(), 4) + '-' + pad(v.getMonth() + 1, 2) + '-' + pad(v.getDate(), 2);
    }
    if (typeof v === 'object') {
      var table = {};
      var any = false;
      Object.keys(v).forEach(function (r) {
        var row = v[r];
        if (!isTable(row)) return;
        var cells = {};
        Object.keys(row).forEach(function (c) { cells[c] = normalize(row[c]); });
        table[r] = cells;
        any = true;
      });
      return any ? table : null;
    }
    return String(v);
  }

  function looseNumber(s) {
    return LOOSE_NUMBER.test(s) ? clean(Number(s)) : null;
  }

  function cellNumber(x) {
    if (typeof x === 'boolean') return x ? 1 : 0;
    if (typeof x === 'number') return isFinite(x) ? x : null;
    if (typeof x === 'string') return looseNumber(x);
    return null;
  }

  function tableSum(table, row, col) {
    var total = 0;
    if (!isTable(table)) return 0;
    Object.keys(table).forEach(function (r) {
      var cells = table[r];
      if ((row !== null && r !== row) || !isTable(cells)) return;
      Object.keys(cells).forEach(function (c) {
        if (col !== null && c !== col) return;
        var n = cellNumber(cells[c]);
        if (n !== null) total += n;
      });
    });
    return clean(total);
  }

  // arithmetic operand: empty -> 0, numeric text -> number, other text / list -> FAIL
  function num(v) {
    if (v === null || v === undefined) return 0;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v === 'number') return v;
    if (typeof v === 'string') {
      if (v === '') return 0;
      var n = looseNumber(v);
      return n === null ? FAIL : n;
    }
    if (Array.isArray(v)) return FAIL;
    if (isTable(v)) return tableSum(v, null, null);
    return FAIL;
  }

  function numOrNull(v) {
    if (v === null || v === undefined || v === '') return null;
    var n = num(v);
    return n === FAIL ? null : n;
  }

  function truthy(v) {
    if (v === null || v === undefined) return false;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0 && !isNaN(v);
    if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
    if (isTable(v)) return tableSum(normalize(v), null, null) !== 0;
    return true;
  }

  // ---- comparison -------------------------------------------------------------------------

  function numbersEqual(a, b) {
    return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
  }

  // code point order, like Python's str comparison
  function compareStrings(a, b) {
    if (a === b) return 0;
    var i = 0;
    var n = Math.min(a.length, b.length);
    while (i < n) {
      var ca = a.codePointAt(i);
      var cb = b.codePointAt(i);
      if (ca !== cb) return ca < cb ? -1 : 1;
      i += ca > 0xffff ? 2 : 1;
    }
    return a.length < b.length ? -1 : (a.length > b.length ? 1 : 0);
  }

  function prepare(v) {
    if (v === undefined) return null;
    if (Array.isArray(v)) return v.map(toText).join(' ');
    if (isTable(v)) return tableSum(v, null, null);
    if (typeof v === 'boolean') return v ? 1 : 0;
    return v;
  }

  function compare(op, a, b) {
    a = prepare(a);
    b = prepare(b);
    var order = null;
    if (typeof a === 'number' || typeof b === 'number') {
      var na = a === null ? 0 : (typeof a === 'number' ? a : looseNumber(a));
      var nb = b === null ? 0 : (typeof b === 'number' ? b : looseNumber(b));
      if (na !== null && nb !== null) {
        order = numbersEqual(na, nb) ? 0 : (na < nb ? -1 : 1);
      }
    }
    if (order === null) order = compareStrings(toText(a), toText(b));
    switch (op) {
      case '=': return order === 0;
      case '!=': return order !== 0;
      case '<': return order < 0;
      case '<=': return order <= 0;
      case '>': return order > 0;
      default: return order >= 0;
    }
  }

  function arith(op, a, b) {
    var x = num(a);
    var y = num(b);
    if (x === FAIL || y === FAIL) return null;
    switch (op) {
      case '+': return clean(x + y);
      case '-': return clean(x - y);
      case '*': return clean(x * y);
      case 'div': return y === 0 ? null : clean(x / y);
      case 'mod': return y === 0 ? null : clean(x % y);
      default: throw new Error('Nieznany operator: ' + op);
    }
  }

  // ---- evaluation -------------------------------------------------------------------------

  function ev(node, ctx) {
    switch (node.t) {
      case 'num': return Number(node.v);
      case 'str': return node.v;
      case 'ref': return normalize(own(ctx.answers, node.n) ? ctx.answers[node.n] : null);
      case 'self': return normalize(ctx.self);
      case 'neg': {
        var n = num(ev(node.a, ctx));
        return n === FAIL ? null : clean(-n);
      }
      case 'op': {
        if (node.o === 'and') return truthy(ev(node.a, ctx)) && truthy(ev(node.b, ctx));
        if (node.o === 'or') return truthy(ev(node.a, ctx)) || truthy(ev(node.b, ctx));
        var a = ev(node.a, ctx);
        var b = ev(node.b, ctx);
        switch (node.o) {
          case '=': case '!=': case '<': case '<=': case '>': case '>=':
            return compare(node.o, a, b);
          default:
            return arith(node.o, a, b);
        }
      }
      case 'fn':
        if (!own(IMPL, node.f)) throw new Error('Nieznana funkcja: ' + node.f);
        return IMPL[node.f](node.args, ctx);
      default:
        throw new Error('Nieprawidłowy węzeł wyrażenia: ' + JSON.stringify(node.t));
    }
  }

  function values(args, ctx) {
    return args.map(function (a) { return ev(a, ctx); });
  }

  var regexCache = {};

  // whole: the text must match all of the pattern (format 1); else searched (format 2, ODK)
  function compiled(pattern, whole) {
    var key = (whole ? 'w:' : 's:') + pattern;
    if (own(regexCache, key)) return regexCache[key];
    var re = null;
    try {
      re = new RegExp(whole ? '^(?:' + pattern + ')$' : pattern);
    } catch (err) {
      re = null;
    }
    regexCache[key] = re;
    return re;
  }

  // ODK's reading of a multiple-choice value: a list, or a text of space-separated codes
  function odkItems(v) {
    if (v === null || v === undefined) return [];
    if (Array.isArray(v)) return v.map(toText);
    return toText(v).split(/\s+/).filter(function (x) { return x !== ''; });
  }

  function extreme(args, ctx, pick) {
    var numbers = [];
    var vs = values(args, ctx);
    for (var i = 0; i < vs.length; i++) {
      var v = vs[i];
      if (v === null || v === undefined || v === '') continue;
      var n = num(v);
      if (n === FAIL) return null;
      numbers.push(n);
    }
    return numbers.length ? clean(pick.apply(null, numbers)) : null;
  }

  // half away from zero, on the decimal text (so 2.675 -> 2.68 like Python's Decimal)
  function roundHalfAway(x, places) {
    if (x === 0) return 0;
    var sign = x < 0 ? -1 : 1;
    var shifted = Number(numberText(Math.abs(x)) + 'e' + places);
    var rounded = Math.round(shifted);
    return clean(sign * Number(numberText(rounded) + 'e' + (-places)));
  }

  function daysInMonth(y, m) {
    if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
    return [4, 6, 9, 11].indexOf(m) >= 0 ? 30 : 31;
  }

  function validDate(y, m, d) {
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
    return pad(y, 4) + '-' + pad(m, 2) + '-' + pad(d, 2);
  }

  var IMPL = {
    'selected': function (args, ctx) {
      var vs = values(args, ctx);
      var v = vs[0];
      var wanted = toText(vs[1]);
      if (v === null || v === undefined) return false;
      if (Array.isArray(v)) return v.some(function (x) { return toText(x) === wanted; });
      return toText(v) === wanted;
    },
    'count-selected': function (args, ctx) {
      var v = ev(args[0], ctx);
      if (Array.isArray(v)) return v.length;
      return v === null || v === undefined || v === '' ? 0 : 1;
    },
    'if': function (args, ctx) {
      return ev(truthy(ev(args[0], ctx)) ? args[1] : args[2], ctx);
    },
    'sum': function (args, ctx) {
      var total = 0;
      var vs = values(args, ctx);
      for (var i = 0; i < vs.length; i++) {
        var n = num(vs[i]);
        if (n === FAIL) return null;
        total += n;
      }
      return clean(total);
    },
    'coalesce': function (args, ctx) {
      for (var i = 0; i < args.length; i++) {
        var v = ev(args[i], ctx);
        if (v !== null && v !== undefined && v !== '') return v;
      }
      return null;
    },
    'string-length': function (args, ctx) {
      return Array.from(toText(ev(args[0], ctx))).length;
    },
    'regex': function (args, ctx) {
      var vs = values(args, ctx);
      var re = compiled(toText(vs[1]), true);
      return re !== null && re.test(toText(vs[0]));
    },
    'odk:regex': function (args, ctx) {
      var vs = values(args, ctx);
      var re = compiled(toText(vs[1]), false);
      return re !== null && re.test(toText(vs[0]));
    },
    'odk:selected': function (args, ctx) {
      var vs = values(args, ctx);
      return odkItems(vs[0]).indexOf(toText(vs[1]).trim()) >= 0;
    },
    'odk:count-selected': function (args, ctx) {
      return odkItems(ev(args[0], ctx)).length;
    },
    'true': function () { return true; },
    'false': function () { return false; },
    'not': function (args, ctx) {
      return !truthy(ev(args[0], ctx));
    },
    'int': function (args, ctx) {
      var n = numOrNull(ev(args[0], ctx));
      // on the 15-digit text first, as round() does: 4.35 * 100 is 434.99999999999994 in
      // binary and 435 for the server's decimals, so int() of it is 435 on both
      return n === null ? null : clean(Math.trunc(Number(numberText(n))));
    },
    'round': function (args, ctx) {
      var vs = values(args, ctx);
      var x = numOrNull(vs[0]);
      if (x === null) return null;
      var p = vs.length > 1 ? numOrNull(vs[1]) : null;
      var places = p === null ? 0 : Math.trunc(p);
      places = Math.max(-30, Math.min(30, places));
      return roundHalfAway(x, places);
    },
    'number': function (args, ctx) {
      return numOrNull(ev(args[0], ctx));
    },
    'concat': function (args, ctx) {
      return values(args, ctx).map(toText).join('');
    },
    'min': function (args, ctx) { return extreme(args, ctx, Math.min); },
    'max': function (args, ctx) { return extreme(args, ctx, Math.max); },
    'today': function (args, ctx) {
      return typeof ctx.today === 'string' && ctx.today !== '' ? ctx.today : null;
    },
    'date': function (args, ctx) {
      var vs = values(args, ctx);
      var parts = [];
      for (var i = 0; i < vs.length; i++) {
        var n = numOrNull(vs[i]);
        if (n === null || !Number.isInteger(n)) return null;
        parts.push(n);
      }
      return validDate(parts[0], parts[1], parts[2]);
    },
    'year': function (args, ctx) {
      var v = ev(args[0], ctx);
      if (typeof v !== 'string') return null;
      var m = ISO_DATE.exec(v);
      if (m === null) return null;
      var y = Number(m[1]);
      if (validDate(y, Number(m[2]), Number(m[3])) === null) return null;
      return y;
    },
    'reporting-year': function (args, ctx) {
      return normalize(ctx.reportingYear);
    },
    'prev': function (args, ctx) {
      var name = args[0].n;
      return normalize(own(ctx.previous, name) ? ctx.previous[name] : null);
    },
    'cell': function (args, ctx) {
      var vs = values(args, ctx);
      var table = vs[0];
      var row = toText(vs[1]);
      var col = toText(vs[2]);
      if (!isTable(table) || !own(table, row) || !own(table[row], col)) return null;
      var v = table[row][col];
      return v === undefined ? null : v;
    },
    'row-total': function (args, ctx) {
      var vs = values(args, ctx);
      return tableSum(vs[0], toText(vs[1]), null);
    },
    'column-total': function (args, ctx) {
      var vs = values(args, ctx);
      return tableSum(vs[0], null, toText(vs[1]));
    }
  };

  function context(ctx) {
    ctx = ctx || {};
    return {
      answers: ctx.answers || {},
      self: ctx.self === undefined ? null : ctx.self,
      previous: ctx.previous || {},
      reportingYear: ctx.reportingYear === undefined ? null : ctx.reportingYear,
      today: ctx.today === undefined ? null : ctx.today
    };
  }

  /** Value of a JSON AST (from forms.expressions.to_json) for the given answers. */
  function evaluate(ast, ctx) {
    return ev(ast, context(ctx));
  }

  /** Names of the questions an AST refers to with ${...} (to know what to re-evaluate). */
  function references(ast) {
    var found = [];
    var stack = [ast];
    while (stack.length) {
      var node = stack.pop();
      if (!node || typeof node !== 'object') continue;
      if (node.t === 'ref' && found.indexOf(node.n) < 0) found.push(node.n);
      if (node.a) stack.push(node.a);
      if (node.b) stack.push(node.b);
      if (node.args) stack.push.apply(stack, node.args);
    }
    return found.sort();
  }

  /**
   * A calculated value as its number format shows it, by the rule of the server's
   * forms/types/calculated.py (shared vectors: tests/data/format_vectors.json): the value read
   * as a number (a table is its total, true is 1), rounded half away from zero to the
   * format's places, grouped with no-break spaces and a decimal comma; '—' for no number.
   */
  function formatCalculated(value, places, suffix) {
    var n = numOrNull(value);
    if (n === null) return '—';
    var rounded = roundHalfAway(n, places);
    var parts = Math.abs(rounded).toFixed(places).split('.');
    var grouped = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
    return (rounded < 0 ? '-' : '') + grouped + (parts[1] ? ',' + parts[1] : '') + (suffix || '');
  }

  return {
    evaluate: evaluate,
    formatCalculated: formatCalculated,
    truthy: truthy,
    toText: toText,
    normalize: normalize,
    references: references,
    FUNCTIONS: FUNCTIONS
  };
});
