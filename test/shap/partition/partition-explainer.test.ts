import { test } from "node:test";
import assert from "node:assert/strict";
import { PartitionExplainer } from "../../../lib/shap/partition/partition-explainer";
import { exactOwenValues } from "./exact-owen";
import { ImageMasker } from "../../../lib/shap/maskers/image-masker";
import { PartitionTree, type NestedPairs } from "../../../lib/shap/maskers/partition-tree";
import type { BoundMasker, Masker } from "../../../lib/shap/maskers/masker";
import type { FloatArray } from "../../../lib/shap/explainer";
import type { Explanation } from "../../../lib/shap/explanation";
import { InputError } from "../../../lib/core/errors";
import { Rng } from "../../../lib/core/rng";
import { readGoldenJson } from "../../helpers/golden";

/** A tabular masker that sets hidden features to 0, with an explicit hierarchy (shap's "custom zero-masker"). */
class ZeroMasker implements Masker {
  readonly nFeatures: number;
  readonly sampleShape: readonly number[];
  readonly fixedBackground = true;
  constructor(private readonly tree: PartitionTree) {
    this.nFeatures = tree.nLeaves;
    this.sampleShape = [tree.nLeaves];
  }
  partitionTree(): PartitionTree {
    return this.tree;
  }
  bind(x: Float64Array): BoundMasker {
    return {
      fill: async (masks: Uint8Array, nMasks: number, out: FloatArray, outOffset: number) => {
        const m = x.length;
        for (let j = 0; j < nMasks; j++) for (let p = 0; p < m; p++) out[(outOffset + j) * m + p] = masks[j * m + p] ? x[p] : 0;
      },
    };
  }
}

/** Wraps a scalar function of one sample into a counting ModelFn with one output. */
function scalarModel(f: (z: FloatArray) => number, nFeatures: number) {
  const stats = { calls: 0, images: 0, largestCall: 0 };
  const model = async (batch: Float64Array, n: number) => {
    stats.calls++;
    stats.images += n;
    stats.largestCall = Math.max(stats.largestCall, n);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = f(batch.subarray(i * nFeatures, (i + 1) * nFeatures));
    return out;
  };
  return { model, stats };
}

// Worked example of docs/shap-reference.md A.4.
const FOUR = (z: FloatArray): number => z[0] * z[1] + 2 * z[2] + z[3] * z[0] + 3 * z[1] * z[2] * z[3];
const FOUR_TREE: NestedPairs = [[0, 1], [2, 3]];

function close(actual: ArrayLike<number>, expected: readonly number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

test("A.4 worked example: Owen values at unlimited and truncated budgets, with evaluation counts", async () => {
  const table: [number, number[], number][] = [
    [1e6, [1, 2, 2.75, 1.25], 10],
    [4, [1.5, 1.5, 2, 2], 2],
    [6, [1.5, 1.5, 2.25, 1.75], 4],
    [8, [1, 2, 2.25, 1.75], 6],
  ];
  for (const [maxEvals, expected, loopEvals] of table) {
    const { model, stats } = scalarModel(FOUR, 4);
    const explainer: PartitionExplainer = new PartitionExplainer(model, new ZeroMasker(PartitionTree.fromNested(FOUR_TREE)), { batchDtype: "float64" });
    const e: Explanation = await explainer.explain(Float64Array.of(1, 1, 1, 1), 1, { maxEvals });
    close(e.values, expected, 1e-12, `maxEvals ${maxEvals}`);
    assert.deepEqual(Array.from(e.baseValues), [0]);
    assert.deepEqual(Array.from(e.modelOutputs!), [7]);
    assert.equal(explainer.lastEvalCount, loopEvals);
    assert.equal(stats.images, loopEvals + 2);
    assert.deepEqual(Array.from(explainer.lastModelEvalCounts), [loopEvals + 2]);
  }
});

test("exact Owen values of the worked example differ from Shapley values as in the table", () => {
  const game = (mask: Uint8Array): number => FOUR(Float64Array.from(mask));
  close(exactOwenValues(game, PartitionTree.fromNested(FOUR_TREE), 4), [1, 2, 2.75, 1.25], 1e-12, "owen");
  close(bruteForceShapley(game, 4), [1, 1.5, 3, 1.5], 1e-12, "shapley");
});

/** Classic Shapley values by enumerating all coalitions (test oracle). */
function bruteForceShapley(game: (mask: Uint8Array) => number, m: number): Float64Array {
  const phi = new Float64Array(m);
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  for (let s = 0; s < 1 << m; s++) {
    const mask = Uint8Array.from({ length: m }, (_, j) => (s >> j) & 1);
    const size = mask.reduce((a, b) => a + b, 0);
    const v = game(mask);
    for (let i = 0; i < m; i++) {
      if (mask[i]) continue;
      const withI = mask.slice();
      withI[i] = 1;
      phi[i] += ((fact(size) * fact(m - size - 1)) / fact(m)) * (game(withI) - v);
    }
  }
  return phi;
}

test("linear game: partition explainer = exact Owen = Shapley = w_i x_i, on an unbalanced tree", async () => {
  const nested: NestedPairs = [[0, [1, 2]], [[3, 4], [5, [6, [7, 8]]]]];
  const tree = PartitionTree.fromNested(nested);
  const rng = new Rng("linear");
  const wts = Array.from({ length: 9 }, () => rng.normal());
  const x = Float64Array.from({ length: 9 }, () => rng.uniform(-3, 3));
  const f = (z: FloatArray): number => 0.7 + wts.reduce((s, wi, i) => s + wi * z[i], 0);
  const { model } = scalarModel(f, 9);
  const e = await new PartitionExplainer(model, new ZeroMasker(tree), { batchDtype: "float64" }).explain(x, 1, { maxEvals: 1e6, batchSize: 7 });
  const expected = wts.map((wi, i) => wi * x[i]);
  close(e.values, expected, 1e-12, "partition");
  close(exactOwenValues((mask) => f(Float64Array.from(mask, (v, i) => (v ? x[i] : 0))), tree), expected, 1e-12, "exact owen");
  close(bruteForceShapley((mask) => f(Float64Array.from(mask, (v, i) => (v ? x[i] : 0))), 9), expected, 1e-12, "shapley");
});

test("unlimited budget equals the exact Owen recursion on a nonlinear game", async () => {
  const tree = PartitionTree.fromNested([[[0, 1], 2], [[3, [4, 5]], 6]]);
  const x = Float64Array.of(1.5, -2, 0.5, 3, 1, -1, 2);
  const f = (z: FloatArray): number => Math.tanh(z[0] * z[3] - z[1]) + z[2] * z[4] * z[5] + Math.sin(z[6] + z[0]);
  const { model } = scalarModel(f, 7);
  const e = await new PartitionExplainer(model, new ZeroMasker(tree), { batchDtype: "float64" }).explain(x, 1, { maxEvals: 1e6 });
  const exact = exactOwenValues((mask) => f(Float64Array.from(mask, (v, i) => (v ? x[i] : 0))), tree);
  close(e.values, Array.from(exact), 1e-12, "values");
});

/** A random image on the 0..255 scale and a smooth nonlinear 3-output model of it. */
function imageProblem(h: number, w: number, c: number, seed: number) {
  const rng = new Rng(seed);
  const m = h * w * c;
  const image = Float64Array.from({ length: m }, () => rng.uniform(0, 255));
  const wts = Float64Array.from({ length: 3 * m }, () => rng.normal(0, 0.004));
  const stats = { calls: 0, images: 0, largestCall: 0 };
  const model = async (batch: Float32Array, n: number) => {
    stats.calls++;
    stats.images += n;
    stats.largestCall = Math.max(stats.largestCall, n);
    const out = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < 3; k++) {
        let z = 0;
        for (let p = 0; p < m; p++) z += batch[i * m + p] * wts[k * m + p];
        out[3 * i + k] = k === 2 ? z * z : Math.tanh(z + k);
      }
    }
    return out;
  };
  return { image, model, stats };
}

test("efficiency holds exactly at every budget (inpainting masker, top-2 outputs)", async () => {
  const [h, w, c] = [6, 5, 3];
  const { image, model } = imageProblem(h, w, c, 11);
  const explainer = new PartitionExplainer(model, new ImageMasker({ fill: "inpaint-telea", shape: [h, w, c] }));
  for (const maxEvals of [2, 3, 11, 50, 333, 2000]) {
    const e = await explainer.explain(Float32Array.from(image), 1, { maxEvals, batchSize: 10, outputs: 2 });
    const report = e.checkAdditivity();
    assert.ok(report.maxAbsResidual < 1e-12, `maxEvals ${maxEvals}: residual ${report.maxAbsResidual}`);
    assert.notDeepEqual(Array.from(e.baseValues), Array.from(e.modelOutputs!));
  }
});

test("evaluation counts: exactly maxEvals images when the budget is even, one batch per model call", async () => {
  const [h, w, c] = [8, 12, 3];
  for (const [maxEvals, batchSize] of [[20, 10], [100, 10], [1000, 50]]) {
    const { image, model, stats } = imageProblem(h, w, c, 3);
    const explainer = new PartitionExplainer(model, new ImageMasker({ fill: "inpaint-telea", shape: [h, w, c] }));
    await explainer.explain(Float32Array.from(image), 1, { maxEvals, batchSize, outputs: 1 });
    assert.equal(stats.images, maxEvals, `maxEvals ${maxEvals}`);
    assert.equal(explainer.lastEvalCount, maxEvals - 2);
    assert.ok(stats.largestCall <= batchSize);
    // the first batches are short while the queue grows (1, 4, 16, ... pairs), later ones fill up to batchSize
    const full = Math.ceil((maxEvals - 2) / batchSize);
    const rampUp = Math.ceil(Math.log(batchSize / 2) / Math.log(4));
    assert.ok(stats.calls >= 1 + full && stats.calls <= 1 + full + rampUp + 1, `${stats.calls} calls`);
  }
  // an odd budget can overshoot by one evaluation, as in shap
  const { image, model, stats } = imageProblem(h, w, c, 3);
  await new PartitionExplainer(model, new ImageMasker({ fill: "inpaint-telea", shape: [h, w, c] })).explain(Float32Array.from(image), 1, { maxEvals: 21 });
  assert.equal(stats.images, 22);
  // unlimited budget on 6 x 5 x 3: every context of every node (docs/shap-reference.md A.5: 7,468 evaluations)
  const small = imageProblem(6, 5, 3, 1);
  await new PartitionExplainer(small.model, new ImageMasker({ fill: "inpaint-telea", shape: [6, 5, 3] })).explain(Float32Array.from(small.image), 1, { maxEvals: 1e9 });
  assert.equal(small.stats.images, 7468);
});

// Measured worst |difference|: 1.7e-17 on values up to 0.046, base values equal; the README states 1e-16.
test("golden: shap 0.51 PartitionExplainer + inpaint_telea on the 5x4x3 fixture, within 1e-16", async () => {
  const fx = readGoldenJson("shap/partition_image_cases.json");
  const wts = Float64Array.from(fx.weights as number[]);
  let images = 0;
  // z = sum(image * weights); p = sigmoid(z + 0.5 tanh(z) z); outputs [1 - p, p]  (float64, as numpy)
  const model = async (batch: Float64Array, n: number) => {
    images += n;
    const out = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let p = 0; p < wts.length; p++) z += batch[i * wts.length + p] * wts[p];
      const prob = 1 / (1 + Math.exp(-(z + 0.5 * Math.tanh(z) * z)));
      out[2 * i] = 1 - prob;
      out[2 * i + 1] = prob;
    }
    return out;
  };
  assert.equal(fx.outputs, "argsort.flip[:2]");
  for (const run of fx.runs) {
    images = 0;
    const explainer = new PartitionExplainer(model, new ImageMasker({ fill: "inpaint-telea", shape: fx.shape }), { outputNames: ["c0", "c1"], batchDtype: "float64" });
    const e = await explainer.explain(Float64Array.from(fx.image), 1, { maxEvals: run.max_evals, batchSize: run.batch_size, outputs: 2 });
    const what = `max_evals ${run.max_evals}, batch_size ${run.batch_size}`;
    assert.deepEqual(e.shape, run.values_shape, what);
    close(e.values, run.values, 1e-16, `${what}: values`);
    close(e.baseValues, run.base_values, 1e-16, `${what}: base values`);
    assert.deepEqual(e.outputNames, [run.output_names], what);
    assert.equal(explainer.lastEvalCount, run.last_eval_count, what);
    assert.equal(images, run.last_eval_count + 2, what);
  }
});

test("float32 batches differ from float64 only by the rounding of the mean colour", async () => {
  const [h, w, c] = [5, 4, 3];
  const { image, model } = imageProblem(h, w, c, 8);
  const image64 = Float64Array.from(image, Math.floor);
  const model64 = async (batch: Float64Array, n: number) => model(Float32Array.from(batch), n);
  const masker = new ImageMasker({ fill: "inpaint-telea", shape: [h, w, c] });
  const a = await new PartitionExplainer(model, masker).explain(Float32Array.from(image64), 1, { maxEvals: 100 });
  const b = await new PartitionExplainer(model64, masker, { batchDtype: "float64" }).explain(image64, 1, { maxEvals: 100 });
  close(a.values, Array.from(b.values), 1e-5, "values");
  close(a.modelOutputs!, Array.from(b.modelOutputs!), 0, "f11 sees integer pixels either way");
});

test("output selection: top-k by rank per sample, explicit lists, all; names follow the rank", async () => {
  const tree = PartitionTree.fromNested([0, 1]);
  // three outputs; which is largest depends on the sample
  const model = async (batch: Float32Array, n: number) => {
    const out = new Float32Array(3 * n);
    for (let i = 0; i < n; i++) {
      const [a, b] = [batch[2 * i], batch[2 * i + 1]];
      out.set([a, b, 0.5 * (a + b)], 3 * i);
    }
    return out;
  };
  const explainer = new PartitionExplainer(model, new ZeroMasker(tree), { outputNames: ["A", "B", "mid"] });
  const samples = Float32Array.of(3, 1, 1, 4);
  const top1 = await explainer.explain(samples, 2, { outputs: 1 });
  assert.deepEqual(Array.from(top1.outputIndices), [0, 1]);
  assert.deepEqual(top1.outputNames, [["A"], ["B"]]);
  const top3 = await explainer.explain(samples, 2, { outputs: 3 });
  assert.deepEqual(Array.from(top3.outputIndices), [0, 2, 1, 1, 2, 0]);
  assert.deepEqual(top3.outputNames, [["A", "mid", "B"], ["B", "mid", "A"]]);
  // values of rank r follow output outputIndices[r]: for sample 1, rank 0 is output B = z1 -> all credit on feature 1
  assert.deepEqual(Array.from(top3.sampleValues(1, 0)), [0, 4]);
  const list = await explainer.explain(samples, 2, { outputs: [2, 0] });
  assert.deepEqual(Array.from(list.outputIndices), [2, 0, 2, 0]);
  const all = await explainer.explain(samples, 2, {});
  assert.deepEqual(Array.from(all.outputIndices), [0, 1, 2, 0, 1, 2]);
  assert.deepEqual(all.shape, [2, 2, 3]);
});

test("tie-break: FIFO is shap's order without ties; seeded ties are reproducible and per-sample", async () => {
  // f = z0 z1 + 2 z2 - z3 at x = 1: after the root, all four queued items have priority -0.5
  const tree = PartitionTree.fromNested([[0, 1], [2, 3]]);
  const f = (z: FloatArray): number => z[0] * z[1] + 2 * z[2] - z[3];
  const { model } = scalarModel(f, 4);
  const explainer = new PartitionExplainer(model, new ZeroMasker(tree), { batchDtype: "float64" });
  const x = Float64Array.of(1, 1, 1, 1);
  const fifo = await explainer.explain(x, 1, { maxEvals: 6, tieBreak: "fifo" });
  assert.deepEqual(Array.from(fifo.values), [0.5, 0.5, 0.5, 0.5]);
  const outcomes = new Set<string>();
  for (let seed = 0; seed < 12; seed++) {
    const a = await explainer.explain(x, 1, { maxEvals: 6, tieBreak: { seed } });
    const b = await explainer.explain(x, 1, { maxEvals: 6, tieBreak: { seed } });
    assert.deepEqual(Array.from(a.values), Array.from(b.values));
    outcomes.add(JSON.stringify(Array.from(a.values)));
  }
  assert.deepEqual([...outcomes].sort(), ["[0.5,0.5,0.5,0.5]", "[0.5,0.5,1.25,-0.25]"]);
  // a chunked run draws the same per-sample streams as one call
  const three = Float64Array.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
  const together = await explainer.explain(three, 3, { maxEvals: 6, tieBreak: { seed: 5 } });
  for (let i = 0; i < 3; i++) {
    const alone = await explainer.explain(x, 1, { maxEvals: 6, tieBreak: { seed: 5 }, sampleIndexOffset: i });
    assert.deepEqual(Array.from(alone.values), Array.from(together.sampleValues(i)));
  }
});

test("progress reaches the total; fixed-background maskers evaluate the base value once", async () => {
  const { model, stats } = scalarModel(FOUR, 4);
  const explainer = new PartitionExplainer(model, new ZeroMasker(PartitionTree.fromNested(FOUR_TREE)), { batchDtype: "float64" });
  const seen: [number, number][] = [];
  const e = await explainer.explain(Float64Array.of(1, 1, 1, 1, 1, 0, 1, 1), 2, { maxEvals: 8, onProgress: (d, t) => seen.push([d, t]) });
  assert.deepEqual(seen[seen.length - 1], [16, 16]);
  assert.ok(seen.every(([d], i) => i === 0 || d >= seen[i - 1][0]));
  assert.deepEqual(Array.from(explainer.lastModelEvalCounts), [8, 7]);
  assert.deepEqual(Array.from(e.evalCounts!), [8, 7], "the explanation carries the evaluations per sample");
  assert.equal(stats.images, 15);
});

test("bad input and bad models give clear errors", async () => {
  const tree = PartitionTree.fromNested(FOUR_TREE);
  const { model } = scalarModel(FOUR, 4);
  const explainer = new PartitionExplainer(model, new ZeroMasker(tree), { batchDtype: "float64" });
  const x = Float64Array.of(1, 1, 1, 1);
  await assert.rejects(explainer.explain(x, 1, { maxEvals: 1 }), /maxEvals must be an integer >= 2/);
  await assert.rejects(explainer.explain(x, 2), /n x 4 = 8 values, got 4/);
  await assert.rejects(explainer.explain(x, 1, { batchSize: 0 }), /batchSize/);
  await assert.rejects(explainer.explain(x, 1, { outputs: 2 }), /k must be an integer in 1..1/);
  await assert.rejects(explainer.explain(x, 1, { outputs: [3] }), /index 3 is not an output/);
  await assert.rejects(explainer.explain([1, 1, 1, 1] as unknown as Float64Array, 1), /Float32Array or Float64Array/);
  const widths = [2, 3];
  const changing = new PartitionExplainer(async (_b: Float64Array, n: number) => new Float64Array(n * (widths.shift() ?? 3)), new ZeroMasker(tree), { batchDtype: "float64" });
  await assert.rejects(changing.explain(x, 1), /earlier calls returned 2 outputs per sample/);
  const nan = new PartitionExplainer(async (_b: Float32Array, n: number) => new Float32Array(n).fill(NaN), new ZeroMasker(tree));
  await assert.rejects(nan.explain(Float32Array.from(x), 1), (e: unknown) => e instanceof InputError && /model output \(sample 0\): value NaN/.test(e.message));
  const odd = new PartitionExplainer(async (_b: Float32Array, n: number) => new Float32Array(2 * n + 1), new ZeroMasker(tree));
  await assert.rejects(odd.explain(Float32Array.from(x), 1), /5 values for 2 samples/);
  const named = new PartitionExplainer(model as never, new ZeroMasker(tree), { outputNames: ["a", "b"] });
  await assert.rejects(named.explain(Float32Array.from(x), 1), /2 outputNames for a model with 1 outputs/);
  assert.throws(() => new PartitionExplainer(model as never, new ZeroMasker(tree), { linkOutput: "logit" as "identity" }), /linkOutput/);
  const image = new PartitionExplainer(model as never, new ImageMasker({ fill: "inpaint-telea", shape: [2, 2, 1] }));
  await assert.rejects(image.explain(Float32Array.of(0.2, 0.4, 0.6, 0.8), 1), /sample 0: all values lie in \[0, 1\]/);
});

test("concurrency explains samples side by side with the same values and counts", async () => {
  const [h, w, c] = [5, 6, 3];
  const first = imageProblem(h, w, c, 21);
  const rng = new Rng("concurrency");
  const data = Float32Array.from({ length: 4 * h * w * c }, () => Math.floor(rng.uniform(0, 256)));
  const masker = new ImageMasker({ fill: "inpaint-telea", shape: [h, w, c], workers: 2 });
  try {
    const sequential = await new PartitionExplainer(first.model, masker).explain(data, 4, { maxEvals: 60, outputs: 2 });
    const second = imageProblem(h, w, c, 21);
    const explainer = new PartitionExplainer(second.model, masker);
    const parallel = await explainer.explain(data, 4, { maxEvals: 60, outputs: 2, concurrency: 3 });
    assert.deepEqual(Array.from(parallel.values), Array.from(sequential.values));
    assert.deepEqual(Array.from(parallel.outputIndices), Array.from(sequential.outputIndices));
    assert.deepEqual(Array.from(explainer.lastModelEvalCounts), [60, 60, 60, 60]);
    assert.equal(second.stats.images, 240);
  } finally {
    await masker.close();
  }
  // a fixed background is evaluated once even when lanes start together
  const { model, stats } = scalarModel(FOUR, 4);
  const explainer = new PartitionExplainer(model, new ZeroMasker(PartitionTree.fromNested(FOUR_TREE)), { batchDtype: "float64" });
  await explainer.explain(new Float64Array(12).fill(1), 3, { maxEvals: 8, concurrency: 3 });
  assert.equal(stats.images, 8 + 7 + 7);
  await assert.rejects(explainer.explain(new Float64Array(4), 1, { concurrency: 0 }), /concurrency/);
});
