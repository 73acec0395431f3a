/**
 * The source / path / site model behind the generated Norcia-like traces: the stochastic method of
 * Boore (2003), applied separately to P and S waves and rotated onto three components.
 *
 * Fourier amplitude spectrum of ground velocity (m/s * s) at frequency f (Hz), hypocentral distance R (km):
 *
 *   A(f) = C * M0 / (1 + (f/fc)^2) * 2 pi f * (1/R) * exp(-pi f R / (Q(f) v)) * exp(-pi kappa f) * S(f) * AA(f)
 *
 * - Source: Brune (1970) omega-square spectrum. M0 (dyne-cm) from the magnitude by Hanks & Kanamori (1979),
 *   log10 M0 = 1.5 M + 16.05, with the catalogue's ML taken as Mw (a simplification: for small events ML and Mw
 *   scale differently, Deichmann 2006, which only changes the amplitude-magnitude slope). Corner frequency
 *   fc = 4.9e6 * beta * (dsigma / M0)^(1/3) (beta in km/s, dsigma in bar; Boore 2003 eq. 4); P corners are
 *   1.5 times the S corner (Madariaga 1976). Stress drop dsigma: log-normal per event (see `NORCIA_MODEL`).
 * - C = R_rad * F * V / (4 pi rho v^3 R0) (Boore 2003 eq. 3): radiation 0.55 (S) / 0.52 (P) times a
 *   log-normal factor per source-station pair, free surface F = 2, partition V = 1/sqrt(2), rho = 2.8 g/cm3,
 *   v = vS or vP, R0 = 1 km; the result is converted from cm to m.
 * - Path: geometric spreading 1/R; anelastic attenuation with Q(f) = 120 f^0.55 for both wave types.
 * - Site: kappa (Anderson & Hough 1984) and an amplification peak of HVSR shape, 1 + (a - 1) exp(-ln(f/f0)^2 /
 *   (2 w^2)), per station (`STATION_SITE_MODELS`); the same resonance shapes the station's ambient noise,
 *   as HVSR measurements rely on.
 * - Instrument: flat to ground velocity with a digitiser anti-alias roll-off AA(f) = 1/sqrt(1 + (f/40)^16);
 *   counts = velocity * gain (counts per m/s, per station), rounded to integers like raw digitiser output.
 * - Time series (Boore 2003 section "stochastic method"): Gaussian noise shaped by an envelope is normalised
 *   to unit mean-square Fourier amplitude and multiplied by A(f). Envelopes rise at the phase onset (P at
 *   sample 500 exactly; S at 500 + R (1/vS - 1/vP) * 100 samples, vP = 5.8, vS = 3.35 km/s), last the source
 *   plus path duration 1/fc + 0.05 R s (S; 1/fcP + 0.02 R for P) and decay exponentially as coda with time
 *   constant 0.6 * 10^(0.25 M) s. Nothing reaches a component before its onset.
 * - Components: P arrives at incidence iP (10-30 deg) in the radial-vertical plane (so P is strongest on Z),
 *   S is split into SV (radial, with a small vertical part, incidence 10-25 deg) and SH (transverse) by a
 *   random angle, plus an independent scattered coda on each component at half the S level. Radial and
 *   transverse are rotated to E and N with the source-to-station azimuth; rows are stored E, N, Z.
 * - Noise: per component, white Gaussian noise shaped by a floor, an ocean microseism peak at 0.2 Hz, a
 *   station "cultural" band, the site resonance and the anti-alias filter, scaled to the station's RMS in
 *   counts (horizontals 1.3 times the vertical) times a log-normal factor per trace (sigma 0.3).
 *
 * Foreshocks versus aftershocks (the documented change the classifier has to find):
 * 1. After the Mw 6.5 mainshock, events in the damaged fault zone have a lower stress drop (median 18 bar
 *    instead of 30): corner frequencies fall by about 16 %, the same everywhere.
 * 2. The shallow crust under each station changed differently: seismic velocities dropped after the mainshock
 *    (Brenguier et al. 2008; Wu, Peng & Ben-Zion 2009 on site-response changes after strong shaking), so each
 *    station's resonance frequency falls by a station-specific 9-17 %, and the near-site attenuation kappa
 *    grows at some stations (damage) and falls at others (fluid saturation, compaction): Delta kappa from
 *    -0.012 to +0.015 s. At NRCA aftershocks lose energy at 33-40 Hz (resonance 36 -> 30 Hz and
 *    kappa +0.012 s); elsewhere the cue sits at other frequencies and its high-frequency direction differs,
 *    so a model trained on NRCA alone does not transfer (as in the paper) while one trained on all stations
 *    can learn every station's cue. Overall amplitude is not a cue: the spectrogram images are min-max
 *    normalised per channel.
 * The visso period uses the pre-mainshock state.
 *
 * References: Boore, D. M. (2003) Simulation of ground motion using the stochastic method, Pure Appl.
 * Geophys. 160, 635-676. Brune, J. N. (1970) J. Geophys. Res. 75, 4997-5009. Hanks, T. C. & Kanamori, H.
 * (1979) J. Geophys. Res. 84, 2348-2350. Anderson, J. G. & Hough, S. E. (1984) Bull. Seismol. Soc. Am. 74,
 * 1969-1993. Madariaga, R. (1976) Bull. Seismol. Soc. Am. 66, 639-666. Deichmann, N. (2006) Bull. Seismol.
 * Soc. Am. 96, 1267-1277. Brenguier, F. et al. (2008) Science 321, 1478-1481. Wu, C., Peng, Z. & Ben-Zion, Y.
 * (2009) Geophys. J. Int. 176, 265-278.
 */
import FFT from "fft.js";
import { Rng } from "../core/rng";
import { InputError } from "../core/errors";
import { DSET_P_ARRIVAL_SAMPLE, DSET_SAMPLES, DSET_SAMPLING_RATE_HZ } from "../waveform/trace";
import { DSetPeriod } from "./sequence";

/** Parameters of the model shared by all stations (units in the names). */
export const NORCIA_MODEL = {
  vpKmS: 5.8,
  vsKmS: 3.35,
  densityGCm3: 2.8,
  radiationS: 0.55,
  radiationP: 0.52,
  /** Log-normal scatter of the radiation factor per source-station pair (natural log). */
  radiationSigmaLn: 0.25,
  freeSurface: 2,
  partition: Math.SQRT1_2,
  /** Q(f) = q0 * f^qExponent. */
  q0: 120,
  qExponent: 0.55,
  /** Median stress drop (bar) per period: lower after the mainshock. */
  stressDropMedianBar: { pre: 30, visso: 30, post: 18 } as Readonly<Record<DSetPeriod, number>>,
  /** Log-normal scatter of the stress drop per event (natural log). */
  stressDropSigmaLn: 0.35,
  /** P corner frequency over S corner frequency. */
  pCornerRatio: 1.5,
  /** Path duration per km for S and P (s/km). */
  sPathDurationSPerKm: 0.05,
  pPathDurationSPerKm: 0.02,
  /** Coda decay time constant: codaTauScaleS * 10^(codaTauMagnitudeSlope * M). */
  codaTauScaleS: 0.6,
  codaTauMagnitudeSlope: 0.25,
  /** Scattered coda level relative to the direct S spectrum. */
  scatteredCodaLevel: 0.5,
  /** P incidence angle range (deg) and S incidence angle range (deg). */
  pIncidenceDeg: [10, 30] as readonly [number, number],
  sIncidenceDeg: [10, 25] as readonly [number, number],
  /** Anti-alias corner (Hz) and Butterworth-like order of the digitiser. */
  antiAliasHz: 40,
  antiAliasOrder: 8,
  /** Log-normal scatter of the noise level per trace (natural log). */
  noiseSigmaLn: 0.3,
  /** Horizontal noise over vertical noise. */
  horizontalNoiseRatio: 1.3,
} as const;

/** State of the ground under a station in one period. */
export interface SiteState {
  /** Near-site attenuation kappa, s. */
  readonly kappaS: number;
  /** Frequency of the site's amplification peak, Hz. */
  readonly resonanceHz: number;
  /** Amplification at the peak (1 = none). */
  readonly resonanceAmplification: number;
}

/** What the model knows about one station: instrument, noise and site before and after the mainshock. */
export interface StationSiteModel {
  readonly code: string;
  /** Sensor and digitiser gain, counts per m/s. */
  readonly gainCountsPerMps: number;
  /** RMS of the vertical background noise, counts. */
  readonly noiseRmsCounts: number;
  /** Centre of the station's cultural-noise band, Hz, and its level relative to the noise floor. */
  readonly culturalNoiseHz: number;
  readonly culturalNoiseLevel: number;
  /** Width of the resonance peak in natural-log frequency units. */
  readonly resonanceLogWidth: number;
  /** Before the Norcia mainshock (used for pre and visso). */
  readonly pre: SiteState;
  /** After the Norcia mainshock. */
  readonly post: SiteState;
}

/**
 * Per-station parameters (model choices, not measurements). Kappa values and resonance frequencies lie in the
 * ranges reported for rock and stiff-soil stations; the post states encode the foreshock/aftershock change
 * described above: resonance drops of 9-17 % and kappa changes whose sign varies by station.
 */
export const STATION_SITE_MODELS: Readonly<Record<string, StationSiteModel>> = Object.fromEntries(
  (
    [
      // code, gain, noise, cultural Hz, cultural level, width, pre [kappa, f0, amp], post [kappa, f0, amp]
      ["NRCA", 6.0e8, 10, 6, 2.0, 0.16, [0.025, 36, 3.5], [0.037, 30, 3.2]],
      ["MMO1", 5.0e8, 6, 3, 1.0, 0.18, [0.03, 9.0, 3.0], [0.022, 8.0, 3.0]],
      ["MC2", 4.5e8, 14, 12, 3.0, 0.2, [0.035, 5.0, 4.0], [0.05, 4.5, 4.0]],
      ["FDMO", 5.5e8, 5, 8, 1.0, 0.16, [0.02, 22, 2.5], [0.01, 19.5, 2.5]],
      ["T1212", 5.0e8, 9, 4, 1.5, 0.16, [0.03, 14, 3.0], [0.036, 12, 3.0]],
      ["T1213", 5.0e8, 8, 10, 1.5, 0.16, [0.028, 27, 3.0], [0.016, 24, 3.0]],
      ["T1214", 5.0e8, 6, 2.5, 1.0, 0.18, [0.022, 11, 2.5], [0.032, 9.8, 2.5]],
      ["T1216", 5.0e8, 8, 5, 1.5, 0.14, [0.026, 42, 3.0], [0.02, 38, 3.0]],
      ["T1244", 5.0e8, 7, 7, 1.0, 0.16, [0.03, 17, 3.0], [0.038, 15, 3.0]],
    ] as const
  ).map(([code, gain, noise, culturalHz, culturalLevel, width, pre, post]) => [
    code,
    {
      code,
      gainCountsPerMps: gain,
      noiseRmsCounts: noise,
      culturalNoiseHz: culturalHz,
      culturalNoiseLevel: culturalLevel,
      resonanceLogWidth: width,
      pre: { kappaS: pre[0], resonanceHz: pre[1], resonanceAmplification: pre[2] },
      post: { kappaS: post[0], resonanceHz: post[1], resonanceAmplification: post[2] },
    },
  ]),
);

/** The site model of station `code`; an `InputError` for a station the model does not know. */
export function stationSiteModel(code: string): StationSiteModel {
  const m = STATION_SITE_MODELS[code];
  if (!m) throw new InputError(`station ${code}`, `no site model (known: ${Object.keys(STATION_SITE_MODELS).join(", ")})`);
  return m;
}

/** The site state of `model` in `period` (visso uses the pre-mainshock state). */
export function siteStateFor(model: StationSiteModel, period: DSetPeriod): SiteState {
  return period === "post" ? model.post : model.pre;
}

/** Seismic moment in dyne-cm from moment magnitude (Hanks & Kanamori 1979). */
export function seismicMomentDyneCm(magnitude: number): number {
  return 10 ** (1.5 * magnitude + 16.05);
}

/** Brune corner frequency in Hz: 4.9e6 * beta * (stressDrop / M0)^(1/3), beta km/s, bar, dyne-cm (Boore 2003 eq. 4). */
export function bruneCornerFrequencyHz(momentDyneCm: number, stressDropBar: number, betaKmS: number = NORCIA_MODEL.vsKmS): number {
  return 4.9e6 * betaKmS * Math.cbrt(stressDropBar / momentDyneCm);
}

/** Site amplification at `freqHz`: 1 + (a - 1) exp(-ln(f/f0)^2 / (2 w^2)) (an HVSR-shaped peak). */
export function siteAmplification(freqHz: number, site: SiteState, logWidth: number): number {
  if (freqHz <= 0) return 1;
  const x = Math.log(freqHz / site.resonanceHz) / logWidth;
  return 1 + (site.resonanceAmplification - 1) * Math.exp(-0.5 * x * x);
}

/** Digitiser anti-alias response magnitude at `freqHz`. */
export function antiAliasResponse(freqHz: number): number {
  return 1 / Math.sqrt(1 + (freqHz / NORCIA_MODEL.antiAliasHz) ** (2 * NORCIA_MODEL.antiAliasOrder));
}

/** Anelastic quality factor Q(f) = q0 f^eta (floored at 0.1 Hz to stay finite at f = 0). */
export function qualityFactor(freqHz: number): number {
  return NORCIA_MODEL.q0 * Math.max(freqHz, 0.1) ** NORCIA_MODEL.qExponent;
}

/** One wave type's inputs to the Fourier amplitude spectrum. */
export interface SpectrumInputs {
  readonly momentDyneCm: number;
  readonly cornerHz: number;
  readonly distanceKm: number;
  /** Wave speed along the path, km/s. */
  readonly velocityKmS: number;
  /** Radiation coefficient times any per-pair factor. */
  readonly radiation: number;
  readonly site: SiteState;
  readonly siteLogWidth: number;
}

/**
 * Fourier amplitude of ground velocity (m/s * s) at `freqHz` (the formula in the file comment), without the
 * instrument gain.
 */
export function velocityFourierAmplitude(freqHz: number, p: SpectrumInputs): number {
  const source = p.momentDyneCm / (1 + (freqHz / p.cornerHz) ** 2);
  const path = Math.exp(-p.distanceKm * pathAttenuationPerKm(freqHz, p.velocityKmS)) / p.distanceKm;
  return spectrumConstant(p.radiation, p.velocityKmS) * source * path * siteAndInstrument(freqHz, p.site, p.siteLogWidth);
}

/** C of Boore (2003) eq. 3 with the cm -> m conversion: (m/s * s) per (dyne-cm) at 1 km. */
function spectrumConstant(radiation: number, velocityKmS: number): number {
  const m = NORCIA_MODEL;
  const vCmS = velocityKmS * 1e5;
  return ((radiation * m.freeSurface * m.partition) / (4 * Math.PI * m.densityGCm3 * vCmS ** 3 * 1e5)) * 0.01;
}

/** Exponent of anelastic attenuation per km of path: pi f / (Q(f) v). */
function pathAttenuationPerKm(freqHz: number, velocityKmS: number): number {
  return (Math.PI * freqHz) / (qualityFactor(freqHz) * velocityKmS);
}

/** The frequency factors that do not depend on the event: 2 pi f (velocity), kappa, site, anti-alias. */
function siteAndInstrument(freqHz: number, site: SiteState, logWidth: number): number {
  return 2 * Math.PI * freqHz * Math.exp(-Math.PI * site.kappaS * freqHz) * siteAmplification(freqHz, site, logWidth) * antiAliasResponse(freqHz);
}

/** The earthquake and geometry of one trace. */
export interface TraceSource {
  /** Catalogue magnitude (treated as Mw). */
  readonly magnitude: number;
  /** Event stress drop, bar. */
  readonly stressDropBar: number;
  /** Hypocentral distance, km. */
  readonly hypocentralDistanceKm: number;
  /** Azimuth from the source to the station, degrees clockwise from north. */
  readonly azimuthDeg: number;
}

/** Switches for tests: leave out the noise or the earthquake, keep unrounded values. */
export interface SynthesisOptions {
  /** Add station background noise. @default true */
  readonly includeNoise?: boolean;
  /** Add the earthquake. @default true */
  readonly includeSignal?: boolean;
  /** Round to integer counts like a digitiser. @default true */
  readonly roundToCounts?: boolean;
}

/** S-P time in seconds at hypocentral distance `distanceKm`. */
export function sMinusPTimeS(distanceKm: number): number {
  return distanceKm * (1 / NORCIA_MODEL.vsKmS - 1 / NORCIA_MODEL.vpKmS);
}

/** P travel time in seconds (the CSV's p_travel_sec) at hypocentral distance `distanceKm`. */
export function pTravelTimeS(distanceKm: number): number {
  return distanceKm / NORCIA_MODEL.vpKmS;
}

const N_FFT = 4096;
const DT_S = 1 / DSET_SAMPLING_RATE_HZ;
const DF_HZ = DSET_SAMPLING_RATE_HZ / N_FFT;
const N_BINS = N_FFT / 2 + 1;

/**
 * Synthesises D-set traces (3 x 2500 counts, rows E, N, Z, P at sample 500) with the model above. Holds FFT
 * work buffers, so reuse one instance for many traces; it is not safe to share between concurrent callers.
 */
export class WaveformSynthesizer {
  private readonly fft = new FFT(N_FFT);
  private readonly real = new Float64Array(N_FFT);
  private readonly spec = new Float64Array(2 * N_FFT);
  private readonly out = new Float64Array(2 * N_FFT);
  private readonly envelope = new Float64Array(N_FFT);
  private readonly ampP = new Float64Array(N_BINS);
  private readonly ampS = new Float64Array(N_BINS);
  private readonly noiseShapes = new Map<string, { shape: Float64Array; rmsPerUnit: number }>();
  private readonly siteFactors = new Map<string, Float64Array>();
  private readonly gauss = new GaussianStream();
  private readonly freqsHz = Float64Array.from({ length: N_BINS }, (_, k) => k * DF_HZ);
  private readonly attenuationP = this.freqsHz.map((f) => pathAttenuationPerKm(f, NORCIA_MODEL.vpKmS));
  private readonly attenuationS = this.freqsHz.map((f) => pathAttenuationPerKm(f, NORCIA_MODEL.vsKmS));

  /**
   * One trace: `source` recorded at the station of `model` in `period`, random draws from `rng` (pass a
   * generator seeded for this trace so traces do not depend on generation order). Returns a new
   * Float64Array of 3 x 2500 row-major ("CW", rows E, N, Z) in counts.
   */
  synthesize(source: TraceSource, model: StationSiteModel, period: DSetPeriod, rng: Rng, options: SynthesisOptions = {}): Float64Array {
    const m = NORCIA_MODEL;
    const includeNoise = options.includeNoise ?? true;
    const includeSignal = options.includeSignal ?? true;
    const roundToCounts = options.roundToCounts ?? true;
    const R = source.hypocentralDistanceKm;
    if (!(R > 0) || !Number.isFinite(source.magnitude) || !(source.stressDropBar > 0)) {
      throw new InputError("synthesize", `bad source: magnitude ${source.magnitude}, stress drop ${source.stressDropBar} bar, distance ${R} km`);
    }
    const nS = DSET_SAMPLES;
    const trace = new Float64Array(3 * nS);

    // Draws in a fixed order, so a trace depends only on its own generator.
    const radiationFactorP = Math.exp(rng.normal(0, m.radiationSigmaLn));
    const radiationFactorS = Math.exp(rng.normal(0, m.radiationSigmaLn));
    const incidenceP = (rng.uniform(m.pIncidenceDeg[0], m.pIncidenceDeg[1]) * Math.PI) / 180;
    const incidenceS = (rng.uniform(m.sIncidenceDeg[0], m.sIncidenceDeg[1]) * Math.PI) / 180;
    const shSvAngle = rng.uniform(0, Math.PI / 2);
    const noiseFactor = Math.exp(rng.normal(0, m.noiseSigmaLn));
    this.gauss.reset(rng);

    if (includeSignal) {
      const moment = seismicMomentDyneCm(source.magnitude);
      const fcS = bruneCornerFrequencyHz(moment, source.stressDropBar, m.vsKmS);
      const fcP = m.pCornerRatio * fcS;
      // velocityFourierAmplitude, with the event-independent factors cached per station and period.
      const site = this.siteFactor(model, period);
      const constP = (spectrumConstant(m.radiationP * radiationFactorP, m.vpKmS) * moment) / R;
      const constS = (spectrumConstant(m.radiationS * radiationFactorS, m.vsKmS) * moment) / R;
      for (let k = 0; k < N_BINS; k++) {
        const f = this.freqsHz[k];
        this.ampP[k] = (constP * site[k] * Math.exp(-R * this.attenuationP[k])) / (1 + (f / fcP) ** 2);
        this.ampS[k] = (constS * site[k] * Math.exp(-R * this.attenuationS[k])) / (1 + (f / fcS) ** 2);
      }
      const codaTauS = m.codaTauScaleS * 10 ** (m.codaTauMagnitudeSlope * source.magnitude);
      const durationP = 1 / fcP + m.pPathDurationSPerKm * R;
      const durationS = 1 / fcS + m.sPathDurationSPerKm * R;
      const onsetP = DSET_P_ARRIVAL_SAMPLE;
      const onsetS = DSET_P_ARRIVAL_SAMPLE + Math.round(sMinusPTimeS(R) * DSET_SAMPLING_RATE_HZ);
      const onsetCoda = onsetS + Math.round(durationS * DSET_SAMPLING_RATE_HZ);

      this.fillEnvelope(onsetP, 0.02, durationP, 0.5 * codaTauS);
      const p = this.shapedSeries(this.ampP, 1);
      this.fillEnvelope(onsetS, Math.min(0.3, 0.3 * durationS), durationS, codaTauS);
      const sv = this.shapedSeries(this.ampS, Math.cos(shSvAngle));
      const sh = this.shapedSeries(this.ampS, Math.sin(shSvAngle));
      this.fillEnvelope(onsetCoda, 0.3, 0, codaTauS);
      const coda = [0, 1, 2].map(() => this.shapedSeries(this.ampS, m.scatteredCodaLevel));

      const az = (source.azimuthDeg * Math.PI) / 180;
      const [sinAz, cosAz] = [Math.sin(az), Math.cos(az)];
      const gain = model.gainCountsPerMps;
      for (let i = 0; i < nS; i++) {
        const radial = p[i] * Math.sin(incidenceP) + sv[i] * Math.cos(incidenceS);
        const vertical = p[i] * Math.cos(incidenceP) + sv[i] * Math.sin(incidenceS);
        const transverse = sh[i];
        trace[i] = gain * (radial * sinAz + transverse * cosAz + coda[0][i]);
        trace[nS + i] = gain * (radial * cosAz - transverse * sinAz + coda[1][i]);
        trace[2 * nS + i] = gain * (vertical + coda[2][i]);
      }
    }
    if (includeNoise) {
      const { shape, rmsPerUnit } = this.noiseShape(model, period);
      for (let c = 0; c < 3; c++) {
        const target = model.noiseRmsCounts * noiseFactor * (c < 2 ? m.horizontalNoiseRatio : 1);
        const noise = this.filteredWhiteNoise(shape, target / rmsPerUnit);
        for (let i = 0; i < nS; i++) trace[c * nS + i] += noise[i];
      }
    }
    if (roundToCounts) for (let i = 0; i < trace.length; i++) trace[i] = Math.round(trace[i]);
    return trace;
  }

  /** Envelope: zero before `onset` (samples), linear rise over `riseS`, flat for `durationS`, then exp(-t/tau). */
  private fillEnvelope(onset: number, riseS: number, durationS: number, tauS: number): void {
    const env = this.envelope;
    env.fill(0);
    const rise = Math.max(1, riseS * DSET_SAMPLING_RATE_HZ);
    const flatEnd = rise + durationS * DSET_SAMPLING_RATE_HZ;
    const tau = tauS * DSET_SAMPLING_RATE_HZ;
    // Leave the last quarter of the FFT frame empty so the shaping filter cannot wrap the tail onto the start.
    const end = N_FFT - N_FFT / 4;
    for (let i = onset; i < end; i++) {
      const t = i - onset;
      env[i] = t < rise ? (t + 1) / rise : t < flatEnd ? 1 : Math.exp(-(t - flatEnd) / tau);
    }
  }

  /**
   * Boore's step: Gaussian noise times the current envelope, normalised to unit mean-square Fourier
   * amplitude, times `amplitude` (per frequency bin) and `scale`; returns the first 2500 samples (a view of a
   * fresh array), zero before the envelope's onset.
   */
  private shapedSeries(amplitude: Float64Array, scale: number): Float64Array {
    const env = this.envelope;
    let onset = -1;
    let sumW2 = 0;
    for (let i = 0; i < N_FFT; i++) {
      const w = env[i];
      if (w > 0) {
        if (onset < 0) onset = i;
        this.real[i] = w * this.gauss.next();
        sumW2 += w * w;
      } else {
        this.real[i] = 0;
      }
    }
    const result = new Float64Array(DSET_SAMPLES);
    if (onset < 0 || onset >= DSET_SAMPLES) return result;
    // E|X_k|^2 = dt^2 sum w^2 for X_k = dt * DFT; dividing by its root and multiplying by the target amplitude,
    // then inverting with df = 1 / (N dt), gives a series whose Fourier amplitude is `amplitude` on average.
    const factor = scale / (DT_S * Math.sqrt(sumW2));
    const series = this.filter(amplitude, factor);
    for (let i = onset; i < DSET_SAMPLES; i++) result[i] = series[i];
    // A three-sample taper removes the step left where the filter's spread before the onset was cut off.
    for (let j = 0; j < 3 && onset + j < DSET_SAMPLES; j++) result[onset + j] *= (j + 1) / 4;
    return result;
  }

  /** Real FFT of `this.real`, multiply bin k (and its mirror) by amplitude[k] * factor, inverse; real part. */
  private filter(amplitude: Float64Array, factor: number): Float64Array {
    const spec = this.spec;
    const out = this.out;
    this.fft.realTransform(spec, this.real);
    this.fft.completeSpectrum(spec);
    for (let k = 0; k < N_FFT; k++) {
      const g = amplitude[k <= N_FFT / 2 ? k : N_FFT - k] * factor;
      spec[2 * k] *= g;
      spec[2 * k + 1] *= g;
    }
    this.fft.inverseTransform(out, spec);
    const series = this.real;
    for (let i = 0; i < N_FFT; i++) series[i] = out[2 * i];
    return series;
  }

  /** Background noise: white Gaussian noise through the station's noise shape, scaled by `factor`. */
  private filteredWhiteNoise(shape: Float64Array, factor: number): Float64Array {
    for (let i = 0; i < N_FFT; i++) this.real[i] = this.gauss.next();
    return this.filter(shape, factor).slice(0, DSET_SAMPLES);
  }

  /** `siteAndInstrument` per frequency bin for a station and period (cached). */
  private siteFactor(model: StationSiteModel, period: DSetPeriod): Float64Array {
    const key = `${model.code}:${period === "post" ? "post" : "pre"}`;
    let cached = this.siteFactors.get(key);
    if (!cached) {
      const site = siteStateFor(model, period);
      cached = this.freqsHz.map((f) => siteAndInstrument(f, site, model.resonanceLogWidth));
      this.siteFactors.set(key, cached);
    }
    return cached;
  }

  /** The station's noise amplitude shape per bin and the RMS it gives to unit white noise. */
  private noiseShape(model: StationSiteModel, period: DSetPeriod): { shape: Float64Array; rmsPerUnit: number } {
    const key = `${model.code}:${period === "post" ? "post" : "pre"}`;
    let cached = this.noiseShapes.get(key);
    if (!cached) {
      const site = siteStateFor(model, period);
      const shape = new Float64Array(N_BINS);
      let sum2 = 0;
      for (let k = 0; k < N_BINS; k++) {
        const f = k * DF_HZ;
        if (f < 0.05) continue; // below the sensor's long-period corner
        const micro = Math.log(f / 0.2) / 0.35;
        const cult = Math.log(f / model.culturalNoiseHz) / 0.4;
        const level = 1 + 8 * Math.exp(-0.5 * micro * micro) + model.culturalNoiseLevel * Math.exp(-0.5 * cult * cult);
        shape[k] = level * siteAmplification(f, site, model.resonanceLogWidth) * antiAliasResponse(f);
        sum2 += (k === 0 || k === N_BINS - 1 ? 1 : 2) * shape[k] * shape[k];
      }
      // Filtering unit white noise by a real gain g_k gives variance (1/N) sum_k g_k^2 over all N bins.
      cached = { shape, rmsPerUnit: Math.sqrt(sum2 / N_FFT) };
      this.noiseShapes.set(key, cached);
    }
    return cached;
  }
}

/**
 * Standard normal deviates for the noise series: Box-Muller on 32-bit uniforms from the trace's `Rng`. A
 * synthetic trace needs about 27,000 of them; this costs half of `Rng.normal` (polar method on 53-bit
 * doubles), and 32-bit resolution is ample for noise.
 */
class GaussianStream {
  private rng: Rng | null = null;
  private spare = 0;
  private hasSpare = false;

  /** Starts drawing from `rng` (drops any cached deviate, so each trace depends only on its own stream). */
  reset(rng: Rng): void {
    this.rng = rng;
    this.hasSpare = false;
  }

  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const rng = this.rng as Rng;
    const u1 = (rng.nextUint32() + 1) / 4294967296; // (0, 1]: log stays finite
    const u2 = rng.nextUint32() / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1));
    const a = 2 * Math.PI * u2;
    this.spare = r * Math.sin(a);
    this.hasSpare = true;
    return r * Math.cos(a);
  }
}
