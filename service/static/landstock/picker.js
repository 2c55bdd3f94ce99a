/* The project picker: as a reader types part of a project's code or name, the projects they may
 * read that match are offered in the input's list (GET /api/projects/choices). Without this
 * script the input still takes a code or an exact name, which the server resolves. */
(function () {
  "use strict";
  if (window.landstockPicker) { return; }
  window.landstockPicker = true;

  function fill(list, found) {
    list.replaceChildren();
    found.forEach(function (p) {
      var option = document.createElement("option");
      option.value = p.code;
      option.label = p.code + " " + p.name;
      option.textContent = p.name;
      list.appendChild(option);
    });
  }

  function attach(input) {
    if (input.dataset.pickerReady) { return; }
    input.dataset.pickerReady = "1";
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null, asked = null;
    function ask() {
      var q = input.value.trim();
      if (q === asked) { return; }
      asked = q;
      fetch(input.dataset.choices + "?limit=10&q=" + encodeURIComponent(q), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      }).then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) { if (asked === q) { fill(list, found); } })
        .catch(function () { /* the typed code or name is still sent */ });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 200);
    });
    input.addEventListener("focus", ask);
  }

  function attachAll(root) {
    (root || document).querySelectorAll("input.ls-project-picker").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { attachAll(); });
  } else { attachAll(); }
  document.addEventListener("htmx:afterSwap", function (e) { attachAll(e.target); });
}());
