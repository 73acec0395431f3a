import fs from "node:fs";
import path from "node:path";
import { writeFileAtomic } from "../core/atomic";
import { repoRoot } from "../core/paths";
import { Figure, toSvg } from "../plots/index";
import { svgToPng } from "../plots/raster";
import { display } from "./tslab-display";

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

/**
 * Shows a figure in the notebook as a static `image/svg+xml` output (what GitHub and nbviewer render).
 * Outside a notebook nothing is displayed. Returns nothing, so that the cell does not also print the SVG
 * text as its value (`plots.toSvg` gives the text).
 */
export function show(figure: Figure, options: ShowOptions = {}): void {
  const svg = toSvg(figure, { width: options.width, height: options.height });
  display().svg(svg);
  if (options.save) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(options.save)) throw new Error(`show: save name "${options.save}" must be kebab-case`);
    const dir = options.dir ?? figuresDir();
    fs.mkdirSync(dir, { recursive: true });
    writeFileAtomic(path.join(dir, `${options.save}.svg`), svg);
    writeFileAtomic(path.join(dir, `${options.save}.png`), svgToPng(svg));
  }
}

/**
 * Shows a table of rows (objects with the same keys) as HTML, with a plain-text twin for text-only viewers;
 * `columns` picks and orders the keys shown (default: every key of the first row), as `df[columns]` does.
 */
export function showTable(rows: ReadonlyArray<object>, options: TableOptions = {}): void {
  const digits = options.digits ?? 4;
  const cols = options.columns ? [...options.columns] : rows.length ? Object.keys(rows[0]) : [];
  const cell = (r: object, c: string): unknown => (r as Record<string, unknown>)[c];
  const fmt = (v: unknown) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(digits)) : escapeHtml(String(v ?? "")));
  const html =
    `<table>${options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : ""}` +
    `<thead><tr>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead><tbody>` +
    rows.map((r) => `<tr>${cols.map((c) => `<td>${fmt(cell(r, c))}</td>`).join("")}</tr>`).join("") +
    `</tbody></table>`;
  display().html(html);
  display().text(
    [cols.join("\t"), ...rows.map((r) => cols.map((c) => (typeof cell(r, c) === "number" ? fmt(cell(r, c)) : String(cell(r, c) ?? ""))).join("\t"))].join("\n"),
  );
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
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
