/*
 * Live questionnaire logic on a section page: shows and hides questions, fills calculated
 * values and table totals as the respondent types. The page works without it: the server
 * applies the same rules (forms/logic.py) on every save, from the same expression trees.
 */
(function () {
  'use strict';
  var form = document.getElementById('answer-form');
  var dataNode = document.getElementById('survey-logic');
  if (!form || !dataNode || !window.EsmonExpr) { return; }
  var logic = JSON.parse(dataNode.textContent);
  var E = window.EsmonExpr;
  /* Each question says how its answer is read (forms/types/, browser_entry): q.read is
     'number', 'date', 'table' or 'text'; q.strip removes what the server removes too. */

  /* Polish number input → Number (null when empty or not a number we accept). */
  function parseNumber(text) {
    var raw = (text || '').trim().replace(/[\s\u00a0\u202f']/g, '');
    if (!raw) { return null; }
    if (/^-?[1-9]\d{0,2}\.\d{3}$/.test(raw)) { return null; }
    if (/,/.test(raw) && /\./.test(raw)) { raw = raw.replace(/\./g, ''); }
    raw = raw.replace(',', '.').replace('\u2212', '-');
    return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : null;
  }

  function isoDate(text) {
    var m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec((text || '').trim());
    if (m) { return m[3] + '-' + ('0' + m[2]).slice(-2) + '-' + ('0' + m[1]).slice(-2); }
    return /^\d{4}-\d{2}-\d{2}$/.test((text || '').trim()) ? text.trim() : null;
  }

  function formatNumber(value, places) {
    if (value === null || value === undefined || isNaN(value)) { return '—'; }
    var fixed = Math.abs(value).toFixed(places);
    var parts = fixed.split('.');
    var grouped = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
    return (value < 0 ? '-' : '') + grouped + (parts[1] ? ',' + parts[1] : '');
  }

  function typed(id, value) {
    var q = logic.questions[id];
    if (!q || value === null || value === undefined) { return value; }
    if (q.read === 'number') { return Number(value); }
    if (q.read === 'table') {
      var table = {};
      Object.keys(value).forEach(function (r) {
        table[r] = {};
        Object.keys(value[r]).forEach(function (c) { table[r][c] = Number(value[r][c]); });
      });
      return table;
    }
    return value;
  }

  /* What the server cannot read either (forms/logic.py, ``unreadable``): a number box with
     text that is not a number, and the values held in the draft on other sections. A rule
     that reads one of them is skipped: its question stays as it is, a calculation waits. */
  var UNREADABLE = {};

  function readsUnreadable(node, unreadable) {
    return !!node && E.references(node).some(function (id) { return unreadable[id]; });
  }

  function fieldValue(id) {
    var q = logic.questions[id];
    var name = logic.fieldPrefix + id;
    if (q.read === 'table') {
      var table = {}; var any = false; var bad = false;
      q.rows.forEach(function (r) {
        q.columns.forEach(function (c) {
          var input = form.elements[name + '__' + r + '__' + c];
          var v = input ? parseNumber(input.value) : null;
          if (v !== null) { (table[r] = table[r] || {})[c] = v; any = true; }
          else if (input && input.value.trim()) { bad = true; }
        });
      });
      if (bad) { return { unreadable: true, value: any ? table : null }; }
      return any ? table : null;
    }
    var nodes = form.querySelectorAll('[name="' + name + '"]');
    if (!nodes.length) { return undefined; }
    var first = nodes[0];
    if (first.type === 'checkbox' && first.hasAttribute('data-single')) {
      return first.checked ? first.value : null;  // a declaration: one value, not a list
    }
    if (first.type === 'checkbox') {
      var list = [];
      nodes.forEach(function (n) { if (n.checked) { list.push(n.value); } });
      return list.length ? list : null;
    }
    if (first.type === 'radio') {
      var chosen = null;
      nodes.forEach(function (n) { if (n.checked) { chosen = n.value; } });
      return chosen;
    }
    var text = first.value;
    if (q.read === 'number') {
      var number = parseNumber(text);
      return number === null && text.trim() ? UNREADABLE : number;
    }
    if (q.read === 'date') { return isoDate(text); }
    text = text.trim();
    if (q.strip) { text = text.replace(new RegExp(q.strip, 'g'), ''); }
    return text ? text : null;
  }

  function update() {
    var answers = {};
    Object.keys(logic.answers).forEach(function (id) { answers[id] = typed(id, logic.answers[id]); });
    var previous = {};
    Object.keys(logic.previous || {}).forEach(function (id) { previous[id] = typed(id, logic.previous[id]); });
    var unreadable = {};
    (logic.unreadable || []).forEach(function (id) { unreadable[id] = true; });
    Object.keys(logic.questions).forEach(function (id) {
      var v = fieldValue(id);
      if (v === UNREADABLE) { unreadable[id] = true; v = null; }
      if (v && v.unreadable === true) { unreadable[id] = true; v = v.value; }
      if (v !== undefined) { if (v === null) { delete answers[id]; } else { answers[id] = v; } }
    });
    var ctx = { answers: answers, previous: previous, reportingYear: logic.reportingYear, today: logic.today };
    function holdsOrSkipped(rule) {
      return !rule || readsUnreadable(rule, unreadable) || E.truthy(E.evaluate(rule, ctx));
    }
    var sectionShown = {};
    logic.order.forEach(function (id) {
      var q = logic.questions[id];
      if (!(q.section in sectionShown)) {
        var rel = logic.sections[q.section];
        sectionShown[q.section] = holdsOrSkipped(rel);
      }
      var shown = sectionShown[q.section] && holdsOrSkipped(q.relevant);
      var block = document.getElementById('pytanie-' + id);
      if (block) { block.hidden = !shown; }
      if (!shown) { delete answers[id]; return; }
      if (q.calculation) {
        var value = readsUnreadable(q.calculation, unreadable) ? null :
          E.evaluate(q.calculation, ctx);
        answers[id] = value;
        var out = form.querySelector('[data-calculated="' + id + '"]');
        if (out) {
          out.textContent = q.read !== 'number' ? E.toText(value) :
            E.formatCalculated(value, q.places, q.suffix);
        }
      }
    });
    form.querySelectorAll('table[data-table]').forEach(updateTotals);
  }

  function updateTotals(table) {
    var q = logic.questions[table.getAttribute('data-table')];
    var value = fieldValue(table.getAttribute('data-table')) || {};
    if (value.unreadable === true) { value = value.value || {}; }
    var grand = 0; var anyValue = false;
    function show(node, sum, has) { if (node) { node.textContent = has ? formatNumber(sum, sum % 1 ? 2 : 0) : ''; } }
    q.rows.forEach(function (r) {
      var sum = 0; var has = false;
      q.columns.forEach(function (c) { if (value[r] && value[r][c] !== undefined) { sum += value[r][c]; has = true; } });
      show(table.querySelector('[data-row-total="' + r + '"]'), sum, has);
      grand += sum; anyValue = anyValue || has;
    });
    q.columns.forEach(function (c) {
      var sum = 0; var has = false;
      q.rows.forEach(function (r) { if (value[r] && value[r][c] !== undefined) { sum += value[r][c]; has = true; } });
      show(table.querySelector('[data-column-total="' + c + '"]'), sum, has);
    });
    show(table.querySelector('[data-grand-total]'), grand, anyValue);
  }

  form.addEventListener('input', update);
  form.addEventListener('change', update);
  update();
  /* Error summary (GOV.UK pattern): it takes focus on load; its links focus the field itself
     and show the whole question, label or legend included, not just the input. */
  var summary = document.getElementById('error-summary');
  if (summary) {
    summary.addEventListener('click', function (event) {
      var link = event.target.closest('a[href^="#"]');
      var input = link && document.getElementById(link.getAttribute('href').slice(1));
      if (!input) { return; }
      event.preventDefault();
      (input.closest('.question') || input).scrollIntoView();
      input.focus({ preventScroll: true });
    });
    summary.focus();
  } else {
    focusNamedAnswer();
  }
  window.addEventListener('hashchange', focusNamedAnswer);

  /* Arriving from a "Zmień" link of the review page: put the cursor in that answer. */
  function focusNamedAnswer() {
    if (location.hash.length < 2) { return; }
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    var field = target && form.contains(target) &&
      (target.matches('input, select, textarea') ? target :
        target.querySelector('input:not([type=hidden]), select, textarea'));
    if (field) { field.focus(); }
  }
})();
