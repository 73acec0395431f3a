import { InputError } from "../core/errors";
import { hashString } from "../core/rng";
import { colorscaleAt, parseColor, toHex } from "./colors";
import type {
  Annotation,
  Axis,
  BarTrace,
  ColorBar,
  Colorscale,
  Figure,
  HeatmapTrace,
  LayoutImage,
  LineStyle,
  PlotlyTrace,
  ScatterTrace,
  Shape,
  TableTrace,
} from "./figure";
import { pngDataUri } from "../core/png";
import { FONT_FAMILY, LINE_HEIGHT, escapeXml, lineCount, num, svgText, textWidthPx } from "./svg-text";
import { linearTicks, logTicks, type Ticks } from "./ticks";

/** Output size; defaults to the figure's `layout.width` and `layout.height` (margins stay in px). */
export interface SvgOptions {
  width?: number;
  height?: number;
}

const DEFAULT_TEXT_COLOR = "#444444";

/** One axis, resolved: its range in axis units (log10 for log axes) and where it sits in px. */
interface AxisInfo {
  id: string;
  letter: "x" | "y";
  spec: Axis;
  log: boolean;
  lo: number;
  hi: number;
  /** Pixel positions of the domain's start and end: left → right for x, bottom → top for y. */
  start: number;
  end: number;
  /** Pixel coordinate of the axis line (y for an x axis, x for a y axis). */
  position: number;
  side: "bottom" | "top" | "left" | "right";
}

interface Ctx {
  fig: Figure;
  width: number;
  height: number;
  /** Plotting area in px. */
  left: number;
  right: number;
  top: number;
  bottom: number;
  axes: Map<string, AxisInfo>;
  fontSize: number;
  fontColor: string;
  id: string;
  defs: string[];
  clipIds: Map<string, string>;
}

/** Checks the figure size, margins and trace kinds, and resolves its axes (ranges, pixel extents). */
function svgContext(figure: Figure, options: SvgOptions): Ctx {
  const layout = figure.layout;
  const width = options.width ?? layout.width;
  const height = options.height ?? layout.height;
  if (!(width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height))) {
    throw new InputError("toSvg", `figure size must be positive and finite, got ${width} x ${height}`);
  }
  const m = layout.margin;
  const ctx: Ctx = {
    fig: figure,
    width,
    height,
    left: m.l,
    right: width - m.r,
    top: m.t,
    bottom: height - m.b,
    axes: new Map(),
    fontSize: layout.font?.size ?? 12,
    fontColor: layout.font?.color ?? DEFAULT_TEXT_COLOR,
    id: "f" + hashString(`${width}x${height}:${JSON.stringify(figure)}`).toString(36),
    defs: [],
    clipIds: new Map(),
  };
  if (!(ctx.right > ctx.left && ctx.bottom > ctx.top)) {
    throw new InputError("toSvg", `margins ${JSON.stringify(m)} leave no plotting area in ${width} x ${height}`);
  }
  for (const t of figure.data) {
    if (!["scatter", "bar", "heatmap", "table"].includes((t as { type: string }).type)) {
      throw new InputError("toSvg", `trace type "${(t as { type: string }).type}" is not supported by the static renderer`);
    }
  }
  resolveAxes(ctx);
  return ctx;
}

/**
 * The axis ranges `toSvg` draws, by axis id ("x", "y2", …), in data units (log10 units on log axes, as
 * Plotly's `range`): given ranges, else the autorange of the traces on that axis. For checking the static
 * rendering against plotly.js' own (test/plots/plotly-consistency.test.ts).
 */
export function svgAxisRanges(figure: Figure, options: SvgOptions = {}): Record<string, [number, number]> {
  const ctx = svgContext(figure, options);
  const out: Record<string, [number, number]> = {};
  for (const ax of ctx.axes.values()) out[ax.id] = [ax.lo, ax.hi];
  return out;
}

/**
 * Draws a `Figure` as a static SVG document, for notebooks (`image/svg+xml`), the README and reviewers.
 * It covers exactly the Plotly features our plots use: scatter traces (lines with gaps, markers coloured by
 * value, filled "toself" bands), bars (horizontal or vertical, with bases), heatmaps (any colour scale,
 * including rgba transparency, with a colour bar), tables, layout shapes (line, rect, path), annotations,
 * layout images, legends, several subplots through axis domains and anchors, axis titles, nice ticks and
 * log axes. A trace of another kind, or a reference to an axis the layout lacks, raises an `InputError`
 * rather than being dropped; layout fields outside this list (menus, sliders, …) are ignored.
 *
 * The output is deterministic (fixed number formatting, ids derived from a hash of the figure, no dates),
 * so SVGs can be snapshot-tested and committed. A heatmap on evenly spaced linear axes is embedded as a
 * palette PNG (255 colour-scale levels, like matplotlib's 256-entry look-up tables, plus transparent for
 * gaps), which keeps a 33 × 153 SHAP map to a few kB; other heatmaps are drawn cell by cell. Lines of
 * more than two points per horizontal pixel are thinned to the first, lowest, highest and last point of
 * each pixel column, which draws the same picture with far fewer points.
 */
export function toSvg(figure: Figure, options: SvgOptions = {}): string {
  const ctx = svgContext(figure, options);
  const layout = figure.layout;
  const { width, height } = ctx;

  const body: string[] = [];
  body.push(`<rect x="0" y="0" width="${num(width)}" height="${num(height)}" fill="${color(layout.paper_bgcolor ?? "#ffffff")}"/>`);
  body.push(...plotBackgrounds(ctx));
  body.push(...(layout.images ?? []).filter((im) => im.layer === "below").map((im) => layoutImage(ctx, im)));
  body.push(...(layout.shapes ?? []).filter((s) => s.layer === "below").map((s) => shape(ctx, s)));
  for (const ax of ctx.axes.values()) body.push(...gridLines(ctx, ax));
  const order = (t: PlotlyTrace): number => (t.type === "heatmap" ? 0 : t.type === "bar" ? 1 : t.type === "scatter" ? 2 : 3);
  const traces = figure.data.map((t, i) => ({ t, i })).sort((a, b) => order(a.t) - order(b.t) || a.i - b.i);
  for (const { t } of traces) {
    if (t.type === "heatmap") body.push(heatmap(ctx, t));
    else if (t.type === "bar") body.push(bars(ctx, t));
    else if (t.type === "scatter") body.push(scatter(ctx, t));
    else body.push(table(ctx, t));
  }
  for (const ax of ctx.axes.values()) body.push(...axisDrawing(ctx, ax));
  body.push(...(layout.shapes ?? []).filter((s) => s.layer !== "below").map((s) => shape(ctx, s)));
  body.push(...(layout.images ?? []).filter((im) => im.layer !== "below").map((im) => layoutImage(ctx, im)));
  body.push(...(layout.annotations ?? []).map((a) => annotation(ctx, a)));
  body.push(...colorbars(ctx));
  if (layout.showlegend) body.push(legend(ctx));
  if (layout.title?.text) {
    const size = layout.title.font?.size ?? ctx.fontSize + 4;
    body.push(
      svgText(layout.title.text, {
        x: (layout.title.x ?? 0.5) * width,
        y: Math.max(size, layout.margin.t / 2),
        fontSize: size,
        color: layout.title.font?.color ?? ctx.fontColor,
        anchor: layout.title.x !== undefined && layout.title.x < 0.5 ? "start" : "middle",
        baseline: "middle",
      }),
    );
  }
  const defs = ctx.defs.length ? `<defs>${ctx.defs.join("")}</defs>\n` : "";
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${num(width)}" height="${num(height)}" ` +
    `viewBox="0 0 ${num(width)} ${num(height)}" font-family="${escapeXml(layout.font?.family ?? FONT_FAMILY)}">\n` +
    defs +
    body.filter((s) => s !== "").join("\n") +
    "\n</svg>\n"
  );
}

// ---------------------------------------------------------------------------------------------------
// axes

function axisKey(id: string): string {
  return `${id[0]}axis${id.slice(1)}`;
}

function axisSpec(ctx: Ctx, id: string): Axis {
  return ((ctx.fig.layout as unknown as Record<string, Axis | undefined>)[axisKey(id)] ?? {}) as Axis;
}

function traceAxes(t: PlotlyTrace): [string, string] | null {
  if (t.type === "table") return null;
  return [t.xaxis ?? "x", t.yaxis ?? "y"];
}

function resolveAxes(ctx: Ctx): void {
  const ids = new Set<string>();
  for (const key of Object.keys(ctx.fig.layout)) {
    const m = /^([xy])axis(\d*)$/.exec(key);
    if (m && (ctx.fig.layout as unknown as Record<string, unknown>)[key]) ids.add(m[1] + m[2]);
  }
  for (const t of ctx.fig.data) {
    const pair = traceAxes(t);
    if (pair) {
      ids.add(pair[0]);
      ids.add(pair[1]);
    }
  }
  const sorted = [...ids].sort((a, b) => a[0].localeCompare(b[0]) || Number(a.slice(1) || 1) - Number(b.slice(1) || 1));
  for (const id of sorted) {
    if (!/^[xy]\d*$/.test(id)) throw new InputError("toSvg", `bad axis reference "${id}"`);
    const spec = axisSpec(ctx, id);
    const letter = id[0] as "x" | "y";
    const [d0, d1] = spec.domain ?? [0, 1];
    const start = letter === "x" ? ctx.left + d0 * (ctx.right - ctx.left) : ctx.bottom - d0 * (ctx.bottom - ctx.top);
    const end = letter === "x" ? ctx.left + d1 * (ctx.right - ctx.left) : ctx.bottom - d1 * (ctx.bottom - ctx.top);
    const log = spec.type === "log";
    ctx.axes.set(id, { id, letter, spec, log, lo: 0, hi: 1, start, end, position: 0, side: letter === "x" ? "bottom" : "left" });
  }
  for (const ax of ctx.axes.values()) {
    if (ax.spec.range) {
      if (!ax.spec.range.every(Number.isFinite)) throw new InputError("toSvg", `${axisKey(ax.id)}.range must be finite`);
      [ax.lo, ax.hi] = ax.spec.range;
    } else {
      [ax.lo, ax.hi] = autorange(ctx, ax);
      if (ax.spec.autorange === "reversed") [ax.lo, ax.hi] = [ax.hi, ax.lo];
    }
  }
  for (const ax of ctx.axes.values()) {
    if (ax.spec.matches && !ax.spec.range) {
      const other = ctx.axes.get(ax.spec.matches);
      if (other) [ax.lo, ax.hi] = [other.lo, other.hi];
    }
  }
  for (const ax of ctx.axes.values()) {
    const anchor = ax.spec.anchor ? ctx.axes.get(ax.spec.anchor) : undefined;
    if (ax.letter === "x") {
      ax.side = ax.spec.side === "top" ? "top" : "bottom";
      const lo = anchor ? anchor.start : ctx.bottom, hi = anchor ? anchor.end : ctx.top;
      ax.position = ax.side === "top" ? hi : lo;
    } else {
      ax.side = ax.spec.side === "right" ? "right" : "left";
      const lo = anchor ? anchor.start : ctx.left, hi = anchor ? anchor.end : ctx.right;
      ax.position = ax.side === "right" ? hi : lo;
    }
  }
}

/** Data extent of everything drawn on `ax`, padded as Plotly pads it (markers and bars 5 %, lines none). */
function autorange(ctx: Ctx, ax: AxisInfo): [number, number] {
  let lo = Infinity, hi = -Infinity, pad = false;
  const add = (v: number | null | undefined): void => {
    if (v === null || v === undefined || !Number.isFinite(v)) return;
    if (ax.log) {
      if (v <= 0) return;
      v = Math.log10(v);
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  };
  for (const t of ctx.fig.data) {
    const pair = traceAxes(t);
    if (!pair || pair[ax.letter === "x" ? 0 : 1] !== ax.id) continue;
    if (t.type === "scatter") {
      (ax.letter === "x" ? t.x : t.y).forEach(add);
      if (t.mode !== "lines") pad = true;
    } else if (t.type === "heatmap") {
      edges(ax.letter === "x" ? t.x : t.y).forEach(add);
    } else if (t.type === "bar") {
      const valueAxis = (t.orientation === "h") === (ax.letter === "x");
      if (valueAxis) {
        const values = t.orientation === "h" ? t.x : t.y;
        values.forEach((v, i) => {
          const b = t.base?.[i] ?? 0;
          add(b);
          add(b + v);
        });
      } else {
        const positions = t.orientation === "h" ? t.y : t.x;
        const w = barWidth(t);
        positions.forEach((p) => {
          add(p - w / 2);
          add(p + w / 2);
        });
      }
      pad = pad || valueAxis;
    }
  }
  if (!(hi >= lo)) return [0, 1];
  if (hi === lo) return [lo - (ax.log ? 0.5 : 1), hi + (ax.log ? 0.5 : 1)];
  if (pad) {
    const d = 0.05 * (hi - lo);
    return [lo - d, hi + d];
  }
  return [lo, hi];
}

function d2p(ax: AxisInfo, v: number): number {
  const u = ax.log ? (v > 0 ? Math.log10(v) : NaN) : v;
  return ax.start + ((u - ax.lo) / (ax.hi - ax.lo)) * (ax.end - ax.start);
}

function axisById(ctx: Ctx, id: string, where: string): AxisInfo {
  const ax = ctx.axes.get(id);
  if (!ax) throw new InputError("toSvg", `${where} refers to axis "${id}", which the figure does not define`);
  return ax;
}

/** Pixel x of `v` given in `ref` units ("paper", "x2", "x2 domain"). */
function refX(ctx: Ctx, ref: string, v: number): number {
  if (ref === "paper") return ctx.left + v * (ctx.right - ctx.left);
  const [id, domain] = ref.split(" ");
  const ax = axisById(ctx, id, `reference "${ref}"`);
  return domain === "domain" ? ax.start + v * (ax.end - ax.start) : d2p(ax, v);
}

function refY(ctx: Ctx, ref: string, v: number): number {
  if (ref === "paper") return ctx.bottom - v * (ctx.bottom - ctx.top);
  const [id, domain] = ref.split(" ");
  const ax = axisById(ctx, id, `reference "${ref}"`);
  return domain === "domain" ? ax.start + v * (ax.end - ax.start) : d2p(ax, v);
}

/** A clip path for the subplot of axes (x, y); returns its url() reference. */
function clipFor(ctx: Ctx, xId: string, yId: string): string {
  const key = `${xId}${yId}`;
  let id = ctx.clipIds.get(key);
  if (!id) {
    id = `${ctx.id}-clip-${key}`;
    ctx.clipIds.set(key, id);
    const xa = axisById(ctx, xId, "clip"), ya = axisById(ctx, yId, "clip");
    const x = Math.min(xa.start, xa.end), y = Math.min(ya.start, ya.end);
    ctx.defs.push(
      `<clipPath id="${id}"><rect x="${num(x)}" y="${num(y)}" width="${num(Math.abs(xa.end - xa.start))}" height="${num(Math.abs(ya.end - ya.start))}"/></clipPath>`,
    );
  }
  return `url(#${id})`;
}

function axisIdOfRef(ref: string): string | null {
  return ref === "paper" ? null : ref.split(" ")[0];
}

function plotBackgrounds(ctx: Ctx): string[] {
  const bg = ctx.fig.layout.plot_bgcolor;
  if (!bg || bg === (ctx.fig.layout.paper_bgcolor ?? "#ffffff")) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const ax of ctx.axes.values()) {
    if (ax.letter !== "x") continue;
    const ya = ctx.axes.get(ax.spec.anchor ?? "y");
    if (!ya || seen.has(ax.id + ya.id)) continue;
    seen.add(ax.id + ya.id);
    out.push(
      `<rect x="${num(ax.start)}" y="${num(ya.end)}" width="${num(ax.end - ax.start)}" height="${num(ya.start - ya.end)}" fill="${color(bg)}"/>`,
    );
  }
  return out;
}

function axisTicks(ax: AxisInfo): Ticks {
  const length = Math.abs(ax.end - ax.start);
  let ticks: Ticks;
  if (ax.spec.tickvals) {
    const labels = ax.spec.ticktext ?? ax.spec.tickvals.map((v) => String(v).replace(/^-/, "\u2212"));
    ticks = { values: ax.spec.tickvals, labels };
  } else if (ax.log) {
    ticks = logTicks(ax.lo, ax.hi, length, ax.letter);
  } else {
    const format = ax.spec.exponentformat === "none" ? "none" : "B";
    ticks = linearTicks(ax.lo, ax.hi, length, ax.letter, ax.spec.dtick, format);
  }
  const lo = Math.min(ax.lo, ax.hi), hi = Math.max(ax.lo, ax.hi), tol = (hi - lo) * 1e-6;
  const keep = ticks.values.map((v) => {
    const u = ax.log ? Math.log10(v) : v;
    return u >= lo - tol && u <= hi + tol;
  });
  return { values: ticks.values.filter((_, i) => keep[i]), labels: ticks.labels.filter((_, i) => keep[i]) };
}

/** Extent of the perpendicular axis an axis is anchored to (for grid lines), in px. */
function crossExtent(ctx: Ctx, ax: AxisInfo): [number, number] {
  const anchor = ax.spec.anchor ? ctx.axes.get(ax.spec.anchor) : undefined;
  if (anchor) return [anchor.start, anchor.end];
  return ax.letter === "x" ? [ctx.bottom, ctx.top] : [ctx.left, ctx.right];
}

function gridLines(ctx: Ctx, ax: AxisInfo): string[] {
  if (ax.spec.visible === false) return [];
  const out: string[] = [];
  const [c0, c1] = crossExtent(ctx, ax);
  const line = (p: number, stroke: string, w: number): string =>
    ax.letter === "x"
      ? `<line x1="${num(p)}" y1="${num(c0)}" x2="${num(p)}" y2="${num(c1)}" stroke="${color(stroke)}" stroke-width="${num(w)}"/>`
      : `<line x1="${num(c0)}" y1="${num(p)}" x2="${num(c1)}" y2="${num(p)}" stroke="${color(stroke)}" stroke-width="${num(w)}"/>`;
  if (ax.spec.showgrid) {
    for (const v of axisTicks(ax).values) out.push(line(d2p(ax, v), ax.spec.gridcolor ?? "#eeeeee", 1));
  }
  if (ax.spec.zeroline && !ax.log && Math.min(ax.lo, ax.hi) <= 0 && Math.max(ax.lo, ax.hi) >= 0) {
    out.push(line(d2p(ax, 0), ax.spec.zerolinecolor ?? DEFAULT_TEXT_COLOR, ax.spec.zerolinewidth ?? 1));
  }
  return out;
}

function axisDrawing(ctx: Ctx, ax: AxisInfo): string[] {
  const s = ax.spec;
  if (s.visible === false) return [];
  const out: string[] = [];
  const lineColor = color(s.linecolor ?? DEFAULT_TEXT_COLOR);
  if (s.showline) {
    const w = num(s.linewidth ?? 1);
    out.push(
      ax.letter === "x"
        ? `<line x1="${num(ax.start)}" y1="${num(ax.position)}" x2="${num(ax.end)}" y2="${num(ax.position)}" stroke="${lineColor}" stroke-width="${w}"/>`
        : `<line x1="${num(ax.position)}" y1="${num(ax.start)}" x2="${num(ax.position)}" y2="${num(ax.end)}" stroke="${lineColor}" stroke-width="${w}"/>`,
    );
  }
  const ticks = axisTicks(ax);
  const tickLen = s.ticks === "outside" || s.ticks === "inside" ? s.ticklen ?? 5 : 0;
  const outward = s.ticks === "outside" ? tickLen : 0;
  // +1 moves outwards from the plot: down for a bottom axis, left for a left axis.
  const dir = ax.side === "bottom" || ax.side === "right" ? 1 : -1;
  if (tickLen > 0) {
    const sign = s.ticks === "outside" ? dir : -dir;
    const tickColor = color(s.tickcolor ?? s.linecolor ?? DEFAULT_TEXT_COLOR);
    const d = ticks.values
      .map((v) => {
        const p = num(d2p(ax, v));
        return ax.letter === "x"
          ? `M${p} ${num(ax.position)}v${num(sign * tickLen)}`
          : `M${num(ax.position)} ${p}h${num(sign * tickLen)}`;
      })
      .join("");
    if (d) out.push(`<path d="${d}" stroke="${tickColor}" stroke-width="1" fill="none"/>`);
  }
  const tickSize = s.tickfont?.size ?? ctx.fontSize;
  const tickColor = s.tickfont?.color ?? ctx.fontColor;
  let labelExtent = 0;
  if (s.showticklabels !== false) {
    ticks.values.forEach((v, i) => {
      const p = d2p(ax, v);
      const label = ticks.labels[i] ?? "";
      if (ax.letter === "x") {
        const y = ax.position + dir * (outward + 3);
        out.push(svgText(label, { x: p, y, fontSize: tickSize, color: tickColor, anchor: "middle", baseline: dir > 0 ? "top" : "bottom" }));
        labelExtent = Math.max(labelExtent, lineCount(label) * tickSize * LINE_HEIGHT);
      } else {
        const x = ax.position + dir * (outward + 4);
        out.push(svgText(label, { x, y: p, fontSize: tickSize, color: tickColor, anchor: dir > 0 ? "start" : "end", baseline: "middle" }));
        labelExtent = Math.max(labelExtent, textWidthPx(label, tickSize));
      }
    });
  }
  if (s.title?.text) {
    const size = s.title.font?.size ?? ctx.fontSize + 1;
    const titleColor = s.title.font?.color ?? ctx.fontColor;
    const mid = (ax.start + ax.end) / 2;
    if (ax.letter === "x") {
      const y = ax.position + dir * (outward + 3 + labelExtent + (s.title.standoff ?? 6));
      out.push(svgText(s.title.text, { x: mid, y, fontSize: size, color: titleColor, anchor: "middle", baseline: dir > 0 ? "top" : "bottom" }));
    } else {
      const x = ax.position + dir * (outward + 4 + labelExtent + (s.title.standoff ?? 10));
      out.push(
        svgText(s.title.text, { x, y: mid, fontSize: size, color: titleColor, anchor: "middle", baseline: dir > 0 ? "top" : "bottom", rotate: -90 }),
      );
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// traces

/** Cell edges from cell centres (midpoints, ends extended by half a step), as Plotly's heatmap does. */
function edges(centres: readonly number[]): number[] {
  const n = centres.length;
  if (n === 0) return [];
  if (n === 1) return [centres[0] - 0.5, centres[0] + 0.5];
  const e = [centres[0] - (centres[1] - centres[0]) / 2];
  for (let i = 0; i < n - 1; i++) e.push((centres[i] + centres[i + 1]) / 2);
  e.push(centres[n - 1] + (centres[n - 1] - centres[n - 2]) / 2);
  return e;
}

function isUniform(centres: readonly number[]): boolean {
  if (centres.length < 3) return true;
  const step = centres[1] - centres[0];
  for (let i = 2; i < centres.length; i++) {
    if (Math.abs(centres[i] - centres[i - 1] - step) > 1e-6 * Math.abs(step)) return false;
  }
  return true;
}

function heatmap(ctx: Ctx, t: HeatmapTrace): string {
  const nRows = t.z.length, nCols = t.x.length;
  if (t.y.length !== nRows || t.z.some((row) => row.length !== nCols)) {
    throw new InputError("toSvg", `heatmap "${t.name ?? ""}": z must be ${t.y.length} rows of ${nCols} values`);
  }
  if (nRows === 0 || nCols === 0) return "";
  const xa = axisById(ctx, t.xaxis ?? "x", "heatmap"), ya = axisById(ctx, t.yaxis ?? "y", "heatmap");
  const span = t.zmax - t.zmin;
  const level = (z: number | null): number => {
    if (z === null || !Number.isFinite(z)) return -1;
    const f = span > 0 ? (z - t.zmin) / span : 0.5;
    return Math.round(Math.max(0, Math.min(1, f)) * 254);
  };
  const clip = clipFor(ctx, xa.id, ya.id);
  const ex = edges(t.x), ey = edges(t.y);
  if (!xa.log && !ya.log && isUniform(t.x) && isUniform(t.y)) {
    const palette = new Uint8Array(256 * 4);
    for (let i = 0; i < 255; i++) {
      const c = colorscaleAt(t.colorscale, i / 254);
      palette.set([Math.round(c.r), Math.round(c.g), Math.round(c.b), Math.round(c.a * 255)], 4 * i);
    }
    const px0 = d2p(xa, ex[0]), px1 = d2p(xa, ex[nCols]);
    const py0 = d2p(ya, ey[0]), py1 = d2p(ya, ey[nRows]);
    const pixels = new Uint8Array(nRows * nCols);
    for (let r = 0; r < nRows; r++) {
      // PNG rows run top to bottom: row r of z lands at PNG row r only when row 0 is drawn at the top.
      const pr = py0 < py1 ? r : nRows - 1 - r;
      for (let c = 0; c < nCols; c++) {
        const pc = px0 < px1 ? c : nCols - 1 - c;
        const l = level(t.z[r][c]);
        pixels[pr * nCols + pc] = l < 0 ? 255 : l;
      }
    }
    const uri = pngDataUri({ width: nCols, height: nRows, colorType: "indexed", pixels, palette });
    return (
      `<image x="${num(Math.min(px0, px1))}" y="${num(Math.min(py0, py1))}" width="${num(Math.abs(px1 - px0))}" height="${num(Math.abs(py1 - py0))}" ` +
      `preserveAspectRatio="none" image-rendering="optimizeSpeed" clip-path="${clip}" xlink:href="${uri}"/>`
    );
  }
  const cells: string[] = [];
  for (let r = 0; r < nRows; r++) {
    const y0 = d2p(ya, ey[r]), y1 = d2p(ya, ey[r + 1]);
    for (let c = 0; c < nCols; c++) {
      const l = level(t.z[r][c]);
      if (l < 0) continue;
      const col = colorscaleAt(t.colorscale, l / 254);
      const x0 = d2p(xa, ex[c]), x1 = d2p(xa, ex[c + 1]);
      if (![x0, x1, y0, y1].every(Number.isFinite)) continue;
      cells.push(
        `<rect x="${num(Math.min(x0, x1))}" y="${num(Math.min(y0, y1))}" width="${num(Math.abs(x1 - x0))}" height="${num(Math.abs(y1 - y0))}" ` +
          `fill="${toHex(col)}"${col.a < 1 ? ` fill-opacity="${num(col.a)}"` : ""}/>`,
      );
    }
  }
  return `<g clip-path="${clip}" shape-rendering="crispEdges">${cells.join("")}</g>`;
}

function barWidth(t: BarTrace): number {
  if (t.width !== undefined) return t.width;
  const positions = [...(t.orientation === "h" ? t.y : t.x)].sort((a, b) => a - b);
  let gap = Infinity;
  for (let i = 1; i < positions.length; i++) if (positions[i] > positions[i - 1]) gap = Math.min(gap, positions[i] - positions[i - 1]);
  return 0.8 * (Number.isFinite(gap) ? gap : 1);
}

function bars(ctx: Ctx, t: BarTrace): string {
  const xa = axisById(ctx, t.xaxis ?? "x", "bar"), ya = axisById(ctx, t.yaxis ?? "y", "bar");
  const values = t.orientation === "h" ? t.x : t.y;
  const positions = t.orientation === "h" ? t.y : t.x;
  if (values.length !== positions.length) throw new InputError("toSvg", `bar "${t.name ?? ""}": x and y differ in length`);
  const w = barWidth(t);
  const stroke = t.marker.line && (t.marker.line.width ?? 0) > 0 ? strokeAttrs({ color: t.marker.line.color, width: t.marker.line.width }) : "";
  const rects: string[] = [];
  values.forEach((v, i) => {
    const b = t.base?.[i] ?? 0;
    const p = positions[i];
    const [v0, v1, q0, q1] =
      t.orientation === "h" ? [d2p(xa, b), d2p(xa, b + v), d2p(ya, p - w / 2), d2p(ya, p + w / 2)] : [d2p(ya, b), d2p(ya, b + v), d2p(xa, p - w / 2), d2p(xa, p + w / 2)];
    if (![v0, v1, q0, q1].every(Number.isFinite)) return;
    const fill = Array.isArray(t.marker.color) ? t.marker.color[i] : t.marker.color;
    const [x0, x1, y0, y1] = t.orientation === "h" ? [v0, v1, q0, q1] : [q0, q1, v0, v1];
    rects.push(
      `<rect x="${num(Math.min(x0, x1))}" y="${num(Math.min(y0, y1))}" width="${num(Math.abs(x1 - x0))}" height="${num(Math.abs(y1 - y0))}" ${fillAttrs(fill)}/>`,
    );
  });
  return `<g clip-path="${clipFor(ctx, xa.id, ya.id)}"${stroke ? " " + stroke : ""}>${rects.join("")}</g>`;
}

/** Splits a trace into runs of drawable points (gaps at null, non-finite or non-positive-on-log values). */
function runs(xa: AxisInfo, ya: AxisInfo, xs: ReadonlyArray<number | null>, ys: ReadonlyArray<number | null>): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> = [];
  const n = Math.min(xs.length, ys.length);
  for (let i = 0; i < n; i++) {
    const x = xs[i], y = ys[i];
    const px = x === null ? NaN : d2p(xa, x), py = y === null ? NaN : d2p(ya, y);
    if (Number.isFinite(px) && Number.isFinite(py)) current.push([px, py]);
    else if (current.length) {
      out.push(current);
      current = [];
    }
  }
  if (current.length) out.push(current);
  return out;
}

/** Keeps first, lowest, highest and last point of each pixel column when x increases monotonically. */
function thin(points: Array<[number, number]>, maxPoints: number): Array<[number, number]> {
  if (points.length <= maxPoints) return points;
  for (let i = 1; i < points.length; i++) if (points[i][0] < points[i - 1][0]) return points;
  const out: Array<[number, number]> = [];
  let i = 0;
  while (i < points.length) {
    const column = Math.floor(points[i][0]);
    let j = i, lo = i, hi = i;
    while (j < points.length && Math.floor(points[j][0]) === column) {
      if (points[j][1] < points[lo][1]) lo = j;
      if (points[j][1] > points[hi][1]) hi = j;
      j++;
    }
    const keep = [...new Set([i, lo, hi, j - 1])].sort((a, b) => a - b);
    for (const k of keep) out.push(points[k]);
    i = j;
  }
  return out;
}

function pathData(points: Array<[number, number]>, close: boolean): string {
  let d = "";
  points.forEach(([x, y], i) => (d += `${i === 0 ? "M" : "L"}${num(x)} ${num(y)}`));
  return close ? d + "Z" : d;
}

function scatter(ctx: Ctx, t: ScatterTrace): string {
  const xa = axisById(ctx, t.xaxis ?? "x", "scatter"), ya = axisById(ctx, t.yaxis ?? "y", "scatter");
  if (t.x.length !== t.y.length) throw new InputError("toSvg", `scatter "${t.name ?? ""}": x has ${t.x.length} values, y ${t.y.length}`);
  const out: string[] = [];
  const segments = runs(xa, ya, t.x, t.y);
  const lineColor = t.line?.color ?? (typeof t.marker?.color === "string" ? t.marker.color : "#1f77b4");
  const lineWidth = t.line?.width ?? 2;
  if (t.fill === "toself") {
    const all = segments.flat();
    if (all.length > 2) {
      const fill = t.fillcolor ?? withHalfAlpha(lineColor);
      out.push(`<path d="${pathData(all, true)}" ${fillAttrs(fill)}${lineWidth > 0 && t.mode !== "markers" ? " " + strokeAttrs(t.line ?? {}) : ""}/>`);
    }
  } else if (t.mode !== "markers" && lineWidth > 0) {
    const maxPoints = 2 * Math.abs(xa.end - xa.start);
    const d = segments
      .filter((s) => s.length > 1)
      .map((s) => pathData(thin(s, maxPoints), false))
      .join("");
    if (d) out.push(`<path d="${d}" fill="none" ${strokeAttrs({ ...t.line, color: lineColor, width: lineWidth })} stroke-linejoin="round"/>`);
  }
  if (t.mode !== "lines") {
    const mk = t.marker ?? {};
    const r = (mk.size ?? 6) / 2;
    const colors = Array.isArray(mk.color) ? mk.color : null;
    const single = typeof mk.color === "string" ? mk.color : "#1f77b4";
    const cmin = mk.cmin ?? Math.min(...(colors ?? [0])), cmax = mk.cmax ?? Math.max(...(colors ?? [1]));
    const circles: string[] = [];
    for (let i = 0; i < t.x.length; i++) {
      const x = t.x[i], y = t.y[i];
      if (x === null || y === null) continue;
      const px = d2p(xa, x), py = d2p(ya, y);
      if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
      let fill = "";
      if (colors) {
        const c = colorscaleAt(mk.colorscale ?? [[0, "#000000"], [1, "#ffffff"]], cmax > cmin ? (colors[i] - cmin) / (cmax - cmin) : 0);
        fill = ` fill="${toHex(c)}"`;
      }
      circles.push(`<circle cx="${num(px)}" cy="${num(py)}" r="${num(r)}"${fill}/>`);
    }
    const groupAttrs: string[] = [];
    if (!colors) groupAttrs.push(fillAttrs(single));
    if (mk.opacity !== undefined && mk.opacity < 1) groupAttrs.push(`fill-opacity="${num(mk.opacity)}"`);
    if (mk.line && (mk.line.width ?? 0) > 0) groupAttrs.push(strokeAttrs({ color: mk.line.color, width: mk.line.width }));
    out.push(`<g ${groupAttrs.join(" ")}>${circles.join("")}</g>`.replace("<g >", "<g>"));
  }
  return `<g clip-path="${clipFor(ctx, xa.id, ya.id)}">${out.join("")}</g>`;
}

function table(ctx: Ctx, t: TableTrace): string {
  const [dx0, dx1] = t.domain?.x ?? [0, 1];
  // Rows hang from the top of the domain (Plotly scrolls what does not fit; figures size themselves to fit).
  const dy1 = (t.domain?.y ?? [0, 1])[1];
  const x0 = ctx.left + dx0 * (ctx.right - ctx.left), x1 = ctx.left + dx1 * (ctx.right - ctx.left);
  const top = ctx.bottom - dy1 * (ctx.bottom - ctx.top);
  const nCols = t.header.values.length;
  if (t.cells.values.length !== nCols) throw new InputError("toSvg", `table: ${nCols} header cells but ${t.cells.values.length} columns`);
  const weights = t.columnwidth ?? new Array<number>(nCols).fill(1);
  const total = weights.reduce((a, b) => a + b, 0);
  const colX: number[] = [x0];
  for (let c = 0; c < nCols; c++) colX.push(colX[c] + ((x1 - x0) * weights[c]) / total);
  const out: string[] = [];
  const row = (cells: string[], y: number, h: number, part: TableTrace["header"] | TableTrace["cells"], bold: boolean): void => {
    const fill = part.fill?.color ?? "#ffffff";
    const lineColor = part.line?.color ?? "#cccccc";
    const size = part.font?.size ?? ctx.fontSize;
    const textColor = part.font?.color ?? ctx.fontColor;
    for (let c = 0; c < nCols; c++) {
      out.push(
        `<rect x="${num(colX[c])}" y="${num(y)}" width="${num(colX[c + 1] - colX[c])}" height="${num(h)}" fill="${color(fill)}" stroke="${color(lineColor)}" stroke-width="${num(part.line?.width ?? 1)}"/>`,
      );
      const align = part.align?.[Math.min(c, part.align.length - 1)] ?? "center";
      const x = align === "left" ? colX[c] + 8 : align === "right" ? colX[c + 1] - 8 : (colX[c] + colX[c + 1]) / 2;
      const anchor = align === "left" ? "start" : align === "right" ? "end" : "middle";
      out.push(svgText(cells[c] ?? "", { x, y: y + h / 2, fontSize: size, color: textColor, anchor, baseline: "middle", bold }));
    }
  };
  const headerHeight = t.header.height ?? 28, cellHeight = t.cells.height ?? 24;
  row(t.header.values, top, headerHeight, t.header, true);
  const nRows = Math.max(0, ...t.cells.values.map((col) => col.length));
  for (let r = 0; r < nRows; r++) {
    row(
      t.cells.values.map((col) => col[r] ?? ""),
      top + headerHeight + r * cellHeight,
      cellHeight,
      t.cells,
      false,
    );
  }
  return `<g>${out.join("")}</g>`;
}

// ---------------------------------------------------------------------------------------------------
// layout decorations

function parsePath(path: string, where: string): Array<{ cmd: "M" | "L" | "Z"; x: number; y: number }> {
  const tokens = path.trim().match(/[MLZmlz]|-?\d*\.?\d+(?:e[-+]?\d+)?/g) ?? [];
  const out: Array<{ cmd: "M" | "L" | "Z"; x: number; y: number }> = [];
  let i = 0, cmd: "M" | "L" | "Z" = "M";
  while (i < tokens.length) {
    const tok = tokens[i];
    if (/^[MLZmlz]$/.test(tok)) {
      cmd = tok.toUpperCase() as "M" | "L" | "Z";
      i++;
      if (cmd === "Z") out.push({ cmd, x: 0, y: 0 });
      continue;
    }
    if (cmd === "Z" || i + 1 >= tokens.length) throw new InputError("toSvg", `${where}: cannot read path "${path}" (use M x,y L x,y … Z)`);
    out.push({ cmd, x: Number(tokens[i]), y: Number(tokens[i + 1]) });
    if (cmd === "M") cmd = "L";
    i += 2;
  }
  return out;
}

function shape(ctx: Ctx, s: Shape): string {
  const X = (v: number): number => refX(ctx, s.xref, v);
  const Y = (v: number): number => refY(ctx, s.yref, v);
  const line = s.line ?? {};
  const stroke = (line.width ?? 2) > 0 ? strokeAttrs({ color: line.color ?? DEFAULT_TEXT_COLOR, width: line.width ?? 2, dash: line.dash }) : `stroke="none"`;
  const fill = s.fillcolor ? fillAttrs(s.fillcolor) : `fill="none"`;
  const opacity = s.opacity !== undefined && s.opacity < 1 ? ` opacity="${num(s.opacity)}"` : "";
  const xId = axisIdOfRef(s.xref), yId = axisIdOfRef(s.yref);
  const clip = xId && yId ? ` clip-path="${clipFor(ctx, xId, yId)}"` : "";
  let el: string;
  if (s.type === "path") {
    if (!s.path) throw new InputError("toSvg", "a path shape needs `path`");
    const d = parsePath(s.path, "shape")
      .map((p) => (p.cmd === "Z" ? "Z" : `${p.cmd}${num(X(p.x))} ${num(Y(p.y))}`))
      .join("");
    el = `<path d="${d}" ${fill} ${stroke}${opacity}/>`;
  } else {
    const [x0, x1, y0, y1] = [X(s.x0 ?? 0), X(s.x1 ?? 0), Y(s.y0 ?? 0), Y(s.y1 ?? 0)];
    if (![x0, x1, y0, y1].every(Number.isFinite)) return "";
    el =
      s.type === "line"
        ? `<line x1="${num(x0)}" y1="${num(y0)}" x2="${num(x1)}" y2="${num(y1)}" ${stroke}${opacity}/>`
        : `<rect x="${num(Math.min(x0, x1))}" y="${num(Math.min(y0, y1))}" width="${num(Math.abs(x1 - x0))}" height="${num(Math.abs(y1 - y0))}" ${fill} ${stroke}${opacity}/>`;
  }
  return clip ? `<g${clip}>${el}</g>` : el;
}

function layoutImage(ctx: Ctx, im: LayoutImage): string {
  const x0 = refX(ctx, im.xref, im.x), x1 = refX(ctx, im.xref, im.x + im.sizex);
  const y0 = refY(ctx, im.yref, im.y), y1 = refY(ctx, im.yref, im.y - im.sizey);
  const xId = axisIdOfRef(im.xref), yId = axisIdOfRef(im.yref);
  const clip = xId && yId ? ` clip-path="${clipFor(ctx, xId, yId)}"` : "";
  const opacity = im.opacity < 1 ? ` opacity="${num(im.opacity)}"` : "";
  return (
    `<image x="${num(Math.min(x0, x1))}" y="${num(Math.min(y0, y1))}" width="${num(Math.abs(x1 - x0))}" height="${num(Math.abs(y1 - y0))}" ` +
    `preserveAspectRatio="none" image-rendering="optimizeSpeed"${opacity}${clip} xlink:href="${escapeXml(im.source)}"/>`
  );
}

function annotation(ctx: Ctx, a: Annotation): string {
  const size = a.font?.size ?? ctx.fontSize;
  const x = refX(ctx, a.xref, a.x) + (a.xshift ?? 0);
  const y = refY(ctx, a.yref, a.y) - (a.yshift ?? 0);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return "";
  const anchor = a.xanchor === "left" ? "start" : a.xanchor === "right" ? "end" : "middle";
  const baseline = a.yanchor === "top" ? "top" : a.yanchor === "bottom" ? "bottom" : "middle";
  let bg = "";
  if (a.bgcolor) {
    const w = textWidthPx(a.text, size) + 6, h = lineCount(a.text) * size * LINE_HEIGHT + 4;
    const bx = anchor === "start" ? x - 3 : anchor === "end" ? x - w + 3 : x - w / 2;
    const by = baseline === "top" ? y - 2 : baseline === "bottom" ? y - h + 2 : y - h / 2;
    const rot = a.textangle ? ` transform="rotate(${num(a.textangle)} ${num(x)} ${num(y)})"` : "";
    bg = `<rect x="${num(bx)}" y="${num(by)}" width="${num(w)}" height="${num(h)}" ${fillAttrs(a.bgcolor)}${rot}/>`;
  }
  return (
    bg +
    svgText(a.text, {
      x,
      y,
      fontSize: size,
      color: a.font?.color ?? ctx.fontColor,
      anchor,
      baseline,
      rotate: a.textangle,
    })
  );
}

interface ColorbarSource {
  bar: ColorBar;
  colorscale: Colorscale;
  cmin: number;
  cmax: number;
}

function colorbars(ctx: Ctx): string[] {
  const sources: ColorbarSource[] = [];
  for (const t of ctx.fig.data) {
    if (t.type === "heatmap" && t.showscale !== false) sources.push({ bar: t.colorbar ?? {}, colorscale: t.colorscale, cmin: t.zmin, cmax: t.zmax });
    if (t.type === "scatter" && t.marker?.showscale && t.marker.colorscale) {
      const values = Array.isArray(t.marker.color) ? t.marker.color : [0, 1];
      sources.push({
        bar: t.marker.colorbar ?? {},
        colorscale: t.marker.colorscale,
        cmin: t.marker.cmin ?? Math.min(...values),
        cmax: t.marker.cmax ?? Math.max(...values),
      });
    }
  }
  return sources.map((s, i) => colorbar(ctx, s, i));
}

function colorbar(ctx: Ctx, src: ColorbarSource, index: number): string {
  const cb = src.bar;
  const horizontal = cb.orientation === "h";
  const thickness = cb.thickness ?? 30;
  const plotW = ctx.right - ctx.left, plotH = ctx.bottom - ctx.top;
  const lenPx = (cb.len ?? 1) * (horizontal ? plotW : plotH);
  const px = ctx.left + (cb.x ?? (horizontal ? 0.5 : 1.02)) * plotW;
  const py = ctx.bottom - (cb.y ?? (horizontal ? -0.2 : 0.5)) * plotH;
  const xanchor = cb.xanchor ?? (horizontal ? "center" : "left");
  const yanchor = cb.yanchor ?? (horizontal ? "top" : "middle");
  const [w, h] = horizontal ? [lenPx, thickness] : [thickness, lenPx];
  const x = xanchor === "left" ? px : xanchor === "center" ? px - w / 2 : px - w;
  const y = yanchor === "top" ? py : yanchor === "middle" ? py - h / 2 : py - h;
  const gid = `${ctx.id}-cb${index}`;
  const stops = src.colorscale
    .map(([pos, c]) => {
      const rgba = parseColor(c);
      return `<stop offset="${num(pos * 100)}%" stop-color="${toHex(rgba)}"${rgba.a < 1 ? ` stop-opacity="${num(rgba.a)}"` : ""}/>`;
    })
    .join("");
  ctx.defs.push(
    horizontal
      ? `<linearGradient id="${gid}" x1="0" y1="0" x2="1" y2="0">${stops}</linearGradient>`
      : `<linearGradient id="${gid}" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient>`,
  );
  const out: string[] = [];
  const outline = cb.outlinewidth ?? 1;
  out.push(
    `<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="url(#${gid})"${outline > 0 ? ` stroke="${DEFAULT_TEXT_COLOR}" stroke-width="${num(outline)}"` : ""}/>`,
  );
  const span = src.cmax - src.cmin;
  let ticks: Ticks;
  if (cb.tickvals) ticks = { values: cb.tickvals, labels: cb.ticktext ?? cb.tickvals.map(String) };
  else ticks = linearTicks(src.cmin, src.cmax, lenPx, horizontal ? "x" : "y");
  const size = cb.tickfont?.size ?? ctx.fontSize;
  const textColor = cb.tickfont?.color ?? ctx.fontColor;
  let labelExtent = 0;
  ticks.values.forEach((v, i) => {
    if (!(span > 0) || v < Math.min(src.cmin, src.cmax) - 1e-9 * Math.abs(span) || v > Math.max(src.cmin, src.cmax) + 1e-9 * Math.abs(span)) return;
    const f = (v - src.cmin) / span;
    const label = ticks.labels[i] ?? "";
    if (horizontal) {
      const tx = x + f * w;
      out.push(`<line x1="${num(tx)}" y1="${num(y + h)}" x2="${num(tx)}" y2="${num(y + h + 4)}" stroke="${DEFAULT_TEXT_COLOR}" stroke-width="1"/>`);
      out.push(svgText(label, { x: tx, y: y + h + 5, fontSize: size, color: textColor, anchor: "middle", baseline: "top" }));
      labelExtent = Math.max(labelExtent, size * LINE_HEIGHT);
    } else {
      const ty = y + h - f * h;
      out.push(`<line x1="${num(x + w)}" y1="${num(ty)}" x2="${num(x + w + 4)}" y2="${num(ty)}" stroke="${DEFAULT_TEXT_COLOR}" stroke-width="1"/>`);
      out.push(svgText(label, { x: x + w + 6, y: ty, fontSize: size, color: textColor, anchor: "start", baseline: "middle" }));
      labelExtent = Math.max(labelExtent, textWidthPx(label, size));
    }
  });
  if (cb.title?.text) {
    const tsize = ctx.fontSize;
    const side = cb.title.side ?? (horizontal ? "bottom" : "top");
    if (side === "top") {
      out.push(svgText(cb.title.text, { x: horizontal ? x + w / 2 : x, y: y - 6, fontSize: tsize, color: ctx.fontColor, anchor: horizontal ? "middle" : "start", baseline: "bottom" }));
    } else if (side === "bottom") {
      out.push(svgText(cb.title.text, { x: x + w / 2, y: y + h + 5 + labelExtent + 2, fontSize: tsize, color: ctx.fontColor, anchor: "middle", baseline: "top" }));
    } else {
      out.push(
        svgText(cb.title.text, { x: x + w + 8 + labelExtent + 4, y: y + h / 2, fontSize: tsize, color: ctx.fontColor, anchor: "middle", baseline: "top", rotate: -90 }),
      );
    }
  }
  return out.join("\n");
}

function legend(ctx: Ctx): string {
  const lg = ctx.fig.layout.legend ?? {};
  const entries = ctx.fig.data.filter(
    (t): t is ScatterTrace | BarTrace => (t.type === "scatter" || t.type === "bar") && t.showlegend !== false && !!t.name,
  );
  if (entries.length === 0) return "";
  const size = lg.font?.size ?? ctx.fontSize;
  const rowH = size * LINE_HEIGHT + 4, sample = 28, pad = 6;
  const horizontal = lg.orientation === "h";
  const itemW = entries.map((t) => sample + 6 + textWidthPx(t.name ?? "", size) + (horizontal ? 14 : 0));
  const boxW = horizontal ? itemW.reduce((a, b) => a + b, 0) + 2 * pad : Math.max(...itemW) + 2 * pad;
  const boxH = horizontal ? rowH + 2 * pad : entries.length * rowH + 2 * pad;
  const px = ctx.left + (lg.x ?? 1.02) * (ctx.right - ctx.left);
  const py = ctx.bottom - (lg.y ?? 1) * (ctx.bottom - ctx.top);
  const xa = lg.xanchor ?? "left", ya = lg.yanchor ?? "top";
  const x = xa === "left" ? px : xa === "center" ? px - boxW / 2 : px - boxW;
  const y = ya === "top" ? py : ya === "middle" ? py - boxH / 2 : py - boxH;
  const out: string[] = [];
  const bg = lg.bgcolor ?? "rgba(255,255,255,0.85)";
  const border = (lg.borderwidth ?? 0) > 0 ? ` ${strokeAttrs({ color: lg.bordercolor ?? DEFAULT_TEXT_COLOR, width: lg.borderwidth })}` : "";
  out.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(boxW)}" height="${num(boxH)}" ${fillAttrs(bg)}${border}/>`);
  let cx = x + pad, cy = y + pad;
  entries.forEach((t, i) => {
    const mid = cy + rowH / 2;
    if (t.type === "bar") {
      const c = Array.isArray(t.marker.color) ? t.marker.color[0] : t.marker.color;
      out.push(`<rect x="${num(cx + 6)}" y="${num(mid - 6)}" width="16" height="12" ${fillAttrs(c)}/>`);
    } else if (t.fill === "toself") {
      out.push(`<rect x="${num(cx + 2)}" y="${num(mid - 6)}" width="24" height="12" ${fillAttrs(t.fillcolor ?? withHalfAlpha(t.line?.color ?? "#1f77b4"))}/>`);
    } else {
      const lineColor = t.line?.color ?? (typeof t.marker?.color === "string" ? t.marker.color : "#1f77b4");
      if (t.mode !== "markers") {
        out.push(`<line x1="${num(cx + 2)}" y1="${num(mid)}" x2="${num(cx + sample - 2)}" y2="${num(mid)}" ${strokeAttrs({ ...t.line, color: lineColor, width: Math.min(t.line?.width ?? 2, 4) })}/>`);
      }
      if (t.mode !== "lines") {
        const mc = typeof t.marker?.color === "string" ? t.marker.color : lineColor;
        out.push(`<circle cx="${num(cx + sample / 2)}" cy="${num(mid)}" r="${num(Math.min(6, (t.marker?.size ?? 6) / 2))}" ${fillAttrs(mc)}/>`);
      }
    }
    out.push(svgText(t.name ?? "", { x: cx + sample + 6, y: mid, fontSize: size, color: lg.font?.color ?? ctx.fontColor, anchor: "start", baseline: "middle" }));
    if (horizontal) cx += itemW[i];
    else cy += rowH;
  });
  return `<g>${out.join("")}</g>`;
}

// ---------------------------------------------------------------------------------------------------
// paint helpers

/** A CSS colour as SVG wants it: opaque colours as #rrggbb (alpha goes to *-opacity attributes). */
function color(c: string): string {
  return toHex(parseColor(c));
}

function fillAttrs(c: string): string {
  const rgba = parseColor(c);
  if (rgba.a === 0) return `fill="none"`;
  return `fill="${toHex(rgba)}"${rgba.a < 1 ? ` fill-opacity="${num(rgba.a)}"` : ""}`;
}

/** Plotly's dash patterns, scaled by the line width as plotly.js does. */
function dashArray(dash: string | undefined, width: number): string {
  if (!dash || dash === "solid") return "";
  const w = Math.max(width, 3);
  const table: Record<string, number[]> = { dot: [w, w], dash: [3 * w, 3 * w], longdash: [5 * w, 5 * w], dashdot: [3 * w, w, w, w] };
  const list = table[dash] ?? dash.split(/[ ,]+/).map((p) => parseFloat(p));
  if (list.some((v) => !Number.isFinite(v) || v < 0)) throw new InputError("toSvg", `bad dash "${dash}"`);
  return list.map(num).join(",");
}

function strokeAttrs(line: LineStyle): string {
  const rgba = parseColor(line.color ?? DEFAULT_TEXT_COLOR);
  const width = line.width ?? 2;
  const parts = [`stroke="${toHex(rgba)}"`, `stroke-width="${num(width)}"`];
  if (rgba.a < 1) parts.push(`stroke-opacity="${num(rgba.a)}"`);
  const dash = dashArray(line.dash, width);
  if (dash) parts.push(`stroke-dasharray="${dash}"`);
  return parts.join(" ");
}

function withHalfAlpha(c: string): string {
  const rgba = parseColor(c);
  return `rgba(${Math.round(rgba.r)},${Math.round(rgba.g)},${Math.round(rgba.b)},0.5)`;
}
