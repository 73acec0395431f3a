import { test } from "node:test";
import assert from "node:assert/strict";
import { N_FEATURES_PER_CHANNEL, waveformFeatureNames, waveformFeatures } from "../../lib/features/waveform-features";
import { InputError } from "../../lib/core/errors";
import { Rng } from "../../lib/core/rng";
import { loadSignalCases } from "../spectrogram/signal-reference";

const INTEGER_FEATURES = new Set([15, 16, 21, 22]);

test("names: f{i}_c{c}_{name}, channel-major, 69 for three channels", () => {
  const names = waveformFeatureNames();
  assert.equal(names.length, 69);
  assert.equal(names[0], "f1_c0_maximum_amplitude");
  assert.equal(names[11], "f12_c0_mean_spectral_power");
  assert.equal(names[22], "f23_c0_peak_to_peak_amplitude");
  assert.equal(names[23], "f1_c1_maximum_amplitude");
  assert.equal(names[23 + 15], "f16_c1_num_peaks");
  assert.equal(names[68], "f23_c2_peak_to_peak_amplitude");
  assert.equal(N_FEATURES_PER_CHANNEL, 23);
});

// Measured worst relative error: 3.6e-15 (spectral flatness); the README states 1e-14.
test("matches numpy/scipy on real recordings (1e-14 relative, counts and indices exact)", () => {
  const cases = loadSignalCases();
  const names = waveformFeatureNames();
  for (const c of cases) {
    const values = waveformFeatures(c.data, c.nChannels, c.nSamples);
    for (let ch = 0; ch < c.nChannels; ch++) {
      for (let i = 0; i < 23; i++) {
        const name = names[ch * 23 + i];
        // The reference names features per channel without the channel: f1_maximum_amplitude.
        const key = name.replace(`_c${ch}_`, "_");
        const expected = c.features[ch][key];
        assert.equal(typeof expected, "number", `${key} missing in the reference`);
        const actual = values[ch * 23 + i];
        if (INTEGER_FEATURES.has(i + 1)) assert.equal(actual, expected, `${c.name} ${name}`);
        else assert.ok(Math.abs(actual - expected) <= 1e-14 * Math.abs(expected), `${c.name} ${name}: ${actual} vs ${expected}`);
      }
    }
  }
});

test("hand-checked values on a short signal", () => {
  // x = [0, 3, -1, 2, 2, -4, 1, 0]: mean 3/8, max 3 at index 1, min -4.
  const x = Float64Array.of(0, 3, -1, 2, 2, -4, 1, 0);
  const f = waveformFeatures(x, 1, 8);
  const mean = 3 / 8;
  const d = Array.from(x, (v) => v - mean);
  const m2 = d.reduce((a, v) => a + v * v, 0) / 8;
  const m3 = d.reduce((a, v) => a + v ** 3, 0) / 8;
  const m4 = d.reduce((a, v) => a + v ** 4, 0) / 8;
  const near = (i: number, v: number) => assert.ok(Math.abs(f[i - 1] - v) < 1e-12 * Math.max(1, Math.abs(v)), `f${i}: ${f[i - 1]} vs ${v}`);
  near(1, 3);
  near(2, -4);
  near(3, mean);
  near(4, Math.sqrt(m2));
  near(5, 0.5); // sorted -4 -1 0 0 1 2 2 3: (0 + 1) / 2
  near(6, 7);
  near(7, 35);
  near(8, Math.sqrt(35 / 8));
  near(9, 13 / 8);
  // Sign bits 0 0 1 0 0 1 0 0 (0 is non-negative): four changes.
  near(15, 4);
  // Strict local maxima: 3 (index 1), the plateau 2, 2 (indices 3-4) counted once, 1 (index 6).
  near(16, 3);
  near(17, m4 / m2 ** 2 - 3);
  near(18, m3 / m2 ** 1.5);
  near(19, m2);
  // numpy: 25th percentile at index 1.75 -> -1 + 0.75 * 1 = -0.25; 75th at 5.25 -> 2 + 0.25 * 0 = 2.
  near(20, 2.25);
  near(21, 1);
  near(22, 7);
  near(23, 7);
});

test("spectral features of a sine: dominant frequency in cycles per sample, low entropy and flatness", () => {
  const x = Float64Array.from({ length: 2500 }, (_, i) => 100 * Math.sin(2 * Math.PI * (32 / 256) * i));
  const white = new Rng("white");
  const y = Float64Array.from({ length: 2500 }, () => white.normal(0, 100));
  const data = new Float64Array(5000);
  data.set(x, 0);
  data.set(y, 2500);
  const f = waveformFeatures(data, 2, 2500);
  assert.equal(f[10], 0.125); // f11 of the sine
  assert.ok(f[13] < 1e-3, `sine flatness ${f[13]}`);
  assert.ok(f[23 + 13] > 0.4, `white-noise flatness ${f[23 + 13]}`);
  assert.ok(f[12] < f[23 + 12] - 1, "the sine's entropy is far below white noise's (ln 129 = 4.86)");
  assert.ok(f[23 + 12] > 4.5 && f[23 + 12] <= Math.log(129));
  // Mean PSD x bandwidth 0.5 is about the variance for white noise.
  assert.ok(Math.abs((f[23 + 11] * 0.5) / 100 ** 2 - 1) < 0.1);
  // Sine: f15 zero crossings about 2 per period (8 samples), f21 first maximum near a crest.
  assert.ok(Math.abs(f[14] - 2500 / 4) <= 2, `zero crossings ${f[14]}`);
  assert.equal(f[20] % 8, 2);
});

test("a constant channel gives NaN moments ratios and spectral ratios, not an exception", () => {
  const f = waveformFeatures(new Float64Array(3 * 300).fill(5), 3, 300);
  assert.equal(f[3], 0); // std
  assert.ok(Number.isNaN(f[16]) && Number.isNaN(f[17]), "kurtosis and skewness undefined");
  assert.ok(Number.isNaN(f[12]) && Number.isNaN(f[13]), "entropy and flatness of an all-zero PSD");
  assert.equal(f[15], 0); // no peaks
  assert.equal(f[20], 0); // argmax: first index
  assert.equal(f[21], 300);
});

test("writes into an output buffer; bad input gives InputErrors", () => {
  const out = new Float64Array(69);
  const data = Float64Array.from({ length: 7500 }, (_, i) => Math.sin(i / 5));
  assert.equal(waveformFeatures(data, 3, 2500, out), out);
  assert.throws(() => waveformFeatures(data, 3, 2000), /waveformFeatures: data has 7500 samples, expected 3 channels x 2000/);
  assert.throws(() => waveformFeatures(data, 3, 2500, new Float64Array(3)), /output has length 3, expected 69/);
  const bad = data.slice();
  bad[2503] = -Infinity;
  assert.throws(() => waveformFeatures(bad), (e: unknown) => e instanceof InputError && /non-finite sample -Infinity in channel 1 at index 3/.test((e as Error).message));
  assert.throws(() => waveformFeatures(new Float64Array(3), 3, 1), /nSamples must be an integer >= 2/);
});
