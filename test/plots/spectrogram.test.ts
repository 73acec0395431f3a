import { test } from "node:test";
import assert from "node:assert/strict";
import { VIRIDIS } from "../../lib/plots/colors";
import { spectrogram } from "../../lib/plots/spectrogram";
import { assertPlainJson, assertZeroHzAtBottom, heatmaps } from "./figure-checks";
import { freqsHz, timesS } from "./plot-fixtures";

test("a heatmap F × T with time in s, frequency in Hz from 0 at the bottom, colour bar with the unit", () => {
  const values = Float64Array.from({ length: 33 * 153 }, (_, i) => Math.floor(i / 153) + (i % 153) / 1000);
  const fig = spectrogram({ values, freqsHz: freqsHz(), timesS: timesS(), title: "Z", colorbarTitle: "PSD (counts²/Hz)", pArrivalS: 5 });
  assertPlainJson(fig);
  assertZeroHzAtBottom(fig);
  const [h] = heatmaps(fig);
  assert.equal(h.z.length, 33);
  assert.equal(h.z[2][3], 2.003);
  assert.deepEqual([h.zmin, h.zmax], [0, 32.152]);
  assert.deepEqual(h.colorscale, VIRIDIS);
  assert.equal(h.colorbar!.title!.text, "PSD (counts²/Hz)");
  assert.equal(fig.layout.xaxis!.title!.text, "Time (s)");
  assert.equal(fig.layout.yaxis!.title!.text, "Frequency (Hz)");
  assert.deepEqual(fig.layout.yaxis!.range, [-1.5625 / 2, 50 + 1.5625 / 2]);
  assert.equal(fig.layout.shapes![0].x0, 5);
});

test("NaN cells become gaps; explicit limits are kept; sizes are checked", () => {
  const values = new Float64Array(4).fill(1);
  values[1] = NaN;
  const fig = spectrogram({ values, freqsHz: [0, 1], timesS: [0, 1], title: "t", colorbarTitle: "c", zmin: -1, zmax: 2 });
  const [h] = heatmaps(fig);
  assert.deepEqual(h.z, [[1, null], [1, 1]]);
  assert.deepEqual([h.zmin, h.zmax], [-1, 2]);
  assert.throws(() => spectrogram({ values: [1, 2, 3], freqsHz: [0, 1], timesS: [0, 1], title: "t", colorbarTitle: "c" }), /values \(nFreq x nTime = 2 x 2\) has 3 values, expected 4/);
});
