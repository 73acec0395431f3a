import { InputError, assertInput } from "../core/errors";
import { SHAP_BLUE, SHAP_RED, withAlpha } from "./colors";
import { definedOnly } from "./options";
import type { Figure, ScatterTrace } from "./figure";
import { assertAscending, assertLength, axis, baseLayout } from "./style";

/** One class's spectrum: a central curve and a spread band, each with one value per frequency. */
export interface ClassSpectrum {
  name: string;
  mean: ArrayLike<number>;
  lower: ArrayLike<number>;
  upper: ArrayLike<number>;
  /** Line colour (defaults: shap's blue, red, then a few distinct colours). */
  color?: string;
}

export interface ClassSpectraPlotInput {
  /** Frequencies in Hz, ascending. */
  freqsHz: ArrayLike<number>;
  perClass: readonly ClassSpectrum[];
  /** Unit of the amplitudes, e.g. "counts·s" for |FFT| / fs of raw counts. */
  amplitudeUnit: string;
  /** @default "Amplitude spectra per class", with the station and the selection distance when the spectra know them */
  title?: string;
  /** The station the spectra were recorded at, and how the events were chosen, for the default title. */
  station?: string;
  selection?: { maxDistanceKm?: number };
  /** What the band shows, for the legend (default "spread"), e.g. "16th–84th percentile". */
  spreadLabel?: string;
  /** Log axes (default true for both, as spectra are usually drawn). */
  logX?: boolean;
  logY?: boolean;
}

const PALETTE = [SHAP_BLUE, SHAP_RED, "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

/**
 * Amplitude spectra of co-located foreshocks and aftershocks at one station (paper Fig. 5, after
 * Laurenti et al. 2024; docs/paper-pipeline.md §4): per class a translucent band between `lower` and `upper`
 * and the central curve, frequency in Hz and amplitude in the caller's unit, log-log by default (on a log
 * axis, non-positive frequencies and amplitudes are left out). Takes the class spectra as computed
 * (`plots.classSpectra(colocatedClassSpectra(...))`), with options for the title and axes.
 */
export function classSpectra(spectra: ClassSpectraPlotInput, options: { title?: string; logX?: boolean; logY?: boolean } = {}): Figure {
  const station = spectra.station === undefined ? "" : ` at ${spectra.station}`;
  const km = spectra.selection?.maxDistanceKm;
  const within = km === undefined ? "" : ` (events within ${km} km of the mainshock)`;
  const input = { ...spectra, ...definedOnly(options), title: options.title ?? spectra.title ?? `Amplitude spectra per class${station}${within}` };
  const where = "plots.classSpectra";
  const n = input.freqsHz.length;
  assertInput(n > 1, where, "freqsHz needs at least two frequencies");
  assertAscending(input.freqsHz, where, "freqsHz");
  assertInput(input.perClass.length > 0, where, "perClass is empty");
  const logX = input.logX ?? true, logY = input.logY ?? true;
  const okX = (f: number): boolean => !logX || f > 0;
  const okY = (v: number): boolean => Number.isFinite(v) && (!logY || v > 0);
  const data: ScatterTrace[] = [];
  let yLo = Infinity, yHi = -Infinity;
  const keepX: number[] = [];
  for (let i = 0; i < n; i++) if (okX(input.freqsHz[i])) keepX.push(i);
  if (keepX.length < 2) throw new InputError(where, "fewer than two frequencies can be drawn (log x axis needs f > 0)");
  input.perClass.forEach((cls, k) => {
    assertLength(cls.mean, n, where, `perClass[${k}].mean`);
    assertLength(cls.lower, n, where, `perClass[${k}].lower`);
    assertLength(cls.upper, n, where, `perClass[${k}].upper`);
    const colour = cls.color ?? PALETTE[k % PALETTE.length];
    const bandX: number[] = [], bandY: number[] = [];
    for (const i of keepX) {
      if (okY(cls.upper[i]) && okY(cls.lower[i])) {
        bandX.push(input.freqsHz[i]);
        bandY.push(cls.upper[i]);
      }
    }
    for (let j = keepX.length - 1; j >= 0; j--) {
      const i = keepX[j];
      if (okY(cls.upper[i]) && okY(cls.lower[i])) {
        bandX.push(input.freqsHz[i]);
        bandY.push(cls.lower[i]);
      }
    }
    for (const v of bandY) {
      yLo = Math.min(yLo, v);
      yHi = Math.max(yHi, v);
    }
    const meanY = keepX.map((i) => (okY(cls.mean[i]) ? cls.mean[i] : null));
    for (const v of meanY) if (v !== null) {
      yLo = Math.min(yLo, v);
      yHi = Math.max(yHi, v);
    }
    data.push({
      type: "scatter",
      mode: "lines",
      name: `${cls.name} (${input.spreadLabel ?? "spread"})`,
      x: bandX,
      y: bandY,
      fill: "toself",
      fillcolor: withAlpha(colour, 0.2),
      line: { color: colour, width: 0 },
      hoverinfo: "skip",
    });
    data.push({
      type: "scatter",
      mode: "lines",
      name: cls.name,
      x: keepX.map((i) => input.freqsHz[i]),
      y: meanY,
      line: { color: colour, width: 2 },
      hovertemplate: `${cls.name}<br>%{x:.2f} Hz<br>%{y:.4g} ${input.amplitudeUnit}<extra></extra>`,
    });
  });
  assertInput(yHi >= yLo, where, "no amplitude can be drawn (a log y axis needs positive values)");
  const fLo = input.freqsHz[keepX[0]], fHi = input.freqsHz[keepX[keepX.length - 1]];
  const xRange: [number, number] = logX ? [Math.log10(fLo), Math.log10(fHi)] : [fLo, fHi];
  const yRange: [number, number] = logY
    ? [Math.log10(yLo) - 0.05 * (Math.log10(yHi) - Math.log10(yLo) || 1), Math.log10(yHi) + 0.05 * (Math.log10(yHi) - Math.log10(yLo) || 1)]
    : [yLo - 0.05 * (yHi - yLo || 1), yHi + 0.05 * (yHi - yLo || 1)];
  const layout = baseLayout(input.title, 750, 500, { l: 85, r: 30, t: 60, b: 65 });
  layout.xaxis = axis("Frequency (Hz)", { type: logX ? "log" : "linear", range: xRange, showgrid: true, gridcolor: "#eeeeee" });
  layout.yaxis = axis(`Amplitude (${input.amplitudeUnit})`, { type: logY ? "log" : "linear", range: yRange, showgrid: true, gridcolor: "#eeeeee" });
  layout.showlegend = true;
  layout.legend = { x: 0.02, y: 0.02, xanchor: "left", yanchor: "bottom", bgcolor: "rgba(255,255,255,0.85)" };
  return { data, layout };
}
