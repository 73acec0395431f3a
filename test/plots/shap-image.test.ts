import { test } from "node:test";
import assert from "node:assert/strict";
import { RED_TRANSPARENT_BLUE } from "../../lib/plots/colors";
import { nanPercentile } from "../../lib/plots/percentile";
import { shapImage } from "../../lib/plots/shap-image";
import { assertPlainJson, assertZeroHzAtBottom, axes, heatmaps } from "./figure-checks";
import { blockShapValues, freqsHz, spectrogramImage, timesS } from "./plot-fixtures";

const H = 33, W = 153;
const input = () => ({
  image: spectrogramImage(),
  shape: [H, W, 3] as [number, number, number],
  values: blockShapValues(),
  outputNames: ["foreshock", "aftershock"],
  freqsHz: freqsHz(),
  timesS: timesS(),
  title: "One spectrogram explained",
  pArrivalS: 5,
});

test("one map per output: channel sums, red_transparent_blue, symmetric limits at the 99.9th percentile", () => {
  const fig = shapImage(input());
  assertPlainJson(fig);
  const maps = heatmaps(fig);
  assert.equal(maps.length, 2);
  const v = blockShapValues();
  // Channel sum at pixel (row 10, col 40) for output 1: Σ_c block · (−0.5) · (c + 1).
  const p = 10 * W + 40;
  const expected = v[(p * 3) * 2 + 1] + v[(p * 3 + 1) * 2 + 1] + v[(p * 3 + 2) * 2 + 1];
  assert.ok(Math.abs((maps[1].z[10][40] as number) - expected) < 1e-15);
  const abs: number[] = [];
  for (const m of maps) for (const row of m.z) for (const x of row) abs.push(Math.abs(x as number));
  const m = nanPercentile(abs, 99.9);
  for (const h of maps) {
    assert.equal(h.zmin, -m);
    assert.equal(h.zmax, m);
    assert.deepEqual(h.colorscale, RED_TRANSPARENT_BLUE);
  }
  assert.equal(maps.filter((h) => h.showscale !== false).length, 1);
  assert.equal(maps[0].colorbar!.title!.text, "SHAP value");
  assert.equal(maps[0].colorbar!.orientation, "h");
});

test("pre-summed H × W × K values give the same maps", () => {
  const v = blockShapValues();
  const summed = new Float64Array(H * W * 2);
  for (let p = 0; p < H * W; p++) for (let c = 0; c < 3; c++) for (let o = 0; o < 2; o++) summed[p * 2 + o] += v[(p * 3 + c) * 2 + o];
  assert.deepEqual(heatmaps(shapImage({ ...input(), values: summed })), heatmaps(shapImage(input())));
});

test("axes in physical units with 0 Hz at the bottom; grey image at opacity 0.15 under each map; P at 5 s", () => {
  const fig = shapImage(input());
  assertZeroHzAtBottom(fig);
  const a = axes(fig);
  assert.equal(a.xaxis.title!.text, "Time (s)");
  assert.equal(a.yaxis.title!.text, "Frequency (Hz)");
  assert.equal(a.xaxis3.title!.text, "Time (s)");
  const images = fig.layout.images!;
  assert.equal(images.length, 3);
  assert.equal(images[0].opacity, 1);
  assert.deepEqual(images.slice(1).map((im) => [im.opacity, im.layer]), [[0.15, "below"], [0.15, "below"]]);
  // Image placement: top-left corner at (first time edge, top frequency edge).
  assert.ok(Math.abs(images[1].x - 0.24) < 1e-12 && Math.abs(images[1].sizex - 153 * 0.16) < 1e-9);
  assert.equal(images[1].y, 50 + 1.5625 / 2);
  assert.equal(images[1].sizey, 33 * 1.5625);
  const pLines = fig.layout.shapes!.filter((s) => s.type === "line");
  assert.equal(pLines.length, 3);
  assert.ok(pLines.every((s) => s.x0 === 5 && s.x1 === 5));
  const titles = fig.layout.annotations!.filter((a) => a.yref === "paper").map((a) => a.text);
  assert.deepEqual(titles, ["Input", "foreshock", "aftershock"]);
});

test("an all-zero explanation still gets symmetric, positive limits", () => {
  const fig = shapImage({ ...input(), values: new Float64Array(H * W * 3 * 2) });
  for (const h of heatmaps(fig)) assert.ok(h.zmax > 0 && h.zmin === -h.zmax);
});

test("bad inputs are named", () => {
  assert.throws(() => shapImage({ ...input(), values: new Float64Array(7) }), /plots.shapImage: values has 7 entries, expected H x W x C x K = 30294 or H x W x K = 10098/);
  assert.throws(() => shapImage({ ...input(), image: new Float64Array(H * W * 3).fill(300) }), /image\[0\] = 300 is outside 0..255/);
  assert.throws(() => shapImage({ ...input(), freqsHz: freqsHz().reverse() }), /freqsHz must increase strictly/);
  assert.throws(() => shapImage({ ...input(), timesS: timesS(10) }), /timesS has 10 values, expected 153/);
});
