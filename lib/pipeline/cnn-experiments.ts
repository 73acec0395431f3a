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
 * Time budget (default data, 4,500 traces, on 2 cores): tf.js' wasm backend with our kernels trains on one
 * thread at about 180 samples/s (docs/tfjs-training.md), so the models are trained on one worker thread per
 * core (`workers`), two at a time, the longest first. (a) and (b) keep the paper's 10 epochs on their whole
 * training splits, 350 and 3,150 images: about 25 s and 3.5 min of one core. Nine full leave-one-station-out
 * trainings (2,800 images x 10 epochs each) would take half an hour more, so each fold defaults to 4 epochs
 * on at most 1,800 of its 2,800 training images, about 40 s of one core; the folds run on the second core
 * while (b) trains, and the whole run takes about 6 min of wall time. The cost is in-distribution accuracy (about 0.9 instead of
 * (b)'s 0.99), reported beside the held-out station's so that the gap between the two measures
 * generalisation and not under-training. The grouped-by-event variant (e) adds another (b): off by default.
 */
import fs from "node:fs";
import path from "node:path";
import { CNN_CLASS_NAMES } from "../cnn/metadata";
import { evaluateClassifier, type ClassificationMetrics } from "../cnn/evaluate";
import type { EpochRecord } from "../cnn/metadata";
import type { CnnPredictions } from "../cnn/predict";
import { savePredictionsCsv } from "../cnn/save-predictions";
import { InputError } from "../core/errors";
import { cacheDir as defaultCacheRoot, resultsDir as defaultResultsDir } from "../core/paths";
import type { ProgressFn } from "../core/progress";
import { defaultWorkerCount } from "../core/worker";
import { loadImageSet, readImageCacheManifest, type ImageCacheEntry, type ImageSet } from "../spectrogram/image-cache";
import { evaluateCnnOnSubset } from "./cnn-evaluation";
import { CNN_SPLIT_FRACTIONS, isCnnExperimentCached, trainCnnExperiment, type CnnExperiment, type CnnSplit } from "./cnn-experiment";
import { takeImageSubset, type ImageSubset } from "./cnn-image-subset";
import { canTrainInWorkers, trainCnnExperimentsInWorkers, type CnnTrainingPlan, type CnnTrainingRun } from "./cnn-parallel-training";
import { writeResultJson } from "./results";
import { displayPath } from "../core/display-path";

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
  /**
   * Called as the evaluations begin and after each experiment, and after each training on a worker unless
   * `onTraining` is given: (steps done, steps in all, label).
   */
  readonly onProgress?: ProgressFn;
  /**
   * Called about every second while models train (on workers or in this thread): samples trained in this run
   * and samples to train in all (epochs x training images summed over the models not yet in the cache;
   * epochs a resumed model had done are not counted), with the names of the models training. Its ETA is the
   * one of the long part of the run.
   */
  readonly onTraining?: ProgressFn;
  /** Called after each epoch of a training in this thread (workers: 0), with the experiment's name. */
  readonly onEpoch?: (experiment: string, record: EpochRecord) => void;
  /** @default console.log; `false` for silence */
  readonly log?: ((line: string) => void) | false;
}

/** A trained experiment without its model and image set (the models are disposed; reload with loadCnnExperiment). */
export type CnnExperimentSummary = Omit<CnnExperiment, "model" | "images"> & {
  /** Class names by label, for the confusion matrix. */
  readonly classNames: readonly string[];
};

/** Result of (c): model (a) applied to the test split of (b). */
export interface CrossStationEvaluation {
  /** "nrca-on-all-stations". */
  readonly name: string;
  readonly classNames: readonly string[];
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

/** Every training of a run, by role, with the settings they share (`planCnnExperiments`). */
export interface CnnExperimentsPlan {
  readonly config: CnnExperimentsResult["config"];
  /** Stations with foreshocks or aftershocks in the image cache, sorted. */
  readonly stations: readonly string[];
  /** (a) and (b). */
  readonly nrca: CnnTrainingPlan;
  readonly allStations: CnnTrainingPlan;
  /** (d): per held-out station, its fold's training (empty when leaveOneOut is false). */
  readonly folds: ReadonlyMap<string, CnnTrainingPlan>;
  /** (e), or null. */
  readonly groupedByEvent: CnnTrainingPlan | null;
  /** Every training in the order the results are assembled. */
  readonly trainings: readonly CnnTrainingPlan[];
}

/**
 * Step 1 (plan): the trainings of experiments (a) to (e), each named (`nrca`, `all-stations`,
 * `loso-<station>`, `all-stations-grouped-by-event`) and with the options of `trainCnnExperiment`, for the
 * `stations` of the image cache. `runCnnExperiments` trains them; `loadCnnExperiment` finds one by name.
 *
 * @throws InputError for a bad worker count, or when leave-one-station-out is asked for with fewer than two stations
 */
export function planCnnExperiments(options: CnnExperimentsOptions, stations: readonly string[]): CnnExperimentsPlan {
  const where = "runCnnExperiments";
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
  if (config.leaveOneOut !== false && stations.length < 2) {
    throw new InputError(where, `leave-one-station-out needs at least two stations, the image cache ${options.imageCacheDir} holds ${stations.join(", ") || "none"} (pass leaveOneOut: false)`);
  }
  const cacheDir = options.cacheDir ?? defaultCacheRoot("cnn");
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
  const folds = new Map<string, CnnTrainingPlan>();
  if (config.leaveOneOut !== false) {
    for (const station of stations) {
      folds.set(station, {
        ...paperPlan(`loso-${station.toLowerCase()}`, stations.filter((s) => s !== station), "random"),
        epochs: config.leaveOneOut.epochs,
        maxTrainImages: config.leaveOneOut.maxTrainImages ?? undefined,
      });
    }
  }
  const nrca = paperPlan("nrca", [PAPER_CNN.station], "random");
  const allStations = paperPlan("all-stations", "all", "random");
  const groupedByEvent = config.groupedByEvent ? paperPlan("all-stations-grouped-by-event", "all", "grouped-by-event") : null;
  return { config, stations, nrca, allStations, folds, groupedByEvent, trainings: [nrca, allStations, ...folds.values(), ...(groupedByEvent ? [groupedByEvent] : [])] };
}

/** A trained experiment loaded by name, with its test split as an image subset that knows its axes. */
export interface LoadedCnnExperiment extends CnnExperiment {
  /** The test images (`test.image(i)` hands out image i with its axes, trace name and label). */
  readonly test: ImageSubset;
  readonly classNames: readonly string[];
  /** Frees the model's tensors (`model.dispose()`, without its tf.js report). */
  dispose(): void;
}

/**
 * Loads the model `name` (`nrca`, `all-stations`, `loso-<station>`, `all-stations-grouped-by-event`) that
 * `runCnnExperiments` trained with the same options (notebook 03, `studySettings().cnn`), scores it on its test
 * split again, and returns it with that split: notebooks 04 and 05 explain the models notebook 03 trained.
 * Trains nothing: a model not in the cache is an error that says to run notebook 03 first. Dispose the model
 * when done (`experiment.dispose()`).
 *
 * @throws InputError for an unknown name (listing the known ones), a missing image cache, or a model that is
 *   not in the cache
 */
export async function loadCnnExperiment(name: string, options: CnnExperimentsOptions): Promise<LoadedCnnExperiment> {
  const where = `loadCnnExperiment "${name}"`;
  if (!fs.existsSync(options.imageCacheDir)) {
    throw new InputError(where, `no image cache in ${options.imageCacheDir}: run notebook 02 (the images) and notebook 03 (the models) first`);
  }
  const labelled = (e: ImageCacheEntry) => e.label === 0 || e.label === 1;
  const stations = [...new Set(readImageCacheManifest(options.imageCacheDir).entries.filter(labelled).map((e) => e.station))].sort();
  const plan = planCnnExperiments({ ...options, workers: 0 }, stations);
  const training = plan.trainings.find((p) => p.name === name);
  if (!training) throw new InputError(where, `no such experiment: the CNN experiments of these settings are ${plan.trainings.map((p) => p.name).join(", ")}`);
  const wanted = training.stations === "all" || training.stations === undefined ? null : new Set(training.stations);
  const images = options.images ?? loadImageSet(options.imageCacheDir, (e) => labelled(e) && (wanted === null || wanted.has(e.station)));
  if (!isCnnExperimentCached({ ...training, images })) {
    throw new InputError(
      where,
      `the model is not in the cache ${training.cacheDir}: run notebook 03 first (it trains the models of these settings: ${plan.config.epochs} epochs, seed ${plan.config.seed})`,
    );
  }
  const experiment = await trainCnnExperiment({ ...training, images, log: options.log });
  return {
    ...experiment,
    test: takeImageSubset(experiment.images, experiment.testIndex, `${name} test split`),
    classNames: CNN_CLASS_NAMES,
    dispose: () => {
      experiment.model.dispose();
    },
  };
}

/**
 * Runs experiments (a) to (e) of the file comment in four steps: `planCnnExperiments` names every training;
 * the models not yet in the cache are trained on worker threads, the longest first (`trainCnnExperimentsInWorkers`,
 * with `workers` > 0) so every core trains; each experiment is then evaluated from its cached model and its
 * result file written atomically (`writeResultJson`) as soon as it is known; the summary `cnn-experiments.json`
 * comes last. The image cache is decoded once and shared. Trained models stay under `cacheDir` and are reused by
 * later runs (and by `loadCnnExperiment`).
 *
 * @throws InputError when the cache lacks NRCA's foreshocks or aftershocks, holds a single station while (d)
 *   is asked for, or for the errors of `trainCnnExperiment`
 */
export async function runCnnExperiments(options: CnnExperimentsOptions): Promise<CnnExperimentsResult> {
  const start = performance.now();
  const log = options.log === undefined ? (line: string) => console.log(line) : options.log;
  const resultsDir = options.resultsDir ?? defaultResultsDir();
  const images = options.images ?? loadImageSet(options.imageCacheDir, (e) => e.label === 0 || e.label === 1);
  const stations = [...new Set(images.entries.filter((e) => e.label === 0 || e.label === 1).map((e) => e.station))].sort();
  const plan = planCnnExperiments(options, stations);

  // Progress: the trainings' samples (onTraining); one step per experiment, after one per training sent to a
  // worker unless onTraining reports those.
  const pending = plan.trainings.filter((p) => !isCnnExperimentCached({ ...p, images }));
  const toTrain = plan.config.workers > 0 ? pending : [];
  const trainingSteps = options.onTraining ? 0 : toTrain.length;
  const nProgress = 3 + plan.folds.size + (plan.groupedByEvent ? 1 : 0) + trainingSteps;
  let progressDone = 0;
  const step = (label: string) => options.onProgress?.(++progressDone, nProgress, label);
  const training = trainingProgress(pending, images, options.onTraining);
  const workerRuns = await trainInWorkers(toTrain, images, plan.config.workers, log, trainingSteps > 0 ? step : () => {}, training);
  // The evaluations' own start, so that their time left is measured from here (formatProgress).
  options.onProgress?.(progressDone, nProgress, "evaluating");
  const run: CnnRunContext = { images, log, resultsDir, onEpoch: options.onEpoch, workerRuns, training };

  const files: Record<string, string> = {};
  const table: CnnResultRow[] = [];
  const paper = await evaluatePaperExperiments(plan, run);
  const written = writePaperResults(paper, resultsDir);
  Object.assign(files, written.files);
  table.push(...written.rows);
  if (log) log(`NRCA model on the all-stations test split: accuracy ${paper.nrcaOnAllStations.metrics.accuracy.toFixed(4)} (paper ${PAPER_CNN.nrcaOnAllStations.accuracy})`);
  for (const label of ["(a) NRCA-only model", "(b) all-stations model", "(c) NRCA model on the all-stations test split"]) step(label);

  let leaveOneStationOut: LeaveOneStationOutResult | null = null;
  if (plan.config.leaveOneOut !== false) {
    leaveOneStationOut = await evaluateLeaveOneStationOut(plan, run, plan.config.leaveOneOut, (fold) => {
      table.push(row(plan.folds.get(fold.station)!.name, `all but ${fold.station}`, fold.station, fold.experiment, fold.heldOut, null));
      step(`(d) leave out ${fold.station}`);
    });
    files.leaveOneStationOut = writeResultJson(resultsDir, "cnn-leave-one-station-out.json", leaveOneOutJson(leaveOneStationOut));
  }

  let groupedByEvent: CnnExperimentSummary | null = null;
  if (plan.groupedByEvent !== null) {
    const name = plan.groupedByEvent.name;
    groupedByEvent = summarize(await trainOrLoad(plan.groupedByEvent, run, resultCsv(resultsDir, name)));
    files.groupedByEvent = writeResultJson(
      resultsDir,
      `cnn-${name}.json`,
      experimentJson(groupedByEvent, "(e) all-stations model, 70/15/15 split grouped by event: no source_id in two splits (beyond the paper)", null),
    );
    table.push(row(name, "all", "all", groupedByEvent, groupedByEvent.metrics, null));
    step("(e) all-stations model, grouped by event");
  }

  const trained = [paper.nrca, paper.allStations, ...(leaveOneStationOut?.folds.map((f) => f.experiment) ?? []), ...(groupedByEvent ? [groupedByEvent] : [])];
  files.summary = path.join(resultsDir, "cnn-experiments.json");
  const result: CnnExperimentsResult = {
    config: plan.config,
    backend: paper.nrca.backend,
    nrca: paper.nrca,
    allStations: paper.allStations,
    nrcaOnAllStations: paper.nrcaOnAllStations,
    leaveOneStationOut,
    groupedByEvent,
    table,
    files,
    seconds: (performance.now() - start) / 1000,
    trainSeconds: trained.reduce((s, e) => s + e.trainSeconds, 0),
  };
  writeResultJson(resultsDir, "cnn-experiments.json", summaryJson(result, images));
  if (log) log(`CNN experiments done in ${result.seconds.toFixed(0)} s (${result.trainSeconds.toFixed(0)} s of training); results in ${displayPath(resultsDir)}`);
  return result;
}

/** What the evaluation steps share: the decoded images, the worker runs, where and how to report. */
interface CnnRunContext {
  readonly images: ImageSet;
  readonly workerRuns: ReadonlyMap<string, CnnTrainingRun>;
  readonly log: ((line: string) => void) | false;
  readonly resultsDir: string;
  readonly onEpoch: CnnExperimentsOptions["onEpoch"];
  readonly training: TrainingProgress;
}

/** The progress of several trainings as one: see CnnExperimentsOptions.onTraining. */
interface TrainingProgress {
  /** The training of `name` is at (done, total) samples. */
  update(name: string, done: number, total: number): void;
}

function trainingProgress(plans: readonly CnnTrainingPlan[], images: ImageSet, report: ProgressFn | undefined): TrainingProgress {
  // Until a training reports, its size is estimated from the plan; its first report fixes it.
  const estimates = plans.map((p) => trainingCost(p, images));
  const index = new Map(plans.map((p, i) => [p.name, i]));
  const seen = new Map<number, { first: number; done: number; total: number }>();
  return {
    update(name, done, total) {
      const i = index.get(name);
      if (i === undefined || report === undefined) return;
      const s = seen.get(i) ?? { first: done, done, total };
      seen.set(i, { ...s, done, total });
      let sumDone = 0;
      let sumTotal = 0;
      const names: string[] = [];
      for (let k = 0; k < plans.length; k++) {
        const r = seen.get(k);
        // A resumed training's first report counts its finished epochs: they are neither done nor to do here.
        sumDone += r ? r.done - r.first : 0;
        sumTotal += r ? r.total - r.first : estimates[k];
        if (r && r.done < r.total) names.push(plans[k].name);
      }
      report(sumDone, sumTotal, names.length > 0 ? names.join(", ") : "");
    },
  };
}

/** Step 2 (train): the plans not yet in the cache, on worker threads, longest first; by name. */
async function trainInWorkers(
  toTrain: readonly CnnTrainingPlan[],
  images: ImageSet,
  workers: number,
  log: ((line: string) => void) | false,
  step: (label: string) => void,
  training: TrainingProgress,
): Promise<Map<string, CnnTrainingRun>> {
  const runs = new Map<string, CnnTrainingRun>();
  if (toTrain.length === 0) return runs;
  const order = toTrain.slice().sort((a, b) => trainingCost(b, images) - trainingCost(a, images));
  const nWorkers = Math.min(workers, order.length);
  if (log) log(`training ${order.length} CNN2D model(s) on ${nWorkers} worker thread(s), longest first: ${order.map((p) => p.name).join(", ")}`);
  const done = await trainCnnExperimentsInWorkers(order, images, {
    workers: nWorkers,
    onProgress: (i, done, total) => training.update(order[i].name, done, total),
    onRun: (_done, _total, run) => {
      if (log) log(`${run.name}: trained in ${run.trainSeconds.toFixed(0)} s${run.resumedFromEpoch > 0 ? ` (resumed after epoch ${run.resumedFromEpoch})` : ""}, test accuracy ${run.testAccuracy.toFixed(4)}`);
      step(`trained ${run.name}`);
    },
  });
  for (const run of done) runs.set(run.name, run);
  return runs;
}

/** Trains or loads one plan's model in this thread; with a worker run, takes the training figures from it. */
async function trainOrLoad(plan: CnnTrainingPlan, run: CnnRunContext, predictionsFile: string | undefined): Promise<CnnExperiment> {
  const workerRun = run.workerRuns.get(plan.name);
  const onEpoch = run.onEpoch;
  const e = await trainCnnExperiment({
    ...plan,
    images: run.images,
    predictionsFile,
    onEpoch: onEpoch ? (r: EpochRecord) => onEpoch(plan.name, r) : undefined,
    onBatch: (done, total) => run.training.update(plan.name, done, total),
    log: workerRun ? false : run.log,
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
}

/** An experiment without its model (disposed here) and image set, with the class names its metrics use. */
function summarize(e: CnnExperiment): CnnExperimentSummary {
  const { model, images: _images, ...rest } = e;
  model.dispose();
  return { ...rest, classNames: CNN_CLASS_NAMES };
}

function resultCsv(resultsDir: string, name: string): string {
  return path.join(resultsDir, `cnn-${name}-predictions.csv`);
}

/**
 * Step 3 (evaluate), the paper's experiments: (a) the NRCA-only model, kept in memory for (c); (b) the
 * all-stations model; (c) model (a) on the test split of (b), per station and without NRCA.
 */
async function evaluatePaperExperiments(
  plan: CnnExperimentsPlan,
  run: CnnRunContext,
): Promise<{ nrca: CnnExperimentSummary; allStations: CnnExperimentSummary; nrcaOnAllStations: CrossStationEvaluation }> {
  const where = "runCnnExperiments";
  const nrcaRun = await trainOrLoad(plan.nrca, run, resultCsv(run.resultsDir, plan.nrca.name));
  try {
    const { model: _m, images: _i, ...nrcaRest } = nrcaRun;
    const nrca: CnnExperimentSummary = { ...nrcaRest, classNames: CNN_CLASS_NAMES };
    const allStations = summarize(await trainOrLoad(plan.allStations, run, resultCsv(run.resultsDir, plan.allStations.name)));
    const crossStart = performance.now();
    const test = takeImageSubset(run.images, allStations.testIndex, `${where}: all-stations test split`);
    const predictionsFile = resultCsv(run.resultsDir, "nrca-on-all-stations");
    const evaluation = evaluateCnnOnSubset(nrcaRun.model, test, `${where}: NRCA model on the all-stations test split`, predictionsFile);
    const others: number[] = [];
    test.stations.forEach((s, k) => {
      if (s !== PAPER_CNN.station) others.push(k);
    });
    const seen = new Set(nrca.trainIndex);
    const nrcaOnAllStations: CrossStationEvaluation = {
      name: "nrca-on-all-stations",
      classNames: CNN_CLASS_NAMES,
      metrics: evaluation.metrics,
      otherStations: others.length === 0 ? null : evaluateSubsetOf(evaluation.predictions.labels, test.labels, others, test.stations),
      nSeenInTraining: Array.from(allStations.testIndex).filter((i) => seen.has(i)).length,
      predictions: evaluation.predictions,
      predictionsFile,
      seconds: (performance.now() - crossStart) / 1000,
    };
    return { nrca, allStations, nrcaOnAllStations };
  } finally {
    nrcaRun.model.dispose();
  }
}

/** Step 4 (write), the paper's experiments: their result files and summary-table rows. */
function writePaperResults(
  paper: { nrca: CnnExperimentSummary; allStations: CnnExperimentSummary; nrcaOnAllStations: CrossStationEvaluation },
  resultsDir: string,
): { files: Record<string, string>; rows: CnnResultRow[] } {
  const { nrca, allStations, nrcaOnAllStations } = paper;
  const files = {
    nrca: writeResultJson(resultsDir, "cnn-nrca.json", experimentJson(nrca, "(a) NRCA-only model: random 70/15/15 split over NRCA's traces (paper section 3)", PAPER_CNN.nrca)),
    allStations: writeResultJson(
      resultsDir,
      "cnn-all-stations.json",
      experimentJson(allStations, "(b) all-stations model: random 70/15/15 split over every station's traces (paper section 3)", PAPER_CNN.allStations),
    ),
    nrcaOnAllStations: writeResultJson(resultsDir, "cnn-nrca-on-all-stations.json", crossJson(nrca, allStations, nrcaOnAllStations)),
  };
  const rows: CnnResultRow[] = [
    row("nrca", PAPER_CNN.station, PAPER_CNN.station, nrca, nrca.metrics, PAPER_CNN.nrca.accuracy),
    row("all-stations", "all", "all", allStations, allStations.metrics, PAPER_CNN.allStations.accuracy),
    {
      experiment: "nrca-on-all-stations",
      trainedOn: PAPER_CNN.station,
      testedOn: "all",
      split: "random",
      nTrain: nrca.nTrain,
      nTest: nrcaOnAllStations.metrics.n,
      ...pickScores(nrcaOnAllStations.metrics),
      paperAccuracy: PAPER_CNN.nrcaOnAllStations.accuracy,
      fromCache: nrca.fromCache,
      seconds: nrcaOnAllStations.seconds,
    },
  ];
  return { files, rows };
}

/** Step 3 (evaluate), (d): each fold's model on every trace of the station it did not see; `onFold` after each. */
async function evaluateLeaveOneStationOut(
  plan: CnnExperimentsPlan,
  run: CnnRunContext,
  settings: { readonly epochs: number; readonly maxTrainImages: number | null },
  onFold: (fold: LeaveOneStationOutFold) => void,
): Promise<LeaveOneStationOutResult> {
  const where = "runCnnExperiments";
  const folds: LeaveOneStationOutFold[] = [];
  for (const [station, foldPlan] of plan.folds) {
    const e = await trainOrLoad(foldPlan, run, undefined);
    let fold: LeaveOneStationOutFold;
    try {
      const heldOutIndex: number[] = [];
      run.images.entries.forEach((entry, i) => {
        if (entry.station === station && (entry.label === 0 || entry.label === 1)) heldOutIndex.push(i);
      });
      const heldOutSet = takeImageSubset(run.images, heldOutIndex, `${where}: held-out station ${station}`);
      const evaluation = evaluateCnnOnSubset(e.model, heldOutSet, `${where}: held-out station ${station}`);
      fold = {
        station,
        experiment: summarize(e),
        heldOut: evaluation.metrics,
        heldOutPredictions: evaluation.predictions,
        heldOutTraceNames: heldOutSet.traceNames,
        heldOutLabels: heldOutSet.labels,
      };
    } catch (error) {
      e.model.dispose();
      throw error;
    }
    folds.push(fold);
    if (run.log) run.log(`leave-one-station-out ${station}: held-out accuracy ${fold.heldOut.accuracy.toFixed(4)}, in-distribution ${fold.experiment.metrics.accuracy.toFixed(4)}`);
    onFold(fold);
  }
  const predictionsFile = resultCsv(run.resultsDir, "leave-one-station-out");
  savePredictionsCsv(predictionsFile, {
    predictions: concatPredictions(folds.map((f) => f.heldOutPredictions)),
    trueLabels: folds.flatMap((f) => Array.from(f.heldOutLabels)),
    traceNames: folds.flatMap((f) => f.heldOutTraceNames),
    stations: folds.flatMap((f) => f.heldOutTraceNames.map(() => f.station)),
  });
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return {
    epochs: settings.epochs,
    maxTrainImages: settings.maxTrainImages,
    folds,
    meanHeldOutAccuracy: mean(folds.map((f) => f.heldOut.accuracy)),
    meanInDistributionAccuracy: mean(folds.map((f) => f.experiment.metrics.accuracy)),
    predictionsFile,
  };
}

/**
 * The leave-one-station-out folds as a table (held-out station, its accuracy, the in-distribution accuracy,
 * training images), for `plots.table` and `nb.table`.
 */
export function leaveOneStationOutTable(result: Pick<CnnExperimentsResult, "leaveOneStationOut">): { columns: string[]; rows: (string | number)[][]; title: string } {
  const folds = result.leaveOneStationOut?.folds ?? [];
  return {
    columns: ["held-out station", "accuracy on it", "accuracy in distribution", "training images"],
    rows: folds.map((f) => [f.station, f.heldOut.accuracy.toFixed(3), f.experiment.metrics.accuracy.toFixed(3), f.experiment.nTrain]),
    title: "Leave-one-station-out CNN2D",
  };
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
