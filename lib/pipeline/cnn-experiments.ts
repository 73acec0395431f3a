/**
 * The paper's CNN experiments (section 3 of docs/paper-pipeline.md) and the generalisation test the paper
 * could only discuss, each written to results/ as JSON:
 *   (a) cnn-nrca.json                  NRCA-only model, random 70/15/15 split of NRCA's traces (paper 0.9957)
 *   (b) cnn-all-stations.json          all-stations model, random split over all traces (paper 0.9575)
 *   (c) cnn-nrca-on-all-stations.json  model (a) on the test split of (b), per station (paper 0.5019)
 *   (d) cnn-leave-one-station-out.json for each station, a model trained on the others and tested on it,
 *                                      beside its accuracy on a held-out 15% of the stations it saw
 *   (e) cnn-all-stations-grouped-by-event.json (optional) (b) with no event on two sides of the split
 *   cnn-experiments.json               the summary table, settings, timings and the paper's numbers
 * plus cnn-<name>-predictions.csv with every test prediction. Models are cached (trainCnnExperiment): a
 * second run trains nothing, an interrupted one resumes from its last finished epoch.
 *
 * Time budget (default data, 4,500 traces, on 2 cores): tf.js' wasm backend trains on one thread at about
 * 80 samples/s, so the models are trained on one worker thread per core (`workers`), two at a time, the
 * longest first. (a) and (b) keep the paper's 10 epochs on their whole training splits, 350 and 3,150
 * images: about 45 s and 6.5 min of one core. Nine full leave-one-station-out trainings (2,800 images x
 * 10 epochs each) would take an hour more, so each fold defaults to 4 epochs on at most 1,800 of its 2,800
 * training images, about 90 s of one core; the folds run on the second core while (b) trains, and the whole
 * run takes about 10 min of wall time. The cost is in-distribution accuracy (about 0.9 instead of
 * (b)'s 0.99), reported beside the held-out station's so that the gap between the two measures
 * generalisation and not under-training. The grouped-by-event variant (e) adds another (b): off by default.
 */
import path from "node:path";
import { evaluateClassifier, type ClassificationMetrics } from "../cnn/evaluate";
import type { EpochRecord } from "../cnn/metadata";
import type { CnnPredictions } from "../cnn/predict";
import { savePredictionsCsv } from "../cnn/save-predictions";
import { InputError } from "../core/errors";
import { cacheDir as defaultCacheRoot, resultsDir as defaultResultsDir } from "../core/paths";
import type { ProgressFn } from "../core/progress";
import { defaultWorkerCount } from "../core/worker";
import { loadImageSet, type ImageSet } from "../spectrogram/image-cache";
import { evaluateCnnOnSubset } from "./cnn-evaluation";
import { CNN_SPLIT_FRACTIONS, isCnnExperimentCached, trainCnnExperiment, type CnnExperiment, type CnnSplit } from "./cnn-experiment";
import { takeImageSubset } from "./cnn-image-subset";
import { canTrainInWorkers, trainCnnExperimentsInWorkers, type CnnTrainingPlan, type CnnTrainingRun } from "./cnn-parallel-training";
import { writeResultJson } from "./results";

/** The paper's CNN results and settings (section 3), for comparison. */
export const PAPER_CNN = {
  station: "NRCA",
  training: { epochs: 10, batchSize: 32, learningRate: 1e-3, split: "random over traces, 70/15/15" },
  nrca: { accuracy: 0.9957, precision: 0.9922, recall: 0.998, f1: 0.9951, nTrain: 5862, nVal: 1199, nTest: 1162 },
  allStations: { accuracy: 0.9575, nTrain: 55617, nVal: 11918, nTest: 11919 },
  nrcaOnAllStations: { accuracy: 0.5019, nTest: 11919 },
} as const;

/** Default settings of the leave-one-station-out folds (see the file comment for the time budget). */
export const LEAVE_ONE_STATION_OUT_DEFAULTS = { epochs: 4, maxTrainImages: 1800 } as const;

/** Options of `runCnnExperiments`. */
export interface CnnExperimentsOptions {
  /** Folder of the spectrogram-image cache (`buildImageCache`). */
  readonly imageCacheDir: string;
  /** The cache already loaded (`loadImageSet(imageCacheDir)`); @default loaded here, once for all experiments */
  readonly images?: ImageSet;
  /** Folder of the cached models. @default data/cache/cnn */
  readonly cacheDir?: string;
  /** Folder of the result files. @default results/ */
  readonly resultsDir?: string;
  /** @default 42 */
  readonly seed?: number;
  /** Epochs of (a), (b) and (e). @default 10 (the paper) */
  readonly epochs?: number;
  /** @default 32 (the paper) */
  readonly batchSize?: number;
  /** Cap on the training images of (a), (b) and (e) (quick runs). @default no cap */
  readonly maxTrainImages?: number;
  /**
   * Settings of (d), or false to skip it; `maxTrainImages: null` trains each fold on its whole training split.
   * @default LEAVE_ONE_STATION_OUT_DEFAULTS
   */
  readonly leaveOneOut?: { readonly epochs?: number; readonly maxTrainImages?: number | null } | false;
  /** Also run (e), the all-stations model with a split grouped by event. @default false */
  readonly groupedByEvent?: boolean;
  /**
   * Worker threads that train the models (each trains one model at a time on one core); 0 trains in this
   * thread, one model after the other. @default every core when there are at least two, else 0
   */
  readonly workers?: number;
  /** Called after each training (with workers) and each experiment: (steps done, steps in all, label). */
  readonly onProgress?: ProgressFn;
  /** Called after each epoch of a training in this thread (workers: 0), with the experiment's name. */
  readonly onEpoch?: (experiment: string, record: EpochRecord) => void;
  /** @default console.log; `false` for silence */
  readonly log?: ((line: string) => void) | false;
}

/** A trained experiment without its model and image set (the models are disposed; reload with loadCnn). */
export type CnnExperimentSummary = Omit<CnnExperiment, "model" | "images">;

/** Result of (c): model (a) applied to the test split of (b). */
export interface CrossStationEvaluation {
  readonly metrics: ClassificationMetrics;
  /** Scores without the single station's own traces (the stations model (a) never saw); null when there are none. */
  readonly otherStations: ClassificationMetrics | null;
  /** Test images of (b) that were training images of (a) (both random splits draw from the same traces). */
  readonly nSeenInTraining: number;
  readonly predictions: CnnPredictions;
  readonly predictionsFile: string;
  readonly seconds: number;
}

/** One fold of (d). */
export interface LeaveOneStationOutFold {
  /** The station left out of training and tested on. */
  readonly station: string;
  readonly experiment: CnnExperimentSummary;
  /** Scores on the held-out station's every trace. */
  readonly heldOut: ClassificationMetrics;
  readonly heldOutPredictions: CnnPredictions;
  /** trace_name and true label of each held-out image, in prediction order. */
  readonly heldOutTraceNames: readonly string[];
  readonly heldOutLabels: Uint8Array;
}

/** Result of (d). */
export interface LeaveOneStationOutResult {
  readonly epochs: number;
  readonly maxTrainImages: number | null;
  readonly folds: readonly LeaveOneStationOutFold[];
  /** Mean over folds of the held-out station's accuracy, and of the in-distribution test accuracy. */
  readonly meanHeldOutAccuracy: number;
  readonly meanInDistributionAccuracy: number;
  readonly predictionsFile: string;
}

/** One line of the summary table. */
export interface CnnResultRow {
  readonly experiment: string;
  readonly trainedOn: string;
  readonly testedOn: string;
  readonly split: string;
  readonly nTrain: number;
  readonly nTest: number;
  readonly accuracy: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly paperAccuracy: number | null;
  readonly fromCache: boolean;
  readonly seconds: number;
}

/** Result of `runCnnExperiments`. */
export interface CnnExperimentsResult {
  readonly config: {
    readonly seed: number;
    readonly epochs: number;
    readonly batchSize: number;
    readonly maxTrainImages: number | null;
    readonly leaveOneOut: { readonly epochs: number; readonly maxTrainImages: number | null } | false;
    readonly groupedByEvent: boolean;
    readonly workers: number;
  };
  readonly backend: string;
  readonly nrca: CnnExperimentSummary;
  readonly allStations: CnnExperimentSummary;
  readonly nrcaOnAllStations: CrossStationEvaluation;
  readonly leaveOneStationOut: LeaveOneStationOutResult | null;
  readonly groupedByEvent: CnnExperimentSummary | null;
  readonly table: readonly CnnResultRow[];
  /** Paths of the files written, by role. */
  readonly files: Readonly<Record<string, string>>;
  /** Wall time of the whole call, in seconds. */
  readonly seconds: number;
  /** Sum of the trainings' wall times (several run at once with workers), in seconds; 0 when all were cached. */
  readonly trainSeconds: number;
}

/**
 * Runs experiments (a) to (e) of the file comment, writing each result file atomically (`writeResultJson`)
 * as soon as it is known, then the summary `cnn-experiments.json`. The image cache is decoded once and
 * shared. With `workers` > 0 the models not yet in the cache are first trained on worker threads, longest
 * first (`trainCnnExperimentsInWorkers`), so every core trains; the experiments then take their models from
 * the cache. Trained models stay under `cacheDir` and are reused by later runs.
 *
 * @throws InputError when the cache lacks NRCA's foreshocks or aftershocks, holds a single station while (d)
 *   is asked for, or for the errors of `trainCnnExperiment`
 */
export async function runCnnExperiments(options: CnnExperimentsOptions): Promise<CnnExperimentsResult> {
  const start = performance.now();
  const where = "runCnnExperiments";
  const log = options.log === undefined ? (line: string) => console.log(line) : options.log;
  const resultsDir = options.resultsDir ?? defaultResultsDir();
  const cacheDir = options.cacheDir ?? defaultCacheRoot("cnn");
  const loo = options.leaveOneOut ?? {};
  const config: CnnExperimentsResult["config"] = {
    seed: options.seed ?? 42,
    epochs: options.epochs ?? 10,
    batchSize: options.batchSize ?? 32,
    maxTrainImages: options.maxTrainImages ?? null,
    leaveOneOut:
      loo === false
        ? false
        : {
            epochs: loo.epochs ?? LEAVE_ONE_STATION_OUT_DEFAULTS.epochs,
            maxTrainImages: loo.maxTrainImages === undefined ? LEAVE_ONE_STATION_OUT_DEFAULTS.maxTrainImages : loo.maxTrainImages,
          },
    groupedByEvent: options.groupedByEvent ?? false,
    workers: resolveWorkers(options.workers, where),
  };
  const images = options.images ?? loadImageSet(options.imageCacheDir, (e) => e.label === 0 || e.label === 1);
  const stations = [...new Set(images.entries.filter((e) => e.label === 0 || e.label === 1).map((e) => e.station))].sort();
  if (config.leaveOneOut !== false && stations.length < 2) {
    throw new InputError(where, `leave-one-station-out needs at least two stations, the image cache ${options.imageCacheDir} holds ${stations.join(", ") || "none"} (pass leaveOneOut: false)`);
  }

  // Every training of the run, in the order the results are assembled.
  const paperPlan = (name: string, stationList: readonly string[] | "all", split: CnnSplit): CnnTrainingPlan => ({
    name,
    imageCacheDir: options.imageCacheDir,
    stations: stationList,
    split,
    seed: config.seed,
    epochs: config.epochs,
    batchSize: config.batchSize,
    maxTrainImages: config.maxTrainImages ?? undefined,
    cacheDir,
  });
  const nrcaPlan = paperPlan("nrca", [PAPER_CNN.station], "random");
  const allPlan = paperPlan("all-stations", "all", "random");
  const foldPlans = new Map<string, CnnTrainingPlan>();
  if (config.leaveOneOut !== false) {
    for (const station of stations) {
      const name = `loso-${station.toLowerCase()}`;
      foldPlans.set(station, {
        ...paperPlan(name, stations.filter((s) => s !== station), "random"),
        epochs: config.leaveOneOut.epochs,
        maxTrainImages: config.leaveOneOut.maxTrainImages ?? undefined,
      });
    }
  }
  const groupedPlan = config.groupedByEvent ? paperPlan("all-stations-grouped-by-event", "all", "grouped-by-event") : null;
  const plans = [nrcaPlan, allPlan, ...foldPlans.values(), ...(groupedPlan ? [groupedPlan] : [])];

  // Parallel phase: the models not yet in the cache are trained on worker threads, the longest first.
  const toTrain = config.workers > 0 ? plans.filter((p) => !isCnnExperimentCached({ ...p, images })) : [];
  const nSteps = 3 + foldPlans.size + (groupedPlan ? 1 : 0);
  const nProgress = nSteps + toTrain.length;
  let progressDone = 0;
  const step = (label: string) => options.onProgress?.(++progressDone, nProgress, label);
  const workerRuns = new Map<string, CnnTrainingRun>();
  if (toTrain.length > 0) {
    const order = toTrain.slice().sort((a, b) => trainingCost(b, images) - trainingCost(a, images));
    const nWorkers = Math.min(config.workers, order.length);
    if (log) log(`training ${order.length} CNN2D model(s) on ${nWorkers} worker thread(s), longest first: ${order.map((p) => p.name).join(", ")}`);
    const runs = await trainCnnExperimentsInWorkers(order, images, {
      workers: nWorkers,
      onRun: (_done, _total, run) => {
        if (log) log(`${run.name}: trained in ${run.trainSeconds.toFixed(0)} s${run.resumedFromEpoch > 0 ? ` (resumed after epoch ${run.resumedFromEpoch})` : ""}, test accuracy ${run.testAccuracy.toFixed(4)}`);
        step(`trained ${run.name}`);
      },
    });
    for (const run of runs) workerRuns.set(run.name, run);
  }
  const files: Record<string, string> = {};
  const table: CnnResultRow[] = [];
  /** Trains or loads one plan's model here; with a worker run, takes the training figures from it. */
  const run = async (plan: CnnTrainingPlan, predictionsFile: string | undefined): Promise<CnnExperiment> => {
    const workerRun = workerRuns.get(plan.name);
    const e = await trainCnnExperiment({
      ...plan,
      images,
      predictionsFile,
      onEpoch: options.onEpoch ? (r: EpochRecord) => options.onEpoch?.(plan.name, r) : undefined,
      log: workerRun ? false : log,
    });
    if (workerRun === undefined) return e;
    return {
      ...e,
      fromCache: workerRun.fromCache,
      resumedFromEpoch: workerRun.resumedFromEpoch,
      samplesPerSecond: workerRun.samplesPerSecond,
      trainSeconds: workerRun.trainSeconds,
      seconds: workerRun.seconds + e.seconds,
    };
  };
  const summarize = (e: CnnExperiment): CnnExperimentSummary => {
    const { model, images: _images, ...rest } = e;
    model.dispose();
    return rest;
  };
  const resultCsv = (name: string) => path.join(resultsDir, `cnn-${name}-predictions.csv`);

  // (a) the NRCA-only model, kept in memory for (c); (b) the all-stations model; (c) (a) on the test split of (b).
  const nrcaRun = await run(nrcaPlan, resultCsv(nrcaPlan.name));
  let nrca: CnnExperimentSummary;
  let allStations: CnnExperimentSummary;
  let nrcaOnAllStations: CrossStationEvaluation;
  try {
    const { model: _m, images: _i, ...nrcaRest } = nrcaRun;
    nrca = nrcaRest;
    files.nrca = writeResultJson(resultsDir, "cnn-nrca.json", experimentJson(nrca, "(a) NRCA-only model: random 70/15/15 split over NRCA's traces (paper section 3)", PAPER_CNN.nrca));
    table.push(row("nrca", PAPER_CNN.station, PAPER_CNN.station, nrca, nrca.metrics, PAPER_CNN.nrca.accuracy));
    step("(a) NRCA-only model");

    allStations = summarize(await run(allPlan, resultCsv(allPlan.name)));
    files.allStations = writeResultJson(
      resultsDir,
      "cnn-all-stations.json",
      experimentJson(allStations, "(b) all-stations model: random 70/15/15 split over every station's traces (paper section 3)", PAPER_CNN.allStations),
    );
    table.push(row("all-stations", "all", "all", allStations, allStations.metrics, PAPER_CNN.allStations.accuracy));
    step("(b) all-stations model");

    const crossStart = performance.now();
    const test = takeImageSubset(images, allStations.testIndex, `${where}: all-stations test split`);
    const predictionsFile = resultCsv("nrca-on-all-stations");
    const evaluation = evaluateCnnOnSubset(nrcaRun.model, test, `${where}: NRCA model on the all-stations test split`, predictionsFile);
    const others: number[] = [];
    test.stations.forEach((s, k) => {
      if (s !== PAPER_CNN.station) others.push(k);
    });
    const seen = new Set(nrca.trainIndex);
    nrcaOnAllStations = {
      metrics: evaluation.metrics,
      otherStations: others.length === 0 ? null : evaluateSubsetOf(evaluation.predictions.labels, test.labels, others, test.stations),
      nSeenInTraining: Array.from(allStations.testIndex).filter((i) => seen.has(i)).length,
      predictions: evaluation.predictions,
      predictionsFile,
      seconds: (performance.now() - crossStart) / 1000,
    };
    files.nrcaOnAllStations = writeResultJson(resultsDir, "cnn-nrca-on-all-stations.json", crossJson(nrca, allStations, nrcaOnAllStations));
    table.push({
      experiment: "nrca-on-all-stations",
      trainedOn: PAPER_CNN.station,
      testedOn: "all",
      split: "random",
      nTrain: nrca.nTrain,
      nTest: evaluation.metrics.n,
      ...pickScores(evaluation.metrics),
      paperAccuracy: PAPER_CNN.nrcaOnAllStations.accuracy,
      fromCache: nrca.fromCache,
      seconds: nrcaOnAllStations.seconds,
    });
    if (log) log(`NRCA model on the all-stations test split: accuracy ${evaluation.metrics.accuracy.toFixed(4)} (paper ${PAPER_CNN.nrcaOnAllStations.accuracy})`);
    step("(c) NRCA model on the all-stations test split");
  } finally {
    nrcaRun.model.dispose();
  }

  // (d) leave one station out: each fold's model on every trace of the station it did not see.
  let leaveOneStationOut: LeaveOneStationOutResult | null = null;
  if (config.leaveOneOut !== false) {
    const folds: LeaveOneStationOutFold[] = [];
    for (const [station, plan] of foldPlans) {
      const e = await run(plan, undefined);
      try {
        const heldOutIndex: number[] = [];
        images.entries.forEach((entry, i) => {
          if (entry.station === station && (entry.label === 0 || entry.label === 1)) heldOutIndex.push(i);
        });
        const heldOutSet = takeImageSubset(images, heldOutIndex, `${where}: held-out station ${station}`);
        const evaluation = evaluateCnnOnSubset(e.model, heldOutSet, `${where}: held-out station ${station}`);
        folds.push({
          station,
          experiment: summarize(e),
          heldOut: evaluation.metrics,
          heldOutPredictions: evaluation.predictions,
          heldOutTraceNames: heldOutSet.traceNames,
          heldOutLabels: heldOutSet.labels,
        });
      } catch (error) {
        e.model.dispose();
        throw error;
      }
      const fold = folds[folds.length - 1];
      if (log) log(`leave-one-station-out ${station}: held-out accuracy ${fold.heldOut.accuracy.toFixed(4)}, in-distribution ${fold.experiment.metrics.accuracy.toFixed(4)}`);
      table.push(row(plan.name, `all but ${station}`, station, fold.experiment, fold.heldOut, null));
      step(`(d) leave out ${station}`);
    }
    const predictionsFile = resultCsv("leave-one-station-out");
    savePredictionsCsv(predictionsFile, {
      predictions: concatPredictions(folds.map((f) => f.heldOutPredictions)),
      trueLabels: folds.flatMap((f) => Array.from(f.heldOutLabels)),
      traceNames: folds.flatMap((f) => f.heldOutTraceNames),
      stations: folds.flatMap((f) => f.heldOutTraceNames.map(() => f.station)),
    });
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    leaveOneStationOut = {
      epochs: config.leaveOneOut.epochs,
      maxTrainImages: config.leaveOneOut.maxTrainImages,
      folds,
      meanHeldOutAccuracy: mean(folds.map((f) => f.heldOut.accuracy)),
      meanInDistributionAccuracy: mean(folds.map((f) => f.experiment.metrics.accuracy)),
      predictionsFile,
    };
    files.leaveOneStationOut = writeResultJson(resultsDir, "cnn-leave-one-station-out.json", leaveOneOutJson(leaveOneStationOut));
  }

  // (e) the all-stations model with a split grouped by event.
  let groupedByEvent: CnnExperimentSummary | null = null;
  if (groupedPlan !== null) {
    groupedByEvent = summarize(await run(groupedPlan, resultCsv(groupedPlan.name)));
    files.groupedByEvent = writeResultJson(
      resultsDir,
      `cnn-${groupedPlan.name}.json`,
      experimentJson(groupedByEvent, "(e) all-stations model, 70/15/15 split grouped by event: no source_id in two splits (beyond the paper)", null),
    );
    table.push(row(groupedPlan.name, "all", "all", groupedByEvent, groupedByEvent.metrics, null));
    step("(e) all-stations model, grouped by event");
  }

  const trained = [nrca, allStations, ...(leaveOneStationOut?.folds.map((f) => f.experiment) ?? []), ...(groupedByEvent ? [groupedByEvent] : [])];
  files.summary = path.join(resultsDir, "cnn-experiments.json");
  const result: CnnExperimentsResult = {
    config,
    backend: nrca.backend,
    nrca,
    allStations,
    nrcaOnAllStations,
    leaveOneStationOut,
    groupedByEvent,
    table,
    files,
    seconds: (performance.now() - start) / 1000,
    trainSeconds: trained.reduce((s, e) => s + e.trainSeconds, 0),
  };
  writeResultJson(resultsDir, "cnn-experiments.json", summaryJson(result, images));
  if (log) log(`CNN experiments done in ${result.seconds.toFixed(0)} s (${result.trainSeconds.toFixed(0)} s of training); results in ${resultsDir}`);
  return result;
}

/** Worker threads for the trainings: the caller's number, else every core when there are two or more and workers can start. */
function resolveWorkers(requested: number | undefined, where: string): number {
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 0) throw new InputError(where, `workers must be an integer >= 0, got ${requested}`);
    return requested;
  }
  const cores = defaultWorkerCount();
  return cores >= 2 && canTrainInWorkers() ? cores : 0;
}

/** Training samples a plan will process (training images x epochs), to schedule the longest first. */
function trainingCost(plan: CnnTrainingPlan, images: ImageSet): number {
  const wanted = plan.stations === undefined || plan.stations === "all" ? null : new Set(plan.stations);
  const n = images.entries.filter((e) => (e.label === 0 || e.label === 1) && (wanted === null || wanted.has(e.station))).length;
  return Math.min(Math.floor(CNN_SPLIT_FRACTIONS.train * n), plan.maxTrainImages ?? Infinity) * (plan.epochs ?? 10);
}

function pickScores(m: ClassificationMetrics): { accuracy: number; precision: number; recall: number; f1: number } {
  return { accuracy: m.accuracy, precision: m.precision, recall: m.recall, f1: m.f1 };
}

function row(experiment: string, trainedOn: string, testedOn: string, e: CnnExperimentSummary, m: ClassificationMetrics, paperAccuracy: number | null): CnnResultRow {
  return {
    experiment,
    trainedOn,
    testedOn,
    split: e.config.split,
    nTrain: e.nTrain,
    nTest: m.n,
    ...pickScores(m),
    paperAccuracy,
    fromCache: e.fromCache,
    seconds: e.seconds,
  };
}

/** Scores of the predictions at positions `keep`. */
function evaluateSubsetOf(predicted: Uint8Array, labels: Uint8Array, keep: number[], stations: readonly string[]): ClassificationMetrics {
  return evaluateClassifier(
    keep.map((k) => labels[k]),
    keep.map((k) => predicted[k]),
    { stations: keep.map((k) => stations[k]) },
  );
}

function concatPredictions(parts: readonly CnnPredictions[]): CnnPredictions {
  const n = parts.reduce((s, p) => s + p.labels.length, 0);
  const out: CnnPredictions = { logits: new Float32Array(2 * n), probabilities: new Float32Array(2 * n), labels: new Uint8Array(n) };
  let offset = 0;
  for (const p of parts) {
    out.logits.set(p.logits, 2 * offset);
    out.probabilities.set(p.probabilities, 2 * offset);
    out.labels.set(p.labels, offset);
    offset += p.labels.length;
  }
  return out;
}

// ---- result files --------------------------------------------------------------------------------------

const SCORES = ["accuracy", "precision", "recall", "f1"] as const;

function experimentJson(e: CnnExperimentSummary, description: string, paper: Partial<Record<(typeof SCORES)[number] | "nTrain" | "nVal" | "nTest", number>> | null): unknown {
  return {
    format: "seismic-xai/cnn-experiment-result",
    version: 1,
    name: e.name,
    description,
    config: e.config,
    data: { stations: e.config.stations, nEvents: e.nEvents, nTrain: e.nTrain, nTrainAvailable: e.nTrainAvailable, nVal: e.nVal, nTest: e.nTest },
    metrics: e.metrics,
    paper,
    comparison: paper === null ? [] : SCORES.filter((q) => paper[q] !== undefined).map((q) => ({ quantity: q, paper: paper[q], ours: e.metrics[q] })),
    history: e.history,
    model: { dir: e.modelDir, key: e.key, fromCache: e.fromCache, resumedFromEpoch: e.resumedFromEpoch },
    backend: e.backend,
    timing: { seconds: e.seconds, trainSeconds: e.trainSeconds, samplesPerSecond: e.samplesPerSecond },
    predictionsFile: e.predictionsFile,
  };
}

function crossJson(nrca: CnnExperimentSummary, all: CnnExperimentSummary, c: CrossStationEvaluation): unknown {
  return {
    format: "seismic-xai/cnn-experiment-result",
    version: 1,
    name: "nrca-on-all-stations",
    description:
      "(c) the NRCA-only model (a) applied to the all-stations test split of (b), per station (paper section 3). Both splits are random over traces, " +
      "so some NRCA test traces of (b) were training traces of (a), as in the paper; otherStations leaves NRCA out.",
    model: { name: nrca.name, dir: nrca.modelDir, key: nrca.key, stations: nrca.config.stations },
    testSplitOf: { name: all.name, key: all.key, nTest: all.nTest },
    metrics: c.metrics,
    otherStations: c.otherStations,
    nSeenInTraining: c.nSeenInTraining,
    paper: PAPER_CNN.nrcaOnAllStations,
    comparison: [{ quantity: "accuracy", paper: PAPER_CNN.nrcaOnAllStations.accuracy, ours: c.metrics.accuracy }],
    backend: nrca.backend,
    timing: { seconds: c.seconds },
    predictionsFile: c.predictionsFile,
  };
}

function leaveOneOutJson(r: LeaveOneStationOutResult): unknown {
  return {
    format: "seismic-xai/cnn-leave-one-station-out",
    version: 1,
    description:
      "(d) for each station, a CNN2D trained on the other stations (random 70/15/15 split of their traces) and tested on every trace of the " +
      "left-out station (heldOut), beside its accuracy on the 15% test split of the stations it was trained on (inDistribution). Beyond the paper.",
    tradeOff:
      `each fold trains ${r.epochs} epoch(s) on ${r.maxTrainImages === null ? "its whole training split" : `at most ${r.maxTrainImages} images of its training split`} ` +
      "to fit nine trainings in the time budget; the in-distribution accuracy shows what that costs, so the gap to the held-out accuracy measures generalisation.",
    config: { epochs: r.epochs, maxTrainImages: r.maxTrainImages },
    meanHeldOutAccuracy: r.meanHeldOutAccuracy,
    meanInDistributionAccuracy: r.meanInDistributionAccuracy,
    table: r.folds.map((f) => ({
      station: f.station,
      heldOutAccuracy: f.heldOut.accuracy,
      inDistributionAccuracy: f.experiment.metrics.accuracy,
      nHeldOut: f.heldOut.n,
      nTrain: f.experiment.nTrain,
      nTrainAvailable: f.experiment.nTrainAvailable,
      nInDistributionTest: f.experiment.nTest,
      fromCache: f.experiment.fromCache,
      seconds: f.experiment.seconds,
    })),
    folds: r.folds.map((f) => ({
      station: f.station,
      heldOut: f.heldOut,
      inDistribution: f.experiment.metrics,
      history: f.experiment.history,
      model: { dir: f.experiment.modelDir, key: f.experiment.key, fromCache: f.experiment.fromCache },
      trainedOn: f.experiment.config.stations,
    })),
    predictionsFile: r.predictionsFile,
  };
}

function summaryJson(r: CnnExperimentsResult, images: ImageSet): unknown {
  const labelled = images.entries.filter((e) => e.label === 0 || e.label === 1);
  return {
    format: "seismic-xai/cnn-experiments",
    version: 1,
    config: r.config,
    data: {
      nImages: labelled.length,
      nEvents: new Set(labelled.map((e) => e.source_id)).size,
      stations: [...new Set(labelled.map((e) => e.station))].sort(),
    },
    backend: r.backend,
    paper: PAPER_CNN,
    table: r.table,
    leaveOneStationOut:
      r.leaveOneStationOut === null
        ? null
        : { meanHeldOutAccuracy: r.leaveOneStationOut.meanHeldOutAccuracy, meanInDistributionAccuracy: r.leaveOneStationOut.meanInDistributionAccuracy },
    files: r.files,
    timing: { seconds: r.seconds, trainSeconds: r.trainSeconds },
  };
}
