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
