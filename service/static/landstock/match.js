/* The matching page: sends the form to /api/match (or a saved project to its own matches) and
 * shows the answer — ranked parcels, assembled sites and factories with every score
 * contribution and check, near misses with their gaps — on the map (numbered) and in a list.
 * Ticked sites make the shortlist; each gets its facts and its joint review sheet (/api/review)
 * in the print view, which prints with the map as the A4 recommendation. */
(function () {
  "use strict";
  var form = document.getElementById("match-form");
  if (!form) { return; }
  var words = JSON.parse(form.getAttribute("data-words"));
  var out = document.getElementById("match-results");
  var sites = document.getElementById("print-sites");
  var needBox = document.getElementById("print-need");
  var lang = document.documentElement.lang.indexOf("zh") === 0 ? "zh" : "en";
  var project = form.getAttribute("data-project");  // a saved project, until its needs are edited
  var pick = form.getAttribute("data-site");        // a site to shortlist once it is listed
  var savedList = JSON.parse(form.getAttribute("data-shortlist") || "[]");  // the project's saved shortlist
  var reviews = {};                                 // code -> the review being fetched
  var PLAN = ["plot_ratio", "building_coefficient", "office_share"];
  var NEED = ["land_min_mu", "land_max_mu", "fixed_investment_wan", "floor_area_min_m2", "nuisance_class",
              "annual_output_wan", "annual_tax_wan"];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function numbers(names) {
    var data = new FormData(form), body = {};
    names.forEach(function (k) {
      var v = data.get(k);
      if (v !== null && v !== "" && !isNaN(Number(v))) { body[k] = Number(v); }
    });
    return body;
  }

  // The project's fields, as POST /api/match and POST /api/review both take them.
  function need() {
    var data = new FormData(form);
    var body = numbers(NEED);
    body.industry_code = String(data.get("industry") || "").trim().split(/\s+/)[0];
    body.needs_waterfront = data.get("needs_waterfront") === "1";
    body.preferred_areas = data.getAll("preferred_areas");
    body.required_readiness = data.getAll("required_readiness");
    var name = String(data.get("name") || "").trim();
    if (name) { body.name = name; }
    return body;
  }

  function query(params) {
    return Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
  }

  function call(url, body) {
    // a signed-in reader's session cookie goes with the request: its CSRF token must go too
    var headers = { "Content-Type": "application/json", "X-CSRF-Token": form.getAttribute("data-csrf") || "" };
    var init = body ? { method: "POST", headers: headers, body: JSON.stringify(body) } : {};
    return fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "lang=" + lang, init).then(function (r) {
      return r.json().then(function (answer) {
        if (!r.ok) { throw new Error(answer.detail || String(r.status)); }
        return answer;
      });
    });
  }

  function matches() {
    var data = new FormData(form);
    var options = { include_reserved: data.get("include_reserved") === "1", assemble: data.get("assemble") === "1" };
    if (project) { return call("/api/projects/" + encodeURIComponent(project) + "/matches?" + query(options)); }
    var body = need();
    delete body.annual_output_wan;
    delete body.annual_tax_wan;
    return call("/api/match", Object.assign(body, options));
  }

  function review(site) {
    var plan = numbers(PLAN);
    if (project) {
      return call("/api/projects/" + encodeURIComponent(project) + "/review?" + query(Object.assign({ site: site }, plan)));
    }
    return call("/api/review", Object.assign(need(), plan, { site: site }));
  }

  function criteriaTable(c) {
    // rows in a tbody: Bootstrap styles `.table > * > * > *` as cells, which without one are the bars
    var table = el("table", "table table-sm mb-1 small"); var rows = el("tbody");
    table.appendChild(rows);
    c.criteria.forEach(function (k) {
      var row = el("tr");
      row.appendChild(el("td", null, k.label));
      row.appendChild(el("td", "text-muted ls-fact", k.fact || ""));
      row.appendChild(el("td", "text-end text-nowrap", k.points.toFixed(1) + " / " + k.weight));
      var bar = el("td", "ls-criterion-bar"); var fill = el("span", "ls-bar"); fill.style.width = Math.round(k.value * 100) + "%";
      bar.appendChild(fill); row.appendChild(bar);
      rows.appendChild(row);
    });
    return table;
  }

  function siteOf(c) { return c.kind === "assembly" ? c.members.join("+") : c.code; }

  function candidate(c, near) {
    var card = el("div", "card mb-2 ls-candidate" + (near ? " ls-near" : ""));
    card.setAttribute("data-code", c.code);
    card.candidate = c;
    var body = el("div", "card-body py-2");
    var head = el("div", "d-flex align-items-center gap-2");
    if (!near) {
      var tick = el("input", "form-check-input ls-shortlist");
      tick.type = "checkbox";
      tick.title = words.shortlist;
      tick.setAttribute("aria-label", words.shortlist + " " + c.code);
      tick.addEventListener("change", function () {
        card.classList.toggle("ls-picked", tick.checked);
        shortlist(c, tick.checked);
      });
      head.appendChild(tick);
      head.appendChild(el("span", c.kind === "factory" ? "badge ls-badge-factory" : "badge text-bg-dark",
                          String(c.rank)));
    }
    var link = el("a", "fw-semibold", c.code);
    link.href = (c.kind === "factory" ? "/factories/" : "/parcels/") + encodeURIComponent(c.members && c.members.length ? c.members[0] : c.code);
    head.appendChild(link);
    head.appendChild(el("span", "text-muted small", c.kind_label));
    head.appendChild(el("span", "ms-auto fw-semibold", words.score + " " + c.score));
    body.appendChild(head);
    if (c.kind === "assembly") { body.appendChild(el("div", "small", words.members + ": " + c.members.join("、"))); }
    if (c.criteria && c.criteria.length && !near) { body.appendChild(criteriaTable(c)); }
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

  // --- the print view: what was asked, then each shortlisted site's facts, score and review ---

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }

  function range(low, high, unit) {
    if (low === null && high === null) { return ""; }
    return (low === null ? "" : low) + "–" + (high === null ? "" : high) + " " + unit;
  }

  function showNeed(n) {
    needBox.innerHTML = "";
    var parts = [n.industry_code + " " + n.industry_name, n.nuisance_label,
                 range(n.land_min_mu, n.land_max_mu, words.mu),
                 n.floor_area_min_m2 ? "≥ " + n.floor_area_min_m2 + " m²" : ""];
    var line = el("p", "mb-1");
    line.appendChild(el("b", null, [n.project_code, n.name].filter(Boolean).join(" ")));
    line.appendChild(document.createTextNode(" " + words.need + ": " + parts.filter(Boolean).join(" · ")));
    needBox.appendChild(line);
    needBox.appendChild(el("p", "text-muted mb-2", words.prepared + " " + today()));
  }

  function factsTable(c) {
    var table = el("table", "table table-sm mb-1 small ls-print-facts");
    words.fact_fields.forEach(function (pair) {
      var value = c[pair[0]];
      if (value === undefined || value === null || value === "") { return; }
      if (pair[0] === "land_use") { value = value + " " + (c.land_use_name || ""); }
      if (words.values[pair[0]]) { value = words.values[pair[0]][value] || value; }
      var row = el("tr");
      row.appendChild(el("th", null, pair[1]));
      row.appendChild(el("td", null, String(value)));
      table.appendChild(row);
    });
    return table;
  }

  function threshold(bound) {
    return bound.value === null ? "—" : (bound.op === ">=" ? "≥ " : "≤ ") + bound.value;
  }

  function reviewSheet(sheet) {
    var box = el("div", "ls-print-review");
    box.appendChild(el("h3", "h6 mt-2", words.review.title + " · " + words.review.area_mu + " " + sheet.area_mu));
    var table = el("table", "table table-sm table-bordered small mb-1");
    var head = el("tr");
    words.review.columns.forEach(function (c) { head.appendChild(el("th", null, c)); });
    table.appendChild(head);
    sheet.indicators.forEach(function (r) {
      var row = el("tr");
      [r.label, r.value === null ? "—" : r.value, threshold(r.national), threshold(r.city)].forEach(function (v) {
        row.appendChild(el("td", null, String(v)));
      });
      row.appendChild(el("td", "ls-review-" + r.status, r.status_label));
      row.appendChild(el("td", null, r.national.rule + "；" + r.city.rule));
      table.appendChild(row);
    });
    box.appendChild(table);
    var verdict = el("p", "small mb-0");
    verdict.appendChild(el("b", null, words.review.overall + ": "));
    verdict.appendChild(el("span", "ls-review-" + sheet.overall, sheet.overall_label));
    box.appendChild(verdict);
    box.appendChild(el("p", "small text-muted", sheet.note));
    return box;
  }

  function column(title, content) {
    var col = el("div", "col-6");
    col.appendChild(el("div", "fw-semibold small", title));
    col.appendChild(content);
    return col;
  }

  function fetchReview(c, block) {
    var old = block.querySelector(".ls-print-review");
    if (old) { old.remove(); }
    reviews[c.code] = review(siteOf(c)).then(function (sheet) {
      block.appendChild(reviewSheet(sheet));
    }, function (e) {
      block.appendChild(el("p", "ls-print-review text-danger", words.review_failed + " " + e.message));
    });
  }

  function shortlist(c, on) {
    var old = sites.querySelector('.ls-print-site[data-code="' + CSS.escape(c.code) + '"]');
    if (old) { old.remove(); }
    delete reviews[c.code];
    if (on) {
      var block = el("div", "ls-print-site");
      block.setAttribute("data-code", c.code);
      block.setAttribute("data-order", String(c.order));
      block.appendChild(el("h2", "h6", [c.rank + ".", c.code, c.name || "", "·", c.kind_label, "·",
                                         words.score, c.score].join(" ")));
      var row = el("div", "row g-2");
      row.appendChild(column(words.facts, factsTable(c)));
      row.appendChild(column(words.criteria, criteriaTable(c)));
      block.appendChild(row);
      var next = Array.prototype.find.call(sites.querySelectorAll(".ls-print-site"), function (b) {
        return Number(b.getAttribute("data-order")) > c.order;
      });
      sites.insertBefore(block, next || null);
      fetchReview(c, block);
    }
    document.getElementById("print-empty").hidden = sites.querySelector(".ls-print-site") !== null;
  }

  function show(answer) {
    out.innerHTML = "";
    sites.querySelectorAll(".ls-print-site").forEach(function (b) { b.remove(); });
    reviews = {};
    document.getElementById("print-empty").hidden = false;
    showNeed(answer.need);
    (answer.notes || []).forEach(function (n) { out.appendChild(el("p", "small alert alert-info py-1 mb-2", n)); });
    var order = 0;
    (answer.order || ["parcels", "factories"]).forEach(function (kind) {
      (answer[kind] || []).forEach(function (c) { c.order = order++; });
      out.appendChild(section(words[kind], answer[kind] || [], false));
    });
    var near = answer.near_misses || { parcels: [], factories: [] };
    out.appendChild(section(words.near_misses, near.parcels.concat(near.factories), true));
    landstock.showCandidates((answer.parcels || []).concat(answer.factories || []));
    out.querySelectorAll(".ls-candidate:not(.ls-near)").forEach(function (card) {
      var c = card.candidate, tick = card.querySelector(".ls-shortlist");
      var codes = c.kind === "assembly" ? c.members : [c.code];  // an assembly was saved parcel by parcel
      if (savedList.length && codes.every(function (k) { return savedList.indexOf(k) >= 0; }) && !tick.checked) {
        tick.checked = true;
        tick.dispatchEvent(new Event("change"));
      }
    });
    savedList = [];
    var wanted = pick && out.querySelector('.ls-candidate[data-code="' + CSS.escape(pick) + '"] .ls-shortlist');
    pick = "";
    if (wanted) {
      wanted.checked = true;
      wanted.dispatchEvent(new Event("change"));
      wanted.scrollIntoView({ block: "center" });
    }
  }

  function run() {
    out.textContent = "…";
    matches().then(show).catch(function (e) { out.textContent = words.failed + " " + e.message; });
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  form.addEventListener("change", function (e) {
    if (PLAN.indexOf(e.target.name) >= 0) {
      sites.querySelectorAll(".ls-print-site").forEach(function (block) {
        var tick = out.querySelector('.ls-candidate[data-code="' + CSS.escape(block.getAttribute("data-code")) + '"] .ls-shortlist');
        if (tick) { tick.dispatchEvent(new Event("change")); }
      });
      return;
    }
    if (project) {
      project = "";  // the needs were edited: match and review the form from now on
      var saved = document.getElementById("saved-project");
      if (saved) { saved.remove(); }
      var saving = document.getElementById("save-shortlist");  // scores of other needs are not the project's
      if (saving) { saving.remove(); }
    }
  });
  document.getElementById("print").addEventListener("click", function () {
    if (!sites.querySelector(".ls-print-site")) {
      Array.prototype.slice.call(out.querySelectorAll(".ls-shortlist"), 0, 3).forEach(function (tick) {
        tick.checked = true;
        tick.dispatchEvent(new Event("change"));
      });
    }
    var pending = Object.keys(reviews).map(function (k) { return reviews[k]; });
    document.body.classList.add("ls-printing");
    pending.push(landstock.fitCandidates());
    Promise.all(pending).then(function () { window.print(); });
  });
  // a saved project's ticked sites become its shortlist, each with the score it has here
  var save = document.getElementById("save-shortlist");
  if (save) {
    var saveTo = project, status = document.getElementById("save-status");
    save.addEventListener("click", function () {
      var picks = [];
      out.querySelectorAll(".ls-candidate:not(.ls-near)").forEach(function (card) {
        var tick = card.querySelector(".ls-shortlist");
        if (!tick || !tick.checked) { return; }
        var c = card.candidate;
        (c.kind === "assembly" ? c.members : [c.code]).forEach(function (code) {
          picks.push({ code: code, score: c.score });
        });
      });
      if (!picks.length) { status.textContent = words.save_none; return; }
      call("/api/projects/" + encodeURIComponent(saveTo) + "/shortlist", { sites: picks }).then(function (answer) {
        var count = answer.filter(function (s) { return s.roles.indexOf("shortlist") >= 0; }).length;
        status.className = "small align-self-center text-success";
        status.textContent = words.saved_to_project.replace("{count}", String(count));
      }, function (e) {
        status.className = "small align-self-center text-danger";
        status.textContent = words.save_failed + " " + e.message;
      });
    });
  }
  window.addEventListener("afterprint", function () {
    if (document.body.classList.contains("ls-printing")) {
      document.body.classList.remove("ls-printing");
      landstock.fitCandidates();
    }
  });
  if (project) { run(); }
})();
