import { test } from "node:test";
import assert from "node:assert/strict";
import { spectrogramChannels } from "../../lib/plots/spectrogram-channels";
import { assertPlainJson, assertZeroHzAtBottom, axes, heatmaps } from "./figure-checks";
import { freqsHz, spectrogramImage, timesS } from "./plot-fixtures";

test("three panels from an FTC image, one shared colour scale, P marked in each", () => {
  const img = spectrogramImage();
  const fig = spectrogramChannels({ values: img, freqsHz: freqsHz(), timesS: timesS(), channels: ["E", "N", "Z"], title: "t", colorbarTitle: "8-bit image value", pArrivalS: 5 });
  assertPlainJson(fig);
  assertZeroHzAtBottom(fig);
  const maps = heatmaps(fig);
  assert.equal(maps.length, 3);
  assert.equal(maps[1].z[4][7], img[(4 * 153 + 7) * 3 + 1]);
  assert.ok(maps.every((m) => m.zmin === maps[0].zmin && m.zmax === maps[0].zmax));
  assert.deepEqual(maps.map((m) => m.showscale), [true, false, false]);
  const a = axes(fig);
  assert.deepEqual([a.yaxis.title!.text, a.yaxis3.title!.text], ["E: frequency (Hz)", "Z: frequency (Hz)"]);
  assert.equal(a.xaxis3.title!.text, "Time (s)");
  assert.equal(fig.layout.shapes!.length, 3);
  assert.throws(() => spectrogramChannels({ values: img, freqsHz: freqsHz(), timesS: timesS(), channels: ["E", "N"], title: "t", colorbarTitle: "c" }), /values \(nFreq x nTime x nChannels = 33 x 153 x 2\)/);
});
