/* The workspace: the listed parcels and factories on the map beside the list, linked both ways
 * (a row clicked highlights its site and frames it; a site clicked marks and shows its row), and
 * the bulk form's "tick every row on this page". The list may be replaced by htmx: the map is
 * drawn again from the list's own data (#ws-sites). */
(function () {
  "use strict";

  var HIGHLIGHT = { color: "#ffc107", weight: 4, fillOpacity: 0.75 };

  function styleOf(feature) {
    return { color: "#333333", weight: 1.5, fillColor: feature.properties.colour, fillOpacity: 0.55,
             className: "ls-ws-site" };
  }

  window.landstockWorkspace = function (map) {
    var group = L.featureGroup().addTo(map);
    var byKey = {};
    var chosen = null;

    function rowOf(key) {
      return document.querySelector('#ws-results tr[data-key="' + CSS.escape(key) + '"]');
    }

    function select(key, fromRow) {
      if (chosen && byKey[chosen]) { byKey[chosen].setStyle(byKey[chosen].plainStyle); }
      document.querySelectorAll("#ws-results tr.ls-chosen").forEach(function (r) {
        r.classList.remove("ls-chosen", "table-warning");
      });
      chosen = key;
      map.getContainer().dataset.chosen = key;
      var shape = byKey[key], row = rowOf(key);
      if (row) {
        row.classList.add("ls-chosen", "table-warning");
        if (!fromRow) { row.scrollIntoView({ block: "nearest" }); }
      }
      if (shape) {
        shape.setStyle(HIGHLIGHT);
        if (shape.bringToFront) { shape.bringToFront(); }
        if (fromRow) { map.fitBounds(shape.getBounds(), { maxZoom: 17 }); }
      }
    }

    function draw() {
      var data = document.getElementById("ws-sites");
      group.clearLayers();
      byKey = {};
      chosen = null;
      if (!data) { return; }
      JSON.parse(data.textContent).features.forEach(function (feature) {
        var key = feature.id, plain = styleOf(feature);
        var shape = L.geoJSON(feature, {
          style: function () { return plain; },
          pointToLayer: function (_f, latlng) { return L.circleMarker(latlng, { radius: 7, className: "ls-ws-site" }); }
        });
        shape.plainStyle = plain;
        shape.bindTooltip(feature.properties.code + " " + feature.properties.name);
        shape.on("click", function () { select(key, false); });
        shape.eachLayer(function (drawn) {
          drawn.on("add", function () {
            var element = drawn.getElement && drawn.getElement();
            if (element) { element.setAttribute("data-key", key); }
          });
        });
        shape.addTo(group);
        byKey[key] = shape;
      });
      frame();
    }

    function frame() {
      map.invalidateSize({ pan: false });
      if (group.getLayers().length) {
        map.fitBounds(group.getBounds(), { maxZoom: 16, padding: [12, 12], animate: false });
      }
    }

    document.addEventListener("click", function (e) {
      var row = e.target.closest("#ws-results tr[data-key]");
      if (!row || e.target.closest("a, input, button, label, select")) { return; }
      select(row.dataset.key, true);
    });
    document.body.addEventListener("htmx:afterSwap", function (e) {
      if (e.target.id === "ws-results") { draw(); }
    });
    draw();
    window.addEventListener("load", frame);  // the page's layout settled: frame the sites again
    window.landstockWorkspaceMap = map;
    window.landstockWorkspaceSites = group;
  };

  document.addEventListener("change", function (e) {
    if (e.target.id !== "ws-pick-page") { return; }
    document.querySelectorAll('#ws-results input[name="pick"]').forEach(function (box) {
      box.checked = e.target.checked;
    });
  });
}());
