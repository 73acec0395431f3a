import { test } from "node:test";
import assert from "node:assert/strict";
import { RealDft, realDft } from "../../lib/spectrogram/real-dft";
import { Rng } from "../../lib/core/rng";

/** Direct DFT in long form, the definition X_k = sum x_t exp(-2 pi i k t / n). */
function naive(x: Float64Array): { re: number[]; im: number[] } {
  const n = x.length;
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k <= n / 2; k++) {
    let r = 0;
    let i = 0;
    for (let t = 0; t < n; t++) {
      r += x[t] * Math.cos((2 * Math.PI * ((k * t) % n)) / n);
      i -= x[t] * Math.sin((2 * Math.PI * ((k * t) % n)) / n);
    }
    re.push(r);
    im.push(i);
  }
  return { re, im };
}

test("realDft matches the DFT definition for powers of two and other lengths", () => {
  const rng = new Rng(5);
  for (const n of [1, 2, 4, 8, 64, 256, 3, 7, 63, 100]) {
    const x = Float64Array.from({ length: n }, () => rng.normal());
    const plan = realDft(n);
    assert.equal(plan.nFreq, Math.floor(n / 2) + 1);
    const spec = plan.transform(x);
    const ref = naive(x);
    for (let k = 0; k < plan.nFreq; k++) {
      assert.ok(Math.abs(spec[2 * k] - ref.re[k]) < 1e-12 * n, `n=${n} k=${k} re`);
      assert.ok(Math.abs(spec[2 * k + 1] - ref.im[k]) < 1e-12 * n, `n=${n} k=${k} im`);
    }
  }
});

test("realDft plans are cached per length and check their input", () => {
  assert.equal(realDft(64), realDft(64));
  assert.throws(() => realDft(64).transform(new Float64Array(63)), /input has length 63, expected 64/);
  assert.throws(() => new RealDft(0), /length must be a positive integer/);
});
