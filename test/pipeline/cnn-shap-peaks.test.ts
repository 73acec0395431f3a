import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../lib/core/rng";
import { classAveragedMaps } from "../../lib/shap/aggregate";
import { Explanation } from "../../lib/shap/explanation";
import { channelMeanPeaks, mapPeaks } from "../../lib/pipeline/cnn-shap-peaks";

const FREQS = [0, 1.5625, 3.125];
const TIMES = [0.32, 0.48, 0.64, 0.8];

test("channelMeanPeaks: a channel-sum map's peaks divided by the channel count, at the same place", () => {
  const sum = mapPeaks([0.3, -0.6, 1.2, 0, 0.9, 0.1, 0, 0, -0.3, 0, 0, 0.6], FREQS, TIMES);
  const mean = channelMeanPeaks(sum, "sum", 3);
  assert.deepEqual(mean.max, { ...sum.max, value: 1.2 / 3 });
  assert.deepEqual(mean.min, { ...sum.min, value: -0.6 / 3 });
  assert.equal(channelMeanPeaks(sum, "mean", 3), sum);
  assert.throws(() => channelMeanPeaks(sum, "max" as "sum", 3), /channelMeanPeaks: reduction must be "sum" or "mean", got "max"/);
  assert.throws(() => channelMeanPeaks(sum, "sum", 0), /nChannels must be a positive integer, got 0/);
});

test("the conversion holds to rounding: class maps reduced by mean equal those reduced by sum over 3, for every normalisation", () => {
  const rng = new Rng("channel mean");
  const [n, h, w, c] = [40, 3, 4, 3];
  const values = Float64Array.from({ length: n * h * w * c }, () => rng.normal(0.2, 1));
  const predicted = Array.from({ length: n }, () => rng.int(2));
  const trueLabels = predicted.map((p, i) => (i % 7 === 0 ? 1 - p : p));
  const expl = new Explanation({
    values,
    baseValues: new Float64Array(n),
    data: new Float64Array(n * h * w * c),
    nSamples: n,
    featureShape: [h, w, c],
    nOutputs: 1,
    outputIndices: Int32Array.from(predicted),
    outputNames: predicted.map((p) => [p === 0 ? "foreshock" : "aftershock"]),
  });
  for (const normalise of ["batch-max", "batch-abs-max", "none"] as const) {
    const options = { trueLabels, predicted, normalise, batchSize: 8 };
    const bySum = classAveragedMaps(expl, { ...options, channelReduction: "sum" });
    const byMean = classAveragedMaps(expl, { ...options, channelReduction: "mean" });
    for (let k = 0; k < bySum.classes.length; k++) {
      const sumPeaks = channelMeanPeaks(mapPeaks(bySum.classes[k].map, FREQS, TIMES), "sum", c);
      const meanPeaks = mapPeaks(byMean.classes[k].map, FREQS, TIMES);
      for (const which of ["max", "min"] as const) {
        assert.equal(sumPeaks[which].row, meanPeaks[which].row, `${normalise} class ${k} ${which}`);
        assert.equal(sumPeaks[which].column, meanPeaks[which].column, `${normalise} class ${k} ${which}`);
        assert.ok(Math.abs(sumPeaks[which].value - meanPeaks[which].value) < 1e-15, `${normalise} class ${k} ${which}: ${sumPeaks[which].value} vs ${meanPeaks[which].value}`);
      }
    }
  }
});
