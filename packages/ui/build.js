// Bundles the page (Preact components, uPlot charts) into dist/: app.js, app.css, index.html.
// `npm run build` runs it after tsc -b; the type check is `tsc -p packages/ui`.
const esbuild = require("esbuild");
const fs = require("node:fs");
const path = require("node:path");

const out = path.join(__dirname, "dist");
fs.mkdirSync(out, { recursive: true });
esbuild.buildSync({
  entryPoints: [path.join(__dirname, "src/main.tsx")],
  bundle: true,
  minify: true,
  sourcemap: true,
  format: "iife",
  target: "es2020",
  jsx: "automatic",
  jsxImportSource: "preact",
  outfile: path.join(out, "app.js"),
  logLevel: "warning",
});
const css = [require.resolve("uplot/dist/uPlot.min.css"), path.join(__dirname, "src/app.css")].map((f) => fs.readFileSync(f, "utf8")).join("\n");
fs.writeFileSync(path.join(out, "app.css"), css);
fs.copyFileSync(path.join(__dirname, "src/index.html"), path.join(out, "index.html"));
