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
              "annual_output_wan", "annual_tax_wan", "floor_area_max_m2", "clear_height_min_m",
              "floor_load_min_kn_m2", "crane_min_t", "power_min_kva", "budget_wan", "max_rent_yuan_m2_month"];
  var DISTANCES = ["port", "highway_exit", "rail_station"];

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
    body.insist_on_preferred = data.get("insist_on_preferred") === "1";
    body.max_distance_km = {};
    DISTANCES.forEach(function (kind) {
      var v = data.get("max_distance_" + kind);
      if (v !== null && v !== "" && !isNaN(Number(v))) { body.max_distance_km[kind] = Number(v); }
    });
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
        if (!r.ok) {
          var error = new Error(answer.detail || String(r.status));
          error.problem = answer;
          throw error;
        }
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
    var near = String(data.get("near") || "").trim();  // a search area: within km of a place
    if (near) { options.near = near; options.km = Number(data.get("near_km")) || 5; }
    return call("/api/match", Object.assign(body, options));
  }

  function review(site) {
    var plan = numbers(PLAN);
    if (project) {
      return call("/api/projects/" + encodeURIComponent(project) + "/review?" + query(Object.assign({ site: site }, plan)));
    }
    return call("/api/review", Object.assign(need(), plan, { site: site }));
  }

  function one(x) { return Number(x).toFixed(1); }

  // A criterion's points out of its most, both rounded alike ("12.9 / 12.9 分"); a penalty alone
  function points(k) {
    if (!(k.weight > 0)) { return one(k.points) + " " + words.points; }
    return words.points_of.replace("{points}", one(k.points)).replace("{max}", one(k.weight));
  }

  function criteriaTable(c) {
    // rows in a tbody: Bootstrap styles `.table > * > * > *` as cells, which without one are the bars
    var table = el("table", "table table-sm mb-1 small ls-criteria"); var rows = el("tbody");
    table.appendChild(rows);
    c.criteria.forEach(function (k) {
      var row = el("tr");
      row.appendChild(el("td", null, k.label));
      row.appendChild(el("td", "text-muted ls-fact", k.fact || ""));
      row.appendChild(el("td", "text-end text-nowrap ls-points", points(k)));
      var bar = el("td", "ls-criterion-bar"); var fill = el("span", "ls-bar"); fill.style.width = Math.round(k.value * 100) + "%";
      bar.appendChild(fill); row.appendChild(bar);
      rows.appendChild(row);
    });
    return table;
  }

  function siteOf(c) { return c.kind === "assembly" ? c.members.join("+") : c.code; }

  // What a reader needs at a glance: where the site is, how large, and whether it is free
  function glance(c) {
    var line = el("div", "ls-glance small");
    var place = c.park_name || c.town_name;
    if (place) { line.appendChild(el("span", "ls-glance-park", place)); }
    var size = c.kind === "factory"
      ? (c.vacant_area_m2 === undefined || c.vacant_area_m2 === null ? "" : words.vacant + " " + Math.round(c.vacant_area_m2) + " m²")
      : (c.area_mu === undefined || c.area_mu === null ? "" : one(c.area_mu) + " " + words.mu);
    if (size) { line.appendChild(el("span", "ls-glance-area", size)); }
    if (c.status) {
      var status = el("span", "ls-glance-status");
      status.appendChild(el("span", "ls-dot " + (c.kind === "factory" ? "ls-fstatus-" : "ls-status-") + c.status));
      status.appendChild(document.createTextNode(words.values.status[c.status] || c.status));
      line.appendChild(status);
    }
    return line;
  }

  function title(c) {
    var link = el("a", "fw-semibold ls-site-name", c.name || c.code);
    link.href = (c.kind === "factory" ? "/factories/" : "/parcels/") + encodeURIComponent(c.members && c.members.length ? c.members[0] : c.code);
    return link;
  }

  // The investor brochure of the site (an assembled site: of its parcels), a PDF in a new tab
  function brochure(c) {
    var link = el("a", "small ls-brochure", words.brochure);
    var lang = document.documentElement.lang === "en" ? "en" : "zh";
    if (c.kind === "assembly") {
      link.href = "/api/brochure.pdf?lang=" + lang + (c.members || []).map(function (m) { return "&site=parcel:" + encodeURIComponent(m); }).join("");
    } else {
      link.href = "/api/" + (c.kind === "factory" ? "factories/" : "parcels/") + encodeURIComponent(c.code) + "/brochure.pdf?lang=" + lang;
    }
    link.target = "_blank";
    link.rel = "noopener";
    return link;
  }

  // The score's breakdown and the checks, folded away until asked for
  function breakdown(c) {
    var more = el("details", "ls-breakdown mt-1");
    more.appendChild(el("summary", "small text-muted", words.breakdown));
    if (c.criteria && c.criteria.length) { more.appendChild(criteriaTable(c)); }
    var checks = (c.checks || []).map(function (k) { return k.label + "：" + k.status_label; });
    if (checks.length) { more.appendChild(el("div", "small text-muted", checks.join("；"))); }
    return more;
  }

  function ranked(c) {
    var card = el("div", "card mb-2 ls-candidate");
    var body = el("div", "card-body py-2");
    var head = el("div", "d-flex align-items-center gap-2 flex-wrap");
    var tick = el("input", "form-check-input ls-shortlist");
    tick.type = "checkbox";
    tick.title = words.shortlist;
    tick.setAttribute("aria-label", words.shortlist + " " + c.code);
    tick.addEventListener("change", function () {
      card.classList.toggle("ls-picked", tick.checked);
      shortlist(c, tick.checked);
    });
    head.appendChild(tick);
    head.appendChild(el("span", c.kind === "factory" ? "badge ls-badge-factory" : "badge text-bg-dark", String(c.rank)));
    head.appendChild(title(c));
    head.appendChild(el("span", "text-muted small", c.code + " · " + c.kind_label));
    head.appendChild(comparePick(c));
    head.appendChild(el("span", "ms-auto fw-semibold text-nowrap ls-score", one(c.score) + " " + words.points));
    body.appendChild(head);
    body.appendChild(glance(c));
    body.appendChild(brochure(c));
    if (c.kind === "assembly") { body.appendChild(el("div", "small", words.members + ": " + c.members.join("、"))); }
    body.appendChild(breakdown(c));
    card.appendChild(body);
    return card;
  }

  // --- 对比: 2 to 4 ticked sites open side by side on /compare, with the need as asked ---

  function siteRef(c) { return c.kind + ":" + (c.kind === "assembly" ? c.members.join("+") : c.code); }

  function picked() {
    return Array.prototype.map.call(out.querySelectorAll(".ls-compare-pick:checked"), function (t) { return t.value; });
  }

  function compareBar() {
    var refs = picked(), button = document.getElementById("compare-open");
    document.getElementById("compare-bar").hidden = false;
    button.textContent = words.compare.open.replace("{count}", String(refs.length));
    button.disabled = refs.length < 2 || refs.length > 4;
    document.getElementById("compare-hint").textContent = button.disabled ? words.compare.hint : "";
  }

  function comparePick(c) {
    var box = el("label", "small text-nowrap");
    var tick = el("input", "form-check-input ls-compare-pick");
    tick.type = "checkbox";
    tick.value = siteRef(c);
    tick.addEventListener("change", compareBar);
    box.appendChild(tick);
    box.appendChild(document.createTextNode(" " + words.compare.pick));
    box.title = words.compare.pick + " " + c.code;
    return box;
  }

  document.getElementById("compare-open").addEventListener("click", function () {
    var params = new URLSearchParams();
    picked().forEach(function (r) { params.append("site", r); });
    if (project) {
      params.set("project", project);
    } else {
      var data = new FormData(form);
      params.set("need", JSON.stringify(Object.assign(need(), { include_reserved: data.get("include_reserved") === "1" })));
    }
    window.location.href = "/compare?" + params.toString();
  });

  // A near miss says first what fails, then what it is, and its score last, marked as for reference
  function nearMiss(c) {
    var card = el("div", "card mb-2 ls-candidate ls-near");
    var body = el("div", "card-body py-2");
    body.appendChild(el("div", "ls-gap small fw-semibold", words.fails + (c.gaps || []).join("；")));
    var head = el("div", "d-flex align-items-center gap-2 flex-wrap");
    head.appendChild(title(c));
    head.appendChild(el("span", "text-muted small", c.code + " · " + c.kind_label));
    head.appendChild(el("span", "ms-auto small text-muted text-nowrap ls-score", words.near_score + " " + one(c.score) + " " + words.points));
    body.appendChild(head);
    body.appendChild(glance(c));
    body.appendChild(breakdown(c));
    card.appendChild(body);
    return card;
  }

  function candidate(c, near) {
    var card = near ? nearMiss(c) : ranked(c);
    card.setAttribute("data-code", c.code);
    card.candidate = c;
    card.tabIndex = -1;
    return card;
  }

  function section(title, list, near) {
    var box = el("section", near ? "mb-3 ls-near-section" : "mb-3");
    box.appendChild(el("h2", near ? "h6 ls-near-heading" : "h6", title + " (" + list.length + ")"));
    if (near && list.length) { box.appendChild(el("p", "small text-muted mb-2", words.near_intro)); }
    if (!list.length) { box.appendChild(el("p", "small text-muted", words.none)); }
    list.forEach(function (c) { box.appendChild(candidate(c, near)); });
    return box;
  }

  // --- the list and the map, linked: a card hovered or clicked lights its site up, a site
  // clicked on the map lights its card up and scrolls to it ---

  var chosen = "";  // the site clicked last, lit while nothing else is hovered

  function cardOf(code) {
    return out.querySelector('.ls-candidate[data-code="' + CSS.escape(code) + '"]');
  }

  function light(code) {
    landstock.highlightSite(code);
    out.querySelectorAll(".ls-candidate.ls-active").forEach(function (card) { card.classList.remove("ls-active"); });
    var card = code && cardOf(code);
    if (card) { card.classList.add("ls-active"); }
  }

  function choose(code) {
    chosen = code;
    light(code);
    var card = cardOf(code);
    if (card) {
      card.scrollIntoView({ block: "center" });
      card.focus({ preventScroll: true });
    }
  }

  // the pointer moved over a card (a list scrolling under a still pointer moves nothing: the site
  // picked on the map stays lit while its card scrolls into view)
  out.addEventListener("mousemove", function (e) {
    var card = e.target.closest(".ls-candidate");
    if (card && (e.movementX || e.movementY) && !card.classList.contains("ls-active")) {
      light(card.getAttribute("data-code"));
    }
  });
  out.addEventListener("mouseleave", function () { light(chosen); });
  out.addEventListener("focusin", function (e) {
    var card = e.target.closest(".ls-candidate");
    if (card) { light(card.getAttribute("data-code")); }
  });
  out.addEventListener("click", function (e) {
    var card = e.target.closest(".ls-candidate");
    if (!card) { return; }
    chosen = card.getAttribute("data-code");
    light(chosen);
    landstock.revealSite(chosen);
  });

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
    chosen = "";
    compareBar();
    landstock.showCandidates((answer.parcels || []).concat(answer.factories || []),
                             near.parcels.concat(near.factories), choose);
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

  // --- a value refused, by the browser's checks or by the service: the field is marked with a
  // sentence under it, the message shown above the results; nothing typed is cleared ---

  var refusal = document.getElementById("match-error");

  function fieldOf(name) {
    return form.querySelector('[data-field="' + CSS.escape(name) + '"]') || form.querySelector('[name="' + CSS.escape(name) + '"]');
  }

  function labelOf(input) {
    var label = input.id && form.querySelector('label[for="' + CSS.escape(input.id) + '"]');
    return label ? label.textContent.trim() : input.getAttribute("aria-label") || input.name;
  }

  function clearRefusal() {
    form.querySelectorAll(".is-invalid").forEach(function (input) {
      input.classList.remove("is-invalid");
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });
    form.querySelectorAll(".ls-invalid-note").forEach(function (note) { note.remove(); });
    refusal.hidden = true;
    refusal.textContent = "";
  }

  function markInvalid(input) {
    if (input.classList.contains("is-invalid")) { return; }
    input.classList.add("is-invalid");
    input.setAttribute("aria-invalid", "true");
    var fold = input.closest("details");
    if (fold) { fold.open = true; }  // a field in the folded part is shown with its message
    var note = el("div", "invalid-feedback ls-invalid-note", words.invalid_field.replace("{field}", labelOf(input)));
    note.id = (input.id || input.name) + "-invalid";
    input.setAttribute("aria-describedby", note.id);  // read out with the field
    input.insertAdjacentElement("afterend", note);
  }

  function refuse(message) {
    refusal.textContent = message;
    refusal.hidden = false;
    out.textContent = "";
    document.getElementById("compare-bar").hidden = true;
    landstock.showCandidates([], [], null);
  }

  // The fields the browser itself finds wrong (a number out of its bounds, a required one empty)
  function invalidFields() {
    return Array.prototype.filter.call(form.querySelectorAll("input, select"), function (input) {
      return !input.checkValidity();
    });
  }

  function failed(e) {
    var problem = e.problem || {};
    var marked = (problem.errors || []).map(function (err) { return fieldOf(err.field); }).filter(Boolean);
    marked.forEach(markInvalid);
    if (problem.status && problem.status < 500) {
      refuse(marked.length ? words.fix_form : e.message);
    } else {
      out.textContent = words.failed + " " + e.message;
    }
  }

  function run() {
    clearRefusal();
    var wrong = invalidFields();
    if (wrong.length) {
      wrong.forEach(markInvalid);
      refuse(words.fix_form);
      wrong[0].focus();
      return;
    }
    out.textContent = "…";
    matches().then(show).catch(failed);
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
