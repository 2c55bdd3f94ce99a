/* The box "粘贴项目信息" of the matching page (service/templates/_lead_box.html): the pasted text
 * goes to POST /api/match/parse; the need it states fills the form's fields (each by its
 * data-field, else by its name: industry_code is the box "industry", a distance to a port
 * max_distance_port), folded fields are unfolded, and fields the lead does not state keep what
 * they held. The text is shown again with each phrase understood in a <mark> whose title says
 * field = value, and each piece not placed is listed with why. Offsets are the API's, in
 * characters (code points), so the text is cut as an array of characters. */
(function () {
  "use strict";
  var box = document.getElementById("lead-box");
  if (!box) { return; }
  var form = box.closest("form") || document.getElementById("match-form");
  var words = JSON.parse(box.getAttribute("data-words"));
  var lang = document.documentElement.lang.indexOf("zh") === 0 ? "zh" : "en";
  var source = document.getElementById("lead-text");
  var status = document.getElementById("lead-status");
  var result = document.getElementById("lead-result");
  var marked = document.getElementById("lead-marked");
  var unplaced = document.getElementById("lead-unplaced");
  var NAMES = { industry_code: "industry" };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function say(text, tone) {
    status.className = "small " + (tone || "");
    status.textContent = text;
  }

  // The form's box for a field (a distance is max_distance_km.<kind>)
  function control(field) {
    var found = form.querySelector('[data-field="' + field + '"]');
    if (found) { return found; }
    var name = NAMES[field] || field.replace("max_distance_km.", "max_distance_");
    var named = form.elements.namedItem(name);
    return named && named.tagName ? named : null;
  }

  function unfold(input) {
    var folded = input.closest("details");
    if (folded && !folded.open) { folded.open = true; }
  }

  function changed(input) {
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
    unfold(input);
  }

  function industryValue(code) {
    var list = document.getElementById("industries");
    var option = list && Array.prototype.find.call(list.options, function (o) {
      return o.value.split(" ")[0] === code;
    });
    return option ? option.value : code;
  }

  function tick(name, values) {
    var boxes = form.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
    Array.prototype.forEach.call(boxes, function (b) {
      if (values.indexOf(b.value) >= 0 && !b.checked) { b.checked = true; changed(b); }
    });
    return boxes.length > 0;
  }

  // Fill the form with the need; the fields it has no box for
  function fill(need) {
    var missing = [];
    Object.keys(need).forEach(function (field) {
      var value = need[field], placed = true;
      if (field === "required_readiness") {
        placed = tick(field, value);
      } else if (field === "needs_waterfront") {
        placed = tick(field, ["1"]);
      } else if (field === "max_distance_km") {
        Object.keys(value).forEach(function (kind) {
          var input = control(field + "." + kind);
          if (input) { input.value = value[kind]; changed(input); } else { placed = false; }
        });
      } else {
        var input = control(field);
        if (input) {
          input.value = field === "industry_code" ? industryValue(value) : value;
          changed(input);
        } else {
          placed = false;
        }
      }
      if (!placed) { missing.push(field); }
    });
    return missing;
  }

  // The text again, each phrase understood marked with what it became, each piece not placed underlined
  function mark(text, answer) {
    var chars = Array.from(text), spans = {}, pieces = [], at = 0;
    answer.understood.forEach(function (p) {
      var key = p.start + "-" + p.end;
      if (!spans[key]) { spans[key] = { start: p.start, end: p.end, said: [], fields: [] }; pieces.push(spans[key]); }
      spans[key].said.push(p.says);
      spans[key].fields.push(p.field);
    });
    answer.unplaced.forEach(function (p) { pieces.push({ start: p.start, end: p.end, why: p.reason_label }); });
    pieces.sort(function (a, b) { return a.start - b.start; });
    marked.textContent = "";
    pieces.forEach(function (p) {
      if (p.start < at) { return; }
      marked.appendChild(document.createTextNode(chars.slice(at, p.start).join("")));
      var piece = chars.slice(p.start, p.end).join(""), node;
      if (p.said) {
        node = el("mark", "ls-lead-mark", piece);
        node.title = p.said.join("；");
        node.setAttribute("data-fields", p.fields.join(" "));
      } else {
        node = el("span", "text-danger text-decoration-underline ls-lead-miss", piece);
        node.title = p.why;
      }
      marked.appendChild(node);
      at = p.end;
    });
    marked.appendChild(document.createTextNode(chars.slice(at).join("")));
  }

  function listUnplaced(pieces) {
    unplaced.textContent = "";
    if (!pieces.length) { unplaced.appendChild(el("li", "text-muted", words.all_placed)); }
    pieces.forEach(function (p) {
      var item = el("li", null, p.text + " — " + p.reason_label);
      item.setAttribute("data-reason", p.reason);
      unplaced.appendChild(item);
    });
  }

  function labels(answer, fields) {
    var found = [];
    answer.understood.forEach(function (p) {
      if (fields.indexOf(p.field) >= 0 && found.indexOf(p.label) < 0) { found.push(p.label); }
    });
    return found.join("、");
  }

  function show(text, answer) {
    mark(text, answer);
    listUnplaced(answer.unplaced);
    result.hidden = false;
    var missing = fill(answer.need);
    if (!answer.need.industry_code) {
      say(words.ask_industry, "text-danger");
      var industry = control("industry_code");
      if (industry) { industry.focus(); }
      return;
    }
    say(words.filled + (missing.length ? " " + words.not_in_form + " " + labels(answer, missing) : ""), "text-success");
  }

  function parse() {
    var text = source.value;
    if (!text.trim()) { say(words.empty, "text-danger"); return; }
    say("…");
    fetch("/api/match/parse?lang=" + lang, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": form.getAttribute("data-csrf") || "" },
      body: JSON.stringify({ text: text })
    }).then(function (r) {
      return r.json().then(function (answer) {
        if (!r.ok) { throw new Error(answer.detail || String(r.status)); }
        return answer;
      });
    }).then(function (answer) { show(text, answer); }, function (e) {
      say(words.failed + " " + e.message, "text-danger");
    });
  }

  document.getElementById("lead-parse").addEventListener("click", parse);
})();
