import { test } from "node:test";
import assert from "node:assert/strict";
import FFT from "fft.js";
import { Rng } from "../../lib/core/rng";
import {
  NORCIA_MODEL,
  STATION_SITE_MODELS,
  WaveformSynthesizer,
  bruneCornerFrequencyHz,
  seismicMomentDyneCm,
  stationSiteModel,
  velocityFourierAmplitude,
} from "../../lib/data/physics";
import type { TraceSource } from "../../lib/data/physics";
import { DSetPeriod } from "../../lib/data/sequence";

const N = 2500;
const synth = new WaveformSynthesizer();
const nrca = stationSiteModel("NRCA");

function source(magnitude: number, distanceKm: number, stressDropBar = 25): TraceSource {
  return { magnitude, stressDropBar, hypocentralDistanceKm: distanceKm, azimuthDeg: 60 };
}

function peak(x: Float64Array, c: number): number {
  let p = 0;
  for (let i = 0; i < N; i++) p = Math.max(p, Math.abs(x[c * N + i]));
  return p;
}

/** Mean over `seeds` of log10 of the largest peak of the three components, noise-free. */
function meanLogPeak(src: TraceSource, seeds = 8): number {
  let s = 0;
  for (let k = 0; k < seeds; k++) {
    const x = synth.synthesize(src, nrca, "pre", new Rng(`peak:${k}`), { includeNoise: false, roundToCounts: false });
    s += Math.log10(Math.max(peak(x, 0), peak(x, 1), peak(x, 2)));
  }
  return s / seeds;
}

const fft = new FFT(4096);
/** Power spectrum (|DFT|^2, 2049 bins of 100/4096 Hz) of row `c`, zero-padded to 4096. */
function powerSpectrum(x: Float64Array, c: number): Float64Array {
  const input = new Float64Array(4096);
  input.set(x.subarray(c * N, (c + 1) * N));
  const out = new Float64Array(8192);
  fft.realTransform(out, input);
  return Float64Array.from({ length: 2049 }, (_, k) => out[2 * k] ** 2 + out[2 * k + 1] ** 2);
}

function bandMean(p: Float64Array, loHz: number, hiHz: number): number {
  let s = 0;
  let n = 0;
  for (let k = 0; k < p.length; k++) {
    const f = (k * 100) / 4096;
    if (f >= loHz && f < hiHz) {
      s += p[k];
      n++;
    }
  }
  return s / n;
}

test("P arrives at sample 500: the Z energy ratio (next 0.1 s over previous 1 s) peaks there", () => {
  for (const [m, r] of [
    [1.5, 8],
    [2.0, 15],
    [3.0, 25],
    [4.0, 30],
  ]) {
    for (let k = 0; k < 5; k++) {
      const x = synth.synthesize(source(m, r), nrca, "pre", new Rng(`onset:${m}:${r}:${k}`));
      const z = x.subarray(2 * N, 3 * N);
      let best = -1;
      let bestRatio = -Infinity;
      for (let i = 100; i < N - 50; i++) {
        let after = 0;
        let before = 0;
        for (let j = 0; j < 10; j++) after += z[i + j] ** 2;
        for (let j = 1; j <= 100; j++) before += z[i - j] ** 2;
        const ratio = after / 10 / (before / 100 + 1e-9);
        if (ratio > bestRatio) {
          bestRatio = ratio;
          best = i;
        }
      }
      assert.ok(Math.abs(best - 500) <= 5, `M ${m} at ${r} km: energy ratio peaks at sample ${best}`);
    }
  }
});

test("nothing of the earthquake reaches the trace before sample 500", () => {
  const x = synth.synthesize(source(3.5, 12), nrca, "post", new Rng("causal"), { includeNoise: false, roundToCounts: false });
  for (let c = 0; c < 3; c++) for (let i = 0; i < 500; i++) assert.equal(x[c * N + i], 0, `row ${c} sample ${i}`);
  assert.ok(peak(x, 2) > 0);
});

test("P is strongest on Z, S on the horizontals", () => {
  let pZ = 0;
  let pH = 0;
  let sZ = 0;
  let sH = 0;
  for (let k = 0; k < 6; k++) {
    const x = synth.synthesize(source(2.5, 20), nrca, "pre", new Rng(`comp:${k}`), { includeNoise: false, roundToCounts: false });
    // S arrives 20 km * (1/3.35 - 1/5.8) = 2.5 s after P, at sample 752: P window 500-740, S window 760-1000.
    for (let i = 500; i < 740; i++) {
      pZ += x[2 * N + i] ** 2;
      pH += x[i] ** 2 + x[N + i] ** 2;
    }
    for (let i = 760; i < 1000; i++) {
      sZ += x[2 * N + i] ** 2;
      sH += x[i] ** 2 + x[N + i] ** 2;
    }
  }
  assert.ok(pZ > 2 * pH, `P energy on Z ${pZ.toExponential(2)} vs E+N ${pH.toExponential(2)}`);
  assert.ok(sH > 3 * sZ, `S energy on E+N ${sH.toExponential(2)} vs Z ${sZ.toExponential(2)}`);
});

test("log peak amplitude grows with magnitude at fixed distance", () => {
  const logPeaks = [1, 2, 3, 4].map((m) => meanLogPeak(source(m, 15)));
  for (let i = 1; i < logPeaks.length; i++) {
    const slope = logPeaks[i] - logPeaks[i - 1];
    assert.ok(slope > 0.5 && slope < 1.6, `d log10(peak) / dM between M ${i} and ${i + 1} = ${slope.toFixed(2)}`);
  }
});

test("log peak amplitude falls with distance at fixed magnitude, at least as fast as 1/R", () => {
  const distances = [5, 10, 20, 40];
  const logPeaks = distances.map((r) => meanLogPeak(source(2.5, r)));
  for (let i = 1; i < distances.length; i++) {
    const drop = logPeaks[i - 1] - logPeaks[i];
    assert.ok(drop > 0.8 * Math.log10(distances[i] / distances[i - 1]), `from ${distances[i - 1]} to ${distances[i]} km log10 peak drops ${drop.toFixed(2)}`);
  }
});

test("corner frequency falls with magnitude (Brune formula and the synthesised spectra)", () => {
  const fc = [2, 3, 4].map((m) => bruneCornerFrequencyHz(seismicMomentDyneCm(m), 30));
  // fc ~ M0^(-1/3): a factor 10^0.5 per magnitude unit
  for (let i = 1; i < fc.length; i++) assert.ok(Math.abs(fc[i - 1] / fc[i] - 10 ** 0.5) < 1e-9);
  assert.ok(Math.abs(bruneCornerFrequencyHz(seismicMomentDyneCm(3), 30, 3.5) - 4.9e6 * 3.5 * Math.cbrt(30 / 10 ** 20.55)) < 1e-9);
  // Spectral centroid (0.2-20 Hz) of the noise-free velocity record, averaged over realisations.
  const centroid = (m: number) => {
    let num = 0;
    let den = 0;
    for (let k = 0; k < 6; k++) {
      const x = synth.synthesize(source(m, 10), nrca, "pre", new Rng(`fc:${k}`), { includeNoise: false, roundToCounts: false });
      const p = powerSpectrum(x, 0);
      for (let b = 0; b < p.length; b++) {
        const f = (b * 100) / 4096;
        if (f < 0.2 || f > 20) continue;
        num += f * p[b];
        den += p[b];
      }
    }
    return num / den;
  };
  const c = [2.5, 3.5, 4.5].map(centroid);
  assert.ok(c[0] > c[1] && c[1] > c[2], `centroids ${c.map((v) => v.toFixed(2)).join(" > ")} Hz`);
});

test("synthesised Fourier amplitudes follow the model spectrum on average (Boore's normalisation)", () => {
  // Noise-free S on the transverse component: average |DFT| dt over realisations vs velocityFourierAmplitude.
  const site = nrca.pre;
  const src = source(3, 12);
  const moment = seismicMomentDyneCm(src.magnitude);
  const inputs = {
    momentDyneCm: moment,
    cornerHz: bruneCornerFrequencyHz(moment, src.stressDropBar),
    distanceKm: src.hypocentralDistanceKm,
    velocityKmS: NORCIA_MODEL.vsKmS,
    radiation: NORCIA_MODEL.radiationS,
    site,
    siteLogWidth: nrca.resonanceLogWidth,
  };
  // The S, SV+SH and scattered coda together carry 1 + 0.5^2 * (number of components) of the S energy;
  // on the three components the summed energy is (1 + 3 * 0.25) |A_S|^2 plus P. Compare the energy sum
  // over components in 2-10 Hz, where P (with its (vS/vP)^3 factor) adds only a few per cent.
  let measured = 0;
  const runs = 12;
  for (let k = 0; k < runs; k++) {
    const x = synth.synthesize(src, nrca, "pre", new Rng(`boore:${k}`), { includeNoise: false, roundToCounts: false });
    for (let c = 0; c < 3; c++) measured += bandMean(powerSpectrum(x, c), 2, 10) * 0.01 ** 2;
  }
  measured /= runs;
  let expected = 0;
  let n = 0;
  for (let b = 0; b < 2049; b++) {
    const f = (b * 100) / 4096;
    if (f >= 2 && f < 10) {
      expected += (velocityFourierAmplitude(f, inputs) * nrca.gainCountsPerMps) ** 2 * (1 + 3 * 0.25);
      n++;
    }
  }
  expected /= n;
  // The radiation factor is log-normal (sigma 0.25), so its square averages exp(2 * 0.25^2) = 1.13.
  const ratio = measured / expected;
  assert.ok(ratio > 0.7 && ratio < 1.6, `measured / model energy in 2-10 Hz = ${ratio.toFixed(2)}`);
});

/** Mean over realisations of the 33-40 Hz share of Z power in 1-45 Hz (a spectral shape, blind to amplitude). */
function highBandShare(code: string, period: DSetPeriod): number {
  const model = stationSiteModel(code);
  let s = 0;
  const runs = 10;
  for (let k = 0; k < runs; k++) {
    const x = synth.synthesize(source(2, 10, 25), model, period, new Rng(`share:${code}:${k}`));
    const p = powerSpectrum(x, 2);
    s += Math.log(bandMean(p, 33, 40) / bandMean(p, 1, 45));
  }
  return s / runs;
}

test("foreshock/aftershock change: at NRCA aftershocks lose 33-40 Hz energy; the sign differs by station", () => {
  const nrcaDrop = highBandShare("NRCA", "post") - highBandShare("NRCA", "pre");
  assert.ok(nrcaDrop < -0.5, `NRCA: log change of the 33-40 Hz share after the mainshock = ${nrcaDrop.toFixed(2)}`);
  // FDMO's kappa falls after the mainshock (Delta kappa -0.010 s): its aftershocks are richer at 33-40 Hz.
  const fdmoChange = highBandShare("FDMO", "post") - highBandShare("FDMO", "pre");
  assert.ok(fdmoChange > 0.2, `FDMO: log change of the 33-40 Hz share = ${fdmoChange.toFixed(2)}`);
  // Every station's resonance falls after the mainshock, by 9 to 17 %.
  for (const m of Object.values(STATION_SITE_MODELS)) {
    const drop = 1 - m.post.resonanceHz / m.pre.resonanceHz;
    assert.ok(drop > 0.09 && drop < 0.18, `${m.code}: resonance drop ${drop.toFixed(3)}`);
  }
  const kappaSigns = new Set(Object.values(STATION_SITE_MODELS).map((m) => Math.sign(m.post.kappaS - m.pre.kappaS)));
  assert.deepEqual([...kappaSigns].sort(), [-1, 1]);
});

test("background noise has the station's RMS in counts (vertical) and 1.3 times it on the horizontals", () => {
  const model = stationSiteModel("FDMO");
  const rms = [0, 0, 0];
  const runs = 40;
  for (let k = 0; k < runs; k++) {
    const x = synth.synthesize(source(2, 10), model, "pre", new Rng(`noise:${k}`), { includeSignal: false, roundToCounts: false });
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let i = 0; i < N; i++) s += x[c * N + i] ** 2;
      rms[c] += s / N / runs;
    }
  }
  // The per-trace noise factor is log-normal (sigma 0.3): E[factor^2] = exp(2 * 0.09).
  const expectedZ = model.noiseRmsCounts ** 2 * Math.exp(2 * 0.3 ** 2);
  assert.ok(Math.abs(rms[2] / expectedZ - 1) < 0.35, `Z noise power ${rms[2].toFixed(1)} vs ${expectedZ.toFixed(1)}`);
  assert.ok(Math.abs(rms[0] / rms[2] - 1.69) < 0.4, `E/Z noise power ${(rms[0] / rms[2]).toFixed(2)}`);
});

test("same generator, same trace; integer counts; bad sources are an InputError", () => {
  const a = synth.synthesize(source(2, 10), nrca, "pre", new Rng("same"));
  const b = new WaveformSynthesizer().synthesize(source(2, 10), nrca, "pre", new Rng("same"));
  assert.deepEqual(a, b);
  assert.ok(a.every((v) => Number.isInteger(v)));
  assert.throws(() => synth.synthesize(source(2, 0), nrca, "pre", new Rng(1)), /bad source/);
  assert.throws(() => stationSiteModel("XXXX"), /station XXXX: no site model/);
});
