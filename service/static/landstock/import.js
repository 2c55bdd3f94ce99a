/* The workspace's import form: uploads with a progress bar to /api/imports and shows the
 * service's row-by-row report (counts, notes, problems, every rejected or repaired row). */
(function () {
  "use strict";
  var form = document.getElementById("import-form");
  if (!form) { return; }
  var words = JSON.parse(form.getAttribute("data-words"));
  var progress = document.getElementById("import-progress");
  var status = document.getElementById("import-status");
  var out = document.getElementById("import-report");

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
  }
  function cell(text) { var td = document.createElement("td"); td.textContent = text; return td; }

  function show(report, ok) {
    out.innerHTML = "";
    var c = report.counts || {};
    var head = document.createElement("p");
    head.className = ok ? "alert alert-success py-2" : "alert alert-danger py-2";
    head.id = "import-outcome";
    head.textContent = !ok ? words.refused : report.written ? fill(words.accepted, c) : fill(words.checked, c);
    out.appendChild(head);
    var summary = document.createElement("p");
    summary.className = "small";
    summary.textContent = fill(words.counts, c);
    out.appendChild(summary);
    (report.problems || []).concat(report.notes || []).forEach(function (text) {
      var p = document.createElement("p"); p.className = "small text-muted mb-1"; p.textContent = text; out.appendChild(p);
    });
    var rows = (report.rows || []).filter(function (r) { return r.outcome !== "accepted"; });
    if (!rows.length) { return; }
    var table = document.createElement("table");
    table.className = "table table-sm";
    table.id = "import-rows";
    var tr = document.createElement("tr");
    [words.row, words.code, words.outcome, words.messages].forEach(function (h) {
      var th = document.createElement("th"); th.textContent = h; tr.appendChild(th);
    });
    table.appendChild(tr);
    rows.slice(0, 1000).forEach(function (r) {
      var row = document.createElement("tr");
      row.className = r.outcome === "rejected" ? "table-danger" : "table-warning";
      [r.row, r.code || "", words[r.outcome] || r.outcome, (r.messages || []).join("；")].forEach(function (v) {
        row.appendChild(cell(v));
      });
      table.appendChild(row);
    });
    out.appendChild(table);
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var xhr = new XMLHttpRequest();
    // the report in the page's language, whatever the browser's
    xhr.open("POST", "/api/imports?lang=" + (document.documentElement.lang.indexOf("zh") === 0 ? "zh" : "en"));
    xhr.setRequestHeader("X-CSRF-Token", form.getAttribute("data-csrf"));
    xhr.upload.onprogress = function (ev) {
      if (!ev.lengthComputable) { return; }
      var percent = Math.round(ev.loaded / ev.total * 100);
      progress.value = percent;
      status.textContent = fill(words.uploading, { percent: percent });
    };
    xhr.upload.onload = function () { progress.removeAttribute("value"); status.textContent = words.checking; };
    xhr.onload = function () {
      progress.value = 100;
      status.textContent = "";
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      if (xhr.status === 200) { show(body, true); return; }
      if (body.report) { show(body.report, false); return; }
      status.textContent = fill(words.failed, { reason: body.detail || xhr.status });
    };
    xhr.onerror = function () { status.textContent = fill(words.failed, { reason: "network" }); };
    progress.value = 0;
    xhr.send(new FormData(form));
  });
})();
