import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../core/atomic";
import { repoRoot } from "../core/paths";
import { redactPaths } from "../core/display-path";
import { Figure, toSvg } from "../plots/index";
import { svgAxisRanges } from "../plots/svg";
import { svgToPng } from "../plots/raster";
import { display, insideTslab } from "./tslab-display";

export interface ShowOptions {
  /** Pixel size of the static image; defaults to the figure's layout size. */
  width?: number;
  height?: number;
  /** Also save the figure as `<dir>/<save>.svg` and `<dir>/<save>.png` (README, reviewers); atomic writes. */
  save?: string;
  /** Folder of saved figures. @default figures/ at the repository root */
  dir?: string;
}

/** Folder of the saved static figures: `figures/` at the repository root. */
export function figuresDir(): string {
  return path.join(repoRoot(), "figures");
}

/** Resolution of the static image relative to its displayed size: sharp on high-density screens. */
export const STATIC_IMAGE_SCALE = 2;

/** Key of this project's entry in an output's metadata (read by scripts/clean-notebooks.mjs and the checks). */
export const OUTPUT_METADATA_KEY = "seismic-xai";

/**
 * Whether figures carry their interactive Plotly view: inside a tslab kernel, unless SEISMIC_XAI_FIGURES=static
 * (set by `npm run notebooks` and `npm run reproduce`, whose saved notebooks are never trusted by Jupyter, so
 * their HTML could never run; they keep the static image only).
 */
export function interactiveFigures(): boolean {
  return insideTslab() && process.env.SEISMIC_XAI_FIGURES !== "static";
}

/**
 * The Jupyter display bundle of a figure, a single output with:
 * - `image/png`: the static rendering (our SVG renderer, rasterised at 2x, shown at the layout's size through
 *   the `width`/`height` metadata). JupyterLab shows it in an untrusted notebook (a fresh clone) where it
 *   drops SVG and scripts; classic Notebook, nbconvert and GitHub show it too.
 * - `text/html` (interactive mode only): a box holding the same PNG, and a script that replaces it with the
 *   Plotly figure once plotly.js is loaded (setupNotebook loads it once per notebook). JupyterLab prefers
 *   text/html over image/png; in a trusted output (one the user's own session produced) the script runs, in
 *   an untrusted one the sanitiser strips the script and the PNG inside still shows.
 * - `text/plain`: the title and size, for text-only consumers.
 */
export function figureBundle(figure: Figure, options: { width?: number; height?: number; interactive?: boolean } = {}): {
  data: Record<string, string>;
  metadata: Record<string, unknown>;
  svg: string;
} {
  const width = options.width ?? figure.layout.width;
  const height = options.height ?? figure.layout.height;
  const svg = toSvg(figure, { width: options.width, height: options.height });
  const png = Buffer.from(svgToPng(svg, { scale: STATIC_IMAGE_SCALE })).toString("base64");
  const title = plainTitle(figure);
  const data: Record<string, string> = {
    "image/png": png,
    "text/plain": `<Figure "${title}", ${width} x ${height} px>`,
  };
  if (options.interactive) data["text/html"] = interactiveHtml(figure, png, width, height, title);
  return { data, metadata: { "image/png": { width, height }, [OUTPUT_METADATA_KEY]: { figure: title } }, svg };
}

let figureCount = 0;

function interactiveHtml(figure: Figure, png: string, width: number, height: number, title: string): string {
  const id = `seismic-xai-figure-${process.pid}-${Date.now().toString(36)}-${++figureCount}`;
  const spec = scriptJson(interactiveSpec(figure, width, height));
  // The script polls for the element and for plotly.js: JupyterLab runs it when the output is attached, and
  // plotly.js may still be parsing from the setup cell. If plotly.js never comes, the PNG stays.
  return (
    `<div class="seismic-xai-figure" id="${id}" style="width:${width}px;min-height:${height}px">` +
    `<img src="data:image/png;base64,${png}" width="${width}" height="${height}" alt="${escapeHtml(title)}"></div>\n` +
    `<script type="text/javascript">(function () {\n` +
    `  var id = ${JSON.stringify(id)}, fig = ${spec}, tries = 0;\n` +
    `  function draw() {\n` +
    `    var el = document.getElementById(id);\n` +
    `    if (!el || !window.Plotly) { if (++tries < 600) setTimeout(draw, 100); return; }\n` +
    `    var img = el.querySelector("img");\n` +
    `    if (img) el.removeChild(img);\n` +
    `    window.Plotly.newPlot(el, fig.data, fig.layout, { displaylogo: false }).then(function () {\n` +
    `      el.setAttribute("data-plotly", "drawn");\n` +
    `    }, function (e) { console.error("seismic-xai: plotly.js could not draw the figure", e); if (img) el.appendChild(img); });\n` +
    `  }\n` +
    `  draw();\n` +
    `})();</script>`
  );
}

/**
 * The figure as plotly.js draws it in the notebook: the spec, at the shown size, with every axis range the
 * static image uses written out. plotly.js' autorange pads line traces by 1/18 of the data span on each side,
 * our static renderer does not; fixing the ranges makes both renderings show the same axes (and plotly.js'
 * "reset axes" returns to them). test/plots/plotly-consistency.test.ts checks the result in Chromium.
 */
export function interactiveSpec(figure: Figure, width = figure.layout.width, height = figure.layout.height): Figure {
  const layout: Record<string, unknown> = { ...figure.layout, width, height };
  for (const [id, range] of Object.entries(svgAxisRanges(figure, { width, height }))) {
    const key = `${id[0]}axis${id.slice(1)}`;
    layout[key] = { ...(layout[key] as object | undefined), range, autorange: false };
  }
  // plotly.js 3.7 draws a horizontal colour bar whose title has `side: "bottom"` with NaN paths ("MNaN" errors in
  // the console); without `side` it puts the title in its default place, and the bar itself is the same.
  const data = figure.data.map((t) => {
    const bar = t.type === "heatmap" ? t.colorbar : undefined;
    if (!bar || bar.orientation !== "h" || !bar.title?.side) return t;
    return { ...t, colorbar: { ...bar, title: { text: bar.title.text } } };
  });
  return { data, layout: layout as unknown as Figure["layout"] };
}

/** JSON safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

function plainTitle(figure: Figure): string {
  return (figure.layout.title?.text ?? "").replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim() || "figure";
}

/**
 * Shows a figure in the notebook as one output (see `figureBundle`): a static PNG every viewer shows, and,
 * in a live session, the interactive Plotly figure. Outside a notebook nothing is displayed. Returns
 * nothing, so that the cell does not also print a value (`plots.toSvg` gives the SVG text).
 */
export function show(figure: Figure, options: ShowOptions = {}): void {
  const inside = insideTslab();
  const { data, metadata, svg } = figureBundle(figure, { width: options.width, height: options.height, interactive: interactiveFigures() });
  if (inside) display().bundle(data, metadata);
  if (options.save) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(options.save)) throw new Error(`show: save name "${options.save}" must be kebab-case`);
    const dir = options.dir ?? figuresDir();
    fs.mkdirSync(dir, { recursive: true });
    writeFileAtomic(path.join(dir, `${options.save}.svg`), svg);
    writeFileAtomic(path.join(dir, `${options.save}.png`), Buffer.from(data["image/png"], "base64"));
  }
}

/**
 * The display bundle of a table of rows: `text/html` and an aligned `text/plain` copy in ONE output (two
 * outputs would show the table twice); `columns` picks and orders the keys shown (default: every key of
 * the first row), as `df[columns]` does.
 */
export function tableBundle(rows: ReadonlyArray<object>, options: TableOptions = {}): Record<string, string> {
  const digits = options.digits ?? 4;
  const cols = options.columns ? [...options.columns] : rows.length ? Object.keys(rows[0]) : [];
  const cell = (r: object, c: string): unknown => (r as Record<string, unknown>)[c];
  // string cells may hold file paths (skipped traces, say): shown relative, never the machine's absolute paths
  const fmt = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : redactPaths(String(v ?? "")));
  if (cols.length === 0) return { "text/html": `<p>${escapeHtml(options.caption ?? "")} (no rows)</p>`, "text/plain": `${options.caption ?? ""} (no rows)`.trim() };
  const numeric = cols.map((c) => rows.length > 0 && rows.every((r) => typeof cell(r, c) === "number" || cell(r, c) == null));
  const html =
    `<table>${options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : ""}` +
    `<thead><tr>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${cols.map((c) => `<td>${escapeHtml(fmt(cell(r, c)))}</td>`).join("")}</tr>`).join("") +
    `</tbody></table>`;
  const grid = [cols, ...rows.map((r) => cols.map((c) => fmt(cell(r, c))))];
  const widths = cols.map((_, j) => Math.max(...grid.map((row) => row[j].length)));
  const line = (row: string[]) => row.map((s, j) => (numeric[j] ? s.padStart(widths[j]) : s.padEnd(widths[j]))).join("  ").trimEnd();
  const text = [...(options.caption ? [options.caption] : []), line(cols), ...grid.slice(1).map(line)].join("\n");
  return { "text/html": html, "text/plain": text };
}

/** Shows a table of rows as one output (see `tableBundle`). */
export function showTable(rows: ReadonlyArray<object>, options: TableOptions = {}): void {
  display().bundle(tableBundle(rows, options));
}

/** Options of `showTable` (`nb.table`). */
export interface TableOptions {
  caption?: string;
  /** Decimals of non-integer numbers. @default 4 */
  digits?: number;
  /** The keys shown, in order. @default every key of the first row */
  columns?: readonly string[];
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
