// Builds static/vendor/plotly-arbitrages.min.js from index.js, with the options of plotly.js's
// own esbuild-config.js (its documented custom-bundle task needs a git checkout of plotly.js
// and Node 22; this is the same bundling from the npm package). Run by `make plotly-bundle`.
import { readFileSync } from "node:fs";
import { build } from "esbuild";

const version = JSON.parse(
  readFileSync(new URL("./node_modules/plotly.js/package.json", import.meta.url)),
).version;
const traces = [...readFileSync(new URL("./index.js", import.meta.url), "utf8").matchAll(
  /require\("plotly\.js\/lib\/([a-z]+)"\)/g,
)]
  .map((match) => match[1])
  .filter((name) => name !== "core");

await build({
  entryPoints: [new URL("./index.js", import.meta.url).pathname],
  outfile: new URL("../../static/vendor/plotly-arbitrages.min.js", import.meta.url).pathname,
  format: "iife",
  globalName: "Plotly",
  bundle: true,
  minify: true,
  legalComments: "none",
  alias: { stream: "stream-browserify" },
  // maplibre's stylesheet, required only when a map trace registers: none does here.
  loader: { ".css": "empty" },
  define: { global: "window", "define.amd": "false", "process.env.NODE_DEBUG": "false" },
  target: "es2016",
  banner: {
    js: `/**\n* plotly.js v${version} (partial bundle: ${traces.join(", ")})\n* Copyright 2012-2026, Plotly, Inc.\n* Licensed under the MIT license\n*/`,
  },
  logLevel: "info",
});
