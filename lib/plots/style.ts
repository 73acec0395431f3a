import { InputError } from "../core/errors";
import { AXIS_COLOR } from "./colors";
import type { Axis, Layout } from "./figure";
import { FONT_FAMILY } from "./svg-text";

/**
 * The look shared by every figure: shap's matplotlib style (white background, no grid, dark grey axis
 * lines and text, shap-reference.md §D.1) in Plotly terms, plus the input checks the plot functions share.
 * Sizes that shap gives in inches are converted at matplotlib's default 100 dpi.
 */
export const PX_PER_INCH = 100;

/** Pixels per typographic point at `PX_PER_INCH`. */
export const PX_PER_POINT = PX_PER_INCH / 72;

/** A layout with our fonts and colours; axes are added by the caller. */
export function baseLayout(title: string, width: number, height: number, margin: Layout["margin"]): Layout {
  return {
    title: { text: title, font: { size: 16, color: AXIS_COLOR } },
    width: Math.round(width),
    height: Math.round(height),
    margin: { l: Math.round(margin.l), r: Math.round(margin.r), t: Math.round(margin.t), b: Math.round(margin.b) },
    font: { family: FONT_FAMILY, size: 12, color: AXIS_COLOR },
    paper_bgcolor: "#ffffff",
    plot_bgcolor: "#ffffff",
    showlegend: false,
  };
}

/** An axis with a title ("" for none), a visible line and outside ticks (matplotlib's default spine look). */
export function axis(title: string, extra: Partial<Axis> = {}): Axis {
  return {
    ...(title ? { title: { text: title } } : {}),
    showline: true,
    linecolor: AXIS_COLOR,
    ticks: "outside",
    ticklen: 4,
    tickcolor: AXIS_COLOR,
    tickfont: { size: 11, color: AXIS_COLOR },
    showgrid: false,
    zeroline: false,
    ...extra,
  };
}

/** Copies values[start, end) into a plain array (Plotly JSON), turning non-finite values into null (gaps). */
export function toJsonArray(values: ArrayLike<number>, start = 0, end = values.length): Array<number | null> {
  const out = new Array<number | null>(end - start);
  for (let i = start; i < end; i++) out[i - start] = Number.isFinite(values[i]) ? values[i] : null;
  return out;
}

/** Throws unless `values` has exactly `n` elements. */
export function assertLength(values: ArrayLike<unknown>, n: number, where: string, what: string): void {
  if (values.length !== n) throw new InputError(where, `${what} has ${values.length} values, expected ${n}`);
}

/** Throws unless `values` is finite and strictly increasing (axis coordinates). */
export function assertAscending(values: ArrayLike<number>, where: string, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new InputError(where, `${what}[${i}] is ${values[i]}, expected a finite number`);
    if (i > 0 && !(values[i] > values[i - 1])) {
      throw new InputError(where, `${what} must increase strictly: ${what}[${i - 1}] = ${values[i - 1]}, ${what}[${i}] = ${values[i]}`);
    }
  }
}

/** Rows of a row-major `nRows × nCols` array as Plotly's nested `z` (non-finite values become null). */
export function toRows(values: ArrayLike<number>, nRows: number, nCols: number): Array<Array<number | null>> {
  const z: Array<Array<number | null>> = [];
  for (let r = 0; r < nRows; r++) {
    const row = new Array<number | null>(nCols);
    for (let c = 0; c < nCols; c++) {
      const v = values[r * nCols + c];
      row[c] = Number.isFinite(v) ? v : null;
    }
    z.push(row);
  }
  return z;
}

/** Cell edges of evenly or unevenly spaced centres (half a step beyond each end). */
export function edgeRange(centres: ArrayLike<number>): [number, number] {
  const n = centres.length;
  if (n === 1) return [centres[0] - 0.5, centres[0] + 0.5];
  return [centres[0] - (centres[1] - centres[0]) / 2, centres[n - 1] + (centres[n - 1] - centres[n - 2]) / 2];
}

/** Finite min and max of `values` unless given; a flat array gets ±0.5 around its value. */
export function colourLimits(values: ArrayLike<number>, zmin?: number, zmax?: number): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi >= lo)) [lo, hi] = [0, 1];
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  return [zmin ?? lo, zmax ?? hi];
}

/** Sets axis number n (1 → "xaxis", 2 → "xaxis2", …) of a layout. */
export function setAxis(layout: Layout, letter: "x" | "y", n: number, spec: Axis): void {
  if (n === 1) layout[letter === "x" ? "xaxis" : "yaxis"] = spec;
  else layout[`${letter}axis${n}`] = spec;
}

/** The trace/axis reference of axis number n: "x", "x2", … */
export function axisRef(letter: "x" | "y", n: number): string {
  return n === 1 ? letter : `${letter}${n}`;
}
