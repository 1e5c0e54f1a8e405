// Draws the maps the server sends as <div data-map="…"> (budget/maps.py): the territory's
// outline and neighbourhoods (GeoJSON from this site, so they show with no network), the base
// layer only when one is configured, the points with a link each; and, on a form, picks a point.
// Picking: a click on the map, or the keyboard: the arrow keys move the map under the crosshair
// drawn at its centre (Leaflet's own keyboard handler), Enter places the point there, Delete
// removes it. The Content-Security-Policy forbids inline scripts: no page carries its own.
(function () {
  const drawn = new WeakSet();
  const FALLBACK_CENTRE = [46.6, 2.4]; // mainland France, before the territory arrives
  const DIGITS = 6;

  function addPoint(layer, point) {
    const marker = window.L.marker([point.lat, point.lon], {
      title: point.label,
      alt: point.label,
      keyboard: true,
    });
    if (point.url) {
      // Built as nodes, never as HTML: the label is user text.
      const link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.label;
      marker.bindPopup(link);
    } else {
      marker.bindPopup(document.createTextNode(point.label));
    }
    marker.addTo(layer);
    return marker;
  }

  function setupPick(map, node, pick) {
    const latInput = document.getElementById(pick.lat_input);
    const lonInput = document.getElementById(pick.lon_input);
    const status = document.getElementById(pick.status);
    let marker = null;

    function announce(text) {
      if (status) status.textContent = text;
    }

    function place(latlng, quiet) {
      const lat = latlng.lat.toFixed(DIGITS);
      const lon = latlng.lng.toFixed(DIGITS);
      if (marker) marker.setLatLng(latlng);
      else marker = window.L.marker(latlng, { alt: pick.marker_label, keyboard: false }).addTo(map);
      if (latInput) latInput.value = lat;
      if (lonInput) lonInput.value = lon;
      node.dataset.picked = `${lat},${lon}`;
      if (!quiet) announce(pick.placed_text.replace("{lat}", lat).replace("{lon}", lon));
    }

    function clear() {
      if (marker) map.removeLayer(marker);
      marker = null;
      if (latInput) latInput.value = "";
      if (lonInput) lonInput.value = "";
      delete node.dataset.picked;
      announce(pick.cleared_text);
    }

    const lat = latInput && parseFloat(latInput.value);
    const lon = lonInput && parseFloat(lonInput.value);
    if (Number.isFinite(lat) && Number.isFinite(lon)) {
      place(window.L.latLng(lat, lon), true);
      map.setView([lat, lon], Math.max(map.getZoom(), 15));
    }

    map.on("click", (event) => place(event.latlng, false));
    map.getContainer().addEventListener("keydown", (event) => {
      if (event.target !== map.getContainer()) return; // a marker or a control has the focus
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        place(map.getCenter(), false);
      } else if (event.key === "Delete" || event.key === "Backspace") {
        event.preventDefault();
        clear();
      }
    });
    // Typing the coordinates moves the point too (the fields are the map's text alternative).
    [latInput, lonInput].forEach((input) => {
      if (!input) return;
      input.addEventListener("change", () => {
        const a = parseFloat((latInput.value || "").replace(",", "."));
        const b = parseFloat((lonInput.value || "").replace(",", "."));
        if (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a) <= 90 && Math.abs(b) <= 180) {
          place(window.L.latLng(a, b), true);
          map.panTo([a, b]);
        }
      });
    });
  }

  function draw(node) {
    if (!window.L || drawn.has(node)) return;
    drawn.add(node);
    const config = JSON.parse(node.getAttribute("data-map"));
    if (config.icons) {
      window.L.Icon.Default.imagePath = "";
      window.L.Icon.Default.mergeOptions(config.icons);
    }
    const map = window.L.map(node, { keyboard: true, keyboardPanDelta: 40 });
    map.attributionControl.setPrefix(false);
    map.setView(FALLBACK_CENTRE, 5);
    node.mapInstance = map;
    if (config.tiles) {
      window.L.tileLayer(config.tiles.url, {
        attribution: config.tiles.attribution,
        maxZoom: 19,
      }).addTo(map);
    }
    const points = window.L.featureGroup().addTo(map);
    (config.points || []).forEach((point) => addPoint(points, point));
    const fit = (bounds) => {
      if (bounds && bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], maxZoom: 16 });
    };
    if (points.getLayers().length) fit(points.getBounds());
    if (config.pick) setupPick(map, node, config.pick);
    if (config.territory) {
      fetch(config.territory, { credentials: "same-origin" })
        .then((response) => (response.ok ? response.json() : null))
        .then((territory) => {
          if (!territory) return;
          const layer = window.L.geoJSON(territory, {
            interactive: false,
            style: (feature) =>
              feature.properties && feature.properties.name
                ? { className: "map-neighbourhood", weight: 1, fillOpacity: 0.08 }
                : { className: "map-outline", weight: 3, fill: false },
          }).addTo(map);
          layer.bringToBack();
          // Names of the neighbourhoods, as permanent labels (the table beside says it too).
          layer.eachLayer((shape) => {
            const name = shape.feature.properties && shape.feature.properties.name;
            if (name) {
              shape.bindTooltip(name, {
                permanent: true,
                direction: "center",
                className: "map-label",
                interactive: false,
              });
            }
          });
          const picked = node.dataset.picked;
          if (!picked) fit(layer.getBounds());
          node.dataset.territoryShown = "true";
        })
        .catch(() => {
          node.dataset.territoryShown = "false";
        });
    }
    node.dataset.ready = "true";
  }

  function drawAll(root) {
    if (!root || !root.querySelectorAll) return;
    const nodes = Array.from(root.querySelectorAll("[data-map]"));
    if (root.matches && root.matches("[data-map]")) nodes.push(root);
    nodes.forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  document.addEventListener("htmx:load", (event) => drawAll(event.target));
  // The "remove the point" button of a form (no inline handler: the policy).
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("[data-map-clear]");
    if (!button) return;
    const node = document.getElementById(button.getAttribute("data-map-clear"));
    if (!node || !node.mapInstance) return;
    node.focus();
    node.dispatchEvent(new KeyboardEvent("keydown", { key: "Delete", bubbles: true }));
  });
})();
