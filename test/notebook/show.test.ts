import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { figureBundle, showTable, tableBundle } from "../../lib/notebook/show";
import { repoRoot } from "../../lib/core/paths";
import { Figure } from "../../lib/plots/figure";

/** What showTable prints outside a notebook (the bundle's text/plain). */
function printed(run: () => void): string {
  const lines: string[] = [];
  const original = console.log;
  console.log = (s: unknown) => lines.push(String(s));
  try {
    run();
  } finally {
    console.log = original;
  }
  return lines.join("\n");
}

const rows = [{ experiment: "nrca", seconds: 12.3456, accuracy: 0.99571, paper: null }, { experiment: "all", seconds: 50, accuracy: 0.9, paper: 0.9575 }];

test("a table is ONE bundle: HTML and an aligned plain-text copy (numbers right-aligned), the columns asked for", () => {
  const b = tableBundle(rows, { digits: 2, caption: "Accuracy" });
  assert.deepEqual(Object.keys(b).sort(), ["text/html", "text/plain"]);
  assert.equal(b["text/plain"], ["Accuracy", "experiment  seconds  accuracy  paper", "nrca          12.35      1.00", "all              50      0.90   0.96"].join("\n"));
  assert.match(b["text/html"], /^<table><caption>Accuracy<\/caption><thead><tr><th>experiment<\/th>/);
  assert.equal((b["text/html"].match(/<tr>/g) ?? []).length, 3);
  assert.equal(printed(() => showTable(rows, { columns: ["accuracy", "experiment"], digits: 3 })), "accuracy  experiment\n   0.996  nrca\n   0.900  all");
});

test("table cells show paths relative to the project and escape HTML; no rows is said, not an empty grid", () => {
  const b = tableBundle([{ file: path.join(repoRoot(), "data", "a<b>.hdf5"), reason: "x" }]);
  assert.match(b["text/plain"], /^file\s+reason\ndata\/a<b>\.hdf5\s+x$/);
  assert.match(b["text/html"], /<td>data\/a&lt;b&gt;\.hdf5<\/td>/);
  assert.ok(!b["text/html"].includes(repoRoot()));
  assert.equal(tableBundle([], { caption: "Skipped" })["text/plain"], "Skipped (no rows)");
});

const figure: Figure = {
  data: [{ type: "scatter", mode: "lines", x: [0, 1, 2], y: [1, 3, 2], hovertemplate: "t = %{x} s<extra></extra>" }],
  layout: { title: { text: "A <b>line</b>" }, width: 300, height: 200, margin: { l: 40, r: 10, t: 30, b: 30 } },
};

test("a figure is ONE bundle: a 2x PNG shown at the layout size, a text line, and HTML only when interactive", () => {
  const still = figureBundle(figure);
  assert.deepEqual(Object.keys(still.data).sort(), ["image/png", "text/plain"]);
  const png = Buffer.from(still.data["image/png"], "base64");
  assert.equal(png.toString("latin1", 1, 4), "PNG");
  assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [600, 400], "rendered at twice the layout size");
  assert.deepEqual(still.metadata["image/png"], { width: 300, height: 200 });
  assert.deepEqual(still.metadata["seismic-xai"], { figure: "A line" });
  assert.equal(still.data["text/plain"], '<Figure "A line", 300 x 200 px>');

  const live = figureBundle(figure, { interactive: true });
  const html = live.data["text/html"];
  assert.equal(live.data["image/png"], still.data["image/png"]);
  // the same PNG inside the HTML (shown until plotly.js draws), and the figure spec for Plotly.newPlot
  assert.ok(html.includes(`<img src="data:image/png;base64,${still.data["image/png"]}" width="300" height="200"`));
  assert.match(html, /window\.Plotly\.newPlot\(el, fig\.data, fig\.layout/);
  const spec = JSON.parse(/fig = (\{.*?\}), tries/.exec(html)![1]);
  assert.deepEqual(spec.data, figure.data);
  assert.equal(spec.layout.width, 300);
  assert.ok(!/<\/script>[\s\S]*<\/script>/.test(html.replace(/<\/script>$/, "")), "no early </script> from the spec");
});
