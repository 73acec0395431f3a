import { test } from "node:test";
import assert from "node:assert/strict";
import { spectrogram } from "../../lib/spectrogram/spectrogram";
import { boxcar, tukey } from "../../lib/spectrogram/window";
import { InputError } from "../../lib/core/errors";
import { Rng } from "../../lib/core/rng";
import { loadSignalCases, worstRelativeError } from "./signal-reference";

// Measured worst relative error: 9.5e-14; the README states 1e-12.
test("matches scipy.signal.spectrogram on real recordings (1e-12 relative, axes exact)", () => {
  const cases = loadSignalCases();
  for (const c of cases) {
    for (let ch = 0; ch < c.nChannels; ch++) {
      const s = spectrogram(c.data.subarray(ch * c.nSamples, (ch + 1) * c.nSamples));
      assert.deepEqual(s.shape, [33, 153]);
      assert.equal(s.dimensionOrder, "FT");
      const err = worstRelativeError(s.values, c.spectrogram[ch]);
      assert.ok(err < 1e-12, `${c.name} channel ${ch}: worst relative error ${err}`);
      assert.deepEqual(Array.from(s.freqsHz), c.frequenciesHz);
      assert.deepEqual(Array.from(s.timesS), c.timesS);
    }
  }
});

test("D-set geometry: 33 bins of 1.5625 Hz by 153 segments centred at 0.32 .. 24.64 s", () => {
  const s = spectrogram(new Float64Array(2500).fill(1));
  assert.deepEqual(s.shape, [33, 153]);
  assert.equal(s.freqsHz[1], 1.5625);
  assert.equal(s.freqsHz[32], 50);
  assert.equal(s.timesS[0], 0.32);
  assert.equal(s.timesS[152], 24.64);
  // A constant signal vanishes after the per-segment mean is removed.
  assert.ok(s.values.every((v) => v === 0));
});

test("a sine lands in its frequency bin", () => {
  const fsHz = 100;
  for (const k0 of [3, 8, 20]) {
    const f0 = k0 * 1.5625;
    const x = Float64Array.from({ length: 2500 }, (_, i) => Math.sin((2 * Math.PI * f0 * i) / fsHz + 0.3));
    const s = spectrogram(x);
    const [nFreq, nTime] = s.shape;
    for (let j = 0; j < nTime; j++) {
      let best = 0;
      for (let k = 1; k < nFreq; k++) if (s.values[k * nTime + j] > s.values[best * nTime + j]) best = k;
      assert.equal(best, k0, `segment ${j}`);
    }
  }
});

test("Parseval: the density integrates to the segment's (windowed) mean square", () => {
  const rng = new Rng("parseval");
  const x = Float64Array.from({ length: 1000 }, () => rng.normal(0, 3));
  for (const nperseg of [64, 63, 50]) {
    const noverlap = 10;
    const fsHz = 20;
    // Boxcar, no detrend: sum_k P_k df = mean(x^2) over the segment.
    const s = spectrogram(x, { fsHz, nperseg, noverlap, window: boxcar(nperseg), detrend: false });
    const [nFreq, nTime] = s.shape;
    const df = fsHz / nperseg;
    for (let j = 0; j < nTime; j++) {
      let integral = 0;
      for (let k = 0; k < nFreq; k++) integral += s.values[k * nTime + j] * df;
      let meanSquare = 0;
      for (let i = 0; i < nperseg; i++) meanSquare += x[j * (nperseg - noverlap) + i] ** 2 / nperseg;
      assert.ok(Math.abs(integral - meanSquare) < 1e-12 * meanSquare, `nperseg ${nperseg} segment ${j}`);
    }
    // Tukey window with the mean removed: sum_k P_k df = sum (w (x - mean))^2 / sum w^2.
    const w = tukey(nperseg);
    const d = spectrogram(x, { fsHz, nperseg, noverlap });
    let sw2 = 0;
    for (let i = 0; i < nperseg; i++) sw2 += w[i] ** 2;
    for (let j = 0; j < nTime; j++) {
      let integral = 0;
      for (let k = 0; k < nFreq; k++) integral += d.values[k * nTime + j] * df;
      const seg = x.subarray(j * (nperseg - noverlap), j * (nperseg - noverlap) + nperseg);
      const mean = seg.reduce((a, b) => a + b, 0) / nperseg;
      let weighted = 0;
      for (let i = 0; i < nperseg; i++) weighted += (w[i] * (seg[i] - mean)) ** 2;
      assert.ok(Math.abs(integral - weighted / sw2) < 1e-12 * integral, `tukey nperseg ${nperseg} segment ${j}`);
    }
  }
});

test("spectrum scaling gives a bin-centred sine of amplitude A the power A^2 / 2", () => {
  const a = 3;
  const x = Float64Array.from({ length: 512 }, (_, i) => a * Math.cos((2 * Math.PI * 5 * i) / 64));
  const s = spectrogram(x, { nperseg: 64, noverlap: 0, window: boxcar(64), scaling: "spectrum" });
  const nTime = s.shape[1];
  for (let j = 0; j < nTime; j++) assert.ok(Math.abs(s.values[5 * nTime + j] - (a * a) / 2) < 1e-12);
});

test("non-default geometry: odd nperseg, times and frequencies as scipy defines them", () => {
  const s = spectrogram(new Float64Array(200), { fsHz: 50, nperseg: 63, noverlap: 13 });
  assert.deepEqual(s.shape, [32, 3]);
  assert.deepEqual(Array.from(s.timesS), [31.5 / 50, 81.5 / 50, 131.5 / 50]);
  assert.equal(s.freqsHz[31], 31 * (1 / (63 * (1 / 50))));
});

test("a signal shorter than nperseg shortens the segment, as scipy does", () => {
  const s = spectrogram(Float64Array.from({ length: 40 }, (_, i) => Math.sin(i)), { noverlap: 8 });
  assert.deepEqual(s.shape, [21, 1]);
  assert.deepEqual(Array.from(s.timesS), [0.2]);
});

test("writes into an output buffer; bad input gives InputErrors", () => {
  const out = new Float64Array(33 * 153);
  const x = Float64Array.from({ length: 2500 }, (_, i) => Math.sin(i / 7));
  assert.equal(spectrogram(x, { output: out }).values, out);
  assert.throws(() => spectrogram(x, { output: new Float64Array(10) }), /spectrogram: output has length 10, expected 33 x 153 = 5049/);
  const bad = x.slice();
  bad[17] = NaN;
  assert.throws(() => spectrogram(bad), /spectrogram: x: non-finite value NaN at index 17/);
  assert.throws(() => spectrogram(x, { noverlap: 64 }), /noverlap must be an integer in \[0, nperseg = 64\)/);
  assert.throws(() => spectrogram(x, { nperseg: 64, window: tukey(32) }), /window has 32 samples but nperseg is 64/);
  // Without nperseg, the window sets the segment length (and the default overlap of 48 is then too long).
  assert.throws(() => spectrogram(x, { window: tukey(32) }), /noverlap must be an integer in \[0, nperseg = 32\), got 48/);
  assert.throws(() => spectrogram(new Float64Array(0)), InputError);
  assert.throws(() => spectrogram(x, { fsHz: 0 }), /sampling frequency must be finite and > 0/);
  assert.throws(() => spectrogram(x, { nperseg: 0 }), /nperseg must be a positive integer/);
});
