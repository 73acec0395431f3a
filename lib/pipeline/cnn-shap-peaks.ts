/**
 * Where a class-averaged SHAP map peaks, in physical units: the paper describes its maps by their hotspots
 * (docs/paper-pipeline.md section 4: the NRCA foreshock map peaks at about 36 Hz just after the P arrival), so the
 * results state the frequency and time of each map's maximum and minimum rather than leave them to the eye.
 */
import { InputError } from "../core/errors";

/** One cell of a time-frequency map. */
export interface MapPoint {
  /** The map value there. */
  readonly value: number;
  /** Row (frequency index; row 0 = 0 Hz). */
  readonly row: number;
  /** Column (time index). */
  readonly column: number;
  readonly freqHz: number;
  readonly timeS: number;
}

/** The largest and the smallest value of a map. */
export interface MapPeaks {
  readonly max: MapPoint;
  readonly min: MapPoint;
}

/**
 * The maximum and minimum of `map` (H x W row-major, H = freqsHz.length rows from 0 Hz up, W = timesS.length
 * columns) with their frequency in Hz and time in s. Equal values: the first in row-major order (lowest
 * frequency, then earliest time). Throws an InputError for mismatched lengths, an empty map or a non-finite
 * value.
 */
export function mapPeaks(map: ArrayLike<number>, freqsHz: ArrayLike<number>, timesS: ArrayLike<number>): MapPeaks {
  const where = "mapPeaks";
  const h = freqsHz.length;
  const w = timesS.length;
  if (h === 0 || w === 0) throw new InputError(where, `freqsHz (${h}) and timesS (${w}) must not be empty`);
  if (map.length !== h * w) throw new InputError(where, `map has ${map.length} values, expected freqsHz.length x timesS.length = ${h} x ${w} = ${h * w}`);
  let iMax = 0;
  let iMin = 0;
  for (let i = 0; i < map.length; i++) {
    const v = map[i];
    if (!Number.isFinite(v)) throw new InputError(where, `value ${v} at row ${Math.floor(i / w)}, column ${i % w} is not finite`);
    if (v > map[iMax]) iMax = i;
    if (v < map[iMin]) iMin = i;
  }
  const point = (i: number): MapPoint => {
    const row = Math.floor(i / w);
    const column = i % w;
    return { value: map[i], row, column, freqHz: freqsHz[row], timeS: timesS[column] };
  };
  return { max: point(iMax), min: point(iMin) };
}

/** One line of `classMapPeaks`: where one class map of one model is largest and smallest. */
export interface ClassMapPeaksRow {
  readonly model: string;
  readonly class: string;
  /** Images averaged. */
  readonly n: number;
  readonly maxValue: number;
  readonly maxHz: number;
  readonly maxS: number;
  readonly minValue: number;
  readonly minHz: number;
  readonly minS: number;
}

/**
 * The peaks of every class map of several models as table rows, model by model (`nb.table(classMapPeaks({
 * NRCA: nrcaMaps, "all stations": allMaps }))`); a class without images has NaN peaks.
 */
export function classMapPeaks(
  byModel: Readonly<Record<string, { readonly classes: ReadonlyArray<{ readonly name: string; readonly count: number; readonly peaks: MapPeaks | null }> }>>,
): ClassMapPeaksRow[] {
  return Object.entries(byModel).flatMap(([model, maps]) =>
    maps.classes.map((c) => ({
      model,
      class: c.name,
      n: c.count,
      maxValue: c.peaks?.max.value ?? NaN,
      maxHz: c.peaks?.max.freqHz ?? NaN,
      maxS: c.peaks?.max.timeS ?? NaN,
      minValue: c.peaks?.min.value ?? NaN,
      minHz: c.peaks?.min.freqHz ?? NaN,
      minS: c.peaks?.min.timeS ?? NaN,
    })),
  );
}

/** How a class map reduced the channels of the per-pixel SHAP values (explainCnnClassMaps' option). */
export type ChannelReduction = "sum" | "mean";

/**
 * The peaks of the channel-**mean** map, the reduction the paper's authors used (docs/paper-pipeline.md
 * section 4: their NRCA foreshock maximum 0.233 is a channel mean), from the peaks of a map reduced with
 * `reduction` over `nChannels` channels. A channel-sum map is `nChannels` times the channel-mean map pixel by
 * pixel, to rounding (the normalisations divide the raw values before the channels are reduced, see
 * lib/shap/aggregate.ts, and a class map is a mean of image maps), so the maximum and minimum sit at the same
 * frequency and time with values divided by `nChannels`. InputError for an unknown reduction or a channel
 * count that is not a positive integer.
 */
export function channelMeanPeaks(peaks: MapPeaks, reduction: ChannelReduction, nChannels: number): MapPeaks {
  const where = "channelMeanPeaks";
  if (!Number.isInteger(nChannels) || nChannels < 1) throw new InputError(where, `nChannels must be a positive integer, got ${nChannels}`);
  if (reduction === "mean") return peaks;
  if (reduction !== "sum") throw new InputError(where, `reduction must be "sum" or "mean", got ${JSON.stringify(reduction)}`);
  const scale = (p: MapPoint): MapPoint => ({ ...p, value: p.value / nChannels });
  return { max: scale(peaks.max), min: scale(peaks.min) };
}
