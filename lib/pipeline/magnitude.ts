/**
 * The magnitude experiments (paper section 5, Fig. 6 and 7; docs/paper-pipeline.md section 5): a random forest
 * predicts source_magnitude from the 73 waveform and metadata features, and TreeSHAP explains it.
 *
 * `runMagnitudeExperiment` runs one experiment: rows (all, or some stations'), an 80/20 split, missing
 * values filled with the training means, a 100-tree forest (all features per split, bootstrap), MAE / MSE /
 * RMSE / R2 / explained variance on the test rows, and path-dependent TreeSHAP on a seeded sample of test rows.
 * `runMagnitudeExperiments` runs the paper's experiment and what the paper did not check: the same forest
 * with the events kept on one side of the split, and both splits per station (`writeMagnitudeResults` in
 * ./magnitude-results writes them).
 *
 * Why the grouped split: the D-set records one event at up to nine stations, and four features
 * (source_latitude, source_longitude, source_depth_km, and p_travel_sec with the station) name the event.
 * A random split over traces puts most test events in the training set too, recorded elsewhere, and the
 * forest can look the magnitude up instead of estimating it from the waveform; grouping by source_id
 * removes that shortcut, so the gap between the two R2 measures how much the paper's figure is flattered.
 */
import fs from "node:fs";
import path from "node:path";
import { defaultWorkerCount } from "../core/worker";
import { InputError } from "../core/errors";
import { assertWritableDir } from "../core/fs-errors";
import type { ProgressFn } from "../core/progress";
import { Rng } from "../core/rng";
import type { FeatureTable, TableSkip } from "../features/feature-table";
import { fillMissingWithTrainMean } from "../forest/fill-missing";
import { regressionMetrics, RegressionMetrics } from "../forest/metrics";
import type { RandomForestRegressor } from "../forest/random-forest";
import { takeRows } from "../forest/take-rows";
import { toTreeEnsemble } from "../forest/to-tree-ensemble";
import { groupedTrainTestSplit, type TrainTestSplit, trainTestSplit } from "../data/split";
import type { Explanation } from "../shap/explanation";
import type { TreeEnsemble } from "../shap/tree/tree-ensemble";
import { TreeExplainer } from "../shap/tree/tree-explainer";
import { trainForestCached } from "./forest-cache";

/** How test rows are chosen: at random over traces (the paper), or whole events (source_id) at random. */
export type MagnitudeSplit = "random" | "grouped-by-event";

/** The paper's magnitude results (section 5), for comparison. */
export const PAPER_MAGNITUDE = {
  mae: 0.1052,
  mse: 0.0212,
  rmse: 0.1457,
  r2: 0.8834,
  explainedVariance: 0.8835,
  /** TreeSHAP expected value (approximate, read from Fig. 7). */
  expectedValue: 1.077,
  nExplain: 100,
  testFraction: 0.2,
  seed: 42,
  nEstimators: 100,
  /** The top features of Fig. 7, most important first. */
  topFeatures: [
    "f12_c1_mean_spectral_power",
    "f16_c2_num_peaks",
    "p_travel_sec",
    "f23_c1_peak_to_peak_amplitude",
    "f6_c1_signal_range",
    "f16_c1_num_peaks",
    "f1_c1_maximum_amplitude",
  ],
} as const;

/** Options of `runMagnitudeExperiment`. */
export interface MagnitudeExperimentOptions {
  readonly table: FeatureTable;
  readonly split: MagnitudeSplit;
  /** Fraction of the rows (random) or of the events (grouped) held out for testing. @default 0.2 */
  readonly testFraction?: number;
  /** Seed of the split, of the forest ("<seed>:tree:<t>") and of the explained sample. @default 42 */
  readonly seed?: number | string;
  /** Trees in the forest (fewer for quick runs). @default 100 */
  readonly nEstimators?: number;
  /** Threads building trees. @default the forest's own choice (all cores, one thread for small tables) */
  readonly nWorkers?: number;
  /**
   * Threads running TreeSHAP (0 = this thread). @default all cores when worker threads can be started and the
   * job is big enough to repay their start-up (about 1 s), else 0
   */
  readonly shapWorkers?: number;
  /** Use only these stations' rows (station codes of the table). @default every row */
  readonly stations?: readonly string[];
  /** Test rows explained with TreeSHAP (a seeded sample; all test rows if fewer; 0 = none). @default 100 */
  readonly nExplain?: number;
  /** Folder where trained forests are saved and found again (`trainForestCached`). @default no cache */
  readonly cacheDir?: string;
  /** Progress of the forest, per tree: (treesDone, nEstimators, "trees"). */
  readonly onProgress?: ProgressFn;
  /** Warnings (features without any training value, filled with 0); `false` for silence. @default console.warn */
  readonly log?: ((line: string) => void) | false;
}

/** One feature's share of the explanation. */
export interface FeatureImportance {
  readonly name: string;
  /** Column of the feature table. */
  readonly index: number;
  /** Mean |SHAP value| over the explained rows, in magnitude units (the bar plot). */
  readonly meanAbsShap: number;
  /** Mean SHAP value over the explained rows. */
  readonly meanShap: number;
  /**
   * Pearson correlation between the feature's value and its SHAP value over the explained rows: > 0 when a
   * larger value pushes the predicted magnitude up (the beeswarm's colour gradient); null when either is constant.
   */
  readonly valueShapCorrelation: number | null;
}

/** Result of `runMagnitudeExperiment`. */
export interface MagnitudeExperiment {
  readonly split: MagnitudeSplit;
  /** Stations whose rows were used, sorted. */
  readonly stations: readonly string[];
  readonly testFraction: number;
  readonly seed: number | string;
  readonly nEstimators: number;
  readonly nTrain: number;
  readonly nTest: number;
  /** Rows left out because their target (source_magnitude) is missing: `skipped.length`. */
  readonly nDroppedNoTarget: number;
  /** The rows of the chosen stations left out because their source_magnitude is missing or not a number. */
  readonly skipped: readonly TableSkip[];
  /** Rows of the feature table on each side (random split: shuffled order; grouped: ascending). */
  readonly trainIndex: Int32Array;
  readonly testIndex: Int32Array;
  /** Per feature, the training mean that replaced missing values (length nFeatures). */
  readonly trainMeans: Float64Array;
  /** Missing values filled in the training and test rows. */
  readonly nFilled: number;
  /**
   * Features missing in every training row (a station without that measurement, say): filled with 0 in both
   * sides, a constant the forest never splits on, so they get no importance.
   */
  readonly emptyFeatures: readonly string[];
  readonly metrics: RegressionMetrics;
  /** Observed and predicted magnitudes of the test rows, in `testIndex` order (Fig. 6). */
  readonly yTest: Float64Array;
  readonly yPred: Float64Array;
  readonly forest: RandomForestRegressor;
  /** The forest in TreeSHAP's neutral form, with the table's feature names. */
  readonly ensemble: TreeEnsemble;
  readonly forestFromCache: boolean;
  /** E[f(X)] of path-dependent TreeSHAP: the forest's cover-weighted mean training magnitude. */
  readonly expectedValue: number;
  /** SHAP values of the explained test rows (filled feature values), or null when nExplain is 0. */
  readonly explanation: Explanation | null;
  /** Rows of the feature table that were explained, in the explanation's order. */
  readonly explainedIndex: Int32Array;
  /** trace_name of each explained row, in the explanation's order. */
  readonly explainedTraceNames: readonly string[];
  /** Every feature by decreasing mean |SHAP value| (empty without an explanation). */
  readonly topFeatures: readonly FeatureImportance[];
  /** max over explained rows of |expected value + sum of SHAP values - forest prediction|, or null. */
  readonly additivityResidual: number | null;
  readonly timings: { readonly fitS: number; readonly shapS: number; readonly totalS: number };
}

/**
 * TreeSHAP work (explained rows x leaves of all trees) above which worker threads pay off. Measured on 2 cores:
 * 100 rows x 85,700 leaves (8.6e6) take 1.7 s in this thread and 2.05 s on 2 workers, whose start-up (loading
 * the TypeScript sources through tsx) costs about 1.2 s; the break-even is near 1.2e7.
 */
const SHAP_WORKER_MIN_LEAF_ROWS = 2e7;

/**
 * One magnitude experiment (paper section 5): selects rows (every station, or `stations`), drops rows without
 * a target, splits them 80/20 (`trainTestSplit` over rows, or `groupedTrainTestSplit` over source_id so no event
 * is on both sides), fills NaN features with the training means (`fillMissingWithTrainMean`), trains (or
 * reloads from `cacheDir`) a forest of `nEstimators` trees with all features per split and bootstrap, scores
 * the test rows (`regressionMetrics`), and explains `nExplain` test rows, a seeded sample kept in test order,
 * with path-dependent TreeSHAP (`TreeExplainer`, additivity checked) on worker threads for big jobs.
 * @throws InputError naming the experiment for an unknown station, a split that leaves a side empty, or a
 *   malformed table
 */
export async function runMagnitudeExperiment(options: MagnitudeExperimentOptions): Promise<MagnitudeExperiment> {
  return runOneExperiment(options, true);
}

async function runOneExperiment(options: MagnitudeExperimentOptions, logNoTarget: boolean): Promise<MagnitudeExperiment> {
  const start = Date.now();
  const { table, split } = options;
  const testFraction = options.testFraction ?? 0.2;
  const seed = options.seed ?? 42;
  const nEstimators = options.nEstimators ?? 100;
  const nExplain = options.nExplain ?? 100;
  const where = `runMagnitudeExperiment (${split} split, ${options.stations ? `stations ${options.stations.join(", ")}` : "all stations"})`;
  if (split !== "random" && split !== "grouped-by-event") {
    throw new InputError("runMagnitudeExperiment", `split must be "random" or "grouped-by-event", got ${JSON.stringify(split)}`);
  }
  if (!Number.isInteger(nExplain) || nExplain < 0) throw new InputError(where, `nExplain must be an integer >= 0, got ${nExplain}`);
  assertTable(table, where);
  if (options.cacheDir !== undefined) assertWritableDir(options.cacheDir, "the forest cache");
  const nF = table.nFeatures;

  const log = options.log === undefined ? (line: string) => console.warn(line) : options.log;
  const { rows, stations, skipped } = selectRows(table, options.stations, where);
  const nDroppedNoTarget = skipped.length;
  if (rows.length === 0) {
    throw new InputError(where, `no rows to split (${nDroppedNoTarget} rows without a source_magnitude were left out): the test set would be empty`);
  }
  if (logNoTarget && log && nDroppedNoTarget > 0) log(noTargetLine(where, skipped, rows.length + nDroppedNoTarget));
  let subsetSplit: TrainTestSplit;
  try {
    subsetSplit = split === "random"
      ? trainTestSplit(rows.length, { testFraction, seed })
      : groupedTrainTestSplit(Array.from(rows, (r) => table.rows[r].source_id), { testFraction, seed });
  } catch (e) {
    if (e instanceof InputError) throw new InputError(where, `cannot split ${rows.length} rows: ${e.message}`, { cause: e });
    throw e;
  }
  const trainIndex = subsetSplit.trainIndex.map((k) => rows[k]);
  const testIndex = subsetSplit.testIndex.map((k) => rows[k]);
  const trainRaw = takeRows(table.X, nF, trainIndex);
  const testRaw = takeRows(table.X, nF, testIndex);
  let nFilled = 0;
  for (const a of [trainRaw, testRaw]) for (let i = 0; i < a.length; i++) if (Number.isNaN(a[i])) nFilled++;
  const filled = fillMissingWithTrainMean(trainRaw, testRaw, nF, { emptyColumns: "zero" });
  const emptyFeatures = Array.from(filled.emptyColumns, (f) => table.featureNames[f]);
  if (emptyFeatures.length > 0 && log) {
    log(`${where}: ${emptyFeatures.length} feature(s) missing in all ${trainIndex.length} training rows, filled with 0 (no importance): ${emptyFeatures.join(", ")}`);
  }
  const yTrain = takeRows(table.y, 1, trainIndex);
  const yTest = takeRows(table.y, 1, testIndex);

  const trained = await trainForestCached({
    forestOptions: { nEstimators, maxFeatures: 1, bootstrap: true, seed },
    X: filled.train,
    nRows: trainIndex.length,
    nFeatures: nF,
    y: yTrain,
    cacheDir: options.cacheDir,
    trainOptions: { nWorkers: options.nWorkers, onProgress: options.onProgress },
    log,
  });
  const forest = trained.forest;
  const yPred = forest.predict(filled.test, testIndex.length);
  const metrics = regressionMetrics(yTest, yPred);
  const ensemble = toTreeEnsemble(forest, table.featureNames);
  const explainer = new TreeExplainer(ensemble);

  const shapStart = Date.now();
  const nE = Math.min(nExplain, testIndex.length);
  const positions = Int32Array.from(new Rng(`${seed}:explain`).permutation(testIndex.length).subarray(0, nE)).sort();
  const explainedIndex = positions.map((p) => testIndex[p]);
  let explanation: Explanation | null = null;
  let additivityResidual: number | null = null;
  if (nE > 0) {
    const X = new Float64Array(nE * nF);
    positions.forEach((p, k) => X.set(filled.test.subarray(p * nF, (p + 1) * nF), k * nF));
    const workers = shapWorkerCount(options.shapWorkers, ensemble, nE, where);
    explanation = workers > 0 ? await explainer.explainAsync(X, nE, { workers }) : explainer.explain(X, nE);
    const outputs = explanation.outputs();
    const predictions = forest.predict(X, nE);
    additivityResidual = 0;
    for (let k = 0; k < nE; k++) additivityResidual = Math.max(additivityResidual, Math.abs(outputs[k] - predictions[k]));
  }
  const shapS = (Date.now() - shapStart) / 1000;
  return {
    split,
    stations,
    testFraction,
    seed,
    nEstimators,
    nTrain: trainIndex.length,
    nTest: testIndex.length,
    nDroppedNoTarget,
    skipped,
    trainIndex,
    testIndex,
    trainMeans: filled.means,
    nFilled,
    emptyFeatures,
    metrics,
    yTest,
    yPred,
    forest,
    ensemble,
    forestFromCache: trained.fromCache,
    expectedValue: explainer.expectedValue,
    explanation,
    explainedIndex,
    explainedTraceNames: Array.from(explainedIndex, (r) => table.rows[r].trace_name),
    topFeatures: explanation ? featureImportances(explanation) : [],
    additivityResidual,
    timings: { fitS: trained.seconds, shapS, totalS: (Date.now() - start) / 1000 },
  };
}

/** Options of `runMagnitudeExperiments`: those of `runMagnitudeExperiment` that all experiments share. */
export interface MagnitudeExperimentsOptions {
  readonly table: FeatureTable;
  /** @default 0.2 */
  readonly testFraction?: number;
  /** @default 42 */
  readonly seed?: number | string;
  /** Trees per forest; pass fewer (e.g. 10) for a quick CI run. @default 100 */
  readonly nEstimators?: number;
  readonly nWorkers?: number;
  readonly shapWorkers?: number;
  /** Test rows explained in each all-stations experiment (per-station ones are not explained). @default 100 */
  readonly nExplain?: number;
  /** Also run both splits within each station. @default true */
  readonly perStation?: boolean;
  /** Folder of the cached forests. @default no cache */
  readonly cacheDir?: string;
  /** Called after each experiment: (experimentsDone, nExperiments, label). */
  readonly onProgress?: ProgressFn;
  /** Warnings (rows without a target, once for all experiments; empty features); `false` for silence. @default console.warn */
  readonly log?: ((line: string) => void) | false;
}

/** One line of the results table. */
export interface MagnitudeResultRow {
  /** "all-stations": every trace (the paper's setting); "per-station": one station's traces only. */
  readonly experiment: "all-stations" | "per-station";
  /** "all" or the station code. */
  readonly station: string;
  readonly split: MagnitudeSplit;
  readonly nTrain: number;
  readonly nTest: number;
  /** Rows of the experiment's stations left out for lack of a target (source_magnitude). */
  readonly nNoTarget: number;
  readonly nEvents: number;
  readonly mae: number;
  readonly mse: number;
  readonly rmse: number;
  readonly r2: number;
  readonly explainedVariance: number;
  readonly forestFromCache: boolean;
  readonly fitS: number;
}

/** Result of `runMagnitudeExperiments`. */
export interface MagnitudeExperimentsResult {
  /** The settings used (defaults filled in). */
  readonly config: {
    readonly testFraction: number;
    readonly seed: number | string;
    readonly nEstimators: number;
    readonly maxFeatures: 1;
    readonly bootstrap: true;
    readonly nExplain: number;
    readonly perStation: boolean;
    readonly target: "source_magnitude";
    readonly missingValues: "training mean";
  };
  /** The feature table the experiments ran on. */
  readonly data: { readonly nRows: number; readonly nFeatures: number; readonly nEvents: number; readonly stations: readonly string[]; readonly featureNames: readonly string[] };
  /** The table itself (for trace names and stations of the explained and predicted rows). */
  readonly table: FeatureTable;
  /** The paper's experiment: all stations, random split over traces. */
  readonly random: MagnitudeExperiment;
  /** All stations, no event on both sides. */
  readonly groupedByEvent: MagnitudeExperiment;
  /** Per station, random then grouped (empty when perStation is false). */
  readonly perStation: readonly MagnitudeExperiment[];
  /** One row per experiment: the two all-stations ones first, then per station in code order. */
  readonly rows: readonly MagnitudeResultRow[];
  /** Rows of the table left out of every experiment because their source_magnitude is missing or not a number. */
  readonly skipped: readonly TableSkip[];
  readonly paper: typeof PAPER_MAGNITUDE;
  readonly timings: { readonly totalS: number };
}

/**
 * The paper's magnitude experiment and its leak-free and per-station counterparts (issue 6): all stations with
 * the random split over traces (paper section 5, explained with TreeSHAP), all stations grouped by event
 * (explained too), then, per station, a random and a grouped split (scores only). Returns every experiment, a
 * results table, and the paper's numbers beside them; `writeMagnitudeResults` saves them.
 */
export async function runMagnitudeExperiments(options: MagnitudeExperimentsOptions): Promise<MagnitudeExperimentsResult> {
  const start = Date.now();
  const { table } = options;
  assertTable(table, "runMagnitudeExperiments");
  // Before the first forest is trained, not after.
  if (options.cacheDir !== undefined) assertWritableDir(options.cacheDir, "the forest cache");
  const config = {
    testFraction: options.testFraction ?? 0.2,
    seed: options.seed ?? 42,
    nEstimators: options.nEstimators ?? 100,
    maxFeatures: 1 as const,
    bootstrap: true as const,
    nExplain: options.nExplain ?? 100,
    perStation: options.perStation ?? true,
    target: "source_magnitude" as const,
    missingValues: "training mean" as const,
  };
  const stations = [...new Set(table.rows.map((r) => r.station))].sort();
  const log = options.log === undefined ? (line: string) => console.warn(line) : options.log;
  const skipped = selectRows(table, undefined, "runMagnitudeExperiments").skipped;
  if (log && skipped.length > 0) log(noTargetLine("runMagnitudeExperiments", skipped, table.nRows));
  const plan: { label: string; stations?: string[]; split: MagnitudeSplit; nExplain: number }[] = [
    { label: "all stations, random split (paper)", split: "random", nExplain: config.nExplain },
    { label: "all stations, grouped by event", split: "grouped-by-event", nExplain: config.nExplain },
  ];
  if (config.perStation) {
    for (const s of stations) {
      plan.push({ label: `${s}, random split`, stations: [s], split: "random", nExplain: 0 });
      plan.push({ label: `${s}, grouped by event`, stations: [s], split: "grouped-by-event", nExplain: 0 });
    }
  }
  const done: MagnitudeExperiment[] = [];
  for (const step of plan) {
    done.push(
      await runOneExperiment({
        table,
        split: step.split,
        stations: step.stations,
        nExplain: step.nExplain,
        testFraction: config.testFraction,
        seed: config.seed,
        nEstimators: config.nEstimators,
        nWorkers: options.nWorkers,
        shapWorkers: options.shapWorkers,
        cacheDir: options.cacheDir,
        log: options.log,
      }, false),
    );
    options.onProgress?.(done.length, plan.length, step.label);
  }
  const rows = done.map((e, k): MagnitudeResultRow => ({
    experiment: k < 2 ? "all-stations" : "per-station",
    station: k < 2 ? "all" : e.stations[0],
    split: e.split,
    nTrain: e.nTrain,
    nTest: e.nTest,
    nNoTarget: e.nDroppedNoTarget,
    nEvents: new Set([...e.trainIndex, ...e.testIndex].map((r) => table.rows[r].source_id)).size,
    ...e.metrics,
    forestFromCache: e.forestFromCache,
    fitS: e.timings.fitS,
  }));
  return {
    config,
    data: {
      nRows: table.nRows,
      nFeatures: table.nFeatures,
      nEvents: new Set(table.rows.map((r) => r.source_id)).size,
      stations,
      featureNames: table.featureNames,
    },
    table,
    random: done[0],
    groupedByEvent: done[1],
    perStation: done.slice(2),
    rows,
    skipped,
    paper: PAPER_MAGNITUDE,
    timings: { totalS: (Date.now() - start) / 1000 },
  };
}

function assertTable(table: FeatureTable, where: string): void {
  if (!table || typeof table !== "object" || !(table.X instanceof Float64Array)) throw new InputError(where, "table must be a FeatureTable (buildFeatureTable)");
  const { nRows, nFeatures } = table;
  if (table.X.length !== nRows * nFeatures) throw new InputError(`${where} table`, `X has ${table.X.length} values for ${nRows} rows x ${nFeatures} features`);
  if (table.y.length !== nRows) throw new InputError(`${where} table`, `y has ${table.y.length} values for ${nRows} rows`);
  if (table.rows.length !== nRows) throw new InputError(`${where} table`, `rows has ${table.rows.length} entries for ${nRows} rows`);
  if (table.featureNames.length !== nFeatures) throw new InputError(`${where} table`, `${table.featureNames.length} feature names for ${nFeatures} features`);
}

/**
 * Table rows of the chosen stations that have a finite target, and the others as skips: with the reason the
 * table recorded (the CSV text) when it has one.
 */
function selectRows(table: FeatureTable, stations: readonly string[] | undefined, where: string): { rows: Int32Array; stations: string[]; skipped: TableSkip[] } {
  const present = [...new Set(table.rows.map((r) => r.station))].sort();
  let wanted: Set<string> | null = null;
  if (stations !== undefined) {
    if (stations.length === 0) throw new InputError(where, "stations is empty: pass at least one station code, or leave it out for all stations");
    const unknown = stations.filter((s) => !present.includes(s));
    if (unknown.length > 0) throw new InputError(where, `no rows for station ${unknown.join(", ")} (the table has ${present.join(", ")})`);
    wanted = new Set(stations);
  }
  const known = new Map((table.targetMissing ?? []).map((s) => [s.trace, s] as const));
  const rows: number[] = [];
  const skipped: TableSkip[] = [];
  table.rows.forEach((r, i) => {
    if (wanted && !wanted.has(r.station)) return;
    if (Number.isFinite(table.y[i])) rows.push(i);
    else skipped.push(known.get(r.trace_name) ?? { file: "(feature table)", trace: r.trace_name, reason: `source_magnitude is ${table.y[i]}: no target for the magnitude forest` });
  });
  return { rows: Int32Array.from(rows), stations: wanted ? [...wanted].sort() : present, skipped };
}

/** The one warning about rows without a target: how many, and the first few with their reasons. */
function noTargetLine(where: string, skipped: readonly TableSkip[], nRows: number): string {
  const shown = skipped.slice(0, 3).map((s) => `${s.trace} (${s.reason.replace(/: no target for the magnitude forest$/, "")})`);
  const more = skipped.length > shown.length ? `, and ${skipped.length - shown.length} more` : "";
  return `${where}: ${skipped.length} of ${nRows} rows have no readable source_magnitude and are left out (listed in skipped): ${shown.join(", ")}${more}`;
}

/** Threads for TreeSHAP: the caller's choice, else all cores for a big job when workers can start. */
function shapWorkerCount(requested: number | undefined, ensemble: TreeEnsemble, nRows: number, where: string): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 0) throw new InputError(where, `shapWorkers must be an integer >= 0, got ${requested}`);
    return requested;
  }
  let leaves = 0;
  for (const tree of ensemble.trees) for (const child of tree.childrenLeft) if (child < 0) leaves++;
  if (leaves * nRows < SHAP_WORKER_MIN_LEAF_ROWS || !canStartShapWorkers()) return 0;
  return defaultWorkerCount();
}

/** The TreeSHAP worker runs compiled, or from its TypeScript source through tsx's require hook. */
function canStartShapWorkers(): boolean {
  if (fs.existsSync(path.join(__dirname, "..", "shap", "tree", "tree-shap-worker.js"))) return true;
  try {
    require.resolve("tsx/cjs");
    return true;
  } catch {
    return false;
  }
}

/** Mean |SHAP|, mean SHAP and value-SHAP correlation per feature, most important first. */
function featureImportances(explanation: Explanation): FeatureImportance[] {
  const meanAbs = explanation.abs().mean(0).values;
  const mean = explanation.mean(0).values;
  const out: FeatureImportance[] = [];
  for (const j of explanation.featureOrder()) {
    const { values, data, featureNames } = explanation.column(j);
    out.push({ name: featureNames![0], index: j, meanAbsShap: meanAbs[j], meanShap: mean[j], valueShapCorrelation: pearson(data, values) });
  }
  return out;
}

function pearson(a: Float64Array, b: Float64Array): number | null {
  if (isConstant(a) || isConstant(b)) return null;
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

function isConstant(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] !== a[0]) return false;
  return true;
}
