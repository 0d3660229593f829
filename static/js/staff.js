/* esmon — staff pages. Everything here is an enhancement: each page works without it.
 *  - "Zaznacz wszystkie" for checkbox groups (fieldset[data-select-all]);
 *  - the live e-mail status of a round (#mail-progress, polled while messages wait);
 *  - accessible autocomplete (alphagov accessible-autocomplete) for input[data-suggest]:
 *    the original input stays the submitted field; it gets the picked value ("id:12" or a
 *    TERYT code) or, until something is picked, the typed text the server then resolves.
 */
(function () {
  "use strict";

  function selectAll(group) {
    var boxes = Array.prototype.slice.call(group.querySelectorAll("input[type=checkbox]"));
    if (!boxes.length) { return; }
    var id = group.id + "-all";
    var wrap = document.createElement("div");
    wrap.className = "choice select-all";
    var all = document.createElement("input");
    all.type = "checkbox";
    all.id = id;
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = group.getAttribute("data-select-all");
    wrap.appendChild(all);
    wrap.appendChild(label);
    var list = group.querySelector(".checkbox-list");
    list.parentNode.insertBefore(wrap, list);
    function sync() {
      var checked = boxes.filter(function (b) { return b.checked; }).length;
      all.checked = checked === boxes.length;
      all.indeterminate = checked > 0 && checked < boxes.length;
    }
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      sync();
    });
    boxes.forEach(function (b) { b.addEventListener("change", sync); });
    sync();
  }

  function liveMail(box) {
    var text = box.querySelector(".mail-progress-text");
    var stuck = box.querySelector(".mail-stuck");
    function poll() {
      fetch(box.getAttribute("data-url"), {credentials: "same-origin",
                                           headers: {"Accept": "application/json"}})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          if (text.textContent !== data.text) { text.textContent = data.text; }
          if (stuck) { stuck.hidden = !data.stuck; }
          if (data.waiting > 0) { window.setTimeout(poll, 3000); }
        })
        .catch(function () { window.setTimeout(poll, 10000); });
    }
    if (Number(box.getAttribute("data-waiting")) > 0) { window.setTimeout(poll, 2000); }
  }

  function texts() {
    var node = document.getElementById("autocomplete-texts");
    return node ? JSON.parse(node.textContent) : {};
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
    });
  }

  function autocomplete(input, t) {
    var url = input.getAttribute("data-suggest");
    var id = input.id;
    var container = document.createElement("div");
    container.className = "autocomplete-wrap";
    input.parentNode.insertBefore(container, input.nextSibling);
    var describedBy = input.getAttribute("aria-describedby");
    var initial = input.getAttribute("data-label") || input.value;
    input.type = "hidden";
    input.id = id + "-value";
    input.removeAttribute("aria-describedby");
    var timer = null;
    window.accessibleAutocomplete({
      element: container,
      id: id,
      name: "",
      defaultValue: initial,
      minLength: 2,
      showNoOptionsFound: true,
      confirmOnBlur: false,
      source: function (query, populate) {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query),
                {credentials: "same-origin", headers: {"Accept": "application/json"}})
            .then(function (r) { return r.ok ? r.json() : []; })
            .then(populate)
            .catch(function () { populate([]); });
        }, 150);
      },
      templates: {
        inputValue: function (option) { return option ? option.label : ""; },
        suggestion: function (option) {
          return option ? (typeof option === "string" ? escapeHtml(option)
                                                      : escapeHtml(option.label)) : "";
        }
      },
      onConfirm: function (option) { if (option) { input.value = option.value; } },
      tNoResults: function () { return t.noResults || "—"; },
      tStatusQueryTooShort: function () { return t.tooShort || ""; },
      tStatusNoResults: function () { return t.noSearchResults || ""; },
      tStatusSelectedOption: function (option, length, index) {
        return (t.selected || "{option}").replace("{option}", option)
          .replace("{index}", index + 1).replace("{length}", length);
      },
      tStatusResults: function (length) {
        return length === 1 ? (t.results1 || "1") : (t.results || "{length}").replace("{length}", length);
      },
      tAssistiveHint: function () { return t.hint || ""; }
    });
    var field = document.getElementById(id);
    if (field) {
      if (describedBy) {
        field.setAttribute("aria-describedby",
                           (field.getAttribute("aria-describedby") || "") + " " + describedBy);
      }
      field.addEventListener("input", function () { input.value = field.value; });
    }
  }

  document.querySelectorAll("fieldset[data-select-all]").forEach(selectAll);
  var mail = document.getElementById("mail-progress");
  if (mail) { liveMail(mail); }
  if (window.accessibleAutocomplete) {
    var t = texts();
    document.querySelectorAll("input[data-suggest]").forEach(function (input) {
      autocomplete(input, t);
    });
  }
}());
