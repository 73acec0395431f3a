import { test } from "node:test";
import assert from "node:assert/strict";
import { AdditivityError, Explanation } from "../../lib/shap/explanation";
import { InputError } from "../../lib/core/errors";

/** N=3 samples of 2 x 2 x 3 features, K=2 outputs; value = sample*1000 + feature*10 + rank. */
function sample3(indices = [0, 1, 1, 0, 0, 1]): Explanation {
  const n = 3, f = 12, k = 2;
  const values = new Float64Array(n * f * k);
  for (let i = 0; i < n; i++) for (let p = 0; p < f; p++) for (let r = 0; r < k; r++) values[(i * f + p) * k + r] = i * 1000 + p * 10 + r;
  const baseValues = Float64Array.of(1, 2, 3, 4, 5, 6);
  const modelOutputs = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let r = 0; r < k; r++) {
    let s = baseValues[i * k + r];
    for (let p = 0; p < f; p++) s += values[(i * f + p) * k + r];
    modelOutputs[i * k + r] = s;
  }
  const names = ["fore", "after"];
  return new Explanation({
    values,
    baseValues,
    data: Float64Array.from({ length: n * f }, (_, j) => j),
    nSamples: n,
    featureShape: [2, 2, 3],
    nOutputs: k,
    outputIndices: Int32Array.from(indices),
    outputNames: [0, 1, 2].map((i) => [names[indices[2 * i]], names[indices[2 * i + 1]]]),
    modelOutputs,
  });
}

test("shape, sampleValues and additivity report", () => {
  const e = sample3();
  assert.deepEqual(e.shape, [3, 2, 2, 3, 2]);
  assert.equal(e.nFeatures, 12);
  assert.deepEqual(Array.from(e.sampleValues(1, 1)).slice(0, 3), [1001, 1011, 1021]);
  assert.equal(e.checkAdditivity().maxAbsResidual, 0);
  e.assertAdditivity({ tolerance: 0 });
});

test("assertAdditivity throws when values do not add up", () => {
  const e = sample3();
  const broken = new Explanation({ ...e, values: e.values.map((v, i) => (i === 30 ? v + 0.5 : v)), featureShape: e.featureShape });
  assert.throws(() => broken.assertAdditivity({ tolerance: 1e-6 }), (err: unknown) => err instanceof AdditivityError && /sample 1, output rank 0/.test(err.message));
  assert.equal(broken.checkAdditivity().maxAbsResidual, 0.5);
});

test("slice and select keep parallel arrays aligned", () => {
  const e = sample3();
  const s = e.row(1);
  assert.equal(s.nSamples, 1);
  assert.deepEqual(Array.from(s.baseValues), [3, 4]);
  assert.deepEqual(s.outputNames, [["after", "fore"]]);
  assert.deepEqual(Array.from(s.outputIndices), [1, 0]);
  assert.equal(s.values[0], 1000);
  const picked = e.select([2, 0]);
  assert.deepEqual(Array.from(picked.baseValues), [5, 6, 1, 2]);
  assert.equal(picked.values[0], 2000);
  assert.deepEqual(Array.from(picked.data.subarray(0, 2)), [24, 25]);
  const byPredicate = e.select((i, ex) => ex.outputIndices[i * 2] === 0);
  assert.deepEqual(Array.from(byPredicate.baseValues), [1, 2, 5, 6]);
  assert.equal(e.slice(0, 3).nSamples, 3);
  assert.equal(e.slice(2, 4).nSamples, 1, "slice clamps as Array.prototype.slice does");
  assert.equal(e.row(1).nSamples, 1);
  assert.deepEqual(Array.from(e.row(-1).baseValues), [5, 6]);
  assert.throws(() => e.row(3), /row 3 out of range for 3 rows/);
  assert.throws(() => e.select([3]), /row 3 out of range/);
});

test("mean over samples needs the same outputs per rank; it keeps a sample axis of 1 and additivity", () => {
  const mixed = sample3();
  assert.throws(() => mixed.mean(0), /would mix classes/);
  const same = mixed.select([0, 2]);
  const m = same.mean(0);
  assert.deepEqual(m.shape, [1, 2, 2, 3, 2]);
  assert.equal(m.values[0], 1000); // (0 + 2000) / 2
  assert.deepEqual(Array.from(m.baseValues), [3, 4]);
  assert.deepEqual(m.outputNames, [["fore", "after"]]);
  assert.equal(m.checkAdditivity().maxAbsResidual, 0);
  const s = same.sum(0);
  assert.equal(s.values[0], 2000);
  assert.equal(s.checkAdditivity().maxAbsResidual, 0);
});

test("feature-axis reductions drop the axis; sumChannels gives N x H x W x K", () => {
  const e = sample3();
  const sc = e.sumChannels();
  assert.deepEqual(sc.shape, [3, 2, 2, 2]);
  // sample 0, pixel 0, rank 0: features 0,1,2 -> 0 + 10 + 20
  assert.equal(sc.values[0], 30);
  assert.equal(sc.values[1], 33);
  assert.equal(sc.data[0], 1); // data averaged over channels: (0 + 1 + 2) / 3
  assert.equal(sc.checkAdditivity().maxAbsResidual, 0);
  const rowsMean = e.mean(1);
  assert.deepEqual(rowsMean.shape, [3, 2, 3, 2]);
  assert.equal(rowsMean.values[0], 30); // feature 0 and feature 6 -> (0 + 60) / 2
  assert.throws(() => e.mean(4), /reducing it mixes outputs/);
  assert.throws(() => e.mean(5), /axis 5/);
  assert.throws(() => sc.sumChannels().sumChannels(), /at least two feature axes/);
});

test("abs leaves everything but the values", () => {
  const e = new Explanation({ values: Float64Array.of(-1, 2), baseValues: Float64Array.of(0), data: Float64Array.of(5, 6), nSamples: 1, featureShape: [2], nOutputs: 1 });
  const a = e.abs();
  assert.deepEqual(Array.from(a.values), [1, 2]);
  assert.deepEqual(Array.from(e.values), [-1, 2]);
  assert.equal(a.data, e.data);
  assert.deepEqual(Array.from(a.outputIndices), [0]);
});

test("JSON round trip is exact with every encoding, through JSON.stringify", () => {
  const e = sample3();
  const tricky = new Explanation({ ...e, values: e.values.map((v) => v / 3 + 1e-17), featureShape: e.featureShape });
  for (const encoding of ["base64", "deflate", "list"] as const) {
    const back = Explanation.fromJSON(JSON.parse(JSON.stringify(tricky.toJSON({ encoding }))));
    assert.deepEqual(Array.from(back.values), Array.from(tricky.values));
    assert.deepEqual(Array.from(back.baseValues), Array.from(tricky.baseValues));
    assert.deepEqual(Array.from(back.data), Array.from(tricky.data));
    assert.deepEqual(Array.from(back.modelOutputs!), Array.from(tricky.modelOutputs!));
    assert.deepEqual(Array.from(back.outputIndices), Array.from(tricky.outputIndices));
    assert.deepEqual(back.outputNames, tricky.outputNames);
    assert.deepEqual(back.shape, tricky.shape);
  }
  assert.throws(() => Explanation.fromJSON({ format: "other" }), /not a seismic-xai\/explanation/);
  const nan = new Explanation({ values: Float64Array.of(NaN), baseValues: Float64Array.of(0), data: Float64Array.of(0), nSamples: 1, featureShape: [1], nOutputs: 1 });
  assert.throws(() => nan.toJSON({ encoding: "list" }), /use encoding "base64"/);
  assert.ok(Number.isNaN(Explanation.fromJSON(JSON.parse(JSON.stringify(nan.toJSON()))).values[0]));
});

test("the deflate encoding shrinks repeated values, keeps NaN and -0, and names a damaged stream", () => {
  // Partition SHAP values repeat within every unsplit cluster: 64 blocks of 500 equal values.
  const values = Float64Array.from({ length: 32000 }, (_, i) => Math.floor(i / 500) / 7 - 3);
  values[5] = -0;
  values[6] = NaN;
  const e = new Explanation({ values, baseValues: Float64Array.of(0.25), data: new Float64Array(32000), nSamples: 1, featureShape: [32000], nOutputs: 1 });
  const json = e.toJSON({ encoding: "deflate" });
  const plain = JSON.stringify(e.toJSON({ encoding: "base64" }));
  assert.ok(JSON.stringify(json).length * 20 < plain.length, `deflate ${JSON.stringify(json).length} vs base64 ${plain.length} characters`);
  const back = Explanation.fromJSON(JSON.parse(JSON.stringify(json)));
  assert.ok(Object.is(back.values[5], -0));
  assert.ok(Number.isNaN(back.values[6]));
  assert.deepEqual(Array.from(back.values.subarray(7)), Array.from(values.subarray(7)));
  const damaged = { ...json, values: { dtype: "float64", length: 32000, deflate: Buffer.from("not a deflate stream").toString("base64") } };
  assert.throws(() => Explanation.fromJSON(damaged), /values: the deflate stream is damaged/);
  const short = { ...json, values: { ...(json.values as { deflate: string }), length: 32001 } };
  assert.throws(() => Explanation.fromJSON(short), /holds 256000 bytes, expected 256008/);
});

test("concat stacks samples", () => {
  const e = sample3();
  const c = Explanation.concat([e.slice(0, 2), e.slice(2)]);
  assert.deepEqual(Array.from(c.values), Array.from(e.values));
  assert.deepEqual(c.outputNames, e.outputNames);
  assert.deepEqual(Array.from(c.outputIndices), Array.from(e.outputIndices));
  assert.throws(() => Explanation.concat([]), /nothing/);
  assert.throws(() => Explanation.concat([e, e.sumChannels()]), /shapes differ/);
});

test("inconsistent fields are refused", () => {
  const ok = { values: new Float64Array(4), baseValues: new Float64Array(2), data: new Float64Array(2), nSamples: 1, featureShape: [2], nOutputs: 2 };
  new Explanation(ok);
  assert.throws(() => new Explanation({ ...ok, values: new Float64Array(3) }), (e: unknown) => e instanceof InputError && /values must have N x F x K = 1 x 2 x 2 = 4 values, got 3/.test(e.message));
  assert.throws(() => new Explanation({ ...ok, baseValues: new Float64Array(1) }), /baseValues/);
  assert.throws(() => new Explanation({ ...ok, outputNames: [["a"]] }), /outputNames\[0\] must have 2 names/);
  assert.throws(() => new Explanation({ ...ok, featureShape: [0] }), /featureShape/);
  assert.throws(() => new Explanation({ ...ok, featureNames: ["a"] }), /featureNames/);
});

// ---- tables (TreeExplainer's form): shape [N, F], no output axis ----

/** 3 rows x 2 features, made as shap makes a table explanation: values, base values, data, names. */
const table = () =>
  new Explanation({ values: Float64Array.of(1, -4, -3, 2, 2, 0), baseValues: Float64Array.of(10, 10, 10), data: Float64Array.of(0.1, 5, 0.2, 6, 0.3, 7), featureNames: ["a", "b"] });

test("tables: shapes inferred from the arrays, default feature names and shape errors", () => {
  const e = table();
  assert.equal(e.nSamples, 3);
  assert.equal(e.nFeatures, 2);
  assert.deepEqual(e.shape, [3, 2]);
  assert.equal(e.outputAxis, false);
  assert.deepEqual(new Explanation({ values: Float64Array.of(1, 2), baseValues: Float64Array.of(0), data: Float64Array.of(3, 4) }).featureNames, ["Feature 0", "Feature 1"]);
  assert.throws(() => new Explanation({ values: Float64Array.of(1, 2, 3), baseValues: Float64Array.of(0, 0), data: Float64Array.of(1, 2, 3) }), /not a multiple of the 2 rows/);
  assert.throws(() => new Explanation({ values: Float64Array.of(1, 2), baseValues: Float64Array.of(0), data: Float64Array.of(1) }), /data has 1 entries, values 2/);
  assert.throws(() => new Explanation({ values: Float64Array.of(1, 2), baseValues: Float64Array.of(0), data: Float64Array.of(1, 2), featureNames: ["x"] }), /1 feature names for 2 features/);
  assert.throws(() => new Explanation({ values: new Float64Array(0), baseValues: new Float64Array(0), data: new Float64Array(0) }), /no rows/);
});

test("tables: mean(0) and abs().mean(0) are Explanations; featureOrder and abs", () => {
  const e = table();
  const mean = e.mean(0);
  assert.ok(mean instanceof Explanation);
  assert.deepEqual(mean.shape, [1, 2]);
  assert.deepEqual(Array.from(mean.values), [0, -2 / 3]);
  assert.deepEqual(Array.from(e.abs().mean(0).values), [2, 2]);
  assert.deepEqual(e.abs().mean(0).opHistory, ["abs", "mean(0)"]);
  assert.deepEqual(Array.from(e.featureOrder()), [0, 1], "ties keep the lower index first");
  assert.deepEqual(Array.from(e.select([0]).featureOrder()), [1, 0]);
  assert.deepEqual(Array.from(e.abs().values), [1, 4, 3, 2, 2, 0]);
  assert.deepEqual(Array.from(e.values), [1, -4, -3, 2, 2, 0], "abs() does not modify the original");
  assert.deepEqual(e.mean(1).shape, [3], "reducing the only feature axis leaves one scalar per row");
  assert.throws(() => e.mean(2), /axis 2 is not in \[0, 2\)/);
});

test("tables: row, column and outputs", () => {
  const e = table();
  const r = e.row(1);
  assert.deepEqual(r.shape, [1, 2]);
  assert.deepEqual(Array.from(r.values), [-3, 2]);
  assert.deepEqual(Array.from(r.data), [0.2, 6]);
  assert.deepEqual(Array.from(r.baseValues), [10]);
  assert.deepEqual(Array.from(r.outputs()), [9]);
  assert.deepEqual(r.featureNames, ["a", "b"]);
  assert.deepEqual(Array.from(e.row(-1).values), [2, 0]);
  assert.throws(() => e.row(3), /row 3 out of range for 3 rows/);
  const c = e.column("b");
  assert.deepEqual(c.shape, [3, 1]);
  assert.deepEqual(Array.from(c.values), [-4, 2, 0]);
  assert.deepEqual(Array.from(c.data), [5, 6, 7]);
  assert.deepEqual(c.featureNames, ["b"]);
  assert.deepEqual(Array.from(e.column(0).values), [1, -3, 2]);
  assert.throws(() => e.column("z"), /unknown feature "z"/);
  assert.deepEqual(Array.from(e.outputs()), [7, 9, 12]);
});

test("tables: slice and select return new explanations", () => {
  const e = table();
  assert.deepEqual(Array.from(e.slice(1).values), [-3, 2, 2, 0]);
  assert.deepEqual(Array.from(e.slice(-1).data), [0.3, 7]);
  assert.deepEqual(Array.from(e.select([true, false, true]).values), [1, -4, 2, 0]);
  assert.deepEqual(Array.from(e.select(Int32Array.of(2, 0)).baseValues), [10, 10]);
  assert.throws(() => e.select([true, false]), /mask has 2 entries for 3 rows/);
  assert.equal(e.select([false, false, false]).nSamples, 0, "an empty selection is an empty explanation");
  assert.throws(() => e.select([5]), /row 5 out of range/);
});

test("tables: JSON round trip keeps the missing output axis; evalCounts and opHistory survive select and concat", () => {
  const e = table();
  const back = Explanation.fromJSON(JSON.parse(JSON.stringify(e.abs().toJSON())));
  assert.deepEqual(back.shape, [3, 2]);
  assert.deepEqual(back.opHistory, ["abs"]);
  assert.equal("outputAxis" in sample3().toJSON(), false, "explanations with an output axis write the format as before");
  const counted = new Explanation({ ...sample3(), evalCounts: Int32Array.of(100, 101, 102) });
  assert.deepEqual(Array.from(counted.select([2, 0]).evalCounts!), [102, 100]);
  assert.deepEqual(Array.from(Explanation.concat([counted.slice(0, 1), counted.slice(1)]).evalCounts!), [100, 101, 102]);
  assert.equal(Explanation.concat([counted.slice(0, 1), sample3().slice(1)]).evalCounts, null, "counts survive only when every part has them");
  assert.deepEqual(Array.from(Explanation.fromJSON(JSON.parse(JSON.stringify(counted.toJSON()))).evalCounts!), [100, 101, 102]);
  assert.throws(() => new Explanation({ ...sample3(), evalCounts: Int32Array.of(1) }), /evalCounts must have N = 3 values/);
});

test("files written before evalCounts, outputAxis and opHistory existed read back unchanged", () => {
  // The form version 1 had from the start (a resumable run's parts hold it).
  const old = {
    format: "seismic-xai/explanation",
    version: 1,
    nSamples: 1,
    featureShape: [2],
    nOutputs: 1,
    values: [0.5, -0.25],
    baseValues: [1],
    data: [3, 4],
    outputIndices: [0],
    outputNames: [["foreshock"]],
    modelOutputs: [1.25],
    featureNames: null,
  };
  const e = Explanation.fromJSON(old);
  assert.deepEqual(e.shape, [1, 2, 1]);
  assert.equal(e.evalCounts, null);
  assert.deepEqual(e.opHistory, []);
  assert.equal(e.featureNames, null);
  assert.deepEqual(JSON.parse(JSON.stringify(e.toJSON({ encoding: "list" }))), old, "and are written back byte for byte the same");
});
