/**
 * Small deterministic inputs for the plot tests (synthetic, seeded): spectrogram axes of the paper's size,
 * a spectrogram image with an event after P, block-structured SHAP maps like a 1000-evaluation partition
 * explanation, and tree-model SHAP values with a known importance order.
 */
import { Rng } from "../../lib/core/rng";

export const N_FREQ = 33;
export const N_TIME = 153;

/** k · 1.5625 Hz, 0 to 50 Hz (scipy's bins for nperseg 64 at 100 Hz). */
export function freqsHz(n = N_FREQ): Float64Array {
  return Float64Array.from({ length: n }, (_, k) => k * 1.5625);
}

/** Segment centres (32 + 16 j) / 100 s. */
export function timesS(n = N_TIME): Float64Array {
  return Float64Array.from({ length: n }, (_, j) => 0.32 + 0.16 * j);
}

/** An 8-bit H × W × 3 spectrogram image: noise, and energy decaying from 5 s, strongest at low frequency. */
export function spectrogramImage(h = N_FREQ, w = N_TIME, seed = 1): Uint8Array {
  const rng = new Rng(seed);
  const f = freqsHz(h), t = timesS(w);
  const img = new Uint8Array(h * w * 3);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      for (let ch = 0; ch < 3; ch++) {
        const event = t[c] > 5 ? Math.exp(-(t[c] - 5) / 3) * Math.exp(-f[r] / (10 + 5 * ch)) : 0;
        img[(r * w + c) * 3 + ch] = Math.floor(255 * Math.min(1, 0.25 * rng.random() + event));
      }
    }
  }
  return img;
}

/** SHAP values H × W × 3 × K (K fastest), constant on 8 × 19 blocks, output 1 = −0.5 × output 0. */
export function blockShapValues(h = N_FREQ, w = N_TIME, k = 2): Float64Array {
  const v = new Float64Array(h * w * 3 * k);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const block = Math.sin(Math.floor(r / 8) * 1.7 + Math.floor(c / 19) * 0.9) * 0.01;
      for (let ch = 0; ch < 3; ch++) {
        for (let o = 0; o < k; o++) v[((r * w + c) * 3 + ch) * k + o] = block * (o === 0 ? 1 : -0.5) * (ch + 1);
      }
    }
  }
  return v;
}

/** A smooth class-averaged map with a hotspot at (fHz, tS) of height `peak`. */
export function hotspotMap(fHz: number, tS: number, peak: number, h = N_FREQ, w = N_TIME): Float64Array {
  const f = freqsHz(h), t = timesS(w);
  const m = new Float64Array(h * w);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) m[r * w + c] = peak * Math.exp(-((f[r] - fHz) ** 2) / 30 - (t[c] - tS) ** 2 / 3);
  return m;
}

/**
 * Tabular SHAP values N × F where feature f's SHAP magnitude scales with 1/(f+1) (so importance decreases
 * with the index), feature values standard normal, and feature 3 missing (NaN) on every 7th row.
 */
export function tabularShap(n = 60, f = 6, seed = 3): { values: Float64Array; features: Float64Array; names: string[] } {
  const rng = new Rng(seed);
  const values = new Float64Array(n * f), features = new Float64Array(n * f);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) {
      const x = rng.normal();
      features[i * f + j] = j === 3 && i % 7 === 0 ? NaN : x;
      values[i * f + j] = (0.3 / (j + 1)) * (x + 0.2 * rng.normal()) * (j % 2 === 1 ? -1 : 1);
    }
  }
  const names = ["f12_c1_mean_spectral_power", "f16_c2_num_peaks", "p_travel_sec", "source_depth_km", "f6_c1_signal_range", "f1_c1_maximum_amplitude"].slice(0, f);
  while (names.length < f) names.push(`feature_${names.length}`);
  return { values, features, names };
}

/** A three-component 25 s, 100 Hz trace ("CW") with P at 5 s. */
export function waveformData(nSamples = 2500, seed = 4): Float64Array {
  const rng = new Rng(seed);
  const d = new Float64Array(3 * nSamples);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < nSamples; i++) {
      const t = i / 100;
      d[c * nSamples + i] = 1500 * (t < 5 ? 0.02 : Math.exp(-(t - 5) / 4)) * rng.normal() * (c === 2 ? 1.5 : 1);
    }
  }
  return d;
}
