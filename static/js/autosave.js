/*
 * The respondent's safety net, on every respondent page (no build step, no inline script):
 *
 * - Autosave (section pages): the form goes to its autosave endpoint two seconds after the last
 *   change, and every 30 s while something is still unsaved; the status line says
 *   "Zapisano 10:42" (a polite live region). Everything is saved: a value the server cannot
 *   take yet is held in the draft as typed, and the status line lists those, each a link. Each save carries the response's version; when
 *   someone else saved in the meantime the server answers 409 and autosaving stops with a
 *   visible message, so nothing newer is overwritten. Edits still unsaved when the page is
 *   closed are sent with sendBeacon.
 * - Session warning: the idle session ends PERMANENT_SESSION_LIFETIME after the last request.
 *   A dialog warns a few minutes before and its button renews the session (through autosave
 *   on a section page, the keep-alive endpoint elsewhere).
 *
 * Without JavaScript the buttons of the form save everything, as before.
 */
(function () {
  'use strict';
  var DEBOUNCE_MS = 2000;
  var INTERVAL_MS = 30000;

  var dialog = document.getElementById('session-warning');
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var form = document.getElementById('answer-form');
  var statusNode = document.getElementById('autosave-status');
  var textsNode = document.getElementById('autosave-texts');
  if (!window.fetch || !window.FormData || !textsNode) { return; }
  /* The words come from the page (templates/respond/_session.html), so they can be translated. */
  var TEXT = JSON.parse(textsNode.textContent);

  function fill(template, value) { return template.replace('{}', value); }

  function say(text, kind) {
    if (!statusNode) { return; }
    statusNode.textContent = text;
    statusNode.className = 'autosave-status' + (kind ? ' autosave-' + kind : '');
  }

  function clock(date) {
    return ('0' + date.getHours()).slice(-2) + ':' + ('0' + date.getMinutes()).slice(-2);
  }

  /* ---- session expiry warning ---- */
  var session = (function () {
    if (!dialog) { return { renewed: function () {}, expired: function () {} }; }
    var lifetime = Number(dialog.getAttribute('data-lifetime')) || 7200;
    var warnBefore = Number(dialog.getAttribute('data-warn')) || 300;
    var warnPart = dialog.querySelector('[data-session-warn]');
    var endedPart = dialog.querySelector('[data-session-ended]');
    var endText = dialog.querySelector('[data-session-end]');
    var extendButton = dialog.querySelector('[data-session-extend]');
    var warnTimer = null;
    var endTimer = null;
    var ended = false;

    function open() {
      if (dialog.open) { return; }
      if (dialog.showModal) { dialog.showModal(); } else { dialog.setAttribute('open', ''); }
    }
    function close() {
      if (!dialog.open) { return; }
      if (dialog.close) { dialog.close(); } else { dialog.removeAttribute('open'); }
    }
    function show(expiredNow) {
      warnPart.hidden = expiredNow;
      endedPart.hidden = !expiredNow;
      dialog.setAttribute('aria-labelledby',
                          expiredNow ? 'session-ended-title' : 'session-warning-title');
      open();
      (expiredNow ? endedPart : extendButton).focus();
    }
    function expired() {
      if (ended) { return; }
      ended = true;
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      if (autosave) { autosave.stop(); }
      say(TEXT.expired, 'error');
      show(true);
    }
    function renewed(seconds) {
      if (ended) { return; }
      if (seconds) { lifetime = seconds; }
      clearTimeout(warnTimer);
      clearTimeout(endTimer);
      var deadline = new Date(Date.now() + lifetime * 1000);
      warnTimer = setTimeout(function () {
        endText.textContent = clock(deadline);
        show(false);
      }, Math.max(0, lifetime - warnBefore) * 1000);
      endTimer = setTimeout(expired, lifetime * 1000);
      close();
    }
    function keepAlive() {
      return fetch(dialog.getAttribute('data-keepalive-url'), {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Accept': 'application/json', 'X-CSRFToken': csrfMeta ? csrfMeta.content : '' }
      }).then(function (reply) {
        if (reply.status === 401) { expired(); return; }
        if (reply.ok) { return reply.json().then(function (data) { renewed(data.sessionSeconds); }); }
      });
    }
    extendButton.addEventListener('click', function () {
      var done = autosave ? autosave.save(true) : keepAlive();
      done.then(function () {
        if (!ended) { say(fill(TEXT.extended, Math.round(lifetime / 60)), ''); }
      }, function () {
        say(TEXT.extendFailed, 'error');
      });
    });
    renewed();
    return { renewed: renewed, expired: expired };
  })();

  /* ---- autosave ---- */
  var autosave = null;
  if (form && form.getAttribute('data-autosave-url')) {
    autosave = (function () {
      var url = form.getAttribute('data-autosave-url');
      var dirty = false;
      var stopped = false;
      var submitting = false;
      var debounce = null;
      var inFlight = null;

      function versionField() { return form.elements.namedItem('version'); }

      function labelOf(fieldId) {
        var label = document.querySelector('label[for="' + fieldId + '"]');
        if (!label) {
          var input = document.getElementById(fieldId);
          var fieldset = input && input.closest('fieldset');
          label = fieldset && fieldset.querySelector('legend');
        }
        return label ? label.textContent.replace(/\(wymagane\)/, '').trim() : '';
      }

      /* Saved, but some values are held in the draft as typed: say which, each a link. */
      function sayHeld(savedAt, problems) {
        if (!statusNode) { return; }
        statusNode.textContent = fill(TEXT.held, savedAt) + ' ';
        statusNode.className = 'autosave-status autosave-held';
        problems.forEach(function (problem, i) {
          var link = document.createElement('a');
          link.href = '#' + problem.field;
          var where = labelOf(problem.field);
          link.textContent = (where ? where + ' — ' : '') + problem.message;
          if (i) { statusNode.appendChild(document.createTextNode('; ')); }
          statusNode.appendChild(link);
        });
      }

      function handle(reply) {
        return reply.json().catch(function () { return {}; }).then(function (data) {
          if (reply.status === 200) {
            versionField().value = data.version;
            session.renewed(data.sessionSeconds);
            var problems = data.problems || [];
            if (problems.length) {
              sayHeld(data.savedAt, problems);
            } else {
              say(fill(TEXT.saved, data.savedAt), 'ok');
            }
          } else if (reply.status === 409) {
            stopped = true;
            say(data.message || TEXT.conflict, 'error');
          } else if (reply.status === 401) {
            stopped = true;
            session.expired();
          } else {
            stopped = stopped || reply.status === 400;
            dirty = true;
            say(data.message || TEXT.failed, 'error');
          }
        });
      }

      function save(force) {
        if (inFlight) { dirty = dirty || force; return inFlight; }
        if (stopped || submitting || !(dirty || force)) { return Promise.resolve(); }
        clearTimeout(debounce);
        dirty = false;
        inFlight = fetch(url, {
          method: 'POST', body: new FormData(form), credentials: 'same-origin',
          headers: { 'Accept': 'application/json' }
        }).then(handle, function () {
          dirty = true;
          say(TEXT.offline, 'error');
        }).then(function () {
          inFlight = null;
          if (dirty && !stopped && !submitting) { schedule(); }
        });
        return inFlight;
      }

      function schedule() {
        clearTimeout(debounce);
        debounce = setTimeout(save, DEBOUNCE_MS);
      }

      function changed(event) {
        if (!event.target.name || event.target.name === 'version') { return; }
        dirty = true;
        schedule();
      }

      form.addEventListener('input', changed);
      form.addEventListener('change', changed);
      setInterval(function () { if (dirty) { save(); } }, INTERVAL_MS);

      /* A save still on its way would make the button's post look stale: wait for it. */
      form.addEventListener('submit', function (event) {
        clearTimeout(debounce);
        if (inFlight) {
          event.preventDefault();
          var submitter = event.submitter;
          inFlight.then(function () { submitting = true; send(submitter); });
          return;
        }
        submitting = true;
      });

      function send(submitter) {
        if (form.requestSubmit) { form.requestSubmit(submitter || undefined); return; }
        if (submitter && submitter.name) {
          var hidden = document.createElement('input');
          hidden.type = 'hidden'; hidden.name = submitter.name; hidden.value = submitter.value;
          form.appendChild(hidden);
        }
        form.submit();
      }

      window.addEventListener('pagehide', function () {
        if (dirty && !stopped && !submitting && !inFlight && navigator.sendBeacon) {
          navigator.sendBeacon(url, new FormData(form));
          dirty = false;
        }
      });

      return { save: save, stop: function () { stopped = true; } };
    })();
  }
})();
