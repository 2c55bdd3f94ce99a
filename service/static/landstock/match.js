/* The matching page: sends the form to /api/match and shows the answer — ranked parcels,
 * assembled sites and factories with every score contribution and check, near misses with their
 * gaps — on the map (numbered) and in a list; ticked sites make the shortlist that prints. */
(function () {
  "use strict";
  var form = document.getElementById("match-form");
  if (!form) { return; }
  var words = JSON.parse(form.getAttribute("data-words"));
  var out = document.getElementById("match-results");

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function number(v) { return v === "" || v === null ? null : Number(v); }

  function request() {
    var data = new FormData(form);
    var industry = String(data.get("industry") || "").trim().split(/\s+/)[0];
    var body = { industry_code: industry, assemble: data.get("assemble") === "1",
                 needs_waterfront: data.get("needs_waterfront") === "1",
                 include_reserved: data.get("include_reserved") === "1",
                 preferred_areas: data.getAll("preferred_areas"),
                 required_readiness: data.getAll("required_readiness") };
    ["land_min_mu", "land_max_mu", "fixed_investment_wan", "floor_area_min_m2", "nuisance_class"].forEach(function (k) {
      var v = number(data.get(k));
      if (v !== null && !isNaN(v)) { body[k] = v; }
    });
    return body;
  }

  function candidate(c, near) {
    var card = el("div", "card mb-2 ls-candidate" + (near ? " ls-near" : ""));
    card.setAttribute("data-code", c.code);
    var body = el("div", "card-body py-2");
    var head = el("div", "d-flex align-items-center gap-2");
    if (!near) {
      var tick = el("input", "form-check-input ls-shortlist");
      tick.type = "checkbox";
      tick.title = words.shortlist;
      tick.addEventListener("change", function () { card.classList.toggle("ls-picked", tick.checked); });
      head.appendChild(tick);
      head.appendChild(el("span", "badge text-bg-dark", String(c.rank)));
    }
    var link = el("a", "fw-semibold", c.code);
    link.href = (c.kind === "factory" ? "/factories/" : "/parcels/") + encodeURIComponent(c.members && c.members.length ? c.members[0] : c.code);
    head.appendChild(link);
    head.appendChild(el("span", "text-muted small", c.kind_label));
    head.appendChild(el("span", "ms-auto fw-semibold", words.score + " " + c.score));
    body.appendChild(head);
    if (c.kind === "assembly") { body.appendChild(el("div", "small", words.members + ": " + c.members.join("、"))); }
    if (c.criteria && c.criteria.length && !near) {
      var table = el("table", "table table-sm mb-1 small");
      c.criteria.forEach(function (k) {
        var row = el("tr");
        row.appendChild(el("td", null, k.label));
        row.appendChild(el("td", "text-end", k.points.toFixed(1) + " / " + k.weight));
        var bar = el("td"); var fill = el("span", "ls-bar"); fill.style.width = Math.round(k.value * 100) + "px";
        bar.appendChild(fill); row.appendChild(bar);
        table.appendChild(row);
      });
      body.appendChild(table);
    }
    var reasons = (near ? c.gaps : (c.checks || []).map(function (k) { return k.label + "：" + k.status_label; }));
    if (reasons && reasons.length) { body.appendChild(el("div", near ? "small text-danger" : "small text-muted", reasons.join("；"))); }
    card.appendChild(body);
    return card;
  }

  function section(title, list, near) {
    var box = el("div", "mb-3");
    box.appendChild(el("h2", "h6", title + " (" + list.length + ")"));
    if (!list.length) { box.appendChild(el("p", "small text-muted", words.none)); }
    list.forEach(function (c) { box.appendChild(candidate(c, near)); });
    return box;
  }

  function show(answer) {
    out.innerHTML = "";
    (answer.notes || []).forEach(function (n) { out.appendChild(el("p", "small alert alert-info py-1 mb-2", n)); });
    (answer.order || ["parcels", "factories"]).forEach(function (kind) {
      out.appendChild(section(words[kind], answer[kind] || [], false));
    });
    var near = answer.near_misses || { parcels: [], factories: [] };
    out.appendChild(section(words.near_misses, near.parcels.concat(near.factories), true));
    landstock.showCandidates((answer.parcels || []).concat(answer.factories || []));
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (form.getAttribute("data-disabled")) { return; }
    out.textContent = "…";
    fetch("/api/match?lang=" + (document.documentElement.lang.indexOf("zh") === 0 ? "zh" : "en"), { method: "POST", headers: { "Content-Type": "application/json" },
                          body: JSON.stringify(request()) })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (r) {
        if (r.ok) { show(r.body); } else { out.textContent = words.failed + " " + (r.body.detail || ""); }
      })
      .catch(function () { out.textContent = words.failed; });
  });
})();
