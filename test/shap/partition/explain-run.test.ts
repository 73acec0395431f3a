import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { explainToFile } from "../../../lib/shap/partition/explain-run";
import { PartitionExplainer } from "../../../lib/shap/partition/partition-explainer";
import { ImageMasker } from "../../../lib/shap/maskers/image-masker";
import { InputError } from "../../../lib/core/errors";
import { Rng } from "../../../lib/core/rng";

const [H, W, C] = [6, 5, 3];
const M = H * W * C;
const N = 7;
const MAX_EVALS = 40;

function images(): Float32Array {
  const rng = new Rng("run-images");
  return Float32Array.from({ length: N * M }, () => Math.floor(rng.uniform(0, 256)));
}

/** A 2-output model that counts evaluated images and throws once `failAfter` images have been evaluated. */
function countingModel(failAfter = Infinity) {
  const rng = new Rng("run-weights");
  const wts = Float64Array.from({ length: M }, () => rng.normal(0, 0.003));
  const state = { images: 0 };
  const model = async (batch: Float32Array, n: number) => {
    if (state.images + n > failAfter) throw new Error("simulated crash");
    state.images += n;
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let p = 0; p < M; p++) z += batch[i * M + p] * wts[p];
      out[2 * i] = z;
      out[2 * i + 1] = Math.tanh(z) - 0.3 * z;
    }
    return out;
  };
  return { model, state };
}

const OPTIONS = { maxEvals: MAX_EVALS, batchSize: 10, outputs: 1, tieBreak: { seed: 3 } } as const;
const explainerOf = (model: (b: Float32Array, n: number) => Promise<Float32Array>) =>
  new PartitionExplainer(model, new ImageMasker({ fill: "inpaint-telea", shape: [H, W, C] }), { outputNames: ["a", "b"] });

test("an interrupted run resumes from its parts and equals an uninterrupted run", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "explain-run-"));
  try {
    const data = images();
    const reference = await explainerOf(countingModel().model).explain(data, N, OPTIONS);

    const outFile = path.join(dir, "shap.json");
    // two chunks of 2 images (2 x 2 x 40 evaluations) succeed, the third fails
    const crashing = countingModel(2 * 2 * MAX_EVALS + 5);
    await assert.rejects(explainToFile(explainerOf(crashing.model), data, N, OPTIONS, { outFile, batchImages: 2 }), /simulated crash/);
    assert.equal(fs.existsSync(outFile), false);
    assert.deepEqual(fs.readdirSync(`${outFile}.parts`).sort(), ["part-0-2.json", "part-2-4.json"]);

    // resume with another chunk size: images 0..3 are read back, only 4..6 are explained
    const resumed = countingModel();
    const progress: [number, number][] = [];
    const e = await explainToFile(explainerOf(resumed.model), data, N, OPTIONS, { outFile, batchImages: 3, onProgress: (d, t) => progress.push([d, t]) });
    assert.equal(resumed.state.images, 3 * MAX_EVALS);
    // run-level progress in evaluations: the read-back parts at once, then within the last chunk, to the end
    assert.ok(progress.every(([, t]) => t === N * MAX_EVALS), "one total for the whole run");
    assert.deepEqual(progress.slice(0, 2).map(([d]) => d), [2 * MAX_EVALS, 4 * MAX_EVALS]);
    assert.ok(progress.length > 4, "progress is reported during the explained chunk");
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i][0] >= progress[i - 1][0], "progress never goes back");
    assert.equal(progress[progress.length - 1][0], N * MAX_EVALS);
    // the evaluations per image survive the parts, so read-back images keep their counts
    assert.deepEqual(Array.from(e.evalCounts!), Array.from(reference.evalCounts!));
    assert.deepEqual(Array.from(e.values), Array.from(reference.values));
    assert.deepEqual(Array.from(e.baseValues), Array.from(reference.baseValues));
    assert.deepEqual(Array.from(e.outputIndices), Array.from(reference.outputIndices));
    assert.deepEqual(e.outputNames, reference.outputNames);
    assert.deepEqual(Array.from(e.data), Array.from(reference.data));
    assert.equal(fs.existsSync(`${outFile}.parts`), false);

    // a finished run is read back without the model
    const again = countingModel();
    const e2 = await explainToFile(explainerOf(again.model), data, N, OPTIONS, { outFile });
    assert.equal(again.state.images, 0);
    assert.deepEqual(Array.from(e2.values), Array.from(reference.values));

    // Other options, other images or another model key on the same file: computed anew and replaced, with a
    // message, never mixed in.
    for (const [what, imgs, opts, key] of [
      ["options", data, { ...OPTIONS, maxEvals: 50 }, undefined],
      ["images", (() => { const o = data.slice(); o[0] = 255 - o[0]; return o; })(), OPTIONS, undefined],
      ["model key", data, OPTIONS, "another model"],
    ] as const) {
      const model = countingModel();
      const lines: string[] = [];
      const fresh = await explainerOf(countingModel().model).explain(imgs, N, opts);
      const got = await explainToFile(explainerOf(model.model), imgs, N, opts, { outFile, key, log: (l) => lines.push(l) });
      assert.equal(model.state.images, N * opts.maxEvals, what);
      assert.deepEqual(Array.from(got.values), Array.from(fresh.values), what);
      assert.equal(lines.length, 1, what);
      assert.match(lines[0], /holds a run of other images, options or model: computing this run and replacing it/, what);
    }
    // Not a run file at all: refused (it may be someone's data).
    fs.writeFileSync(outFile, JSON.stringify({ my: "data" }));
    await assert.rejects(explainToFile(explainerOf(again.model), data, N, OPTIONS, { outFile, log: false }), (err: unknown) => err instanceof InputError && /is not a seismic-xai\/explain-run file/.test(err.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("parts of a different run are removed and recomputed, with a message; bad arguments are refused", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "explain-run-"));
  try {
    const data = images();
    const outFile = path.join(dir, "run.json");
    const crashing = countingModel(MAX_EVALS + 1);
    await assert.rejects(explainToFile(explainerOf(crashing.model), data, N, OPTIONS, { outFile, batchImages: 1, log: false }), /simulated crash/);
    assert.deepEqual(fs.readdirSync(`${outFile}.parts`), ["part-0-1.json"]);
    // The same images with another model key: the part of the first model is not used.
    const model = countingModel();
    const lines: string[] = [];
    await explainToFile(explainerOf(model.model), data, N, OPTIONS, { outFile, key: "model B", log: (l) => lines.push(l) });
    assert.equal(model.state.images, N * MAX_EVALS);
    assert.match(lines.join("\n"), /removed 1 part file\(s\) of a run with other images, options or model/);
    await assert.rejects(explainToFile(explainerOf(countingModel().model), data, N, OPTIONS, { outFile, batchImages: 0 }), /batchImages/);
    await assert.rejects(explainToFile(explainerOf(countingModel().model), data, N + 1, OPTIONS, { outFile }), /n x 6 x 5 x 3/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("an unwritable output folder is refused before any image is explained", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "explain-run-"));
  try {
    const file = path.join(dir, "file");
    fs.writeFileSync(file, "");
    const model = countingModel();
    await assert.rejects(
      explainToFile(explainerOf(model.model), images(), N, OPTIONS, { outFile: path.join(file, "shap.json") }),
      (err: unknown) => err instanceof InputError && err.message.startsWith(file) && /is a file, not a folder/.test(err.message),
    );
    assert.equal(model.state.images, 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
