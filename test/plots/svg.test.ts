import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { repoRoot } from "../../lib/core/paths";
import { beeswarm } from "../../lib/plots/beeswarm";
import { classAveragedShapMap } from "../../lib/plots/class-averaged-shap-map";
import { classSpectra } from "../../lib/plots/class-spectra";
import { cnnArchitecture } from "../../lib/plots/cnn-architecture";
import { confusionMatrix } from "../../lib/plots/confusion-matrix";
import { dependence } from "../../lib/plots/dependence";
import type { Figure } from "../../lib/plots/figure";
import { predictedVsTrue } from "../../lib/plots/predicted-vs-true";
import { shapBar } from "../../lib/plots/shap-bar";
import { shapImage } from "../../lib/plots/shap-image";
import { spectrogram } from "../../lib/plots/spectrogram";
import { spectrogramChannels } from "../../lib/plots/spectrogram-channels";
import { toSvg } from "../../lib/plots/svg";
import { table } from "../../lib/plots/table";
import { trainingCurves } from "../../lib/plots/training-curves";
import { waterfall } from "../../lib/plots/waterfall";
import { waveform } from "../../lib/plots/waveform";
import { blockShapValues, freqsHz, hotspotMap, spectrogramImage, tabularShap, timesS, waveformData } from "./plot-fixtures";
import { checkSvg } from "./xml-check";
import { figureCases } from "./figure-cases";

const GOLDEN_DIR = path.join(repoRoot(), "test", "golden");


for (const [name, make] of Object.entries(figureCases())) {
  test(`SVG snapshot: ${name}`, (t) => {
    const svg = toSvg(make());
    const report = checkSvg(svg);
    assert.ok(report.elements > 5);
    assert.equal(toSvg(make()), svg, "the same figure renders to the same bytes");
    const golden = path.join(GOLDEN_DIR, `plots.${name}.svg`);
    if (!fs.existsSync(golden)) {
      // under CI a missing snapshot is a failure: creating it there would make the test pass on anything
      if (process.env.CI === "true") assert.fail(`${path.relative(repoRoot(), golden)} is missing (CI=true: snapshots are created locally and committed)`);
      fs.mkdirSync(GOLDEN_DIR, { recursive: true });
      fs.writeFileSync(golden, svg);
      t.diagnostic(`created ${path.relative(repoRoot(), golden)} (delete it to re-baseline)`);
      return;
    }
    const expected = fs.readFileSync(golden, "utf8");
    if (expected !== svg) {
      const out = path.join(os.tmpdir(), `plots.${name}.actual.svg`);
      fs.writeFileSync(out, svg);
      let i = 0;
      while (i < svg.length && svg[i] === expected[i]) i++;
      assert.fail(`SVG differs from ${golden} at offset ${i}: …${JSON.stringify(svg.slice(Math.max(0, i - 40), i + 40))}… (actual written to ${out})`);
    }
  });
}

/** The rows of the palette PNG embedded for the first heatmap of an SVG, top row first. */
function embeddedHeatmapRows(svg: string): number[][] {
  const m = /<image [^>]*xlink:href="data:image\/png;base64,([^"]+)"/.exec(svg);
  assert.ok(m, "an embedded PNG");
  const png = Buffer.from(m[1], "base64");
  const width = png.readUInt32BE(16), height = png.readUInt32BE(20);
  let p = 8, idat = Buffer.alloc(0);
  while (p < png.length) {
    const len = png.readUInt32BE(p), type = png.toString("latin1", p + 4, p + 8);
    if (type === "IDAT") idat = Buffer.concat([idat, png.subarray(p + 8, p + 8 + len)]);
    p += 12 + len;
  }
  const raw = zlib.inflateSync(idat);
  return Array.from({ length: height }, (_, r) => [...raw.subarray(r * (width + 1) + 1, (r + 1) * (width + 1))]);
}

function tinyHeatmap(yRange: [number, number]): Figure {
  return {
    data: [{ type: "heatmap", z: [[0, 0], [1, 1]], x: [0, 1], y: [0, 1], colorscale: [[0, "#000000"], [1, "#ffffff"]], zmin: 0, zmax: 1, showscale: false }],
    layout: { title: { text: "t" }, width: 200, height: 200, margin: { l: 20, r: 20, t: 20, b: 20 }, xaxis: { range: [-0.5, 1.5] }, yaxis: { range: yRange } },
  };
}

test("heatmap row 0 is drawn at the bottom of an upward axis and at the top of a reversed one", () => {
  // z row 0 = level 0, row 1 = level 254; PNG rows run top to bottom.
  assert.deepEqual(embeddedHeatmapRows(toSvg(tinyHeatmap([-0.5, 1.5]))), [[254, 254], [0, 0]]);
  assert.deepEqual(embeddedHeatmapRows(toSvg(tinyHeatmap([1.5, -0.5]))), [[0, 0], [254, 254]]);
});

test("a 33 × 153 SHAP map stays small: the whole Figure 2 SVG is under 60 kB", () => {
  const svg = toSvg(figureCases()["shap-image"]());
  assert.ok(svg.length < 60000, `${svg.length} bytes`);
  assert.equal((svg.match(/<image /g) ?? []).length, 5, "2 heatmaps + RGB image + 2 grey backgrounds");
});

test("unevenly spaced heatmaps are drawn cell by cell", () => {
  const fig = tinyHeatmap([-0.5, 1.5]);
  const h = fig.data[0] as { y: number[]; z: number[][] };
  h.y = [0, 1, 3];
  h.z = [[0, 0], [0.5, 0.5], [1, 1]];
  const svg = toSvg(fig);
  checkSvg(svg);
  assert.equal((svg.match(/<rect [^>]*fill="#/g) ?? []).length, 1 + 6);
});

test("long lines are thinned to at most four points per pixel column", () => {
  const n = 20000;
  const fig: Figure = {
    data: [{ type: "scatter", mode: "lines", x: Array.from({ length: n }, (_, i) => i), y: Array.from({ length: n }, (_, i) => Math.sin(i)) }],
    layout: { title: { text: "t" }, width: 300, height: 200, margin: { l: 50, r: 50, t: 20, b: 20 } },
  };
  const svg = toSvg(fig);
  const points = (/<path d="([^"]+)" fill="none"/.exec(svg)![1].match(/[ML]/g) ?? []).length;
  assert.ok(points <= 4 * 201 && points > 200, `${points} points`);
});

test("legends, escaping, log axes and size overrides", () => {
  const spectra = toSvg(figureCases()["class-spectra"]());
  assert.match(spectra, />Foreshocks</);
  assert.match(spectra, />10</);
  const fig = figureCases()["confusion-matrix"]();
  fig.layout.title.text = "a < b & c";
  const svg = toSvg(fig, { width: 700, height: 500 });
  assert.match(svg, /^<svg [^>]*width="700" height="500"/);
  assert.match(svg, />a &lt; b &amp; c</);
  checkSvg(svg);
});

test("ids differ between figures so several SVGs can share one page", () => {
  const a = toSvg(figureCases()["class-averaged-shap-map"]()), b = toSvg(figureCases().spectrogram());
  const ids = (s: string): string[] => [...s.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(ids(a).length > 0);
  assert.ok(ids(a).every((id) => !ids(b).includes(id)));
});

test("unsupported content is refused, not dropped", () => {
  const fig = tinyHeatmap([0, 1]);
  (fig.data as unknown[]).push({ type: "pie", values: [1, 2] });
  assert.throws(() => toSvg(fig), /toSvg: trace type "pie" is not supported/);
  const bad = tinyHeatmap([0, 1]);
  bad.layout.shapes = [{ type: "line", xref: "x3", yref: "y", x0: 0, x1: 1, y0: 0, y1: 1 }];
  assert.throws(() => toSvg(bad), /refers to axis "x3", which the figure does not define/);
  assert.throws(() => toSvg(tinyHeatmap([0, 1]), { width: 30 }), /leave no plotting area/);
});
