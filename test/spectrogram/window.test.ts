import { test } from "node:test";
import assert from "node:assert/strict";
import { boxcar, hann, tukey } from "../../lib/spectrogram/window";
import { InputError } from "../../lib/core/errors";

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-15): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `index ${i}: ${actual[i]} vs ${expected[i]}`);
}

test("hann: symmetric and periodic values", () => {
  close(hann(5, { periodic: false }), [0, 0.5, 1, 0.5, 0]);
  close(hann(4), [0, 0.5, 1, 0.5]);
  // Periodic of n = the symmetric window of n + 1 without its last sample.
  close(hann(256), hann(257, { periodic: false }).subarray(0, 256), 0);
  const w = hann(256);
  for (let i = 0; i < 256; i++) assert.ok(Math.abs(w[i] - (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / 256))) < 1e-15);
});

test("tukey(64, 0.25) periodic: cosine tapers of 8 samples, flat top", () => {
  const w = tukey(64);
  // With m = 65 the taper is 0.5 (1 - cos(pi i / 8)) for i <= 8, mirrored at the end.
  for (let i = 0; i <= 8; i++) assert.ok(Math.abs(w[i] - 0.5 * (1 - Math.cos((Math.PI * i) / 8))) < 1e-15, `rise ${i}`);
  for (let i = 9; i < 56; i++) assert.equal(w[i], 1);
  for (let i = 56; i < 64; i++) assert.ok(Math.abs(w[i] - w[64 - i]) < 1e-15, `fall ${i}`);
  assert.equal(w[0], 0);
  close(tukey(64), tukey(65, 0.25, { periodic: false }).subarray(0, 64), 0);
});

test("tukey limits: alpha 0 is a boxcar, alpha 1 a Hann window; tiny lengths", () => {
  assert.deepEqual(Array.from(tukey(6, 0)), [1, 1, 1, 1, 1, 1]);
  close(tukey(16, 1), hann(16));
  close(tukey(5, 0.5, { periodic: false }), [0, 1, 1, 1, 0]);
  assert.deepEqual(Array.from(tukey(1)), [1]);
  assert.deepEqual(Array.from(hann(1)), [1]);
  assert.equal(tukey(0).length, 0);
  assert.deepEqual(Array.from(boxcar(3)), [1, 1, 1]);
});

test("windows write into a given output buffer and check their arguments", () => {
  const out = new Float64Array(8);
  assert.equal(hann(8, { output: out }), out);
  assert.throws(() => tukey(8, 0.25, { output: new Float64Array(7) }), InputError);
  assert.throws(() => tukey(-1), /tukey: window length must be a non-negative integer/);
  assert.throws(() => tukey(8, NaN), /alpha must be a finite number >= 0/);
  assert.throws(() => hann(2.5), /hann: window length/);
});
