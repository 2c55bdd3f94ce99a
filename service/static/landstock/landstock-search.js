/* The inventory map's search area: a place search box (the gazetteer, /api/places) whose choice
 * flies there and keeps what lies within N km of it, and Leaflet.draw's polygon and circle. The
 * area lands in hidden inputs of the filter form, which then filters the list, the counts and
 * the map's tiles, and keeps the area in the URL. */
(function () {
  "use strict";

  function merge(target, words) {
    Object.keys(words).forEach(function (key) {
      if (typeof words[key] === "object" && typeof target[key] === "object") { merge(target[key], words[key]); }
      else { target[key] = words[key]; }
    });
  }

  function byId(id) { return document.getElementById(id); }

  function searchArea(map, o) {
    var form = byId(o.form);
    var inputs = { within: byId(o.within), circle: byId(o.circle), near: byId(o.near), km: byId(o.km) };
    var box = byId(o.box), list = byId(o.list), chosen = byId(o.chosen), clear = byId(o.clear);
    var drawn = L.featureGroup().addTo(map);
    var style = { color: "#6a1b9a", weight: 2, fillOpacity: 0.05 };
    var timer = null, places = [];

    function changed() { form.dispatchEvent(new Event("change", { bubbles: true })); }

    function set(values, words) {
      ["within", "circle", "near"].forEach(function (name) { inputs[name].value = values[name] || ""; });
      if (values.km !== undefined) { inputs.km.value = values.km; }
      chosen.textContent = words || "";
      clear.hidden = !words;
      inputs.km.disabled = !values.near;
      changed();
    }

    function show(layer) {
      drawn.clearLayers();
      if (layer) { drawn.addLayer(layer); }
    }

    function circleOf(lon, lat, metres) { return L.circle([lat, lon], Object.assign({ radius: metres }, style)); }

    // what the URL asked for, drawn again
    if (o.area && o.area.kind === "polygon") { show(L.geoJSON(o.area.geometry, { style: style })); }
    if (o.area && o.area.kind === "circle") { show(circleOf(o.area.lon, o.area.lat, o.area.radius)); }
    if (o.area && o.area.kind === "near") { show(L.geoJSON(o.area.geometry, { style: style })); }
    inputs.km.disabled = !inputs.near.value;

    if (L.drawLocal && o.local) { merge(L.drawLocal, o.local); }
    map.addControl(new L.Control.Draw({
      position: "topleft",
      draw: { polygon: { allowIntersection: false, showArea: false, shapeOptions: style },
              circle: { shapeOptions: style, showRadius: true, metric: true },
              rectangle: false, polyline: false, marker: false, circlemarker: false }
    }));
    map.on(L.Draw.Event.CREATED, function (e) {
      show(e.layer);
      if (e.layerType === "circle") {
        var c = e.layer.getLatLng(), r = e.layer.getRadius();
        set({ circle: [c.lng.toFixed(6), c.lat.toFixed(6), Math.round(r)].join(",") },
            o.words.circle.replace("{km}", (r / 1000).toFixed(2)));
      } else {
        set({ within: JSON.stringify(e.layer.toGeoJSON().geometry) }, o.words.polygon);
      }
    });

    clear.addEventListener("click", function () { show(null); set({ km: "" }, ""); box.value = ""; });
    inputs.km.addEventListener("change", function (e) {
      e.stopPropagation();  // the form hears it once the words say the new distance
      var place = places.filter(function (p) { return p.code === inputs.near.value; })[0];
      if (place) { pick(place); } else { changed(); }
    });

    function pick(place) {
      var km = parseFloat(inputs.km.value) || o.default_km;
      list.hidden = true;
      list.innerHTML = "";
      box.value = place.name;
      landstock.fitBbox(map, place.bbox, 15);
      if (place.bbox[0] === place.bbox[2]) { show(circleOf(place.lon, place.lat, km * 1000)); } else { show(null); }
      set({ near: place.code, km: km }, o.words.near.replace("{place}", place.name).replace("{km}", km));
    }

    function suggest(found) {
      places = found;
      list.innerHTML = "";
      found.forEach(function (p, i) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "list-group-item list-group-item-action py-1";
        button.id = o.list + "-" + i;
        button.setAttribute("data-code", p.code);
        button.textContent = p.name + (p.detail ? "（" + p.detail + "）" : "") + " · " + p.kind_label;
        button.addEventListener("click", function () { pick(p); });
        item.appendChild(button);
        list.appendChild(item);
      });
      if (!found.length) {
        var none = document.createElement("li");
        none.className = "list-group-item py-1 text-body-secondary";
        none.textContent = o.words.none;
        list.appendChild(none);
      }
      list.hidden = false;
    }

    box.addEventListener("input", function () {
      clearTimeout(timer);
      var text = box.value.trim();
      if (!text) { list.hidden = true; return; }
      timer = setTimeout(function () {
        fetch("/api/places?limit=8&q=" + encodeURIComponent(text), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(suggest);
      }, 250);
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        if (places.length) { pick(places[0]); }
      }
      if (e.key === "Escape") { list.hidden = true; }
    });
    return drawn;
  }

  window.landstock.searchArea = searchArea;
})();
