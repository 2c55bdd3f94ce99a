/* The comparison page: a slider per criterion weight. Moving one (by pointer or keyboard) asks
 * /compare/table for the comparison under the new weights — the same scoring as
 * POST /api/match/compare — and shows it at once, the map's numbers with it; the weights stay in
 * the address, so a link or a reload shows the same ranking. The reset puts the city's back. */
(function () {
  "use strict";
  var form = document.getElementById("compare-weights");
  if (!form) { return; }
  var result = document.getElementById("compare-result");
  var refusal = document.getElementById("compare-error");
  var sliders = Array.prototype.slice.call(form.querySelectorAll('input[type="range"]'));
  var latest = 0;  // only the answer to the last request is shown

  function showMap() {
    var data = document.getElementById("compare-data");
    if (data && window.landstock && window.landstock.showCandidates) {
      window.landstock.showCandidates(JSON.parse(data.getAttribute("data-sites")), [], null);
    }
  }

  function shown(slider) {
    var out = document.getElementById(slider.id + "-value");
    if (out) { out.textContent = slider.value; }
  }

  function query() { return new URLSearchParams(new FormData(form)).toString(); }

  function update() {
    sliders.forEach(shown);
    var q = query(), mine = ++latest;
    history.replaceState(null, "", "/compare?" + q);
    document.getElementById("compare-xlsx").href = "/compare.xlsx?" + q;
    document.getElementById("compare-pdf").href = "/compare.pdf?" + q;
    result.setAttribute("aria-busy", "true");
    fetch("/compare/table?" + q, { headers: { Accept: "text/html" } }).then(function (r) {
      return r.text().then(function (text) { return { ok: r.ok, text: text }; });
    }).then(function (answer) {
      if (mine !== latest) { return; }
      result.removeAttribute("aria-busy");
      if (!answer.ok) {
        refusal.textContent = new DOMParser().parseFromString(answer.text, "text/html").body.textContent.trim();
        refusal.hidden = false;
        return;
      }
      refusal.hidden = true;
      result.innerHTML = answer.text;
      showMap();
    }, function (e) {
      if (mine !== latest) { return; }
      result.removeAttribute("aria-busy");
      refusal.textContent = e.message;
      refusal.hidden = false;
    });
  }

  form.addEventListener("input", function (e) {
    if (e.target.type === "range") { update(); }
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); update(); });
  document.getElementById("compare-reset").addEventListener("click", function () {
    sliders.forEach(function (s) { s.value = s.getAttribute("data-default"); });
    update();
  });
  document.getElementById("compare-print").addEventListener("click", function () { window.print(); });
  showMap();
})();
