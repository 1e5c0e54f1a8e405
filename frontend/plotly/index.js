// The plotly.js of Arbitrages: only the trace types the app draws (budget/figures.py and the
// charts.py of each concept). Adding a trace type to a figure means adding it here, running
// `make plotly-bundle`, and committing static/vendor/plotly-arbitrages.min.js
// (tests/budget/test_plotly_bundle.py lists the expected types).
"use strict";

var Plotly = require("plotly.js/lib/core");

Plotly.register([
  require("plotly.js/lib/bar"),
  require("plotly.js/lib/funnel"),
  require("plotly.js/lib/sankey"),
  require("plotly.js/lib/scatter"),
  require("plotly.js/lib/sunburst"),
  require("plotly.js/lib/waterfall"),
  // The charts ask for locale "fr" (simulator/charts.py): French month names and separators.
  require("plotly.js/lib/locales/fr"),
]);

module.exports = Plotly;
