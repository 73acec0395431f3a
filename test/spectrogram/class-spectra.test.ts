import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Rng } from "../../lib/core/rng";
import { generateNorciaDataset } from "../../lib/data/generator";
import { openDSet } from "../../lib/data/dset-reader";
import { NORCIA_SEQUENCE } from "../../lib/data/sequence";
import { offsetDeg } from "../../lib/data/geo";
import { classSpectra, ClassSpectraResult, colocatedEvents, ColocationRow, LabelledWaveform } from "../../lib/spectrogram/class-spectra";

const N_SAMPLES = 2500;
const FS_HZ = 100;

/** A 3 x 2500 waveform: a sine of `freqHz` on every channel from sample 500 on (noise before), plus weak noise. */
function sineWaveform(freqHz: number, amplitude: number, rng: Rng): Float64Array {
  const x = new Float64Array(3 * N_SAMPLES);
  for (let c = 0; c < 3; c++) {
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let i = 0; i < N_SAMPLES; i++) {
      const signal = i >= 500 ? amplitude * (1 + 0.3 * c) * Math.sin((2 * Math.PI * freqHz * i) / FS_HZ + phase) : 0;
      x[c * N_SAMPLES + i] = signal + rng.normal(0, 0.01);
    }
  }
  return x;
}

function sineSet(seed: number): LabelledWaveform[] {
  const rng = new Rng(seed);
  const out: LabelledWaveform[] = [];
  for (let i = 0; i < 12; i++) out.push({ data: sineWaveform(10, 10 ** rng.uniform(0, 2), rng), label: 0, name: `A${i}` });
  for (let i = 0; i < 9; i++) out.push({ data: sineWaveform(30, 10 ** rng.uniform(0, 2), rng), label: 1, name: `B${i}` });
  return out;
}

function peakHz(r: ClassSpectraResult, k: number): number {
  const mean = r.perClass[k].mean;
  let best = 0;
  for (let i = 1; i < mean.length; i++) if (mean[i] > mean[best]) best = i;
  return r.freqsHz[best];
}

function assertOrdered(r: ClassSpectraResult): void {
  for (const c of r.perClass) {
    for (let k = 0; k < r.freqsHz.length; k++) {
      assert.ok(c.lower[k] > 0 && c.lower[k] <= c.mean[k] && c.mean[k] <= c.upper[k], `${c.name} at ${r.freqsHz[k]} Hz: ${c.lower[k]}, ${c.mean[k]}, ${c.upper[k]}`);
    }
  }
}

test("Welch bins from fs/nperseg to fs/2 (0 Hz left out), one curve per class, foreshocks first", () => {
  const r = classSpectra(sineSet(1));
  assert.equal(r.freqsHz.length, 128);
  assert.equal(r.freqsHz[0], 100 / 256);
  assert.equal(r.freqsHz[127], 50);
  assert.deepEqual(r.perClass.map((c) => [c.name, c.label, c.n]), [["Foreshock", 0, 12], ["Aftershock", 1, 9]]);
  assert.deepEqual(r.samples, [500, 2500]);
  assert.equal(r.amplitudeUnit, "counts/√Hz");
  for (const c of r.perClass) assert.equal(c.mean.length, 128);
});

test("a 10 Hz class and a 30 Hz class peak at their frequencies, for every channel choice, window and spread", () => {
  const set = sineSet(2);
  for (const channel of ["all", 0, 2] as const) {
    for (const window of ["signal", "full"] as const) {
      for (const spread of ["std", "percentiles"] as const) {
        const r = classSpectra(set, { channel, window, spread });
        assert.ok(Math.abs(peakHz(r, 0) - 10) <= 100 / 256, `class A peaks at ${peakHz(r, 0)} Hz`);
        assert.ok(Math.abs(peakHz(r, 1) - 30) <= 100 / 256, `class B peaks at ${peakHz(r, 1)} Hz`);
        assertOrdered(r);
      }
    }
  }
});

test("the amplitude spectral density of a sine matches its power: sqrt(PSD) in counts/sqrt(Hz)", () => {
  // One noiseless 10 Hz sine of amplitude 4 over the signal window: the PSD summed over bins times the bin
  // width is the variance A^2/2 = 8 (Parseval, Hann-windowed Welch with density scaling).
  const x = new Float64Array(3 * N_SAMPLES);
  for (let c = 0; c < 3; c++) for (let i = 0; i < N_SAMPLES; i++) x[c * N_SAMPLES + i] = 4 * Math.sin((2 * Math.PI * 10 * i) / FS_HZ + c);
  const r = classSpectra([{ data: x, label: 0 }], { channel: 1 });
  const df = r.freqsHz[1] - r.freqsHz[0];
  let power = 0;
  for (const a of r.perClass[0].mean) power += a * a * df;
  assert.ok(Math.abs(power - 8) < 0.05, `power ${power}`);
  assert.deepEqual(r.perClass[0].lower, r.perClass[0].mean);
});

test("arrays of data and labels give the same spectra as labelled waveforms", () => {
  const set = sineSet(3);
  const a = classSpectra(set, { spread: "percentiles" });
  const b = classSpectra({ data: set.map((w) => w.data), labels: set.map((w) => w.label!) }, { spread: "percentiles" });
  assert.deepEqual(b, a);
  const only = classSpectra(set.filter((w) => w.label === 1));
  assert.deepEqual(only.perClass.map((c) => c.name), ["Aftershock"]);
});

test("std spread: mean and mean ± std of log10 amplitude", () => {
  const rng = new Rng(4);
  const base = sineWaveform(10, 1, rng);
  const scaled = base.map((v) => 100 * v);
  const r = classSpectra([{ data: base, label: 0 }, { data: scaled, label: 0 }]);
  const c = r.perClass[0];
  // Two traces a factor 100 apart: log10 mean halfway, std 1 decade.
  for (let k = 0; k < r.freqsHz.length; k++) {
    assert.ok(Math.abs(Math.log10(c.upper[k] / c.mean[k]) - 1) < 1e-9);
    assert.ok(Math.abs(Math.log10(c.mean[k] / c.lower[k]) - 1) < 1e-9);
  }
});

test("bad input: visso label, size mismatch, dead or non-finite channel, bad options", () => {
  const set = sineSet(5);
  assert.throws(() => classSpectra([]), /classSpectra: no waveforms/);
  assert.throws(() => classSpectra([{ data: set[0].data, label: null, name: "X.IV.1_EV" }]), /X\.IV\.1_EV: label must be 0 \(foreshock\) or 1 \(aftershock\), got null \(a visso trace/);
  assert.throws(() => classSpectra([set[0], { data: new Float64Array(3 * 2000), label: 1, name: "short" }]), /short: has 6000 values, expected 3 x 2500/);
  const dead = set[1].data.slice();
  dead.fill(7, 2 * N_SAMPLES);
  assert.throws(() => classSpectra([{ data: dead, label: 0, name: "dead" }]), /dead: channel 2 is constant over samples 500\.\.2499/);
  assert.doesNotThrow(() => classSpectra([{ data: dead, label: 0, name: "dead" }], { channel: 0 }));
  const nan = set[1].data.slice();
  nan[N_SAMPLES + 700] = NaN;
  assert.throws(() => classSpectra([{ data: nan, label: 0, name: "gap" }]), /gap: channel 1 has a non-finite sample NaN at sample 700/);
  assert.throws(() => classSpectra(set, { channel: 3 }), /channel must be "all" or a row 0\.\.2, got 3/);
  assert.throws(() => classSpectra(set, { nperseg: 4096 }), /nperseg must be an integer in 2\.\.2000 \(the signal window has 2000 samples\)/);
  assert.throws(() => classSpectra({ data: [set[0].data], labels: [0, 1] }), /2 labels for 1 waveforms/);
  assert.throws(() => classSpectra({ data: [set[0].data], labels: [2] }), /waveform 0: label must be 0/);
});

/** A metadata row at `km` km north-east of the mainshock. */
function row(station: string, label: 0 | 1 | null, km: number, magnitude = 2): ColocationRow & { id: string } {
  const main = NORCIA_SEQUENCE.mainshock;
  const p = offsetDeg(main.latitudeDeg, main.longitudeDeg, km / Math.SQRT2, km / Math.SQRT2);
  return { id: `${station}-${label}-${km}-${magnitude}`, station, label, source_latitude: p.latitudeDeg, source_longitude: p.longitudeDeg, source_magnitude: magnitude };
}

test("colocatedEvents keeps one station's labelled events within maxDistanceKm of the mainshock, in input order", () => {
  const rows = [row("NRCA", 0, 1), row("NRCA", 1, 4.9), row("NRCA", 0, 5.2), row("NRCA", null, 1), row("NRCA", 1, 0.5, 3.5), row("MMO1", 0, 1)];
  assert.deepEqual(colocatedEvents(rows, { station: "NRCA" }).map((r) => r.id), ["NRCA-0-1-2", "NRCA-1-4.9-2", "NRCA-1-0.5-3.5"]);
  assert.deepEqual(colocatedEvents(rows, { station: "NRCA", maxDistanceKm: 6, magnitudeRange: [1, 3] }).map((r) => r.id), ["NRCA-0-1-2", "NRCA-1-4.9-2", "NRCA-0-5.2-2"]);
  assert.deepEqual(colocatedEvents(rows.slice(0, 3)).map((r) => r.id), ["NRCA-0-1-2", "NRCA-1-4.9-2"]);
  const far = { ...row("NRCA", 0, 0), id: "moved" };
  assert.deepEqual(colocatedEvents([far], { referenceLatitudeDeg: far.source_latitude + 0.1, referenceLongitudeDeg: far.source_longitude }), []);
  assert.throws(() => colocatedEvents(rows), /rows come from 2 stations \(MMO1, NRCA\): pass options.station/);
  assert.throws(() => colocatedEvents(rows, { station: "NRCA", maxDistanceKm: 0 }), /maxDistanceKm must be a positive number/);
  assert.throws(() => colocatedEvents(rows, { station: "NRCA", magnitudeRange: [3, 1] }), /magnitudeRange must be \[min, max\]/);
});

test("generated NRCA traces: co-located aftershocks lose energy at 33-40 Hz relative to foreshocks (physics.ts)", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "class-spectra-"));
  try {
    await generateNorciaDataset({ outDir: root, seed: 11, scale: "tiny", stations: ["NRCA"], progress: () => {} });
    const dset = await openDSet(root);
    const rows = colocatedEvents(dset.metadata(), { maxDistanceKm: 10 });
    const traces = await Promise.all(rows.map((r) => dset.readTrace(r.trace_name)));
    dset.close();
    const r = classSpectra(traces);
    assert.deepEqual(r.perClass.map((c) => c.name), ["Foreshock", "Aftershock"]);
    for (const c of r.perClass) assert.ok(c.n >= 8, `${c.name}: only ${c.n} co-located traces`);
    assertOrdered(r);
    // Spectral shape, free of magnitude: log10 amplitude at 33-40 Hz minus that at 5-15 Hz, per class.
    const band = (k: number, lo: number, hi: number): number => {
      let sum = 0, n = 0;
      r.freqsHz.forEach((f, i) => {
        if (f >= lo && f <= hi) {
          sum += Math.log10(r.perClass[k].mean[i]);
          n++;
        }
      });
      return sum / n;
    };
    const shape = [0, 1].map((k) => band(k, 33, 40) - band(k, 5, 15));
    // Resonance 36 -> 30 Hz and kappa +0.012 s: exp(-pi 0.012 f) alone is -0.13 decades from 10 to 36 Hz.
    assert.ok(shape[0] - shape[1] > 0.15, `foreshock shape ${shape[0].toFixed(3)}, aftershock ${shape[1].toFixed(3)}`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
