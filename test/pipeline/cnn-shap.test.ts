import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { buildCnn2d, CNN_IMAGE_SIZE } from "../../lib/cnn/architecture";
import { initBackend } from "../../lib/cnn/backend";
import { cnnModelFn } from "../../lib/cnn/model-fn";
import { predictCnn } from "../../lib/cnn/predict";
import { trainCnn } from "../../lib/cnn/train";
import { InputError } from "../../lib/core/errors";
import { Rng } from "../../lib/core/rng";
import { explainCnnClassMaps, type ClassMapImages, type CnnClassMapsResult, type ExplainCnnClassMapsOptions } from "../../lib/pipeline/cnn-shap";
import { imageSubset } from "../../lib/pipeline/cnn-image-subset";
import { createCnnShapExplainer } from "../../lib/pipeline/cnn-shap-explainer";
import { classMapPeaks, mapPeaks } from "../../lib/pipeline/cnn-shap-peaks";
import { readCnnShapResults, writeCnnShapResults } from "../../lib/pipeline/cnn-shap-results";

const H = 33;
const W = 153;
const C = 3;
const MAX_EVALS = 64;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cnn-shap-test-"));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * Spectrogram-like 8-bit images whose class shows in a frequency band after the "P arrival" (column 40):
 * class 0 (foreshock) has energy in the low rows, class 1 (aftershock) in the high rows. Classes alternate
 * in an irregular pattern so that normalisation batches mix them.
 */
function bandImages(n: number, seed: number): { images: Uint8Array; labels: Uint8Array; n: number } {
  const rng = new Rng(seed);
  const images = new Uint8Array(n * CNN_IMAGE_SIZE);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = (i * 7 + 3) % 2;
    labels[i] = label;
    for (let f = 0; f < H; f++) {
      const band = label === 1 ? (f > 20 ? 70 : 0) : f < 12 ? 70 : 0;
      for (let t = 0; t < W; t++) {
        for (let c = 0; c < C; c++) {
          const v = 90 + band * (t > 40 ? 1 : 0.3) + rng.normal(0, 25);
          images[i * CNN_IMAGE_SIZE + (f * W + t) * C + c] = Math.min(255, Math.max(0, Math.round(v)));
        }
      }
    }
  }
  return { images, labels, n };
}

interface Fixture {
  model: tf.LayersModel;
  test: { images: Uint8Array; labels: Uint8Array; n: number };
  /** Test labels with two images deliberately mislabelled (so misclassified). */
  trueLabels: Uint8Array;
  flipped: number[];
  traceNames: string[];
  stations: string[];
  /** The test images with their (partly flipped) labels, as explainCnnClassMaps takes them. */
  images: ClassMapImages;
  base: ExplainCnnClassMapsOptions;
  result: CnnClassMapsResult;
}

let fixture: Promise<Fixture> | null = null;

/** A CNN2D trained for one epoch on band images (it then classifies every test image right) and one explained run. */
function getFixture(): Promise<Fixture> {
  fixture ??= (async () => {
    await initBackend({ prefer: "wasm", log: false });
    const model = buildCnn2d({ seed: 3 });
    await trainCnn(model, { train: bandImages(32, 1), epochs: 1, batchSize: 16, seed: 1, log: false });
    const test = bandImages(16, 2);
    const trueLabels = test.labels.slice();
    const flipped = [1, 4];
    for (const i of flipped) trueLabels[i] = 1 - trueLabels[i];
    const traceNames = Array.from({ length: test.n }, (_, i) => `NRCA.IV.${1000 + i}_EV`);
    const stations = Array.from({ length: test.n }, () => "NRCA");
    const images: ClassMapImages = { images: test.images, labels: trueLabels, traceNames, stations };
    const base: ExplainCnnClassMapsOptions = {
      nPerClass: 3,
      maxEvals: MAX_EVALS,
      batchSize: 10,
      seed: 7,
      workers: { model: 0, masker: 0 },
      concurrency: 1,
    };
    const result = await explainCnnClassMaps(model, images, base);
    return { model, test, trueLabels, flipped, traceNames, stations, images, base, result };
  })();
  return fixture;
}

test("the test model classifies every clean test image right, both classes", async () => {
  const { model, test } = await getFixture();
  assert.deepEqual(Array.from(predictCnn(model, test.images, test.n).labels), Array.from(test.labels));
});

test("only correctly classified images are explained, nPerClass per class, seeded, in test order", async () => {
  const { result, trueLabels, flipped, test, model, images, base } = await getFixture();
  const index = Array.from(result.images.index);
  assert.equal(index.length, 6);
  assert.deepEqual(index, [...index].sort((a, b) => a - b));
  for (const i of flipped) assert.ok(!index.includes(i), `misclassified image ${i} was explained`);
  index.forEach((i, j) => {
    assert.equal(result.images.trueLabels[j], trueLabels[i]);
    assert.equal(result.images.predicted[j], test.labels[i]);
    assert.equal(result.images.predicted[j], result.images.trueLabels[j]);
    assert.equal(result.images.traceNames[j], `NRCA.IV.${1000 + i}_EV`);
    assert.equal(result.images.stations[j], "NRCA");
  });
  assert.deepEqual(result.counts, { nImages: 16, nCorrect: 14, accuracy: 14 / 16, nExplained: 6 });
  for (const cls of [0, 1]) {
    const c = result.classes[cls];
    assert.equal(c.classIndex, cls);
    assert.equal(c.name, cls === 0 ? "foreshock" : "aftershock");
    assert.equal(c.count, 3);
    assert.equal(c.nCorrect, 7);
    assert.equal(c.nImages, 8);
  }
  // The choice depends on the seed only: same seed, same images; another seed, other images.
  const again = await explainCnnClassMaps(model, images, { ...base, maxEvals: 2 });
  assert.deepEqual(Array.from(again.images.index), index);
  const other = await explainCnnClassMaps(model, images, { ...base, maxEvals: 2, seed: 8 });
  assert.notDeepEqual(Array.from(other.images.index), index);
  // nPerClass above the correct count takes every correct image.
  const all = await explainCnnClassMaps(model, images, { ...base, maxEvals: 2, nPerClass: 100 });
  assert.equal(all.counts.nExplained, 14);
  assert.deepEqual(all.classes.map((c) => c.count), [7, 7]);
});

test("output rank 0 is mapped to the predicted class of each image", async () => {
  const { result } = await getFixture();
  const e = result.explanation;
  assert.deepEqual(e.shape, [6, H, W, C, 1]);
  const classes = new Set<number>();
  for (let j = 0; j < e.nSamples; j++) {
    assert.equal(e.outputIndices[j], result.images.predicted[j]);
    assert.deepEqual(e.outputNames?.[j], [result.images.predicted[j] === 0 ? "foreshock" : "aftershock"]);
    classes.add(e.outputIndices[j]);
  }
  assert.deepEqual([...classes].sort(), [0, 1]);
  assert.deepEqual(Array.from(result.images.evalCounts), [64, 64, 64, 64, 64, 64]);
});

test("additivity: base value + sum of values = the model's logit on the (uint8) image, per image", async () => {
  const { result, model, test } = await getFixture();
  const fn = cnnModelFn(model);
  const e = result.explanation;
  const f = e.nFeatures;
  try {
    for (let j = 0; j < e.nSamples; j++) {
      const i = result.images.index[j];
      const logits = await fn(Float32Array.from(test.images.subarray(i * CNN_IMAGE_SIZE, (i + 1) * CNN_IMAGE_SIZE)), 1);
      let sum = e.baseValues[j];
      for (let p = 0; p < f; p++) sum += e.values[j * f + p];
      const expected = logits[e.outputIndices[j]];
      assert.ok(Math.abs(sum - expected) < 1e-4 * Math.max(1, Math.abs(expected)), `image ${i}: base + sum = ${sum}, logit ${expected}`);
    }
  } finally {
    fn.dispose();
  }
});

test("class maps are the authors' batch-max averages of the channel-summed maps, on Hz and s axes", async () => {
  const { result } = await getFixture();
  assert.equal(result.height, H);
  assert.equal(result.width, W);
  assert.equal(result.freqsHz.length, H);
  assert.equal(result.timesS.length, W);
  for (let k = 0; k < H; k++) assert.ok(Math.abs(result.freqsHz[k] - k * 1.5625) < 1e-12);
  for (let j = 0; j < W; j++) assert.ok(Math.abs(result.timesS[j] - (32 + 16 * j) / 100) < 1e-12);

  // All six images fit one normalisation batch of 32: divide by the largest value of the batch.
  const e = result.explanation;
  let batchMax = -Infinity;
  for (const v of e.values) batchMax = Math.max(batchMax, v);
  const nPixels = H * W;
  for (const cls of [0, 1]) {
    const expected = new Float64Array(nPixels);
    let count = 0;
    for (let j = 0; j < e.nSamples; j++) {
      if (result.images.predicted[j] !== cls) continue;
      count++;
      for (let p = 0; p < nPixels; p++) {
        let s = 0;
        for (let c = 0; c < C; c++) s += e.values[(j * nPixels + p) * C + c];
        assert.ok(Math.abs(result.imageMaps[j * nPixels + p] - s) < 1e-12);
        assert.ok(Math.abs(result.normalisedImageMaps[j * nPixels + p] - s / batchMax) < 1e-12);
        expected[p] += s / batchMax;
      }
    }
    const map = result.classes[cls].map;
    assert.equal(map.length, nPixels);
    for (let p = 0; p < nPixels; p++) assert.ok(Math.abs(map[p] - expected[p] / count) < 1e-12, `class ${cls} pixel ${p}`);
    const peaks = result.classes[cls].peaks;
    assert.ok(peaks);
    assert.equal(peaks.max.value, Math.max(...map));
    assert.equal(peaks.min.value, Math.min(...map));
    assert.equal(map[peaks.max.row * W + peaks.max.column], peaks.max.value);
    assert.equal(peaks.max.freqHz, peaks.max.row * 1.5625);
  }
  // The paper's class maps use only correct images, so every per-image map enters one of the two.
  assert.equal(result.classes[0].count + result.classes[1].count, e.nSamples);
});

test("an interrupted resumable run resumes where it stopped and gives the uninterrupted result", async () => {
  const { model, images, base, result } = await getFixture();
  const outFile = path.join(tmp, "resume", "nrca-shap.json");
  const interrupted = new Error("interrupted for the test");
  let written = 0;
  await assert.rejects(
    explainCnnClassMaps(model, images, {
      ...base,
      outFile,
      batchImages: 2,
      onProgress: (_done: number, _total: number, label?: string) => {
        if (label && /written/.test(label) && ++written === 1) throw interrupted;
      },
    }),
    (e: unknown) => e === interrupted,
  );
  assert.deepEqual(fs.readdirSync(`${outFile}.parts`), ["part-0-2.json"]);
  assert.ok(!fs.existsSync(outFile));

  const resumed = await explainCnnClassMaps(model, images, { ...base, outFile, batchImages: 2 });
  assert.equal(resumed.timing.imagesComputed, 4);
  assert.deepEqual(Array.from(resumed.images.evalCounts), [64, 64, 64, 64, 64, 64], "read-back images keep their evaluation counts");
  assert.deepEqual(resumed.explanation.values, result.explanation.values);
  assert.deepEqual(resumed.explanation.baseValues, result.explanation.baseValues);
  assert.deepEqual(resumed.classes.map((c) => c.map), result.classes.map((c) => c.map));
  assert.ok(fs.existsSync(outFile));
  assert.ok(!fs.existsSync(`${outFile}.parts`));

  // A finished run is read back without explaining anything.
  const readBack = await explainCnnClassMaps(model, images, { ...base, outFile });
  assert.equal(readBack.timing.imagesComputed, 0);
  assert.equal(readBack.timing.perImageSeconds, null);
  assert.deepEqual(readBack.normalisedImageMaps, result.normalisedImageMaps);

  // Another model output on the same file: computed anew and the file replaced, never mixed in (issue 14).
  const probabilities = await explainCnnClassMaps(model, images, { ...base, outFile, output: "probabilities" });
  assert.equal(probabilities.timing.imagesComputed, probabilities.explanation.nSamples);
  assert.notDeepEqual(probabilities.explanation.values, result.explanation.values);
  const probabilitiesAgain = await explainCnnClassMaps(model, images, { ...base, outFile, output: "probabilities" });
  assert.equal(probabilitiesAgain.timing.imagesComputed, 0);
  assert.deepEqual(probabilitiesAgain.explanation.values, probabilities.explanation.values);
});

test("results JSON is written atomically and reads back", async () => {
  const { result } = await getFixture();
  const dir = path.join(tmp, "results");
  const file = writeCnnShapResults(dir, "nrca-test", result);
  assert.equal(file, path.join(dir, "shap-nrca-test.json"));
  assert.deepEqual(fs.readdirSync(dir), ["shap-nrca-test.json"]);
  const back = readCnnShapResults(dir, "nrca-test");
  assert.equal(back.name, "nrca-test");
  assert.deepEqual(back.axes.shape, [H, W]);
  assert.deepEqual(back.axes.freqsHz, result.freqsHz);
  assert.deepEqual(back.axes.timesS, result.timesS);
  assert.deepEqual(back.counts, result.counts);
  assert.deepEqual(back.config, JSON.parse(JSON.stringify(result.config)));
  back.classes.forEach((c, cls) => {
    assert.deepEqual(c.map, result.classes[cls].map);
    assert.deepEqual(c.peaks, result.classes[cls].peaks);
    assert.equal(c.count, result.classes[cls].count);
  });
  assert.deepEqual(back.images.traceNames, result.images.traceNames);
  assert.deepEqual(back.images.baseValues, Array.from(result.explanation.baseValues));
  assert.equal(back.paper.nrca.foreshock.maxFreqHz, 36);
  assert.throws(() => writeCnnShapResults(dir, "../escape", result), (e: unknown) => e instanceof InputError && /name must be/.test(e.message));
  assert.throws(() => readCnnShapResults(dir, "missing"), (e: unknown) => e instanceof InputError && /no such results file/.test(e.message));
});

test("clear errors for images not on 0..255, a wrong image size, nPerClass < 1 and bad labels", async () => {
  const { model, images, base, test } = await getFixture();
  const rejects = (patch: Partial<ExplainCnnClassMapsOptions & ClassMapImages>, pattern: RegExp) => {
    const { images: pixels, labels, traceNames, stations, ...options } = patch;
    const given = { images: pixels ?? images.images, labels: labels ?? images.labels, traceNames: traceNames ?? images.traceNames, stations: stations ?? images.stations };
    return assert.rejects(explainCnnClassMaps(model, given, { ...base, ...options }), (e: unknown) => e instanceof InputError && pattern.test(e.message));
  };
  await rejects({ images: Float32Array.from(test.images, (v) => v / 255) }, /look like the images divided by 255/);
  await rejects({ images: Float64Array.from(test.images, (v) => Math.min(v, 254) + 0.5) }, /not a whole number/);
  await rejects({ images: Float32Array.from(test.images, (v) => v * 2) }, /outside 0\.\.255/);
  await rejects({ images: test.images.subarray(0, test.n * H * W) }, /expected 16 images .* got 80784 \(1 channel\(s\) per 33 x 153 image/);
  await rejects({ images: test.images.subarray(0, 15 * CNN_IMAGE_SIZE) }, /expected 16 images \(one per label\)/);
  await rejects({ nPerClass: 0 }, /nPerClass must be a positive integer/);
  await rejects({ nPerClass: 1.5 }, /nPerClass must be a positive integer/);
  await rejects({ labels: Uint8Array.from(test.labels, (v) => v + 1) }, /labels\[0\] is 2/);
  await rejects({ traceNames: ["one"] }, /traceNames must hold one name per image \(16\)/);
  await rejects({ stations: ["NRCA"] }, /stations must hold one station per image/);
  await rejects({ output: "softmax" as "logits" }, /output must be "logits" or "probabilities"/);
  // Whole numbers in a float array are the same images.
  const asFloats = await explainCnnClassMaps(model, { ...images, images: Float32Array.from(test.images) }, { ...base, maxEvals: 2 });
  assert.equal(asFloats.counts.nExplained, 6);
});

test("the worker-thread arrangement gives the in-process values", async () => {
  const { model, images, base } = await getFixture();
  const options = { ...base, nPerClass: 1, maxEvals: 32 };
  const inProcess = await explainCnnClassMaps(model, images, options);
  const threaded = await explainCnnClassMaps(model, images, { ...options, workers: { model: 1, masker: 1 }, concurrency: 2 });
  assert.deepEqual(threaded.config.workers, { model: 1, masker: 1 });
  assert.deepEqual(Array.from(threaded.images.index), Array.from(inProcess.images.index));
  const a = threaded.explanation.values;
  const b = inProcess.explanation.values;
  let scale = 0;
  let err = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    err = Math.max(err, Math.abs(a[i] - b[i]));
  }
  assert.ok(err <= 1e-5 * scale, `max difference ${err} (scale ${scale})`);
});

test("an image subset goes in whole; outDir names the run after the model and the images", async () => {
  const { model, images, base, result } = await getFixture();
  const subset = imageSubset({ images: images.images as Uint8Array, labels: images.labels, traceNames: images.traceNames, stations: images.stations! }, "test subset");
  const outDir = path.join(tmp, "runs");
  const fromSubset = await explainCnnClassMaps(model, subset, { ...base, outDir });
  assert.deepEqual(fromSubset.normalisedImageMaps, result.normalisedImageMaps);
  assert.equal(fromSubset.pArrivalS, 5);
  assert.match(path.basename(fromSubset.outFile!), /^class-maps-[0-9a-f]+-[0-9a-f]+-n3-e64\.json$/);
  assert.ok(fs.existsSync(fromSubset.outFile!));
  // Other images (one trace name differs) start their own file rather than being refused.
  const renamed = { ...images, traceNames: images.traceNames.map((t, i) => (i === 0 ? "NRCA.IV.9999_EV" : t)) };
  const other = await explainCnnClassMaps(model, renamed, { ...base, outDir, maxEvals: 2 });
  assert.notEqual(other.outFile, fromSubset.outFile);
});

test("createCnnShapExplainer explains subset.image(i) with its output names and evaluation counts", async () => {
  const { model, images, result } = await getFixture();
  const subset = imageSubset({ images: images.images as Uint8Array, labels: images.labels, traceNames: images.traceNames, stations: images.stations! }, "test subset");
  const image = subset.image(result.images.index[0]);
  assert.equal(image.traceName, result.images.traceNames[0]);
  assert.deepEqual(image.shape, [H, W, C]);
  assert.equal(image.freqsHz[1], 1.5625);
  assert.equal(image.pArrivalS, 5);
  const shap = await createCnnShapExplainer(model, { workers: { model: 0, masker: 0 } });
  try {
    const expl = await shap.explain(image, { maxEvals: 16, batchSize: 10, outputs: 2 });
    assert.deepEqual(expl.shape, [1, H, W, C, 2]);
    assert.deepEqual(Array.from(expl.evalCounts!), [16]);
    assert.deepEqual([...expl.outputNames![0]].sort(), ["aftershock", "foreshock"]);
    expl.assertAdditivity({ tolerance: 1e-3 });
    const two = await shap.explain(subset, { maxEvals: 4, batchSize: 2, outputs: 1 });
    assert.equal(two.nSamples, subset.n);
  } finally {
    await shap.close();
  }
  assert.throws(() => subset.image(16), /image 16 out of range for 16 images/);
  assert.equal(subset.image(-1).traceName, images.traceNames[15]);
});

test("mapPeaks finds the maximum and minimum with their frequency and time", () => {
  const freqsHz = [0, 1.5625, 3.125];
  const timesS = [0.32, 0.48];
  const peaks = mapPeaks([0, 1, -2, 5, 5, -2], freqsHz, timesS);
  assert.deepEqual(peaks.max, { value: 5, row: 1, column: 1, freqHz: 1.5625, timeS: 0.48 });
  assert.deepEqual(peaks.min, { value: -2, row: 1, column: 0, freqHz: 1.5625, timeS: 0.32 });
  assert.throws(() => mapPeaks([1, 2, 3], freqsHz, timesS), (e: unknown) => e instanceof InputError && /expected freqsHz.length x timesS.length = 3 x 2 = 6/.test(e.message));
  assert.throws(() => mapPeaks([0, 1, NaN, 0, 0, 0], freqsHz, timesS), (e: unknown) => e instanceof InputError && /row 1, column 0 is not finite/.test(e.message));
  assert.throws(() => mapPeaks([], [], []), /must not be empty/);
});

test("classMapPeaks lists every class map's peaks, model by model", () => {
  const peaks = mapPeaks([0, 1, -2, 5, 5, -2], [0, 1.5625, 3.125], [0.32, 0.48]);
  const rows = classMapPeaks({
    NRCA: { classes: [{ name: "foreshock", count: 24, peaks }, { name: "aftershock", count: 0, peaks: null }] },
    all: { classes: [{ name: "foreshock", count: 3, peaks }] },
  });
  assert.deepEqual(rows.map((r) => [r.model, r.class, r.n]), [["NRCA", "foreshock", 24], ["NRCA", "aftershock", 0], ["all", "foreshock", 3]]);
  assert.deepEqual([rows[0].maxValue, rows[0].maxHz, rows[0].maxS, rows[0].minValue], [5, 1.5625, 0.48, -2]);
  assert.ok(Number.isNaN(rows[1].maxValue));
});
