/* 我的位置: a map control that asks the browser for the device's position, centres the map there
 * (a marker and the accuracy circle) and lists the parcels and factories around it, nearest first,
 * from /api/sites/near. A refusal or no fix is said in the panel, never left silent. */
(function () {
  "use strict";

  function escapeHtml(value) {
    return String(value === undefined || value === null ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
  }

  function distance(m) {
    return m < 1000 ? Math.round(m) + " m" : (m / 1000).toFixed(1) + " km";
  }

  function locate(map, panel, withinM) {
    var words = JSON.parse(panel.getAttribute("data-words"));
    var marks = L.layerGroup().addTo(map);

    function show(html, state) {
      panel.hidden = false;
      panel.setAttribute("data-state", state);
      panel.innerHTML = '<button type="button" class="btn-close float-end" aria-label="' +
        escapeHtml(words.close) + '"></button>' + html;
      panel.querySelector(".btn-close").addEventListener("click", function () { panel.hidden = true; });
    }

    function listed(data, accuracy) {
      var rows = data.sites.map(function (s) {
        return '<a class="list-group-item list-group-item-action ls-near" href="' + escapeHtml(s.url) +
          '" data-code="' + escapeHtml(s.code) + '"><span class="badge text-bg-light">' +
          escapeHtml(words[s.kind]) + "</span> <b>" + escapeHtml(s.code) + "</b> " + escapeHtml(s.name || "") +
          ' <span class="text-muted small">' + escapeHtml(s.status_label) + '</span><span class="float-end ls-near-distance">' +
          distance(s.distance_m) + "</span></a>";
      }).join("");
      var head = '<div class="fw-semibold mb-1">' + escapeHtml(fill(words.title, { m: withinM })) + "</div>" +
        '<div class="small text-muted mb-1">' + escapeHtml(fill(words.accuracy, { m: Math.round(accuracy) })) + "</div>";
      show(head + (rows ? '<div class="list-group list-group-flush">' + rows + "</div>" :
        '<div class="small" id="nearby-none">' + escapeHtml(fill(words.none, { m: withinM })) + "</div>"), "listed");
    }

    function found(position) {
      var lat = position.coords.latitude, lon = position.coords.longitude, accuracy = position.coords.accuracy || 0;
      marks.clearLayers();
      L.circle([lat, lon], { radius: accuracy, weight: 1, color: "#0d6efd", fillOpacity: 0.1 }).addTo(marks);
      L.circleMarker([lat, lon], { radius: 7, weight: 2, color: "#ffffff", fillColor: "#0d6efd", fillOpacity: 1 })
        .addTo(marks);
      map.setView([lat, lon], Math.max(map.getZoom(), 16));
      fetch("/api/sites/near?lon=" + lon + "&lat=" + lat + "&within_m=" + withinM, { credentials: "same-origin" })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) { listed(data, accuracy); })
        .catch(function () { show('<div class="text-danger">' + escapeHtml(words.failed) + "</div>", "failed"); });
    }

    function failed(error) {
      var text = error && error.code === 1 ? words.denied : fill(words.unavailable, { reason: (error && error.message) || "" });
      show('<div class="text-danger" role="alert">' + escapeHtml(text) + "</div>", "refused");
    }

    var Control = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var box = L.DomUtil.create("div", "leaflet-bar leaflet-control ls-locate");
        var button = L.DomUtil.create("a", "", box);
        button.href = "#";
        button.id = "locate-me";
        button.title = words.button;
        button.setAttribute("role", "button");
        button.setAttribute("aria-label", words.button);
        button.textContent = "◎";
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.on(button, "click", function (e) {
          L.DomEvent.preventDefault(e);
          if (!navigator.geolocation) { failed({ code: 2, message: words.unsupported }); return; }
          show('<div class="small">' + escapeHtml(words.finding) + "</div>", "finding");
          navigator.geolocation.getCurrentPosition(found, failed, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
        });
        return box;
      }
    });
    new Control().addTo(map);
  }

  window.landstock = window.landstock || {};
  window.landstock.locate = locate;
})();
