/* Landstock's map helpers: vector-tile layers of parcels and factories, legend, filters.
 * Loaded after Leaflet and Leaflet.VectorGrid; the folium elements in maps/layers.py call these.
 */
(function () {
  "use strict";

  // Leaflet 1.8 removed L.DomEvent.fakeStop, which VectorGrid 1.3's canvas click still calls.
  if (window.L && L.DomEvent && !L.DomEvent.fakeStop) {
    L.DomEvent.fakeStop = function (e) { e._stopped = true; };
  }

  // Each vector layer draws into canvases stacked over the others: a click that hits nothing on
  // the top canvas (factories) is handed to whatever lies below it (parcels, then the map).
  if (window.L && L.Canvas && L.Canvas.Tile) {
    var ownClick = L.Canvas.Tile.prototype._onClick;
    L.Canvas.Tile.prototype._onClick = function (e) {
      var point = this._map.mouseEventToLayerPoint(e).subtract(this.getOffset());
      for (var id in this._layers) {
        if (this._layers[id].options.interactive && this._layers[id]._containsPoint(point)) {
          return ownClick.call(this, e);
        }
      }
      if (e.type !== "click") { return; }
      var canvas = this._container, before = canvas.style.pointerEvents;
      canvas.style.pointerEvents = "none";
      var below = document.elementFromPoint(e.clientX, e.clientY);
      canvas.style.pointerEvents = before;
      if (below && below !== canvas) { below.dispatchEvent(new MouseEvent(e.type, e)); }
    };
  }

  var layers = [];

  function escapeHtml(value) {
    return String(value === undefined || value === null ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function withQuery(url, query) {
    return query ? url + (url.indexOf("?") < 0 ? "?" : "&") + query : url;
  }

  function popupHtml(o, p) {
    var rows = o.fields.map(function (f) {
      var value = p[f.key];
      if (value === undefined || value === null || value === "") { return ""; }
      if (f.key === "status") { value = o.statusLabels[value] || value; }
      if (f.key === "building_type") { value = o.typeLabels[value] || value; }
      return "<tr><th>" + escapeHtml(f.label) + "</th><td>" + escapeHtml(value) + "</td></tr>";
    }).join("");
    var href = o.detail.replace("{code}", encodeURIComponent(p.code));
    return '<div class="ls-popup"><div class="ls-popup-title">' + escapeHtml(p.name || p.code) +
      '</div><div class="ls-popup-photo"></div><table class="table table-sm mb-1">' + rows + "</table>" +
      '<a class="ls-popup-link" href="' + escapeHtml(href) + '">' + escapeHtml(o.moreLabel) + " →</a></div>";
  }

  // The site's first photo, asked for when its popup opens (the tiles carry no photos): a
  // thumbnail above the facts, leading to the site's page. The popup holds its content as an
  // element, so that laying it out again keeps the photo.
  function addPhoto(popup, content, o, p) {
    if (!o.attachments || !window.fetch) { return; }
    var href = o.detail.replace("{code}", encodeURIComponent(p.code));
    fetch(o.attachments.replace("{code}", encodeURIComponent(p.code)), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (found) {
        var photo = found.filter(function (a) { return a.kind === "photo"; })[0];
        var box = content.querySelector(".ls-popup-photo");
        if (!photo || !box) { return; }
        box.innerHTML = '<a href="' + escapeHtml(href) + '"><img src="' + escapeHtml(photo.thumbnail_url) +
          '" alt="' + escapeHtml(o.photoLabel + " " + photo.file_name) + '"></a>';
        popup.update();
      })
      .catch(function () { /* no photo shown: the popup keeps its facts */ });
  }

  function styleFor(o) {
    var colours = o.colours;
    if (o.kind === "factories") {
      return function (p, zoom) {
        return { radius: zoom < 12 ? 3 : 5, weight: 1, color: "#ffffff", fill: true, fillOpacity: 0.95,
                 fillColor: colours[p.status] || "#888888" };
      };
    }
    return function (p, zoom) {
      return { weight: zoom < 13 ? 0 : 0.8, color: "#ffffff", fill: true, fillOpacity: 0.8,
               fillColor: colours[p.status] || "#888888" };
    };
  }

  // Many records in a tile come as cells (count, size, free size): a dot sized by the count,
  // as green as the share that is still free.
  function cellStyle(o) {
    var free = o.colours[o.kind === "factories" ? "vacant" : "available"];
    return function (p) {
      var share = p.size > 0 ? p.free / p.size : 0;
      return { radius: Math.min(8, 2.5 + Math.sqrt(p.count) / 3), weight: 1, color: "#ffffff",
               fill: true, fillColor: share > 0 ? free : "#8a8f94", fillOpacity: 0.35 + 0.6 * share };
    };
  }

  function cellPopup(o, p) {
    return '<div class="ls-popup"><div class="ls-popup-title">' +
      escapeHtml(o.cellLabel.replace("{count}", p.count).replace("{size}", p.size).replace("{free}", p.free)) +
      '</div><div class="small text-muted">' + escapeHtml(o.zoomLabel) + "</div></div>";
  }

  function vectorTiles(map, o) {
    var styles = {};
    styles[o.kind] = styleFor(o);
    styles[o.kind + "_cells"] = cellStyle(o);
    var layer = L.vectorGrid.protobuf(withQuery(o.url, o.query), {
      rendererFactory: L.canvas.tile,
      vectorTileLayerStyles: styles,
      interactive: true,
      maxZoom: 22,
      getFeatureId: function (f) { return f.properties.code || "cell:" + f.properties.cell; },
      pane: o.kind === "factories" ? "markerPane" : "overlayPane"
    });
    layer.landstock = o;
    layer.on("click", function (e) {
      var p = e.layer.properties;
      if (p.cell) {
        L.popup({ maxWidth: 320 }).setLatLng(e.latlng).setContent(cellPopup(o, p)).openOn(map);
        map.setView(e.latlng, Math.min(map.getZoom() + 2, 18));
        return;
      }
      var content = L.DomUtil.create("div");
      content.innerHTML = popupHtml(o, p);
      var popup = L.popup({ maxWidth: 320 }).setLatLng(e.latlng).setContent(content).openOn(map);
      addPhoto(popup, content, o, p);
    });
    layers.push(layer);
    return layer;
  }

  function legend(map, sections) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "ls-legend leaflet-control");
      div.innerHTML = sections.map(function (section) {
        return "<div class=\"ls-legend-title\">" + escapeHtml(section.title) + "</div>" +
          section.items.map(function (item) {
            return '<div class="ls-legend-item"><span class="ls-swatch ls-swatch-' + section.shape +
              '" style="background:' + item[1] + '"></span>' + escapeHtml(item[2]) + "</div>";
          }).join("");
      }).join("");
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    control.addTo(map);
    return control;
  }

  // Apply the page's filters (a query string) to every vector layer of the page.
  function setQuery(query) {
    layers.forEach(function (layer) {
      if (layer.landstock.filtered) { layer.setUrl(withQuery(layer.landstock.url, query)); }
    });
  }

  function fitBbox(map, bbox, maxZoom) {
    if (!bbox || bbox.length !== 4) { return; }
    map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]], { maxZoom: maxZoom || 16, padding: [20, 20] });
  }

  // The codes drawn by a vector layer in the tiles loaded now (for tests and the counts badge).
  function renderedCodes(kind) {
    var seen = {};
    layers.forEach(function (layer) {
      if (layer.landstock.kind !== kind || !layer._vectorTiles) { return; }
      Object.keys(layer._vectorTiles).forEach(function (key) {
        Object.keys(layer._vectorTiles[key]._features || {}).forEach(function (code) {
          if (code.indexOf("cell:") !== 0) { seen[code] = true; }
        });
      });
    });
    return Object.keys(seen).sort();
  }

  function styleOf(kind, code) {
    var found = null;
    layers.forEach(function (layer) {
      if (layer.landstock.kind !== kind || !layer._vectorTiles) { return; }
      Object.keys(layer._vectorTiles).forEach(function (key) {
        var f = (layer._vectorTiles[key]._features || {})[code];
        if (f) { found = f.feature.options.fillColor; }
      });
    });
    return found;
  }

  // True once every vector layer on the page has drawn the tiles of the current view.
  function idle() {
    return layers.length > 0 && layers.every(function (layer) {
      return !layer._map || (!layer.isLoading() && Object.keys(layer._vectorTiles || {}).length > 0);
    });
  }

  function mapOf(element) {
    var name = element.getAttribute("data-map");
    return name ? window[name] : null;
  }

  function retitle(element, title) {
    if (!element) { return; }
    element.title = title;
    element.setAttribute("aria-label", title);
  }

  // Leaflet writes its controls' titles in English and offers no catalogue: the page's words
  // replace them once every control of the map exists.
  function localise(map, words) {
    var box = map.getContainer();
    retitle(box.querySelector(".leaflet-control-zoom-in"), words.zoomIn);
    retitle(box.querySelector(".leaflet-control-zoom-out"), words.zoomOut);
    box.querySelectorAll(".leaflet-control-layers-toggle").forEach(function (t) { retitle(t, words.layers); });
    var credit = map.attributionControl;
    if (credit && credit.options.prefix) {
      credit.setPrefix(String(credit.options.prefix).replace(/title="[^"]*"/, 'title="' + escapeHtml(words.leaflet) + '"'));
    }
  }

  window.landstock = {
    vectorTiles: vectorTiles, legend: legend, setQuery: setQuery, fitBbox: fitBbox,
    renderedCodes: renderedCodes, styleOf: styleOf, mapOf: mapOf, layers: layers, idle: idle,
    localise: localise
  };
})();

/* The geometry editor of the edit pages: Leaflet.draw over the record's shape; every edit, new
 * drawing or uploaded GeoJSON file is written to a hidden input as one GeoJSON geometry. */
(function () {
  "use strict";

  function multipolygon(group) {
    var polygons = [];
    group.eachLayer(function (layer) {
      var g = layer.toGeoJSON().geometry;
      if (g.type === "Polygon") { polygons.push(g.coordinates); }
      if (g.type === "MultiPolygon") { polygons = polygons.concat(g.coordinates); }
    });
    return polygons.length ? { type: "MultiPolygon", coordinates: polygons } : null;
  }

  // Leaflet.draw reads its words from L.drawLocal when a control or handler starts: the page's
  // words go in before the control is made.
  function merge(target, words) {
    Object.keys(words).forEach(function (key) {
      if (typeof words[key] === "object" && typeof target[key] === "object") { merge(target[key], words[key]); }
      else { target[key] = words[key]; }
    });
  }

  function editGeometry(map, o) {
    var group = L.featureGroup().addTo(map);
    var input = document.getElementById(o.input);
    function load(geojson) {
      group.clearLayers();
      L.geoJSON(geojson, { style: { color: "#e91e63", weight: 2 } }).eachLayer(function (layer) {
        if (layer.getLatLngs && layer.getLatLngs()[0] && layer.getLatLngs()[0][0] &&
            layer.getLatLngs()[0][0].length) {
          layer.getLatLngs().forEach(function (rings) {
            group.addLayer(L.polygon(rings, { color: "#e91e63", weight: 2 }));
          });
        } else { group.addLayer(layer); }
      });
      if (group.getLayers().length) { map.fitBounds(group.getBounds(), { maxZoom: 17 }); }
    }
    function save() {
      var g = multipolygon(group);
      input.value = g ? JSON.stringify(g) : "";
    }
    if (o.geometry) { load(o.geometry); }
    if (L.drawLocal && o.local) { merge(L.drawLocal, o.local); }
    map.addControl(new L.Control.Draw({
      position: "topleft",
      edit: { featureGroup: group },
      draw: { polygon: { allowIntersection: false, showArea: false }, rectangle: { showArea: false },
              polyline: false, circle: false, marker: false, circlemarker: false }
    }));
    map.on(L.Draw.Event.CREATED, function (e) { group.addLayer(e.layer); save(); });
    map.on(L.Draw.Event.EDITED, save);
    map.on(L.Draw.Event.DELETED, save);
    var file = o.file && document.getElementById(o.file);
    if (file) {
      file.addEventListener("change", function () {
        if (!file.files.length) { return; }
        file.files[0].text().then(function (text) {
          var data = JSON.parse(text);
          load(data);
          save();
        }).catch(function () { input.value = ""; alert(o.badFile); });
      });
    }
    return group;
  }

  window.landstock.editGeometry = editGeometry;
})();

/* The matching page's layer: ranked sites as outlines with numbered markers, near misses as
 * dashed outlines; one site at a time highlighted, from its card or from the map. Markers that
 * would cover each other are pushed apart on screen, a thin line back to where the site is. */
(function () {
  "use strict";
  var GAP = 2;  // px left between two markers' boxes
  var COLOURS = { parcel: "#e91e63", assembly: "#e91e63", factory: "#3f51b5", near: "#b45309" };
  var state = { map: null, group: null, leaders: null, count: 0, sites: {}, active: "", onPick: null };

  function ranked() {
    return Object.keys(state.sites).map(function (k) { return state.sites[k]; })
      .filter(function (s) { return !s.near; });
  }

  function fit(animate) {
    var shown = ranked();
    if (!shown.length) { shown = Object.keys(state.sites).map(function (k) { return state.sites[k]; }); }
    if (!shown.length) { return; }
    var bounds = L.latLngBounds(shown.map(function (s) { return s.anchor; }));
    shown.forEach(function (s) { if (s.shape) { bounds.extend(s.shape.getBounds()); } });
    state.map.fitBounds(bounds, { maxZoom: 15, padding: [30, 30], animate: animate });
  }

  // Fit the candidates to the map's size now (the print view sizes it as it prints); resolves
  // once the tiles of that view are drawn, so that a print shows them.
  function fitCandidates() {
    state.map.invalidateSize({ pan: false });
    fit(false);
    return new Promise(function (resolve) {
      var waited = 0;
      (function check() {
        if (window.landstock.idle() || waited >= 10000) { resolve(); return; }
        waited += 100;
        setTimeout(check, 100);
      })();
    });
  }

  // Markers whose boxes overlap push each other apart, a little at a time, until none does
  // (coincident ones start on a tiny circle, so that they part in a fixed order).
  function spread() {
    if (!state.map || !state.leaders) { return; }
    state.leaders.clearLayers();
    var all = Object.keys(state.sites).map(function (k) { return state.sites[k]; });
    var points = all.map(function (s, i) {
      var p = state.map.latLngToLayerPoint(s.anchor);
      return [p.x + Math.cos(i) * 0.01, p.y + Math.sin(i) * 0.01];
    });
    for (var round = 0, moved = true; moved && round < 500; round += 1) {
      moved = false;
      for (var i = 0; i < points.length; i += 1) {
        for (var j = i + 1; j < points.length; j += 1) {
          // two boxes overlap when they do along both axes: part them along the one they overlap least
          var dx = points[j][0] - points[i][0], dy = points[j][1] - points[i][1];
          var room = all[i].half + all[j].half + GAP;
          var ox = room - Math.abs(dx), oy = room - Math.abs(dy);
          if (ox <= 0 || oy <= 0) { continue; }
          var axis = ox < oy ? 0 : 1, sign = (axis === 0 ? dx : dy) < 0 ? -1 : 1;
          var push = Math.min(ox, oy) / 2 + 0.25;
          points[i][axis] -= sign * push;
          points[j][axis] += sign * push;
          moved = true;
        }
      }
    }
    all.forEach(function (s, k) {
      var at = state.map.layerPointToLatLng(L.point(points[k][0], points[k][1]));
      s.marker.setLatLng(at);
      if (state.map.latLngToLayerPoint(s.anchor).distanceTo(L.point(points[k][0], points[k][1])) > 4) {
        L.polyline([s.anchor, at], { color: "#555", weight: 1, opacity: 0.8, interactive: false,
                                     className: s.near ? "ls-near-outline" : "" }).addTo(state.leaders);
      }
    });
  }

  function matchLayer(map) {
    state.map = map;
    state.group = L.featureGroup().addTo(map);
    state.leaders = L.layerGroup().addTo(map);
    map.on("zoomend", spread);
    if (window.matchMedia) {
      window.matchMedia("print").addEventListener("change", function () { map.invalidateSize(); fit(false); });
    }
    return state.group;
  }

  function styleOf(s, on) {
    var colour = on ? "#ff6f00" : COLOURS[s.near ? "near" : s.candidate.kind];
    return { color: colour, weight: on ? 5 : (s.near ? 2 : 3), dashArray: s.near ? "5 4" : null,
             fillOpacity: on ? 0.35 : (s.near ? 0.05 : 0.2), className: s.near ? "ls-near-outline" : "" };
  }

  // Highlight one site (or none, with ""): its outline drawn thick on top, its marker ringed.
  function highlight(code) {
    var before = state.sites[state.active];
    if (before) {
      if (before.shape) { before.shape.setStyle(styleOf(before, false)); }
      before.marker.setZIndexOffset(0);
      var old = before.marker.getElement();
      if (old) { old.classList.remove("ls-rank-active"); }
    }
    state.active = "";
    var s = state.sites[code];
    if (!s) { return; }
    state.active = code;
    if (s.shape) { s.shape.setStyle(styleOf(s, true)); s.shape.bringToFront(); }
    s.marker.setZIndexOffset(1000);
    var element = s.marker.getElement();
    if (element) { element.classList.add("ls-rank-active"); }
  }

  // Bring a site into the map's view, keeping the zoom unless it cannot be seen at it.
  function reveal(code) {
    var s = state.sites[code];
    if (!s || state.map.getBounds().contains(s.marker.getLatLng())) { return; }
    state.map.panTo(s.marker.getLatLng());
  }

  function pick(code) {
    highlight(code);
    if (state.onPick) { state.onPick(code); }
  }

  function marker(c, near, anchor, label) {
    var cls = near ? "ls-rank ls-rank-near" : (c.kind === "factory" ? "ls-rank ls-rank-factory" : "ls-rank");
    var m = L.marker(anchor, { keyboard: false, icon: L.divIcon({ className: cls, html: label,
                                                                  iconSize: near ? [16, 16] : [24, 24] }) });
    m.on("add", function () {
      var e = m.getElement();
      e.setAttribute("data-code", c.code);
      if (state.active === c.code) { e.classList.add("ls-rank-active"); }
    });
    return m;
  }

  function draw(c, near, i) {
    if (!c.geometry) { return; }
    var s = { candidate: c, near: near, shape: null, half: near ? 8 : 12 };
    if (c.geometry.type !== "Point") {
      s.shape = L.geoJSON(c.geometry, { style: styleOf(s, false) });
      s.shape.on("click", function () { pick(c.code); });
      s.shape.addTo(state.group);
    }
    var g = c.geometry;
    s.anchor = s.shape ? s.shape.getBounds().getCenter() : L.latLng(g.coordinates[1], g.coordinates[0]);
    // parcels and factories are ranked apart, each from 1: a factory's number is a blue square
    s.marker = marker(c, near, s.anchor, near ? "" : String(c.rank || i + 1));
    s.marker.bindTooltip([c.code, c.name || ""].join(" ") + " · " + c.score);
    s.marker.on("click", function () { pick(c.code); });
    s.marker.addTo(state.group);
    state.sites[c.code] = s;
    if (!near) { state.count += 1; }
    protectionRing(c);
  }

  // A site too near a sensitive receptor (卫生防护距离): the line of the distance required around
  // it, and the receptor, marked where it is nearest the site.
  function protectionRing(c) {
    var p = c.protection;
    if (!p) { return; }
    L.geoJSON(p.ring, { interactive: false, style: { color: "#b91c1c", weight: 2, dashArray: "6 4",
                                                      fill: false, className: "ls-protection-ring" } })
      .addTo(state.group);
    var r = p.receptor;
    var words = r.name + "（" + r.kind_label + "）" + Math.round(r.distance_m) + " m / ≥ " + Math.round(p.required_m) + " m";
    var dot = L.circleMarker([r.lat, r.lon], { radius: 6, color: "#b91c1c", weight: 2, fillColor: "#fecaca",
                                                fillOpacity: 0.9, className: "ls-receptor" });
    dot.bindTooltip(words);
    dot.on("add", function () {
      var e = dot.getElement();
      if (e) { e.setAttribute("data-receptor", r.code); e.setAttribute("data-site", c.code); }
    });
    dot.addTo(state.group);
  }

  // Draw the ranked sites and the near misses; `onPick(code)` hears a site clicked on the map.
  function showCandidates(candidates, nearMisses, onPick) {
    if (!state.group) { return; }
    state.group.clearLayers();
    state.sites = {};
    state.active = "";
    state.count = 0;
    state.onPick = onPick || null;
    (nearMisses || []).forEach(function (c, i) { draw(c, true, i); });
    candidates.forEach(function (c, i) { draw(c, false, i); });
    fit(false);  // at once: the markers are spread for the zoom the map then has
    spread();
  }

  function highlighted() { return state.count; }
  function activeSite() { return state.active; }

  window.landstock.matchLayer = matchLayer;
  window.landstock.showCandidates = showCandidates;
  window.landstock.fitCandidates = fitCandidates;
  window.landstock.highlighted = highlighted;
  window.landstock.highlightSite = highlight;
  window.landstock.revealSite = reveal;
  window.landstock.activeSite = activeSite;
})();

/* ---- basemap (issue 19) ----
 * The local tile package (/basemap), the context drawn from Landstock's own data
 * (/basemap/context.geojson) and a visible message when a basemap cannot load: after a few
 * tiles failed and none loaded, the map says so in its box and switches to the context. */
(function () {
  "use strict";

  var FAILURES = 3; // tiles failed, none loaded: the basemap cannot load
  var SEA = "#dfeaf3";
  // how each kind of context feature is drawn: light, so the parcels stay the subject
  var LOOK = {
    county: function () { return { color: "#b9b2a3", weight: 1, fillColor: "#f7f5ef", fillOpacity: 1 }; },
    coastline: function () { return { color: "#8fb3d1", weight: 2 }; },
    river: function (rank) {
      return { color: "#9cc3e4", weight: [0, 3, 2, 1.2][rank] || 1, fillColor: "#cfe2f3", fillOpacity: 1 };
    },
    road: function (rank) {
      return { color: ["", "#e8a93c", "#e6c46e", "#c4b89c"][rank] || "#c4b89c", weight: [0, 3.5, 2.5, 1.5][rank] || 1.5 };
    }
  };
  var POINTS = { port: "#2f6fa8", highway_exit: "#3d8b4f", rail_station: "#6b4f8b" };
  // the zoom from which a label shows, by what it names and its rank
  function labelZoom(layer, rank) {
    if (layer === "town_name") { return 9; }
    if (layer === "park_name" || layer === "zone_name" || POINTS[layer]) { return 12; }
    if (layer === "road" || layer === "river") { return 9 + rank; }
    return Infinity;
  }

  function escapeHtml(value) {
    return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function labelPoint(geometry) {
    if (geometry.type === "Point") { return geometry.coordinates; }
    var lines = geometry.type === "LineString" ? [geometry.coordinates] : geometry.coordinates;
    var longest = lines.reduce(function (a, b) { return b.length > a.length ? b : a; }, []);
    return longest[Math.floor(longest.length / 2)];
  }

  function draw(group, collection, panes) {
    var byZoom = {};
    collection.features.forEach(function (f) {
      var p = f.properties, look = LOOK[p.layer];
      if (look) {
        L.geoJSON(f, { style: look(p.rank), interactive: false, pane: panes.shapes }).addTo(group.shapes);
      } else if (POINTS[p.layer]) {
        var at = f.geometry.coordinates;
        L.circleMarker([at[1], at[0]], {
          radius: 4, color: "#ffffff", weight: 1, fillColor: POINTS[p.layer], fillOpacity: 1,
          interactive: false, pane: panes.shapes
        }).addTo(group.shapes);
      }
      var zoom = labelZoom(p.layer, p.rank);
      if (!p.name || zoom === Infinity) { return; }
      var point = labelPoint(f.geometry);
      var icon = L.divIcon({
        className: "ls-ctx-label-icon", iconSize: null,
        html: '<span class="ls-ctx-label ls-ctx-' + p.layer + '">' + escapeHtml(p.name) + "</span>"
      });
      (byZoom[zoom] = byZoom[zoom] || L.layerGroup()).addLayer(
        L.marker([point[1], point[0]], { icon: icon, interactive: false, keyboard: false, pane: panes.labels })
      );
    });
    group.labels = byZoom;
  }

  function paneOf(map, name, zIndex) {
    if (!map.getPane(name)) {
      var pane = map.createPane(name);
      pane.style.zIndex = zIndex; // between the tiles (200) and the parcels (400)
      pane.style.pointerEvents = "none";
    }
    return name;
  }

  // The context basemap: an empty group that fetches and draws the context when first shown.
  function contextBasemap(o) {
    var group = L.layerGroup([], { attribution: o.attribution });
    group.shapes = L.layerGroup();
    group.labels = {};
    var fetched = null;
    function showLabels() {
      var map = group._map;
      if (!map) { return; }
      Object.keys(group.labels).forEach(function (zoom) {
        var on = map.getZoom() >= Number(zoom), layer = group.labels[zoom];
        if (on && !map.hasLayer(layer)) { group.addLayer(layer); }
        if (!on && map.hasLayer(layer)) { group.removeLayer(layer); }
      });
    }
    group.on("add", function () {
      var map = group._map, box = map.getContainer();
      var panes = { shapes: paneOf(map, "lsContext", 250), labels: paneOf(map, "lsContextLabels", 390) };
      group._sea = box.style.background;
      box.style.background = SEA;
      group.addLayer(group.shapes);
      map.on("zoomend", showLabels);
      fetched = fetched || fetch(o.url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { features: [] }; })
        .then(function (collection) { draw(group, collection, panes); });
      fetched.then(showLabels);
    });
    group.on("remove", function () {
      var map = group._map; // still set while "remove" fires
      map.off("zoomend", showLabels);
      map.getContainer().style.background = group._sea;
      Object.keys(group.labels).forEach(function (zoom) { group.removeLayer(group.labels[zoom]); });
    });
    group.ready = function () { return fetched; };
    return group;
  }

  function packageBasemap(o) {
    var options = {
      minNativeZoom: o.minNativeZoom, maxNativeZoom: o.maxNativeZoom, maxZoom: 20, attribution: o.attribution
    };
    if (!o.vector) { return L.tileLayer(o.url, options); }
    var styles = {};
    o.layers.forEach(function (name) {
      styles[name] = { color: "#a7a39a", weight: 1, fill: true, fillColor: "#ece8df", fillOpacity: 0.8, radius: 2 };
    });
    return L.vectorGrid.protobuf(o.url, L.extend(options, {
      rendererFactory: L.canvas.tile, vectorTileLayerStyles: styles, interactive: false
    }));
  }

  function notice(map, text) {
    var box = map.getContainer().querySelector(".ls-basemap-notice");
    if (!box) {
      var control = L.control({ position: "bottomleft" });
      control.onAdd = function () {
        var div = L.DomUtil.create("div", "ls-basemap-notice leaflet-control");
        div.setAttribute("role", "alert");
        return div;
      };
      control.addTo(map);
      box = control.getContainer();
    }
    box.textContent = text;
  }

  // Watch `layer`: when it cannot load, say so in the map box and show `fallback` in its place.
  function watchBasemap(map, layer, fallback, words) {
    var failed = 0, loaded = 0, warned = false;
    layer.on("tileload", function () { loaded += 1; });
    layer.on("tileerror", function () {
      failed += 1;
      if (warned || loaded > 0 || failed < FAILURES) { return; }
      warned = true;
      notice(map, words.failed);
      if (fallback && map.hasLayer(layer)) {
        map.removeLayer(layer);
        map.addLayer(fallback);
      }
    });
  }

  L.extend(window.landstock, {
    contextBasemap: contextBasemap, packageBasemap: packageBasemap, watchBasemap: watchBasemap
  });
})();
