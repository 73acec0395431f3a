/**
 * One CNN experiment of the paper (section 3 of docs/paper-pipeline.md) as one call: choose the stations'
 * foreshocks and aftershocks in the spectrogram-image cache, split them 70/15/15 (at random over traces as
 * the paper did, or grouped by event so that no source_id is on two sides), train the CNN2D (Adam 1e-3,
 * batch 32, 10 epochs, last epoch kept, inputs standardised with the training images' statistics), score
 * the test split and save its predictions.
 *
 * Trained models are cached. Each configuration gets the folder `<cacheDir>/<name>-<key>`, where the key
 * hashes every setting that changes the weights together with the training images themselves (names, labels,
 * bytes), so a stale model is never reused and nothing has to be invalidated by hand:
 *   checkpoint/       trainCnn's checkpoint after each epoch (an interrupted run resumes from it)
 *   model/            the final model, standard tf.js layers format (model.json + weights.<hash>.bin)
 *   experiment.json   written last: the model is complete; holds the config and the training history
 *   .lock             held by the run training or reading this configuration (lib/core/cache-lock)
 * The checkpoint is removed once the model is saved.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { buildCnn2d } from "../cnn/architecture";
import { ensureBackend } from "../cnn/backend";
import type { ClassificationMetrics } from "../cnn/evaluate";
import { loadCnn, saveCnn } from "../cnn/io";
import { getCnnMetadata, type EpochRecord } from "../cnn/metadata";
import type { CnnPredictions } from "../cnn/predict";
import type { Standardization } from "../cnn/standardize";
import { trainCnn } from "../cnn/train";
import { writeJsonAtomic } from "../core/atomic";
import { acquireLock, lockFileOf } from "../core/cache-lock";
import { assertWritableDir } from "../core/fs-errors";
import { InputError } from "../core/errors";
import { cacheDir as defaultCacheRoot } from "../core/paths";
import type { ProgressFn } from "../core/progress";
import { Rng } from "../core/rng";
import { groupedSplit, randomSplit, type DatasetSplit } from "../data/split";
import { findStation } from "../data/stations";
import { loadImageSet, readImageCacheManifest, type ImageCacheEntry, type ImageSet } from "../spectrogram/image-cache";
import { evaluateCnnOnSubset } from "./cnn-evaluation";
import { takeImageSubset, type ImageSubset } from "./cnn-image-subset";
import { displayPath } from "../core/display-path";

/** How traces are split: at random over traces (the paper), or whole events (source_id) at random. */
export type CnnSplit = "random" | "grouped-by-event";

/** The paper's split fractions (train / validation / test). */
export const CNN_SPLIT_FRACTIONS = { train: 0.7, val: 0.15, test: 0.15 } as const;

/** The paper's learning rate (Adam). */
const LEARNING_RATE = 1e-3;
const MARKER = "experiment.json";
const MARKER_FORMAT = "seismic-xai/cnn-experiment-model";
/**
 * Part of every model's cache key: raised whenever the training arithmetic changes the trained bytes, so that a
 * model cached by the earlier code is trained again instead of reused (2: the batch-norm blocks' elementwise
 * passes in float32, lib/cnn/batch-norm-block.ts).
 */
const KEY_VERSION = 2;

/** Options of `trainCnnExperiment`. */
export interface CnnExperimentOptions {
  /** Names the experiment in logs, errors and cache folders: lower-case letters, digits and dashes. */
  readonly name: string;
  /** Folder of the spectrogram-image cache (`buildImageCache`). */
  readonly imageCacheDir: string;
  /**
   * The cache already loaded with `loadImageSet(imageCacheDir)` (any filter keeping the wanted stations),
   * so that several experiments decode the PNGs once. @default loaded here (the chosen stations only)
   */
  readonly images?: ImageSet;
  /** Station codes (receiver_name) whose traces are used, or "all". @default "all" */
  readonly stations?: readonly string[] | "all";
  readonly split: CnnSplit;
  /** Seed of the split, the training-image cap, the weight initialisation and the shuffling. @default 42 */
  readonly seed?: number;
  /** @default 10 (the paper) */
  readonly epochs?: number;
  /** @default 32 (the paper) */
  readonly batchSize?: number;
  /**
   * Train on a seeded sample of at most this many images of the training split (validation and test splits
   * keep their size): fewer images train proportionally faster, at some cost in accuracy. @default no cap
   */
  readonly maxTrainImages?: number;
  /** Folder of the cached models (see the file comment). @default data/cache/cnn */
  readonly cacheDir?: string;
  /** CSV of the test predictions. @default test-predictions.csv in the experiment's cache folder */
  readonly predictionsFile?: string;
  /** Called after each epoch, once its checkpoint is written (throwing there interrupts the run resumably). */
  readonly onEpoch?: (record: EpochRecord) => void;
  /** Called after each training batch with (samples done, epochs x training images, label): see trainCnn. */
  readonly onBatch?: ProgressFn;
  /** One line per step (cache reuse, resume, epochs); `false` for silence. @default console.log */
  readonly log?: ((line: string) => void) | false;
}

/** The settings of an experiment, defaults filled in. */
export interface CnnExperimentConfig {
  readonly name: string;
  /** Stations used, sorted. */
  readonly stations: readonly string[];
  readonly split: CnnSplit;
  readonly fractions: typeof CNN_SPLIT_FRACTIONS;
  readonly seed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** null: every image of the training split. */
  readonly maxTrainImages: number | null;
  readonly imageCacheDir: string;
}

/** Result of `trainCnnExperiment`. */
export interface CnnExperiment {
  readonly name: string;
  readonly config: CnnExperimentConfig;
  /** Hash of the configuration and training data; names the cache folder. */
  readonly key: string;
  /** One record per epoch (loss, accuracy, validation accuracy, seconds), as trained. */
  readonly history: readonly EpochRecord[];
  /** Scores on the test split, per station included. */
  readonly metrics: ClassificationMetrics;
  /** Images the model was trained on (after the cap). */
  readonly nTrain: number;
  /** Images of the training split before the cap. */
  readonly nTrainAvailable: number;
  readonly nVal: number;
  readonly nTest: number;
  /** Distinct events (source_id) among the chosen traces. */
  readonly nEvents: number;
  /** The image set the positions below refer to (the one passed in, or the one loaded). */
  readonly images: ImageSet;
  /** Positions in `images.entries` of the training images (after the cap), validation and test images. */
  readonly trainIndex: Int32Array;
  readonly valIndex: Int32Array;
  readonly testIndex: Int32Array;
  /** trace_name of each test image, in `testIndex` order. */
  readonly testTraceNames: readonly string[];
  /** Test predictions, in `testIndex` order. */
  readonly predictions: CnnPredictions;
  /** The trained model; the caller disposes it (`model.dispose()`). */
  readonly model: tf.LayersModel;
  /** Folder holding the saved model.json (load it again with `loadCnn`). */
  readonly modelDir: string;
  readonly predictionsFile: string;
  /** True when a finished model of the same configuration was loaded instead of trained. */
  readonly fromCache: boolean;
  /** Epochs taken from an interrupted run's checkpoint (0 when trained from scratch or reused). */
  readonly resumedFromEpoch: number;
  readonly standardization: Standardization;
  /** The tf.js backend that ran this call. */
  readonly backend: string;
  /** Training throughput of this call in samples per second; null when the model was reused. */
  readonly samplesPerSecond: number | null;
  /** Wall time of the training (0 when reused) and of the whole call, in seconds. */
  readonly trainSeconds: number;
  readonly seconds: number;
}

interface ModelMarker {
  readonly format: typeof MARKER_FORMAT;
  readonly key: string;
  readonly config: CnnExperimentConfig;
  readonly history: readonly EpochRecord[];
  readonly backend: string;
  readonly trainSeconds: number;
  readonly samplesPerSecond: number;
  readonly resumedFromEpoch: number;
}

/**
 * Trains (or reuses, or resumes) one CNN experiment and scores it on its test split; see the file comment.
 * The images are the chosen stations' traces with a binary label (pre = foreshock 0, post = aftershock 1;
 * visso traces are left out). The test predictions go to `predictionsFile` as CSV.
 *
 * @throws InputError naming the experiment for an unknown station, a station without foreshocks or
 *   aftershocks in the cache, a split left empty, a single-class training set, or bad settings
 */
export async function trainCnnExperiment(options: CnnExperimentOptions): Promise<CnnExperiment> {
  const start = performance.now();
  const log = options.log === undefined ? (line: string) => console.log(line) : options.log;
  const { name, where, config, images, nEvents, nTrainAvailable, trainIndex, valIndex, testIndex, train, val, test, key, experimentDir, modelDir } = prepareExperiment(options);
  const { stations, seed, epochs, batchSize } = config;
  const backend = await ensureBackend();
  // Before the first epoch: an unwritable cache folder fails now, not after the training; one run at a time
  // trains a configuration (a second waits, then reuses the model).
  assertWritableDir(experimentDir, `the model of ${name}`);
  const lock = await acquireLock(lockFileOf(experimentDir), { purpose: `the model of ${name}`, log });
  let model: tf.LayersModel | null = null;
  try {
    let marker = readMarker(experimentDir, key);
    let fromCache = false;
    if (marker !== null) {
      try {
        model = await loadCnn(modelDir);
        const trainedEpochs = getCnnMetadata(model)?.training?.epochs;
        if (trainedEpochs !== epochs) throw new Error(`the saved model was trained for ${trainedEpochs ?? "no"} epochs, not ${epochs}`);
        fromCache = true;
        if (log) log(`${name}: reusing the trained model in ${displayPath(modelDir)} (same settings and training images, key ${key}); no training`);
      } catch (e) {
        model?.dispose();
        model = null;
        marker = null;
        if (log) log(`${name}: the cached model in ${displayPath(modelDir)} cannot be used (${(e as Error).message}); training again`);
      }
    }
    if (marker === null) {
      const trainStart = performance.now();
      const checkpointDir = path.join(experimentDir, "checkpoint");
      model = buildCnn2d({ seed });
      if (log) log(`${name}: ${stations.length === 1 ? `station ${stations[0]}` : `${stations.length} stations`}, ${options.split} split, ${train.n} training images${train.n < nTrainAvailable ? ` (of ${nTrainAvailable})` : ""}, ${val.n} validation, ${test.n} test`);
      const trained = await trainCnn(model, {
        train,
        val,
        epochs,
        batchSize,
        learningRate: LEARNING_RATE,
        seed,
        checkpointDir,
        resume: true,
        onEpoch: options.onEpoch,
        onBatch: options.onBatch,
        log,
      });
      await saveCnn(model, modelDir);
      marker = {
        format: MARKER_FORMAT,
        key,
        config,
        history: trained.history,
        backend: trained.backend,
        trainSeconds: (performance.now() - trainStart) / 1000,
        samplesPerSecond: trained.samplesPerSecond,
        resumedFromEpoch: trained.resumedFromEpoch,
      };
      writeJsonAtomic(path.join(experimentDir, MARKER), marker);
      fs.rmSync(checkpointDir, { recursive: true, force: true });
    }
    const standardization = getCnnMetadata(model as tf.LayersModel)?.standardization as Standardization;
    const predictionsFile = options.predictionsFile ?? path.join(experimentDir, "test-predictions.csv");
    const evaluation = evaluateCnnOnSubset(model as tf.LayersModel, test, `${where}: test split`, predictionsFile);
    if (log) log(`${name}: test accuracy ${evaluation.metrics.accuracy.toFixed(4)} on ${test.n} images`);
    return {
      name,
      config,
      key,
      history: marker.history,
      metrics: evaluation.metrics,
      nTrain: train.n,
      nTrainAvailable,
      nVal: val.n,
      nTest: test.n,
      nEvents,
      images,
      trainIndex,
      valIndex,
      testIndex,
      testTraceNames: test.traceNames,
      predictions: evaluation.predictions,
      model: model as tf.LayersModel,
      modelDir,
      predictionsFile,
      fromCache,
      resumedFromEpoch: fromCache ? 0 : marker.resumedFromEpoch,
      standardization,
      backend,
      samplesPerSecond: fromCache ? null : marker.samplesPerSecond,
      trainSeconds: fromCache ? 0 : marker.trainSeconds,
      seconds: (performance.now() - start) / 1000,
    };
  } catch (e) {
    model?.dispose();
    throw e;
  } finally {
    lock.release();
  }
}

/**
 * Whether `trainCnnExperiment(options)` would find a finished model in its cache (and so train nothing).
 * Runs the same checks, split and key computation, which take well under a second.
 *
 * @throws InputError as trainCnnExperiment does for bad options
 */
export function isCnnExperimentCached(options: CnnExperimentOptions): boolean {
  const { experimentDir, key } = prepareExperiment(options);
  return readMarker(experimentDir, key) !== null;
}

/** Everything trainCnnExperiment settles before touching tf.js: checked settings, split, images, cache key. */
function prepareExperiment(options: CnnExperimentOptions) {
  const { name, imageCacheDir } = options;
  if (typeof name !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new InputError("trainCnnExperiment", `name must be lower-case letters, digits and dashes (it names files), got ${JSON.stringify(name)}`);
  }
  const where = `trainCnnExperiment "${name}"`;
  const seed = options.seed ?? 42;
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 32;
  const maxTrainImages = options.maxTrainImages ?? null;
  if (options.split !== "random" && options.split !== "grouped-by-event") {
    throw new InputError(where, `split must be "random" or "grouped-by-event", got ${JSON.stringify(options.split)}`);
  }
  if (!Number.isSafeInteger(seed)) throw new InputError(where, `seed must be an integer, got ${seed}`);
  if (!Number.isInteger(epochs) || epochs < 1) throw new InputError(where, `epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(where, `batchSize must be a positive integer, got ${batchSize}`);
  if (maxTrainImages !== null && (!Number.isInteger(maxTrainImages) || maxTrainImages < 2)) {
    throw new InputError(where, `maxTrainImages must be an integer >= 2 (one image per class at least), got ${maxTrainImages}`);
  }

  const labelled = (e: ImageCacheEntry) => e.label === 0 || e.label === 1;
  const available = stationsWithLabels(options.images ? options.images.entries : readImageCacheManifest(imageCacheDir).entries);
  const stations = resolveStations(options.stations ?? "all", available, imageCacheDir, where);
  const wanted = new Set(stations);
  const images = options.images ?? loadImageSet(imageCacheDir, (e) => labelled(e) && wanted.has(e.station));
  const rows: number[] = [];
  images.entries.forEach((e, i) => {
    if (labelled(e) && wanted.has(e.station)) rows.push(i);
  });
  const chosen = rows.map((i) => images.entries[i]);
  const nEvents = new Set(chosen.map((e) => e.source_id)).size;

  const config: CnnExperimentConfig = {
    name,
    stations,
    split: options.split,
    fractions: CNN_SPLIT_FRACTIONS,
    seed,
    epochs,
    batchSize,
    learningRate: LEARNING_RATE,
    maxTrainImages,
    imageCacheDir: path.resolve(imageCacheDir),
  };
  const split = splitRows(chosen, config, where);
  const toSet = (local: Int32Array) => Int32Array.from(local, (k) => rows[k]);
  const nTrainAvailable = split.train.length;
  const trainIndex = toSet(capTraining(split.train, maxTrainImages, seed));
  const valIndex = toSet(split.val);
  const testIndex = toSet(split.test);
  const train = takeImageSubset(images, trainIndex, `${where}: training split`);
  assertBothClasses(train, stations, where);
  const val = takeImageSubset(images, valIndex, `${where}: validation split`);
  const test = takeImageSubset(images, testIndex, `${where}: test split`);

  const key = experimentKey(config, train, val);
  const experimentDir = path.join(options.cacheDir ?? defaultCacheRoot("cnn"), `${name}-${key}`);
  const modelDir = path.join(experimentDir, "model");
  return { name, where, config, images, nEvents, nTrainAvailable, trainIndex, valIndex, testIndex, train, val, test, key, experimentDir, modelDir };
}

/** Stations with at least one foreshock or aftershock among `entries`, sorted. */
function stationsWithLabels(entries: readonly ImageCacheEntry[]): string[] {
  return [...new Set(entries.filter((e) => e.label === 0 || e.label === 1).map((e) => e.station))].sort();
}

/** The requested stations, checked against the D-set's codes and the cache's content; sorted, unique. */
function resolveStations(requested: readonly string[] | "all", available: readonly string[], imageCacheDir: string, where: string): string[] {
  const held = available.length > 0 ? available.join(", ") : "no station";
  if (requested === "all") {
    if (available.length === 0) throw new InputError(where, `the image cache ${imageCacheDir} holds no foreshock or aftershock traces`);
    return available.slice();
  }
  if (!Array.isArray(requested) || requested.length === 0) {
    throw new InputError(where, `stations must be "all" or a non-empty list of station codes, got ${JSON.stringify(requested)}`);
  }
  for (const s of requested) {
    if (typeof s !== "string" || (findStation(s) === undefined && !available.includes(s))) {
      throw new InputError(where, `unknown station ${JSON.stringify(s)}: the image cache ${imageCacheDir} holds ${held}`);
    }
    if (!available.includes(s)) {
      throw new InputError(where, `no foreshock or aftershock traces of station ${s} in the image cache ${imageCacheDir} (it holds ${held})`);
    }
  }
  return [...new Set(requested)].sort();
}

/** The 70/15/15 split of the chosen traces; every split must hold images. */
function splitRows(chosen: readonly ImageCacheEntry[], config: CnnExperimentConfig, where: string): DatasetSplit {
  const { seed, fractions } = config;
  const split = config.split === "random" ? randomSplit(chosen, { seed, ...fractions }) : groupedSplit(chosen, { by: "source_id", seed, ...fractions });
  for (const part of ["train", "val", "test"] as const) {
    if (split[part].length === 0) {
      const unit = config.split === "random" ? `${chosen.length} traces` : `${chosen.length} traces of ${new Set(chosen.map((e) => e.source_id)).size} events`;
      throw new InputError(where, `the ${part} split is empty: ${unit} of ${config.stations.join(", ")} are too few for a 70/15/15 ${config.split} split`);
    }
  }
  return split;
}

/** A seeded sample of at most `cap` training positions, kept in ascending order. */
function capTraining(train: Int32Array, cap: number | null, seed: number): Int32Array {
  if (cap === null || train.length <= cap) return train;
  const pick = new Rng(`${seed}:max-train-images`).permutation(train.length).subarray(0, cap);
  return Int32Array.from(pick, (k) => train[k]).sort();
}

function assertBothClasses(train: ImageSubset, stations: readonly string[], where: string): void {
  let ones = 0;
  for (let i = 0; i < train.n; i++) ones += train.labels[i];
  if (ones === 0 || ones === train.n) {
    const only = ones === 0 ? "foreshocks (pre, label 0)" : "aftershocks (post, label 1)";
    throw new InputError(where, `single-class training set: all ${train.n} training images of ${stations.join(", ")} are ${only}; the classifier needs both periods`);
  }
}

/** First 16 hex digits of a SHA-256 over the settings that shape the model and the training and validation data. */
function experimentKey(config: CnnExperimentConfig, train: ImageSubset, val: ImageSubset): string {
  const { name: _name, imageCacheDir: _dir, ...settings } = config;
  const hash = createHash("sha256").update(JSON.stringify({ version: KEY_VERSION, architecture: "CNN2D", ...settings }));
  for (const set of [train, val]) {
    hash.update(JSON.stringify(set.traceNames));
    hash.update(set.labels);
    hash.update(set.images);
  }
  return hash.digest("hex").slice(0, 16);
}

/** The finished-model marker of `dir` when it is complete and matches `key`; null otherwise. */
function readMarker(dir: string, key: string): ModelMarker | null {
  const file = path.join(dir, MARKER);
  if (!fs.existsSync(file)) return null;
  try {
    const marker = JSON.parse(fs.readFileSync(file, "utf8")) as ModelMarker;
    return marker.format === MARKER_FORMAT && marker.key === key && Array.isArray(marker.history) ? marker : null;
  } catch {
    return null;
  }
}
