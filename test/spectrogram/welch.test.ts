import { test } from "node:test";
import assert from "node:assert/strict";
import { welch } from "../../lib/spectrogram/welch";
import { boxcar } from "../../lib/spectrogram/window";
import { Rng } from "../../lib/core/rng";
import { loadSignalCases, worstRelativeError } from "./signal-reference";

// Measured worst relative error: 1.5e-13; the README states 1e-12.
test("matches scipy.signal.welch defaults on real recordings (1e-12 relative)", () => {
  const cases = loadSignalCases();
  for (const c of cases) {
    for (let ch = 0; ch < c.nChannels; ch++) {
      const { freqs, psd } = welch(c.data.subarray(ch * c.nSamples, (ch + 1) * c.nSamples));
      assert.equal(psd.length, 129);
      const err = worstRelativeError(psd, c.welchPsd[ch]);
      assert.ok(err < 1e-12, `${c.name} channel ${ch}: worst relative error ${err}`);
      assert.equal(freqs[1], 1 / 256);
      assert.equal(freqs[128], 0.5);
    }
  }
});

test("Parseval: with a boxcar and no overlap, the PSD integrates to the mean segment variance", () => {
  const rng = new Rng("welch");
  const x = Float64Array.from({ length: 2500 }, () => rng.normal(1, 2));
  const n = 256;
  const { psd } = welch(x, { fs: 10, nperseg: n, noverlap: 0, window: boxcar(n) });
  const integral = psd.reduce((a, b) => a + b, 0) * (10 / n);
  let expected = 0;
  const nSeg = Math.floor(2500 / n);
  for (let j = 0; j < nSeg; j++) {
    const seg = x.subarray(j * n, (j + 1) * n);
    const mean = seg.reduce((a, b) => a + b, 0) / n;
    expected += seg.reduce((a, b) => a + (b - mean) ** 2, 0) / n / nSeg;
  }
  assert.ok(Math.abs(integral - expected) < 1e-12 * expected, `${integral} vs ${expected}`);
  // With the default Hann window, white noise of variance 4 integrates to about 4.
  const hannIntegral = welch(x).psd.reduce((a, b) => a + b, 0) * (1 / 256);
  assert.ok(Math.abs(hannIntegral - 4) < 0.4, `${hannIntegral}`);
});

test("a sine's power peaks at its frequency (cycles per sample with fs = 1)", () => {
  const x = Float64Array.from({ length: 2500 }, (_, i) => Math.sin(2 * Math.PI * (40 / 256) * i));
  const { freqs, psd } = welch(x);
  let best = 0;
  for (let k = 1; k < psd.length; k++) if (psd[k] > psd[best]) best = k;
  assert.equal(freqs[best], 40 / 256);
});

test("short signals cap nperseg at their length (any length, not only powers of two)", () => {
  const x = Float64Array.from({ length: 100 }, (_, i) => Math.cos(i / 3));
  const { freqs, psd } = welch(x);
  assert.equal(psd.length, 51);
  assert.equal(freqs[50], 0.5);
  // One segment, Hann(100) periodic: compare with the definition.
  let sw2 = 0;
  const w = Float64Array.from({ length: 100 }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / 100));
  for (const v of w) sw2 += v * v;
  const mean = x.reduce((a, b) => a + b, 0) / 100;
  for (const k of [0, 5, 50]) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < 100; i++) {
      re += w[i] * (x[i] - mean) * Math.cos((2 * Math.PI * k * i) / 100);
      im -= w[i] * (x[i] - mean) * Math.sin((2 * Math.PI * k * i) / 100);
    }
    const expected = ((re * re + im * im) / sw2) * (k === 0 || k === 50 ? 1 : 2);
    assert.ok(Math.abs(psd[k] - expected) < 1e-10 * Math.max(expected, 1e-3), `bin ${k}: ${psd[k]} vs ${expected}`);
  }
});

test("welch checks its arguments", () => {
  const x = new Float64Array(300);
  assert.throws(() => welch(x, { noverlap: 256 }), /welch: noverlap must be an integer in \[0, nperseg = 256\)/);
  assert.throws(() => welch(new Float64Array(0)), /welch: the signal is empty/);
  assert.throws(() => welch(Float64Array.of(1, NaN)), /welch: x: non-finite value NaN at index 1/);
  assert.throws(() => welch(x, { output: new Float64Array(5) }), /output has length 5, expected 129/);
  assert.throws(() => welch(x, { window: boxcar(400) }), /shorter than the window/);
});
