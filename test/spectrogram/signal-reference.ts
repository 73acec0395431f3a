/**
 * Test helper (not a test file): the numpy/scipy reference results of ../shared/fixtures/signal/
 * reference.json with their input traces read from ../shared/data, or null when ../shared is absent.
 */
import fs from "node:fs";
import path from "node:path";
import { sharedDir } from "../../lib/core/paths";
import { readNpz } from "../../lib/waveform/npz";

export interface SignalCase {
  name: string;
  /** 3 x 2500 row-major, the reference's `data[start:stop].T`. */
  data: Float64Array;
  nChannels: number;
  nSamples: number;
  spectrogram: number[][];
  welchPsd: number[][];
  features: Record<string, number>[];
  frequenciesHz: number[];
  timesS: number[];
  imageUint8: number[];
}

export const SKIP_MESSAGE = "../shared (reference data) is absent: numpy/scipy comparison skipped";

let cached: SignalCase[] | null | undefined;

export function loadSignalCases(): SignalCase[] | null {
  if (cached !== undefined) return cached;
  const shared = sharedDir();
  if (shared === null) return (cached = null);
  const ref = JSON.parse(fs.readFileSync(path.join(shared, "fixtures", "signal", "reference.json"), "utf8"));
  const cases: SignalCase[] = ref.cases.map((c: Record<string, unknown>) => {
    // e.g. "../shared/data/phasenet/NC_MEM_2017100709282692.npz: data[2500:5000].T"
    const m = /^\.\.\/shared\/(.+\.npz): (\w+)\[(\d+):(\d+)\]\.T$/.exec(c.input as string);
    if (!m) throw new Error(`unexpected reference input ${c.input}`);
    const array = readNpz(path.join(shared, m[1]))[m[2]];
    const [nRows, nCols] = array.shape;
    const start = Number(m[3]);
    const stop = Number(m[4]);
    const src = array.data as Float64Array;
    const nSamples = stop - start;
    const data = new Float64Array(nCols * nSamples);
    for (let ch = 0; ch < nCols; ch++) for (let i = 0; i < nSamples; i++) data[ch * nSamples + i] = src[(start + i) * nCols + ch];
    if (stop > nRows) throw new Error(`slice beyond ${nRows} rows`);
    return {
      name: c.name as string,
      data,
      nChannels: nCols,
      nSamples,
      spectrogram: c.spectrogram as number[][],
      welchPsd: c.welch_psd as number[][],
      features: c.features as Record<string, number>[],
      frequenciesHz: c.frequencies_hz as number[],
      timesS: c.times_s as number[],
      imageUint8: c.image_uint8 as number[],
    };
  });
  cached = cases;
  return cases;
}

/** Largest |actual - expected| / max(|expected|, floorFraction * max|expected|) over the arrays. */
export function worstRelativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floorFraction = 1e-12): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floorFraction * scale);
    worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
  }
  return worst;
}
