/**
 * Training of the CNN2D as the paper does it (docs/paper-pipeline.md section 3): Adam with learning rate
 * 1e-3, softmax cross-entropy, batches of 32 shuffled with a seed, 10 epochs, the last epoch kept; inputs
 * standardised per channel with the mean and std of the training images only.
 *
 * A custom loop (gradients of the loss, then an Adam update) rather than model.fit: faster, and it
 * uses the fused batch-norm blocks on the cpu and wasm backends (training-forward.ts). Each epoch's order
 * is a permutation drawn from (seed, epoch), so a run resumed from a checkpoint after epoch k shuffles
 * epochs k+1.. exactly as the uninterrupted run does.
 */
import * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors";
import type { ProgressFn } from "../core/progress";
import { Rng } from "../core/rng";
import { Adam } from "./adam";
import { ensureBackend } from "./backend";
import { CNN_IMAGE_SIZE, CNN_INPUT_CHANNELS, CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH } from "./architecture";
import { readCnnCheckpoint, writeCnnCheckpoint, type CnnCheckpointState } from "./checkpoint";
import { cnnWeights } from "./cnn-weights";
import { DataParallelTrainer } from "./parallel-trainer";
import { foldCnn } from "./folded-inference";
import { setCnnMetadata, type EpochRecord } from "./metadata";
import { classifyLogits, logitsInBatches } from "./predict";
import { assertCnnImages, assertStandardization, computeStandardization, standardizeImages, type ImageData255, type Standardization } from "./standardize";
import { trainingForward, trainingPathOf, type TrainingPath } from "./training-forward";
import { displayPath } from "../core/display-path";

export type { EpochRecord } from "./metadata";

/** Images with their labels (0 = foreshock, 1 = aftershock). */
export interface LabeledImages {
  /** n x 33 x 153 x 3 values on 0..255, NHWC, channel fastest. */
  images: ImageData255;
  labels: ArrayLike<number>;
  n: number;
}

/** Options of `trainCnn`. */
export interface TrainCnnOptions {
  train: LabeledImages;
  /** Validation split, evaluated after each epoch. */
  val?: LabeledImages;
  /** @default 10 */
  epochs?: number;
  /** @default 32 */
  batchSize?: number;
  /** @default 1e-3 */
  learningRate?: number;
  /** Seed of the shuffling. @default 0 */
  seed?: number;
  /** Input standardisation; default: computed from the training images. */
  standardization?: Standardization;
  /** Called after each epoch (notebooks update their training-curve display here). */
  onEpoch?: (record: EpochRecord) => void;
  /**
   * Called before the first batch and after each batch with (samples done, samples of the whole training:
   * epochs x training images, label "epoch e/E"); a resumed training starts at the epochs already done.
   */
  onBatch?: ProgressFn;
  /** One line per epoch; `false` for silence. @default console.log */
  log?: ((line: string) => void) | false;
  /** Folder for a checkpoint after every epoch (see checkpoint.ts). */
  checkpointDir?: string;
  /** Continue from the checkpoint in `checkpointDir` when there is one. @default false */
  resume?: boolean;
  /** Training forward pass; default: fused on cpu and wasm, the layers API elsewhere. */
  path?: TrainingPath;
  /**
   * Worker threads that train this one model together (data-parallel, synchronised batch norm:
   * parallel-trainer.ts); 1 trains in this thread. Used on the wasm and cpu backends only (tfjs-node
   * threads its own kernels). The same seed and number of threads give the same bytes; other numbers of
   * threads agree to float32 rounding. @default 1
   */
  workers?: number;
}

/** Result of `trainCnn`. */
export interface TrainCnnResult {
  /** One record per epoch, including those done before a resume. */
  history: EpochRecord[];
  standardization: Standardization;
  backend: string;
  path: TrainingPath;
  /** Epochs already done when this call started (0 without a resume). */
  resumedFromEpoch: number;
  /** Training throughput of this call, validation excluded. */
  samplesPerSecond: number;
  /** Threads that trained (1: this thread). */
  workers: number;
}

/**
 * Trains `model` (from buildCnn2d or loadCnn) in place and stores the standardisation and training history
 * in its metadata (saved with it by saveCnn).
 *
 * @throws InputError on an empty split, labels other than 0/1, a single-class training set, images of the
 *   wrong size, or a checkpoint made with other settings
 */
export async function trainCnn(model: tf.LayersModel, options: TrainCnnOptions): Promise<TrainCnnResult> {
  const epochs = options.epochs ?? 10;
  const batchSize = options.batchSize ?? 32;
  const learningRate = options.learningRate ?? 1e-3;
  const seed = options.seed ?? 0;
  const log = options.log === undefined ? (line: string) => console.log(line) : options.log;
  if (!Number.isInteger(epochs) || epochs < 1) throw new InputError("trainCnn", `epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError("trainCnn", `batchSize must be a positive integer, got ${batchSize}`);
  if (!(learningRate > 0)) throw new InputError("trainCnn", `learningRate must be positive, got ${learningRate}`);
  assertLabeledImages(options.train, "trainCnn: train", true);
  if (options.val !== undefined) assertLabeledImages(options.val, "trainCnn: val", false);
  if (options.resume && options.checkpointDir === undefined) throw new InputError("trainCnn", "resume needs a checkpointDir");
  const requestedWorkers = options.workers ?? 1;
  if (!Number.isInteger(requestedWorkers) || requestedWorkers < 1) throw new InputError("trainCnn", `workers must be a positive integer, got ${requestedWorkers}`);
  try {
    cnnWeights(model);
  } catch (e) {
    throw new InputError("trainCnn: model", (e as Error).message);
  }
  const { train, val } = options;
  const backend = await ensureBackend();
  const workers = backend === "wasm" || backend === "cpu" ? requestedWorkers : 1;
  const path = workers > 1 ? "fused" : options.path ?? trainingPathOf();
  let standardization = options.standardization ?? computeStandardization(train.images, train.n);
  assertStandardization(standardization, "trainCnn: standardization");

  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const adam = new Adam(variables, { learningRate });
  const history: EpochRecord[] = [];
  let startEpoch = 0;
  let parallel: DataParallelTrainer | null = null;
  try {
    if (options.resume && options.checkpointDir !== undefined) {
      const cp = await readCnnCheckpoint(options.checkpointDir);
      if (cp !== null) {
        const s = cp.state;
        const settings = { seed, batchSize, learningRate, nTrain: train.n };
        const mismatch = (Object.keys(settings) as (keyof typeof settings)[]).find((k) => s[k] !== settings[k]);
        if (mismatch !== undefined) {
          cp.model.dispose();
          throw new InputError(options.checkpointDir, `the checkpoint was made with ${mismatch} = ${s[mismatch]}, this run has ${settings[mismatch]}: cannot resume`);
        }
        model.setWeights(cp.model.getWeights());
        cp.model.dispose();
        adam.setState(cp.adam);
        standardization = s.standardization;
        history.push(...s.history);
        startEpoch = s.epoch;
        if (log) log(`resuming from the checkpoint after epoch ${startEpoch} in ${displayPath(options.checkpointDir)}`);
      }
    }
    setCnnMetadata(model, { standardization });
    const threads = workers > 1 ? `, ${workers} threads` : "";
    if (log) log(`training CNN2D on ${train.n} images (${val ? `${val.n} validation, ` : ""}batch ${batchSize}, ${epochs} epochs) on ${backend} (${path} path${threads})`);
    if (workers > 1 && startEpoch < epochs) {
      parallel = await DataParallelTrainer.create(model, workers, batchSize, adam, standardization, train.images instanceof Float32Array ? "float32" : "uint8");
    }

    const labelsTrain = Int32Array.from(train.labels as ArrayLike<number>);
    const ownX = parallel === null ? new Float32Array(batchSize * CNN_IMAGE_SIZE) : null;
    const ownLabels = parallel === null ? new Int32Array(batchSize) : null;
    let trainSeconds = 0;
    let trainSamples = 0;
    // A first report before any batch tells a progress display where this run starts (a resumed training
    // has epochs done that its rate must not count).
    options.onBatch?.(startEpoch * train.n, epochs * train.n, `epoch ${Math.min(startEpoch + 1, epochs)}/${epochs}`);
    for (let epoch = startEpoch; epoch < epochs; epoch++) {
      const t0 = performance.now();
      const order = new Rng(`trainCnn:${seed}:epoch:${epoch}`).permutation(train.n);
      let lossSum = 0;
      let correct = 0;
      /**
       * Writes the batch starting at `start` of this epoch's order into the batch buffer, standardised here
       * or raw for the threads (which standardise their shares); its size.
       */
      const fillBatch = (start: number): number => {
        const labels = parallel?.labels ?? (ownLabels as Int32Array);
        const raw = parallel?.images ?? null;
        const b = Math.min(batchSize, train.n - start);
        for (let i = 0; i < b; i++) {
          const k = order[start + i];
          const image = train.images.subarray(k * CNN_IMAGE_SIZE, (k + 1) * CNN_IMAGE_SIZE);
          if (raw === null) standardizeImages(image, 1, standardization, (ownX as Float32Array).subarray(i * CNN_IMAGE_SIZE, (i + 1) * CNN_IMAGE_SIZE));
          else raw.set(image, i * CNN_IMAGE_SIZE);
          labels[i] = labelsTrain[k];
        }
        return b;
      };
      let b = fillBatch(0);
      let pending: Promise<{ loss: number; correct: number }> | null = parallel?.step(b) ?? null;
      for (let start = 0; start < train.n; start += batchSize) {
        const next = start + batchSize;
        let step: { loss: number; correct: number };
        let nextB = 0;
        let nextPending: Promise<{ loss: number; correct: number }> | null = null;
        if (parallel === null) {
          step = trainStep(model, adam, variables, (ownX as Float32Array).subarray(0, b * CNN_IMAGE_SIZE), (ownLabels as Int32Array).subarray(0, b), path);
          if (next < train.n) nextB = fillBatch(next);
        } else {
          // The next batch goes into the other buffer and is posted while the threads compute this one, so
          // that they go on to it without waiting for this thread (which two busy cores schedule late).
          if (next < train.n) {
            nextB = fillBatch(next);
            nextPending = parallel.step(nextB);
          }
          step = await (pending as Promise<{ loss: number; correct: number }>);
        }
        lossSum += step.loss * b;
        correct += step.correct;
        options.onBatch?.(epoch * train.n + start + b, epochs * train.n, `epoch ${epoch + 1}/${epochs}`);
        b = nextB;
        pending = nextPending;
      }
      // The threads kept the weights and Adam's moments: the model and the optimiser take them back for the
      // validation and the checkpoint.
      parallel?.sync(model);
      trainSeconds += (performance.now() - t0) / 1000;
      trainSamples += train.n;
      let valAccuracy: number | null = null;
      if (val !== undefined) {
        const folded = foldCnn(model);
        try {
          const { labels } = classifyLogits(logitsInBatches(folded, val.images, val.n, standardization, 256), val.n);
          let ok = 0;
          for (let i = 0; i < val.n; i++) if (labels[i] === val.labels[i]) ok++;
          valAccuracy = ok / val.n;
        } finally {
          folded.dispose();
        }
      }
      const record: EpochRecord = { epoch: epoch + 1, loss: lossSum / train.n, accuracy: correct / train.n, valAccuracy, seconds: (performance.now() - t0) / 1000 };
      history.push(record);
      setCnnMetadata(model, {
        standardization,
        training: { epochs: epoch + 1, batchSize, learningRate, seed, nTrain: train.n, backend, history: history.slice() },
      });
      if (log) {
        const v = valAccuracy === null ? "" : `, val accuracy ${valAccuracy.toFixed(4)}`;
        log(`epoch ${record.epoch}/${epochs}: loss ${record.loss.toFixed(4)}, accuracy ${record.accuracy.toFixed(4)}${v}, ${record.seconds.toFixed(1)} s`);
      }
      if (options.checkpointDir !== undefined) {
        const state: CnnCheckpointState = { epoch: epoch + 1, history: history.slice(), seed, batchSize, learningRate, nTrain: train.n, standardization };
        await writeCnnCheckpoint(options.checkpointDir, model, adam.getState(), state);
      }
      // After the checkpoint: a callback that throws (a notebook's stop, a failing display) interrupts the
      // run without losing the epoch just finished.
      options.onEpoch?.(record);
    }
    return {
      history,
      standardization,
      backend,
      path,
      resumedFromEpoch: startEpoch,
      samplesPerSecond: trainSeconds > 0 ? trainSamples / trainSeconds : 0,
      workers,
    };
  } finally {
    // Interrupted between steps (a callback threw), the model keeps the weights of the last step that ran:
    // with threads, that can be the step after the one the callback saw, already under way.
    await parallel?.settle();
    if (parallel?.usable) parallel.sync(model);
    adam.dispose();
    await parallel?.close();
  }
}

/** One optimisation step on a standardised batch; returns the batch's mean loss and correct count. */
function trainStep(
  model: tf.LayersModel,
  adam: Adam,
  variables: tf.Variable[],
  x: Float32Array,
  labels: Int32Array,
  path: TrainingPath,
): { loss: number; correct: number } {
  const b = labels.length;
  let correctT: tf.Tensor | null = null;
  const { value, grads } = tf.tidy(() => {
    const input = tf.tensor4d(x, [b, CNN_INPUT_HEIGHT, CNN_INPUT_WIDTH, CNN_INPUT_CHANNELS]);
    const labelT = tf.tensor1d(labels, "int32");
    const oneHot = tf.oneHot(labelT, 2);
    return tf.variableGrads(() => {
      const logits = trainingForward(model, input, path);
      correctT = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labelT), "int32")));
      return tf.losses.softmaxCrossEntropy(oneHot, logits) as tf.Scalar;
    }, variables);
  });
  adam.applyGradients(variables.map((v) => grads[v.name]));
  const loss = value.dataSync()[0];
  const correct = (correctT as tf.Tensor | null)?.dataSync()[0] ?? 0;
  tf.dispose([value, correctT as tf.Tensor | null, ...Object.values(grads)].filter((t): t is tf.Tensor => t !== null));
  return { loss, correct };
}

function assertLabeledImages(set: LabeledImages, where: string, isTrain: boolean): void {
  if (set === undefined || set === null) throw new InputError(where, "missing");
  if (set.n === 0) throw new InputError(where, "the split is empty (0 images)");
  assertCnnImages(set.images, set.n, where);
  if (set.labels.length !== set.n) throw new InputError(where, `${set.labels.length} labels for ${set.n} images`);
  let ones = 0;
  for (let i = 0; i < set.n; i++) {
    const l = set.labels[i];
    if (l !== 0 && l !== 1) throw new InputError(where, `label ${i} is ${l}, expected 0 (foreshock) or 1 (aftershock)`);
    ones += l;
  }
  if (isTrain && (ones === 0 || ones === set.n)) {
    throw new InputError(where, `single-class training set (all ${set.n} labels are ${ones === 0 ? 0 : 1}): the classifier needs both foreshocks (0) and aftershocks (1)`);
  }
}
