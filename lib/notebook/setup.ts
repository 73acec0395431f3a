import fs from "node:fs";
import path from "node:path";
import { assertWritableDir } from "../core/fs-errors";
import { ProgressFn } from "../core/progress";
import { cacheDir, dataDir, defaultDSetDir, resultsDir } from "../core/paths";
import { Rng } from "../core/rng";
import { initBackend, BackendName } from "../cnn/backend";
import { Figure } from "../plots/figure";
import { isQuick, notebookConfig } from "./config";
import { notebookProgress } from "./progress";
import { figuresDir, interactiveFigures, OUTPUT_METADATA_KEY, show, ShowOptions, showTable, TableOptions } from "./show";
import { display, insideTslab } from "./tslab-display";
import { displayPath, redactPaths } from "../core/display-path";

/** What `setupNotebook` returns: the seed, the configuration, display helpers and the folders in use. */
export interface NotebookContext {
  readonly seed: number;
  /** A seeded generator for this notebook's own random choices. */
  readonly rng: Rng;
  /** True when QUICK=1 (CI): the config cell's quick values are in force. */
  readonly quick: boolean;
  /** The tf.js backend that runs the CNN ("tensorflow", "wasm" or "cpu"). */
  readonly backend: BackendName;
  /**
   * The D-set folder: $SEISMIC_XAI_DSET (a real download) when set, else the generated data set:
   * `data/dset` (scale "default") or, under QUICK=1, `data/dset-tiny` (scale "tiny").
   */
  readonly dsetDir: string;
  /** Scale of the generated data set, or null for a user's own folder ($SEISMIC_XAI_DSET). */
  readonly generatedScale: "default" | "tiny" | null;
  /** `results/` (JSON results of the experiments); `results/quick/` under QUICK=1. */
  readonly resultsDir: string;
  /** `data/cache/<name>`. */
  cacheDir(name: string): string;
  /** The config cell: full-run values, and a `quick` override used under QUICK=1. */
  config<T extends object>(full: T, options?: { quick?: Partial<T> }): T & { quick: boolean };
  /** Shows a figure as a static SVG (and optionally saves it to figures/, or figures/quick/ under QUICK=1). */
  show(figure: Figure, options?: ShowOptions): void;
  /** Shows a table of rows; `columns` picks the keys shown. */
  table(rows: ReadonlyArray<object>, options?: TableOptions): void;
  /** A progress display updated in place. */
  progress(task: string): ProgressFn;
}

/**
 * The setup cell of every notebook (docs/tslab.md, "Notebook structure"): seeds the notebook's generator,
 * starts the fastest tf.js backend (without tf.js' Node banner: `initBackend` silences it), and prints
 * versions and the folders in use, so every later number can be traced to its configuration.
 */
export async function setupNotebook(options: { seed?: number; backend?: BackendName } = {}): Promise<NotebookContext> {
  const seed = options.seed ?? 42;
  if (insideTslab()) redactConsolePaths();
  const backend = await initBackend({ prefer: options.backend });
  const quick = isQuick();
  const own = !!process.env.SEISMIC_XAI_DSET;
  const dsetDir = own || !quick ? defaultDSetDir() : path.join(dataDir(), "dset-tiny");
  // The folders every notebook writes, checked before any work (an error naming the folder, not a late EACCES).
  const results = quick ? path.join(resultsDir(), "quick") : resultsDir();
  const caches = cacheDir(quick ? "quick" : "full");
  const figures = quick ? path.join(figuresDir(), "quick") : figuresDir();
  for (const [dir, what] of [[results, "the results"], [caches, "the caches"], [figures, "the figures"]]) assertWritableDir(dir, what);
  console.log(`seismic-xai: seed ${seed}, ${quick ? "QUICK mode (CI)" : "full run"}, Node ${process.version}`);
  if (interactiveFigures()) loadPlotly();
  console.log(`data: ${displayPath(dsetDir)}${process.env.SEISMIC_XAI_DSET ? " (SEISMIC_XAI_DSET)" : " (generated default)"}`);
  return {
    seed,
    rng: new Rng(seed),
    quick,
    backend,
    dsetDir,
    generatedScale: own ? null : quick ? "tiny" : "default",
    resultsDir: results,
    cacheDir: (name) => cacheDir(path.join(quick ? "quick" : "full", name)),
    config: (full, o) => notebookConfig(full, o),
    // quick (CI) runs save their figures apart, so they never overwrite those of a full run
    show: (figure, o) => show(figure, { dir: quick ? path.join(figuresDir(), "quick") : undefined, ...o }),
    table: showTable,
    progress: notebookProgress,
  };
}

let consoleRedacted = false;

/**
 * In a notebook, console output (library log lines included) shows paths relative to the project root or to
 * $SEISMIC_XAI_DATA, never the machine's absolute paths (lib/core/display-path.ts). tslab re-routes
 * process.stdout per cell, so the console methods themselves are wrapped, once per kernel.
 */
function redactConsolePaths(): void {
  if (consoleRedacted) return;
  consoleRedacted = true;
  const { format } = require("node:util") as typeof import("node:util");
  for (const method of ["log", "info", "warn", "error"] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => original(redactPaths(format(...args)));
  }
}

/**
 * Sends plotly.js (the npm package plotly.js-dist, read from node_modules: offline, no CDN) to the page once
 * per notebook, as one output of the setup cell, so figures can be interactive without each embedding it.
 * The script defines `window.Plotly` (its UMD wrapper is given no `module`, so it does not try CommonJS) and
 * does nothing when a copy is already loaded.
 */
function loadPlotly(): void {
  const file = require.resolve("plotly.js-dist/plotly.js");
  const version = (JSON.parse(fs.readFileSync(path.join(path.dirname(file), "package.json"), "utf8")) as { version: string }).version;
  const source = fs.readFileSync(file, "utf8").replace(/<\/script/gi, "<\\/script");
  display().bundle(
    {
      "text/html":
        `<div class="seismic-xai-plotly" style="font-size:smaller;color:#666">interactive figures: plotly.js ${version} (offline copy)</div>` +
        `<script type="text/javascript">if (!window.Plotly) { (function (module, exports, define) {\n${source}\n}).call(window); }</script>`,
      "text/plain": `plotly.js ${version} loaded for interactive figures`,
    },
    { [OUTPUT_METADATA_KEY]: { plotly: version } },
  );
}
