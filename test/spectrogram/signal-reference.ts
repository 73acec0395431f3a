/**
 * Test helper (not a test file): the numpy/scipy reference results of test/golden/signal/reference.json with
 * their input traces from test/golden/signal/phasenet-windows.json (both committed; see test/golden/README.md).
 */
import { readGoldenJson } from "../helpers/golden";

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

interface WindowCase {
  name: string;
  input: string;
  data: number[][];
}

let cached: SignalCase[] | undefined;

/** The two reference cases; throws (failing the caller) when a fixture is missing or they disagree. */
export function loadSignalCases(): SignalCase[] {
  if (cached !== undefined) return cached;
  const ref = readGoldenJson("signal/reference.json");
  const windows = readGoldenJson<{ cases: WindowCase[] }>("signal/phasenet-windows.json").cases;
  cached = ref.cases.map((c: Record<string, unknown>) => {
    const w = windows.find((x) => x.name === c.name);
    if (!w) throw new Error(`test/golden/signal/phasenet-windows.json has no window for ${String(c.name)}`);
    if (w.input !== c.input) throw new Error(`${String(c.name)}: window cut as ${w.input}, reference computed on ${String(c.input)}`);
    const nChannels = w.data.length;
    const nSamples = w.data[0].length;
    return {
      name: c.name as string,
      data: Float64Array.from(w.data.flat()),
      nChannels,
      nSamples,
      spectrogram: c.spectrogram as number[][],
      welchPsd: c.welch_psd as number[][],
      features: c.features as Record<string, number>[],
      frequenciesHz: c.frequencies_hz as number[],
      timesS: c.times_s as number[],
      imageUint8: c.image_uint8 as number[],
    };
  });
  return cached!;
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
