import { test } from "node:test";
import assert from "node:assert/strict";
import { classAveragedMaps } from "../../lib/shap/aggregate";
import { Explanation } from "../../lib/shap/explanation";

/** 5 samples of 1 x 2 x 3 features, top-1 outputs; value(i, pixel p, channel ch) = (i+1)(p+1) + ch. */
function fiveSamples(predicted: number[], scale = 1): Explanation {
  const values = new Float64Array(5 * 6);
  for (let i = 0; i < 5; i++) for (let p = 0; p < 2; p++) for (let ch = 0; ch < 3; ch++) values[i * 6 + p * 3 + ch] = scale * ((i + 1) * (p + 1) + ch);
  return new Explanation({
    values,
    baseValues: new Float64Array(5),
    data: new Float64Array(30),
    nSamples: 5,
    featureShape: [1, 2, 3],
    nOutputs: 1,
    outputIndices: Int32Array.from(predicted),
    outputNames: predicted.map((c) => [c === 0 ? "Foreshock" : "Aftershock"]),
  });
}
const LABELS = [0, 1, 0, 0, 0];
const PREDICTED = [0, 1, 0, 0, 1]; // sample 4 is wrong

function close(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) < 1e-12, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

test("batch-max (the authors' rule): divide each batch by its maximum, mean of per-batch class means", () => {
  // batches of 2: {0,1} max 6, {2,3} max 10, {4} max 12; channel sums 3(i+1)(p+1) + 3
  const r = classAveragedMaps(fiveSamples(PREDICTED), { trueLabels: LABELS, predicted: PREDICTED, batchSize: 2 });
  assert.equal(r.height, 1);
  assert.equal(r.width, 2);
  close(r.sampleMaps, [1, 1.5, 1.5, 2.5, 1.2, 2.1, 1.5, 2.7, 1.5, 2.75], "sample maps");
  assert.deepEqual(Array.from(r.correct), [1, 1, 1, 1, 0]);
  const [fore, after] = r.classes;
  assert.equal(fore.classIndex, 0);
  assert.equal(fore.name, "Foreshock");
  // batch means: {0} -> [1, 1.5]; {2, 3} -> [1.35, 2.4]; their mean, not the mean over the three images
  close(fore.map, [1.175, 1.95], "foreshock map");
  assert.equal(fore.count, 3);
  assert.equal(fore.nBatches, 2);
  assert.equal(after.name, "Aftershock");
  close(after.map, [1.5, 2.5], "aftershock map");
  assert.equal(after.count, 1);
  // the authors took the channel mean: a factor 1/3
  const mean = classAveragedMaps(fiveSamples(PREDICTED), { trueLabels: LABELS, predicted: PREDICTED, batchSize: 2, channelReduction: "mean" });
  close(mean.classes[0].map, [1.175 / 3, 1.95 / 3], "channel mean");
});

test("batch-max uses the signed maximum and refuses batches without a positive value", () => {
  assert.throws(
    () => classAveragedMaps(fiveSamples(PREDICTED, -1), { trueLabels: LABELS, predicted: PREDICTED, batchSize: 2 }),
    /samples 0..1: the largest value is -1,.*batch-abs-max/,
  );
  const abs = classAveragedMaps(fiveSamples(PREDICTED, -1), { trueLabels: LABELS, predicted: PREDICTED, batchSize: 2, normalise: "batch-abs-max" });
  close(abs.classes[0].map, [-1.175, -1.95], "abs-max keeps signs");
});

test("none and per-image-max are plain means over correctly classified samples", () => {
  const none = classAveragedMaps(fiveSamples(PREDICTED), { trueLabels: LABELS, predicted: PREDICTED, normalise: "none" });
  close(none.classes[0].map, [11, 19], "none, class 0");
  close(none.classes[1].map, [9, 15], "none, class 1");
  assert.equal(none.classes[0].nBatches, 3);
  const per = classAveragedMaps(fiveSamples(PREDICTED), { trueLabels: LABELS, predicted: PREDICTED, normalise: "per-image-max" });
  close(per.classes[0].map, [(6 / 9 + 12 / 21 + 15 / 27) / 3, 1], "per-image-max, class 0");
});

test("the map of each sample is the output whose index is the predicted class (rank -> class)", () => {
  // two outputs per sample, ranked per sample; rank 0 always holds 1, rank 1 holds 100
  const values = new Float64Array(2 * 6 * 2);
  for (let i = 0; i < 2; i++) for (let f = 0; f < 6; f++) values.set([1, 100], (i * 6 + f) * 2);
  const e = new Explanation({
    values,
    baseValues: new Float64Array(4),
    data: new Float64Array(12),
    nSamples: 2,
    featureShape: [1, 2, 3],
    nOutputs: 2,
    outputIndices: Int32Array.of(1, 0, 0, 1),
  });
  const r = classAveragedMaps(e, { trueLabels: [0, 0], predicted: [0, 0], normalise: "none", classNames: ["pre", "post"] });
  // sample 0 explains class 0 at rank 1 (100 per channel), sample 1 at rank 0 (1 per channel)
  close(r.sampleMaps, [300, 300, 3, 3], "sample maps");
  close(r.classes[0].map, [151.5, 151.5], "class 0");
  assert.equal(r.classes[0].name, "pre");
  assert.throws(() => classAveragedMaps(e.select([0]), { trueLabels: [1], predicted: [2] }), /predicted class 2 is not among its explained outputs \[1, 0\]/);
});

test("bad arguments are refused", () => {
  const e = fiveSamples(PREDICTED);
  assert.throws(() => classAveragedMaps(e, { trueLabels: [0], predicted: PREDICTED }), /one entry per sample/);
  assert.throws(() => classAveragedMaps(e.sumChannels(), { trueLabels: LABELS, predicted: PREDICTED }), /H x W x C/);
  assert.throws(() => classAveragedMaps(e, { trueLabels: LABELS, predicted: PREDICTED, batchSize: 0 }), /batchSize/);
  assert.throws(() => classAveragedMaps(e, { trueLabels: LABELS, predicted: PREDICTED, normalise: "max" as "none" }), /unknown normalise/);
});
