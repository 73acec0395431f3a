/**
 * The 2016 central Italy sequence as the D-set divides it: three periods of one station's recordings,
 * the binary labels of the paper, and the reference shocks (INGV catalogue values, UTC).
 *
 * Timing note: the paper's spec gives the Norcia mainshock as "2016-10-30 07:40:17 UTC"; the shock was at
 * 06:40:17 UTC (07:40:17 CET). Generated aftershocks start after 07:40:17 UTC, after the shock under
 * either reading; the D-set itself labels traces by file, not by time.
 */

/** The D-set's periods: before the Visso shock, between Visso and Norcia, after the Norcia mainshock. */
export type DSetPeriod = "pre" | "visso" | "post";

/** Periods in time order. */
export const DSET_PERIODS: readonly DSetPeriod[] = ["pre", "visso", "post"];

/** Binary label of a period: foreshock (pre) 0, aftershock (post) 1, none for visso (not in the task). */
export function labelOfPeriod(period: DSetPeriod): 0 | 1 | null {
  return period === "pre" ? 0 : period === "post" ? 1 : null;
}

/** True when `s` names a D-set period. */
export function isDSetPeriod(s: string): s is DSetPeriod {
  return s === "pre" || s === "visso" || s === "post";
}

/** A reference shock: origin time (UTC), hypocentre, moment magnitude. */
export interface ReferenceShock {
  readonly name: string;
  readonly originTime: string;
  readonly latitudeDeg: number;
  readonly longitudeDeg: number;
  readonly depthKm: number;
  readonly magnitudeMw: number;
}

/** The shocks that open each period; Amatrice and Visso locations are approximate (only the mainshock's enters any computation). */
export const NORCIA_SEQUENCE = {
  /** Opens the pre period: the Amatrice Mw 6.0 shock. */
  amatrice: { name: "Amatrice", originTime: "2016-08-24T01:36:32Z", latitudeDeg: 42.7, longitudeDeg: 13.23, depthKm: 8, magnitudeMw: 6.0 },
  /** Opens the visso period: the first Visso shock (Mw 5.4; an Mw 5.9 followed at 19:18 UTC). */
  visso: { name: "Visso", originTime: "2016-10-26T17:10:36Z", latitudeDeg: 42.88, longitudeDeg: 13.13, depthKm: 9, magnitudeMw: 5.4 },
  /** Opens the post period: the Norcia Mw 6.5 mainshock (hypocentre of docs/paper-pipeline.md section 1). */
  mainshock: { name: "Norcia", originTime: "2016-10-30T06:40:17Z", latitudeDeg: 42.83603, longitudeDeg: 13.12131, depthKm: 6.104, magnitudeMw: 6.5 },
} as const satisfies Record<string, ReferenceShock>;

/** Origin-time range [startUtc, endUtc) of the generated events of each period (ISO strings, UTC). */
export const PERIOD_TIME_RANGES: Readonly<Record<DSetPeriod, { readonly startUtc: string; readonly endUtc: string; readonly sequenceStartUtc: string }>> = {
  pre: { startUtc: "2016-08-24T01:40:00Z", endUtc: NORCIA_SEQUENCE.visso.originTime, sequenceStartUtc: NORCIA_SEQUENCE.amatrice.originTime },
  visso: { startUtc: "2016-10-26T17:12:00Z", endUtc: NORCIA_SEQUENCE.mainshock.originTime, sequenceStartUtc: NORCIA_SEQUENCE.visso.originTime },
  post: { startUtc: "2016-10-30T07:40:18Z", endUtc: "2017-01-01T00:00:00Z", sequenceStartUtc: NORCIA_SEQUENCE.mainshock.originTime },
};
