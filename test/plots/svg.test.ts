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

const GOLDEN_DIR = path.join(repoRoot(), "test", "golden");

/** Every plot once, on small deterministic inputs: the snapshot cases. */
function cases(): Record<string, () => Figure> {
  const img = spectrogramImage();
  const tab = tabularShap(60, 6);
  const spec = new Float64Array(33 * 153);
  for (let i = 0; i < spec.length; i++) spec[i] = img[3 * i + 2] / 255;
  const f = Array.from({ length: 100 }, (_, i) => 0.5 * (i + 1));
  const fore = f.map((x) => 100 / (1 + (x / 8) ** 2)), after = f.map((x) => 80 / (1 + (x / 5) ** 2));
  return {
    waveform: () => waveform({ data: waveformData(), samplingRateHz: 100, channels: ["E", "N", "Z"], pArrivalS: 5, title: "Waveform with the P pick" }),
    spectrogram: () => spectrogram({ values: spec, freqsHz: freqsHz(), timesS: timesS(), title: "Spectrogram, Z", colorbarTitle: "log(1 + PSD), scaled", pArrivalS: 5 }),
    "spectrogram-channels": () =>
      spectrogramChannels({ values: img, freqsHz: freqsHz(), timesS: timesS(), channels: ["E", "N", "Z"], title: "Spectrogram image", colorbarTitle: "8-bit value", pArrivalS: 5 }),
    "shap-image": () =>
      shapImage({ image: img, shape: [33, 153, 3], values: blockShapValues(), outputNames: ["foreshock", "aftershock"], freqsHz: freqsHz(), timesS: timesS(), title: "Figure 2 — SHAP", pArrivalS: 5 }),
    "class-averaged-shap-map": () =>
      classAveragedShapMap({ maps: [hotspotMap(36, 6, 0.233), hotspotMap(33, 13, 0.05)], classNames: ["Foreshocks", "Aftershocks"], freqsHz: freqsHz(), timesS: timesS(), title: "Figure 3 — class averages" }),
    "cnn-architecture": () =>
      cnnArchitecture({
        inputShape: [33, 153, 3],
        title: "Figure 1 — CNN2D",
        layers: [
          { name: "conv2d_1", className: "Conv2D", outputShape: [null, 33, 153, 32], params: 896 },
          { name: "max_pooling2d_1", className: "MaxPooling2D", outputShape: [null, 16, 76, 32], params: 0 },
          { name: "flatten_1", className: "Flatten", outputShape: [null, 9728], params: 0 },
          { name: "dense_1", className: "Dense", outputShape: [null, 2], params: 19458 },
        ],
      }),
    "class-spectra": () =>
      classSpectra({
        freqsHz: f,
        perClass: [
          { name: "Foreshocks", mean: fore, lower: fore.map((v) => v / 2), upper: fore.map((v) => v * 2) },
          { name: "Aftershocks", mean: after, lower: after.map((v) => v / 2), upper: after.map((v) => v * 2) },
        ],
        amplitudeUnit: "counts·s",
        title: "Figure 5 — spectra",
        spreadLabel: "16th–84th percentile",
      }),
    "predicted-vs-true": () => {
      const t = Array.from({ length: 80 }, (_, i) => 0.5 + (3.5 * i) / 79);
      return predictedVsTrue({ yTrue: t, yPred: t.map((v, i) => v + 0.15 * Math.sin(i * 1.3)), metrics: { mae: 0.1052, rmse: 0.1457, r2: 0.8834 }, title: "Figure 6 — magnitude" });
    },
    beeswarm: () => beeswarm({ values: tab.values, features: tab.features, featureNames: tab.names, title: "Figure 7 — SHAP summary" }),
    "shap-bar": () => shapBar({ values: tab.values, featureNames: tab.names, maxDisplay: 4, title: "Mean |SHAP|" }),
    "shap-bar-local": () => shapBar({ values: tab.values.slice(0, 6), data: tab.features.slice(0, 6), featureNames: tab.names, title: "One prediction" }),
    waterfall: () => waterfall({ values: tab.values.slice(6, 12), baseValues: 1.077, data: tab.features.slice(6, 12), featureNames: tab.names, maxDisplay: 5, title: "Waterfall", xTitle: "Predicted magnitude" }),
    dependence: () =>
      dependence({
        featureValues: Array.from({ length: 60 }, (_, i) => 2 + 8 * Math.abs(tab.features[i * 6 + 2]) / 3),
        shapValues: Array.from({ length: 60 }, (_, i) => tab.values[i * 6 + 2]),
        featureName: "p_travel_sec",
        featureUnit: "s",
        colorBy: { values: Array.from({ length: 60 }, (_, i) => tab.features[i * 6]), name: tab.names[0] },
        title: "Dependence on p_travel_sec",
      }),
    "training-curves": () =>
      trainingCurves({
        history: Array.from({ length: 10 }, (_, e) => ({ epoch: e + 1, loss: 0.5 * Math.exp(-e / 3), accuracy: 1 - 0.3 * Math.exp(-e / 2), valLoss: 0.55 * Math.exp(-e / 3), valAccuracy: 0.97 - 0.3 * Math.exp(-e / 2) })),
        title: "Training",
      }),
    "confusion-matrix": () => confusionMatrix({ matrix: [640, 2, 3, 517], classNames: ["foreshock", "aftershock"], title: "Confusion matrix" }),
    table: () => table({ columns: ["Held-out station", "Test traces", "Accuracy"], rows: [["NRCA", 1162, 0.9957], ["T1244", 8249, 0.5019]], title: "Leave-one-station-out" }),
  };
}

for (const [name, make] of Object.entries(cases())) {
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
  const svg = toSvg(cases()["shap-image"]());
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
  const spectra = toSvg(cases()["class-spectra"]());
  assert.match(spectra, />Foreshocks</);
  assert.match(spectra, />10</);
  const fig = cases()["confusion-matrix"]();
  fig.layout.title.text = "a < b & c";
  const svg = toSvg(fig, { width: 700, height: 500 });
  assert.match(svg, /^<svg [^>]*width="700" height="500"/);
  assert.match(svg, />a &lt; b &amp; c</);
  checkSvg(svg);
});

test("ids differ between figures so several SVGs can share one page", () => {
  const a = toSvg(cases()["class-averaged-shap-map"]()), b = toSvg(cases().spectrogram());
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
