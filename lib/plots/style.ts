import { InputError } from "../core/errors";
import { AXIS_COLOR, ROW_LINE_GREY } from "./colors";
import type { Annotation, Axis, Layout, Shape } from "./figure";
import { FONT_FAMILY } from "./svg-text";

/**
 * The look shared by every figure: shap's matplotlib style (white background, no grid, dark grey axis
 * lines and text, docs/shap-reference.md §D.1) in Plotly terms, plus the input checks the plot functions share.
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

/** The title of one panel of a row of subplots, centred above the panel whose x axis is `xref` ("x2"). */
export function panelTitle(text: string, xref: string): Annotation {
  return {
    text,
    x: 0.5,
    y: 1,
    xref: `${xref} domain`,
    yref: "paper",
    yshift: 18,
    showarrow: false,
    xanchor: "center",
    yanchor: "bottom",
    font: { size: 13, color: AXIS_COLOR },
  };
}

/**
 * The y axis of shap's one-row-per-feature plots (bar, waterfall, beeswarm): the feature labels at
 * `tickvals`, 13 px, with no axis line, ticks, grid or zero line.
 */
export function featureRowAxis(range: [number, number], tickvals: number[], ticktext: string[]): Axis {
  return { range, tickvals, ticktext, tickfont: { size: 13, color: AXIS_COLOR }, showline: false, ticks: "", showgrid: false, zeroline: false };
}

/** shap's dotted grey line across the plot between feature rows (matplotlib `axhline(y, dashes=(1, 5))` below the data). */
export function rowLine(y: number): Shape {
  return { type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: y, y1: y, line: { color: ROW_LINE_GREY, width: 0.5, dash: "1px,5px" }, layer: "below" };
}

/**
 * A value label just outside the end of a horizontal bar at (x, y): 5 pt to the right of a bar that grows
 * right (value ≥ 0), to the left otherwise, in the bar's colour (shap's bar and waterfall labels).
 */
export function barEndLabel(text: string, x: number, y: number, value: number, color: string): Annotation {
  const right = value >= 0;
  return {
    text,
    x,
    y,
    xref: "x",
    yref: "y",
    showarrow: false,
    xanchor: right ? "left" : "right",
    yanchor: "middle",
    xshift: (right ? 5 : -5) * PX_PER_POINT,
    font: { size: 12, color },
  };
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
