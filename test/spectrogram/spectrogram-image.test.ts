import { test } from "node:test";
import assert from "node:assert/strict";
import { spectrogramImage, SPECTROGRAM_IMAGE_FREQS_HZ, SPECTROGRAM_IMAGE_SHAPE, SPECTROGRAM_IMAGE_TIMES_S } from "../../lib/spectrogram/spectrogram-image";
import { spectrogram } from "../../lib/spectrogram/spectrogram";
import { decodePng, encodePng, PNG_BYTES_PER_PIXEL } from "../../lib/core/png";
import { InputError } from "../../lib/core/errors";
import { Rng } from "../../lib/core/rng";
import { Trace } from "../../lib/waveform/trace";
import { loadSignalCases } from "./signal-reference";

function trace(data: Float64Array, nChannels = 3, samplingRateHz = 100): Trace {
  return {
    data,
    dimensionOrder: "CW",
    stats: {
      traceName: "NRCA.IV.42_EV",
      station: "NRCA",
      samplingRateHz,
      nChannels,
      nSamples: data.length / nChannels,
      channels: ["E", "N", "Z"].slice(0, nChannels),
      processing: ["read from NRCA_waveforms_pre.hdf5"],
    },
  };
}

/** The float the paper truncates, (log1p(S) - min) / (max - min) * 255, recomputed independently. */
function scaledValues(x: Float64Array): number[] {
  const logs = Array.from(spectrogram(x).values, Math.log1p);
  const min = Math.min(...logs);
  const max = Math.max(...logs);
  return logs.map((v) => ((v - min) / (max - min)) * 255);
}

// Every byte equals numpy's on both recordings. A product (log1p(S) - min) / (max - min) * 255 within rounding
// of an integer could truncate either way; the message then shows how close it was.
test("matches the reference images byte for byte", () => {
  const cases = loadSignalCases();
  for (const c of cases) {
    const img = spectrogramImage(c.data);
    assert.deepEqual(img.shape, [33, 153, 3]);
    assert.equal(img.data.length, c.imageUint8.length);
    for (let ch = 0; ch < 3; ch++) {
      const scaled = scaledValues(c.data.subarray(ch * 2500, (ch + 1) * 2500));
      for (let i = 0; i < 33 * 153; i++) {
        const ours = img.data[i * 3 + ch];
        const theirs = c.imageUint8[i * 3 + ch];
        if (ours !== theirs) assert.fail(`${c.name} pixel ${i} channel ${ch}: ${ours} vs numpy's ${theirs} (x 255 gives ${scaled[i]})`);
      }
    }
    assert.deepEqual(Array.from(img.freqsHz), c.frequenciesHz);
    assert.deepEqual(Array.from(img.timesS), c.timesS);
  }
});

const rng = new Rng("image");
const noise = Float64Array.from({ length: 7500 }, () => rng.normal(0, 100));

test("each channel spans 0 .. 255 with truncation, rows are frequencies with 0 Hz first", () => {
  const img = spectrogramImage(noise);
  for (let c = 0; c < 3; c++) {
    const scaled = scaledValues(noise.subarray(c * 2500, (c + 1) * 2500));
    let min = 255;
    let max = 0;
    for (let i = 0; i < 33 * 153; i++) {
      const v = img.data[i * 3 + c];
      assert.equal(v, Math.floor(scaled[i]));
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assert.equal(min, 0);
    assert.equal(max, 255);
  }
  // A 20 Hz tone (row 20 / 1.5625 = 12.8, so rows 12 and 13) on the Z channel only: the brightest blue row.
  const tone = noise.slice();
  for (let i = 0; i < 2500; i++) tone[5000 + i] = 0.01 * noise[5000 + i] + 1000 * Math.sin((2 * Math.PI * 20 * i) / 100);
  const toneImg = spectrogramImage(tone);
  const rowMean = (f: number) => {
    let s = 0;
    for (let t = 0; t < 153; t++) s += toneImg.data[(f * 153 + t) * 3 + 2];
    return s / 153;
  };
  const means = Array.from({ length: 33 }, (_, f) => rowMean(f));
  assert.ok([12, 13].includes(means.indexOf(Math.max(...means))));
});

test("a flat channel gives zeros, not NaN; a Trace's processing history is extended", () => {
  const data = noise.slice();
  data.fill(42, 2500, 5000);
  const img = spectrogramImage(trace(data));
  for (let i = 0; i < 33 * 153; i++) assert.equal(img.data[i * 3 + 1], 0);
  assert.equal(img.processing[0], "read from NRCA_waveforms_pre.hdf5");
  assert.match(img.processing[1], /nperseg=64, noverlap=48/);
  assert.ok(img.processing.includes("log1p"));
  assert.equal(img.processing.length, 5);
});

test("the image round-trips through PNG with 0 Hz on the top row", () => {
  const img = spectrogramImage(noise);
  const [h, w, c] = SPECTROGRAM_IMAGE_SHAPE;
  const png = decodePng(encodePng({ width: w, height: h, colorType: "rgb", pixels: img.data }));
  assert.deepEqual([png.height, png.width, PNG_BYTES_PER_PIXEL[png.colorType]], [h, w, c]);
  assert.deepEqual(png.pixels, img.data);
});

test("writes into an output buffer; wrong shapes, rates and NaN name the trace", () => {
  const out = new Uint8Array(33 * 153 * 3);
  assert.equal(spectrogramImage(noise, { output: out }).data, out);
  const check = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (e: unknown) => e instanceof InputError && pattern.test((e as Error).message));
  check(() => spectrogramImage(trace(noise.subarray(0, 5000), 2)), /^spectrogramImage: trace NRCA\.IV\.42_EV: needs 3 channels \(R, G, B\), has 2/);
  check(() => spectrogramImage(trace(noise.subarray(0, 7200))), /trace NRCA\.IV\.42_EV: needs 2500 samples per channel \(25 s at 100 Hz\), has 2400/);
  check(() => spectrogramImage(trace(noise, 3, 50)), /needs 100 Hz sampling, has 50 Hz/);
  const bad = noise.slice();
  bad[7000] = NaN;
  check(() => spectrogramImage(trace(bad)), /trace NRCA\.IV\.42_EV: non-finite sample NaN in channel 2 at index 2000/);
  check(() => spectrogramImage(noise.subarray(0, 5000), { name: "row 7" }), /^spectrogramImage: row 7: data of 5000 samples is not 3 channels x 2500 samples/);
  check(() => spectrogramImage(noise.subarray(0, 5000), { nChannels: 2 }), /needs 3 channels \(R, G, B\), has 2/);
  check(() => spectrogramImage(noise, { output: new Uint8Array(3) }), /output has length 3, expected 15147/);
});

test("the image axes: 33 frequencies from 0 to 50 Hz, 153 segment centres from 0.32 to 24.64 s", () => {
  const f = SPECTROGRAM_IMAGE_FREQS_HZ, t = SPECTROGRAM_IMAGE_TIMES_S;
  assert.equal(f.length, 33);
  assert.equal(f[0], 0);
  assert.equal(f[32], 50);
  assert.equal(t.length, 153);
  assert.ok(Math.abs(t[0] - 0.32) < 1e-12 && Math.abs(t[152] - 24.64) < 1e-12);
});
