import type { RegressionMetrics } from "../forest/metrics";
import type { FeatureImportance, MagnitudeExperiment, MagnitudeExperimentsResult, MagnitudeResultRow, PAPER_MAGNITUDE } from "./magnitude";
import { writeResultJson } from "./results";

/** File names written by `writeMagnitudeResults`. */
export const MAGNITUDE_RESULT_FILES = { summary: "magnitude.json", shap: "magnitude-shap.json" } as const;

/** Summary of one all-stations experiment in results/magnitude.json. */
export interface MagnitudeExperimentSummary {
  readonly split: MagnitudeExperiment["split"];
  readonly nTrain: number;
  readonly nTest: number;
  /** Rows left out because their source_magnitude is missing or not a number, with the reason. */
  readonly nDroppedNoTarget: number;
  readonly skipped: MagnitudeExperiment["skipped"];
  readonly nFilled: number;
  /** Features with no training value, filled with 0. */
  readonly emptyFeatures: readonly string[];
  readonly metrics: RegressionMetrics;
  readonly forestFromCache: boolean;
  readonly nExplained: number;
  readonly expectedValue: number;
  readonly additivityResidual: number | null;
  /** Every feature, most important first. */
  readonly topFeatures: readonly FeatureImportance[];
  /** The test set's observed and predicted magnitudes, for Fig. 6 (test order). */
  readonly predictions: { readonly traceName: readonly string[]; readonly station: readonly string[]; readonly yTrue: Float64Array; readonly yPred: Float64Array };
  readonly timings: MagnitudeExperiment["timings"];
}

/** Layout of results/magnitude.json. */
export interface MagnitudeResultsJson {
  readonly format: "seismic-xai/magnitude-results";
  readonly version: 1;
  readonly config: MagnitudeExperimentsResult["config"];
  readonly data: Omit<MagnitudeExperimentsResult["data"], "featureNames">;
  readonly paper: typeof PAPER_MAGNITUDE;
  /** Paper against ours, metric by metric (random: the paper's setting; groupedByEvent: no shared events). */
  readonly comparison: readonly { readonly quantity: string; readonly paper: number; readonly random: number; readonly groupedByEvent: number }[];
  /** Where the paper's top features of Fig. 7 rank in our explanations (1 = most important). */
  readonly paperTopFeatures: readonly { readonly name: string; readonly paperRank: number; readonly rankRandom: number | null; readonly rankGroupedByEvent: number | null }[];
  readonly random: MagnitudeExperimentSummary;
  readonly groupedByEvent: MagnitudeExperimentSummary;
  /** One row per experiment: all stations (both splits), then per station. */
  readonly table: readonly MagnitudeResultRow[];
  readonly timings: MagnitudeExperimentsResult["timings"];
}

/** The explained rows of one experiment in results/magnitude-shap.json. */
export interface MagnitudeShapJsonEntry {
  readonly split: MagnitudeExperiment["split"];
  /** [nRows, nFeatures] of `values` and `data`. */
  readonly shape: readonly [number, number];
  readonly expectedValue: number;
  /** nRows base values (all equal to expectedValue, as shap tiles them). */
  readonly baseValues: Float64Array;
  /** SHAP values, nRows x nFeatures row-major, in magnitude units. */
  readonly values: Float64Array;
  /** Feature values the forest saw (missing values filled), nRows x nFeatures row-major. */
  readonly data: Float64Array;
  readonly traceName: readonly string[];
  readonly station: readonly string[];
  readonly yTrue: Float64Array;
  readonly yPred: Float64Array;
}

/** Layout of results/magnitude-shap.json. */
export interface MagnitudeShapJson {
  readonly format: "seismic-xai/magnitude-shap";
  readonly version: 1;
  readonly featureNames: readonly string[];
  readonly random: MagnitudeShapJsonEntry | null;
  readonly groupedByEvent: MagnitudeShapJsonEntry | null;
}

/**
 * Writes the magnitude experiments (`runMagnitudeExperiments`) to `resultsDir`, each file atomically:
 * - `magnitude.json` (`MagnitudeResultsJson`): settings, data size, the paper's numbers and ours side by side,
 *   the results table (all stations and per station, both splits), per all-stations experiment the metrics,
 *   every feature's mean |SHAP|, the expected value, the additivity residual and the test predictions (Fig. 6),
 *   and timings;
 * - `magnitude-shap.json` (`MagnitudeShapJson`): the explained rows (SHAP values, base values, feature
 *   values, names, trace names) for the bar, beeswarm and waterfall plots of Fig. 7.
 * Arrays are plain JSON arrays, matrices row-major with their shape; NaN is written as null.
 * @returns the two paths
 */
export function writeMagnitudeResults(resultsDir: string, result: MagnitudeExperimentsResult): { summary: string; shap: string } {
  const { featureNames, ...data } = result.data;
  const names = (index: Int32Array) => Array.from(index, (r) => result.table.rows[r].trace_name);
  const stations = (index: Int32Array) => Array.from(index, (r) => result.table.rows[r].station);
  const summaryOf = (e: MagnitudeExperiment): MagnitudeExperimentSummary => ({
    split: e.split,
    nTrain: e.nTrain,
    nTest: e.nTest,
    nDroppedNoTarget: e.nDroppedNoTarget,
    skipped: e.skipped,
    nFilled: e.nFilled,
    emptyFeatures: e.emptyFeatures,
    metrics: e.metrics,
    forestFromCache: e.forestFromCache,
    nExplained: e.explanation ? e.explanation.nSamples : 0,
    expectedValue: e.expectedValue,
    additivityResidual: e.additivityResidual,
    topFeatures: e.topFeatures,
    predictions: { traceName: names(e.testIndex), station: stations(e.testIndex), yTrue: e.yTest, yPred: e.yPred },
    timings: e.timings,
  });
  const rank = (e: MagnitudeExperiment, name: string): number | null => {
    const k = e.topFeatures.findIndex((f) => f.name === name);
    return k < 0 ? null : k + 1;
  };
  const { random, groupedByEvent } = result;
  const quantities = ["mae", "mse", "rmse", "r2", "explainedVariance"] as const;
  const summary: MagnitudeResultsJson = {
    format: "seismic-xai/magnitude-results",
    version: 1,
    config: result.config,
    data,
    paper: result.paper,
    comparison: [
      ...quantities.map((q) => ({ quantity: q, paper: result.paper[q], random: random.metrics[q], groupedByEvent: groupedByEvent.metrics[q] })),
      { quantity: "expectedValue", paper: result.paper.expectedValue, random: random.expectedValue, groupedByEvent: groupedByEvent.expectedValue },
    ],
    paperTopFeatures: result.paper.topFeatures.map((name, k) => ({ name, paperRank: k + 1, rankRandom: rank(random, name), rankGroupedByEvent: rank(groupedByEvent, name) })),
    random: summaryOf(random),
    groupedByEvent: summaryOf(groupedByEvent),
    table: result.rows,
    timings: result.timings,
  };
  const shapOf = (e: MagnitudeExperiment): MagnitudeShapJsonEntry | null => {
    const x = e.explanation;
    if (!x) return null;
    const predicted = new Map<number, number>();
    e.testIndex.forEach((r, k) => predicted.set(r, e.yPred[k]));
    return {
      split: e.split,
      shape: [x.nSamples, x.nFeatures],
      expectedValue: e.expectedValue,
      baseValues: x.baseValues,
      values: x.values,
      data: x.data,
      traceName: names(e.explainedIndex),
      station: stations(e.explainedIndex),
      yTrue: Float64Array.from(e.explainedIndex, (r) => result.table.y[r]),
      yPred: Float64Array.from(e.explainedIndex, (r) => predicted.get(r)!),
    };
  };
  const shap: MagnitudeShapJson = {
    format: "seismic-xai/magnitude-shap",
    version: 1,
    featureNames,
    random: shapOf(random),
    groupedByEvent: shapOf(groupedByEvent),
  };
  return {
    summary: writeResultJson(resultsDir, MAGNITUDE_RESULT_FILES.summary, summary),
    shap: writeResultJson(resultsDir, MAGNITUDE_RESULT_FILES.shap, shap),
  };
}
