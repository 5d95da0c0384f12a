// The claim's map (issue 16): the parcels, their parts per area type and the province's layers
// around them, drawn with the vendored Leaflet on a plain background. A tile server is used only
// when the page names one (setting MAP_TILE_URL: data-tile-url). Every figure is also in the
// table beside the map; without JavaScript the table is all there is.
(function () {
  "use strict";
  // One colour per area type (layers pale, parcels' parts strong), the same in both.
  var COLOURS = {
    regular: "#6b6b6b",
    foerageergebied: "#2e7d32",
    rustgebied: "#1565c0",
    natura2000: "#8e24aa",
    buffer: "#ef6c00"
  };
  function colour(code) {
    return COLOURS[code] || "#444444";
  }
  function styleOf(feature) {
    var p = feature.properties;
    if (p.role === "layer") {
      return { color: colour(p.kind), weight: 1, fillOpacity: 0.15, dashArray: "4 4" };
    }
    return {
      color: "#1a1a1a",
      weight: 2,
      fillColor: colour(p.area_type),
      fillOpacity: p.area_check === "map" ? 0.55 : 0.2
    };
  }
  function label(feature) {
    var p = feature.properties;
    if (p.role === "layer") {
      return p.name + " (#" + p.layer_id + ", " + p.valid_from + ")";
    }
    return p.parcel_name + ": " + p.area_type_name + (p.area_ha ? " " + p.area_ha.replace(".", ",") + " ha" : "");
  }
  function draw(box, data) {
    box.textContent = "";
    var map = L.map(box, { attributionControl: Boolean(box.dataset.tileUrl), zoomSnap: 0.25 });
    if (box.dataset.tileUrl) {
      L.tileLayer(box.dataset.tileUrl, {
        attribution: box.dataset.tileAttribution || "",
        maxZoom: 19
      }).addTo(map);
      map.attributionControl.setPrefix(false);
    }
    var layers = { type: "FeatureCollection", features: [] };
    var parcels = { type: "FeatureCollection", features: [] };
    data.features.forEach(function (f) {
      (f.properties.role === "layer" ? layers : parcels).features.push(f);
    });
    var options = {
      style: styleOf,
      onEachFeature: function (feature, shape) {
        var text = document.createElement("span"); // text, never markup: names are the farmer's
        text.textContent = label(feature);
        shape.bindTooltip(text);
      }
    };
    L.geoJSON(layers, options).addTo(map);
    var drawn = L.geoJSON(parcels, options).addTo(map);
    var bounds = drawn.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
    } else {
      map.setView([52.2, 5.3], 7); // the Netherlands: no parcel has an outline
    }
    box.setAttribute("data-drawn", String(parcels.features.length));
  }
  function start() {
    var box = document.querySelector("[data-claim-map]");
    if (!box || typeof L === "undefined") {
      return;
    }
    fetch(box.dataset.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        draw(box, data);
      })
      .catch(function () {
        box.setAttribute("data-drawn", "error");
      });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
