/* Suggestions under the search boxes (the header's, on every page, and the results page's).
   Progressive enhancement only: without this file each box is a plain GET form to /<lang>/search/.

   A box becomes an ARIA 1.2 combobox with a listbox popup (the WAI-ARIA Authoring Practices' "list
   autocomplete with manual selection"). As the visitor types, titles from /<lang>/search/suggest/
   appear under the box; Down and Up move through them while the focus stays in the box (the
   active one is named by aria-activedescendant); Enter opens the chosen one or, with none chosen,
   searches as before; Escape closes the list; so does leaving the box. The texts it announces
   come from the form's data-suggestions-* attributes, translated with the page. */
(function () {
  "use strict";
  if (!window.fetch || !window.URL) return;

  var DELAY_MS = 200; // pauses in typing shorter than this do not ask the server
  var MIN_LENGTH = 2; // as services.suggest

  function enhance(form) {
    var input = form.querySelector('input[name="q"]');
    if (!input || !input.id) return;
    var field = input.parentNode;

    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", form.getAttribute("data-suggestions-label") || "");
    list.hidden = true;
    field.appendChild(list);

    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    field.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var suggestions = []; // [{title, url, kind}] now in the list
    var active = -1; // index of the highlighted option, -1 for none
    var timer = null;
    var latest = 0; // number of the latest request: answers to older ones are dropped
    var answered = {}; // text -> suggestions, for this page view

    function isOpen() {
      return !list.hidden;
    }

    function open() {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      highlight(-1);
    }

    function announce(text) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function highlight(index) {
      var options = list.children;
      if (active >= 0 && options[active]) options[active].setAttribute("aria-selected", "false");
      active = index;
      if (index < 0 || !options[index]) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      options[index].setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function go(index) {
      var suggestion = suggestions[index];
      if (!suggestion) return;
      // Only addresses of this site are followed, whatever the answer holds.
      var target = new URL(suggestion.url, window.location.href);
      if (target.origin !== window.location.origin) return;
      close();
      window.location.assign(target.href);
    }

    function show(found) {
      suggestions = found;
      active = -1;
      list.textContent = "";
      found.forEach(function (suggestion, index) {
        var option = document.createElement("li");
        option.id = list.id + "-" + index;
        option.className = "suggestions__option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var title = document.createElement("span");
        title.className = "suggestions__title";
        title.textContent = suggestion.title;
        option.appendChild(title);
        if (suggestion.kind) {
          var kind = document.createElement("span");
          kind.className = "suggestions__kind";
          kind.textContent = suggestion.kind;
          option.appendChild(kind);
        }
        // Keep the focus in the box when an option is pressed, so the click still reaches it.
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { go(index); });
        list.appendChild(option);
      });
      if (found.length) {
        open();
        announce((form.getAttribute("data-suggestions-found") || "").replace("__COUNT__", found.length));
      } else {
        close();
        announce(form.getAttribute("data-suggestions-none") || "");
      }
    }

    function ask() {
      var text = input.value.trim();
      if (text.length < MIN_LENGTH) {
        suggestions = [];
        list.textContent = "";
        close();
        return;
      }
      if (answered.hasOwnProperty(text)) {
        show(answered[text]);
        return;
      }
      var number = ++latest;
      fetch(form.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" },
        credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
        .then(function (body) {
          var found = Array.isArray(body.suggestions) ? body.suggestions : [];
          answered[text] = found;
          if (number === latest && input.value.trim() === text && document.activeElement === input) show(found);
        })
        .catch(function () { close(); });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      if (event.altKey && event.key !== "ArrowDown") return;
      var count = suggestions.length;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (!isOpen()) {
            if (count) { open(); if (!event.altKey) highlight(0); } else { ask(); }
          } else if (!event.altKey) {
            highlight(active + 1 < count ? active + 1 : 0);
          }
          break;
        case "ArrowUp":
          if (!count) return;
          event.preventDefault();
          if (!isOpen()) open();
          highlight(active > 0 ? active - 1 : count - 1);
          break;
        case "Enter":
          if (isOpen() && active >= 0) {
            event.preventDefault();
            go(active);
          }
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            event.stopPropagation();
            close();
          }
          break;
        case "Tab":
          close();
          break;
        default:
          break;
      }
    });

    input.addEventListener("blur", close);
    form.addEventListener("submit", close);
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-suggest-url]"), enhance);
})();
