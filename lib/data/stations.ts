/**
 * The nine INGV stations of the D-set (docs/paper-pipeline.md section 1): real coordinates and the real numbers
 * of usable traces per period, which the generator's "paper" scale reproduces.
 */

/** One station of the D-set. */
export interface DSetStation {
  /** Station code, the CSV's `receiver_name`. */
  readonly code: string;
  /** Network code, the CSV's `network_code`. */
  readonly network: "IV";
  readonly latitudeDeg: number;
  readonly longitudeDeg: number;
  readonly elevationM: number;
  /** Usable traces in the real D-set, before the Visso shock (foreshocks). */
  readonly nTracesPre: number;
  /** Usable traces in the real D-set, after the Norcia mainshock (aftershocks). */
  readonly nTracesPost: number;
}

/** The nine stations in the order of docs/paper-pipeline.md section 1 (NRCA, the paper's single-station case, first). */
export const DSET_STATIONS: readonly DSetStation[] = [
  { code: "NRCA", network: "IV", latitudeDeg: 42.83355, longitudeDeg: 13.11427, elevationM: 927, nTracesPre: 4599, nTracesPost: 3628 },
  { code: "MMO1", network: "IV", latitudeDeg: 42.899333, longitudeDeg: 13.326833, elevationM: 957, nTracesPre: 4446, nTracesPost: 4986 },
  { code: "MC2", network: "IV", latitudeDeg: 42.911418, longitudeDeg: 13.188976, elevationM: 2, nTracesPre: 4611, nTracesPost: 2804 },
  { code: "FDMO", network: "IV", latitudeDeg: 43.0365, longitudeDeg: 13.0873, elevationM: 550, nTracesPre: 4328, nTracesPost: 5107 },
  { code: "T1212", network: "IV", latitudeDeg: 42.751556, longitudeDeg: 13.044636, elevationM: 869, nTracesPre: 4635, nTracesPost: 5133 },
  { code: "T1213", network: "IV", latitudeDeg: 42.724918, longitudeDeg: 13.125775, elevationM: 860, nTracesPre: 3206, nTracesPost: 4588 },
  { code: "T1214", network: "IV", latitudeDeg: 42.759537, longitudeDeg: 13.208697, elevationM: 1490, nTracesPre: 4557, nTracesPost: 5132 },
  { code: "T1216", network: "IV", latitudeDeg: 42.890667, longitudeDeg: 13.019, elevationM: 620, nTracesPre: 4320, nTracesPost: 5132 },
  { code: "T1244", network: "IV", latitudeDeg: 42.75697, longitudeDeg: 13.29779, elevationM: 950, nTracesPre: 3932, nTracesPost: 4317 },
];

/** Traces in the real D-set: the sum of the per-station counts above. */
export const DSET_TOTAL_TRACES = 79461;
/** Usable traces in the real D-set: the total less the seven traces with only one or two rows. */
export const DSET_USABLE_TRACES = 79454;

/** The station with code `code`, or undefined. */
export function findStation(code: string): DSetStation | undefined {
  return DSET_STATIONS.find((s) => s.code === code);
}
