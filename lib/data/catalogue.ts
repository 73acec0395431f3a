/**
 * A seeded synthetic earthquake catalogue of the 2016 Norcia sequence, one per period, shared by all
 * stations (the same source_id is recorded at several stations, as in the real D-set).
 *
 * - Origin times: Omori-Utsu decay with p = 1 and c = 0.05 day (Utsu 1961) after the shock that opens each
 *   period (`PERIOD_TIME_RANGES`), drawn by inverting the cumulative rate, rounded to whole seconds.
 * - Epicentres: a Gaussian cluster around the Norcia mainshock (42.83603 N, 13.12131 E), elongated along
 *   the N155E strike of the Mt Vettore - Mt Bove fault system (sigma 7 km along strike, 2.5 km across).
 * - Depths: normal, mean 7.5 km, sigma 2.5 km, truncated to 2-12 km.
 * - Magnitudes: Gutenberg-Richter with b = 1 on 0.5-4.5 (Gutenberg & Richter 1944), reported as ML to one
 *   decimal like INGV's catalogue.
 * - Stress drop: log-normal per event with the period's median (`NORCIA_MODEL`).
 * Values are rounded as the CSV writes them (4 decimals of a degree, 0.1 km, 0.1 magnitude unit) and the
 * rounded values drive the physics, so the CSV describes the waveforms exactly.
 *
 * Utsu, T. (1961) A statistical study on the occurrence of aftershocks, Geophys. Mag. 30, 521-605.
 * Gutenberg, B. & Richter, C. F. (1944) Bull. Seismol. Soc. Am. 34, 185-188.
 */
import { Rng } from "../core/rng";
import { InputError } from "../core/errors";
import { DSetPeriod, NORCIA_SEQUENCE, PERIOD_TIME_RANGES } from "./sequence";
import { NORCIA_MODEL } from "./physics";
import { offsetDeg } from "./geo";

/** One synthetic event. */
export interface CatalogueEvent {
  /** The CSV's source_id (digits, unique across periods). */
  readonly sourceId: string;
  readonly period: DSetPeriod;
  /** Origin time, ms since the Unix epoch (UTC), whole seconds. */
  readonly originTimeMs: number;
  readonly latitudeDeg: number;
  readonly longitudeDeg: number;
  readonly depthKm: number;
  /** ML, one decimal. */
  readonly magnitude: number;
  /** Stress drop, bar (not in the CSV: a hidden source parameter). */
  readonly stressDropBar: number;
}

/** Options of `generateNorciaCatalogue`. */
export interface CatalogueOptions {
  readonly seed: number;
  readonly period: DSetPeriod;
  readonly nEvents: number;
}

const B_VALUE = 1;
const MAGNITUDE_RANGE: readonly [number, number] = [0.5, 4.5];
const STRIKE_DEG = 155;
const SIGMA_ALONG_KM = 7;
const SIGMA_ACROSS_KM = 2.5;
const DEPTH_MEAN_KM = 7.5;
const DEPTH_SIGMA_KM = 2.5;
const DEPTH_RANGE_KM: readonly [number, number] = [2, 12];
const OMORI_C_DAYS = 0.05;
const DAY_MS = 86_400_000;
/** First digits of source ids per period, keeping ids unique across periods. */
const SOURCE_ID_BASE: Readonly<Record<DSetPeriod, number>> = { pre: 70_000_000, visso: 71_000_000, post: 72_000_000 };

/** Samples a magnitude from the truncated Gutenberg-Richter law (inverse of the cumulative distribution). */
export function sampleGutenbergRichter(rng: Rng, bValue = B_VALUE, range: readonly [number, number] = MAGNITUDE_RANGE): number {
  const span = 1 - 10 ** (-bValue * (range[1] - range[0]));
  return range[0] - Math.log10(1 - rng.random() * span) / bValue;
}

/**
 * The catalogue of `period`: `nEvents` events sorted by origin time, with source ids increasing in that
 * order. Same seed, same catalogue; each period draws from its own stream.
 */
export function generateNorciaCatalogue(options: CatalogueOptions): CatalogueEvent[] {
  const { seed, period, nEvents } = options;
  if (!Number.isInteger(nEvents) || nEvents < 0) throw new InputError("generateNorciaCatalogue", `nEvents must be a non-negative integer, got ${nEvents}`);
  const rng = new Rng(`${seed}:catalogue:${period}`);
  const range = PERIOD_TIME_RANGES[period];
  const t0 = Date.parse(range.sequenceStartUtc);
  const a = (Date.parse(range.startUtc) - t0) / DAY_MS + OMORI_C_DAYS;
  const b = (Date.parse(range.endUtc) - t0) / DAY_MS + OMORI_C_DAYS;
  const strike = (STRIKE_DEG * Math.PI) / 180;
  const main = NORCIA_SEQUENCE.mainshock;
  const drafts: Omit<CatalogueEvent, "sourceId">[] = [];
  for (let i = 0; i < nEvents; i++) {
    // Omori-Utsu with p = 1: the cumulative rate is log(t + c), so t + c = a (b/a)^u.
    const days = a * (b / a) ** rng.random() - OMORI_C_DAYS;
    const originTimeMs = Math.min(Date.parse(range.endUtc) - 1000, Math.max(Date.parse(range.startUtc), Math.round((t0 + days * DAY_MS) / 1000) * 1000));
    const along = rng.normal(0, SIGMA_ALONG_KM);
    const across = rng.normal(0, SIGMA_ACROSS_KM);
    const north = along * Math.cos(strike) - across * Math.sin(strike);
    const east = along * Math.sin(strike) + across * Math.cos(strike);
    const epi = offsetDeg(main.latitudeDeg, main.longitudeDeg, north, east);
    let depthKm: number;
    do depthKm = rng.normal(DEPTH_MEAN_KM, DEPTH_SIGMA_KM);
    while (depthKm < DEPTH_RANGE_KM[0] || depthKm > DEPTH_RANGE_KM[1]);
    const magnitude = Math.round(10 * sampleGutenbergRichter(rng)) / 10;
    const stressDropBar = NORCIA_MODEL.stressDropMedianBar[period] * Math.exp(rng.normal(0, NORCIA_MODEL.stressDropSigmaLn));
    drafts.push({
      period,
      originTimeMs,
      latitudeDeg: round(epi.latitudeDeg, 4),
      longitudeDeg: round(epi.longitudeDeg, 4),
      depthKm: round(depthKm, 1),
      magnitude,
      stressDropBar,
    });
  }
  drafts.sort((x, y) => x.originTimeMs - y.originTimeMs);
  return drafts.map((d, k) => ({ sourceId: String(SOURCE_ID_BASE[period] + k), ...d }));
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
