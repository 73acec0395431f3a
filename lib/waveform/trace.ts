/**
 * A three-component waveform in the D-set's layout, in the spirit of ObsPy's Trace/Stats.
 *
 * Layout "CW": channels x samples, row-major, rows in the stored order (E, N, Z for the D-set: INGV's
 * convention; the paper calls rows 0 and 1 N-S and E-W, which is probably wrong, so rows are labelled as
 * stored). The D-set stores float64 raw counts: 25 s at 100 Hz, P arrival near sample 500.
 */
export interface TraceStats {
  /** Dataset name of the trace, e.g. `NRCA.IV.100759982_EV`. */
  readonly traceName: string;
  /** Station code (the D-set's `receiver_name`). */
  readonly station: string;
  /** Sampling rate in Hz (100 for the D-set). */
  readonly samplingRateHz: number;
  /** Number of channels (rows) and samples per channel. */
  readonly nChannels: number;
  readonly nSamples: number;
  /** Channel labels in row order. */
  readonly channels: readonly string[];
  /** Start time as an ISO string, when known. */
  readonly startTime?: string;
  /** Sample index of the P arrival, when picked (500 in every D-set window: 5 s before P). */
  readonly pArrivalSample?: number;
  /** Processing history, one line per transform (ObsPy's `stats.processing`). */
  readonly processing: readonly string[];
}

/** A waveform: `data` is nChannels x nSamples row-major ("CW"). */
export interface Trace {
  readonly data: Float64Array;
  readonly stats: TraceStats;
  readonly dimensionOrder: "CW";
}

/** Channel order of the D-set's rows. */
export const DSET_CHANNELS: readonly string[] = ["E", "N", "Z"];
/** Samples per channel in the D-set (25 s at 100 Hz). */
export const DSET_SAMPLES = 2500;
/** D-set sampling rate, Hz. */
export const DSET_SAMPLING_RATE_HZ = 100;
/** Sample index of the P arrival in the D-set window (5 s before P). */
export const DSET_P_ARRIVAL_SAMPLE = 500;

/** Duration of a trace in seconds (nSamples / samplingRateHz). */
export function durationS(stats: TraceStats): number {
  return stats.nSamples / stats.samplingRateHz;
}

/** Row `c` of a trace as a zero-copy view. */
export function channel(trace: Trace, c: number): Float64Array {
  const n = trace.stats.nSamples;
  if (c < 0 || c >= trace.stats.nChannels) {
    throw new RangeError(`${trace.stats.traceName}: channel ${c} out of range 0..${trace.stats.nChannels - 1}`);
  }
  return trace.data.subarray(c * n, (c + 1) * n);
}
