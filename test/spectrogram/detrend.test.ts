import { test } from "node:test";
import assert from "node:assert/strict";
import { detrend } from "../../lib/spectrogram/detrend";
import { Rng } from "../../lib/core/rng";

const rng = new Rng("detrend");
const noise = Float64Array.from({ length: 101 }, () => rng.normal());

test("constant detrend removes the mean and nothing else", () => {
  const y = detrend(Float64Array.from(noise, (v) => v + 7));
  const mean = y.reduce((a, b) => a + b, 0) / y.length;
  assert.ok(Math.abs(mean) < 1e-14);
  const original = Float64Array.from(noise, (v) => v + 7);
  for (let i = 1; i < y.length; i++) assert.ok(Math.abs(y[i] - y[0] - (original[i] - original[0])) < 1e-13);
});

test("linear detrend removes a straight line exactly and leaves a residual orthogonal to 1 and t", () => {
  const line = Float64Array.from({ length: 50 }, (_, t) => 3 - 0.25 * t);
  for (const v of detrend(line, { type: "linear" })) assert.ok(Math.abs(v) < 1e-13);
  const y = detrend(Float64Array.from(noise, (v, t) => v + 0.1 * t - 2), { type: "linear" });
  let s0 = 0;
  let s1 = 0;
  y.forEach((v, t) => {
    s0 += v;
    s1 += v * t;
  });
  assert.ok(Math.abs(s0) < 1e-12 && Math.abs(s1) < 1e-10, `${s0} ${s1}`);
});

test("no detrend copies; output may be the input itself", () => {
  assert.deepEqual(Array.from(detrend(noise, { type: false })), Array.from(noise));
  const x = Float64Array.from([1, 2, 3, 6]);
  assert.equal(detrend(x, { output: x }), x);
  assert.deepEqual(Array.from(x), [-2, -1, 0, 3]);
});

test("detrend rejects an unknown type and a wrong output size", () => {
  assert.throws(() => detrend(noise, { type: "quadratic" as never }), /detrend: detrend must be "constant", "linear" or false/);
  assert.throws(() => detrend(noise, { output: new Float64Array(3) }), /output has length 3, expected 101/);
});
