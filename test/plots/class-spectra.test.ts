import { test } from "node:test";
import assert from "node:assert/strict";
import { classSpectra } from "../../lib/plots/class-spectra";
import type { ScatterTrace } from "../../lib/plots/figure";
import { assertPlainJson } from "./figure-checks";

test("per class a band and a mean curve on log axes in Hz and the caller's unit; 0 Hz left out", () => {
  const f = [0, 1, 2, 4, 8];
  const mean = [5, 4, 3, 2, 1];
  const fig = classSpectra({
    freqsHz: f,
    perClass: [
      { name: "Foreshocks", mean, lower: mean.map((v) => v / 2), upper: mean.map((v) => v * 2) },
      { name: "Aftershocks", mean: mean.map((v) => v / 3), lower: mean.map((v) => v / 6), upper: mean.map((v) => v / 1.5) },
    ],
    amplitudeUnit: "counts·s",
    title: "Spectra at NRCA",
  });
  assertPlainJson(fig);
  const t = fig.data as ScatterTrace[];
  assert.equal(t.length, 4);
  assert.equal(t[0].fill, "toself");
  assert.deepEqual(t[0].x, [1, 2, 4, 8, 8, 4, 2, 1]);
  assert.deepEqual(t[0].y, [8, 6, 4, 2, 0.5, 1, 1.5, 2]);
  assert.deepEqual(t[1].x, [1, 2, 4, 8]);
  assert.equal(fig.layout.xaxis!.type, "log");
  assert.deepEqual(fig.layout.xaxis!.range, [0, Math.log10(8)]);
  assert.equal(fig.layout.xaxis!.title!.text, "Frequency (Hz)");
  assert.equal(fig.layout.yaxis!.title!.text, "Amplitude (counts·s)");
  assert.throws(() => classSpectra({ freqsHz: [1, 2], perClass: [{ name: "a", mean: [1], lower: [1, 1], upper: [1, 1] }], amplitudeUnit: "u", title: "t" }), /perClass\[0\].mean has 1 values/);
});
