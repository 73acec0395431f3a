/**
 * What a trained CNN2D carries besides its weights: the input standardisation (needed to use it at all),
 * the class names and how it was trained. Stored in the model's `userDefinedMetadata`, so it travels inside
 * the standard model.json under the key "seismicXai".
 */
import type * as tf from "@tensorflow/tfjs";
import { InputError } from "../core/errors";
import { assertStandardization, type Standardization } from "./standardize";

/** Key of our entry in model.json's userDefinedMetadata. */
export const CNN_METADATA_KEY = "seismicXai";

/** One epoch of training, as reported and stored. */
export interface EpochRecord {
  /** Epoch number, 1-based. */
  epoch: number;
  /** Mean cross-entropy over the epoch's training samples (training mode, before each step's update). */
  loss: number;
  /** Fraction of training samples classified correctly during the epoch (training mode). */
  accuracy: number;
  /** Accuracy on the validation split after the epoch (inference mode); null without one. */
  valAccuracy: number | null;
  /** Wall time of the epoch, validation included, in seconds. */
  seconds: number;
}

/** How a model was trained. */
export interface TrainingInfo {
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  nTrain: number;
  backend: string;
  history: EpochRecord[];
}

/** Our metadata entry. */
export interface CnnMetadata {
  /** Class names by output index. */
  classNames: string[];
  standardization?: Standardization;
  training?: TrainingInfo;
}

/** Class names of the CNN2D's two outputs. */
export const CNN_CLASS_NAMES = ["foreshock", "aftershock"];

/** Our metadata entry of `model`, or null when it has none (an untrained model from buildCnn2d). */
export function getCnnMetadata(model: tf.LayersModel): CnnMetadata | null {
  const all = model.getUserDefinedMetadata() as Record<string, unknown> | undefined;
  const entry = all?.[CNN_METADATA_KEY];
  return entry === undefined ? null : (entry as CnnMetadata);
}

/** Merges `patch` into our metadata entry of `model` (other keys of userDefinedMetadata are kept). */
export function setCnnMetadata(model: tf.LayersModel, patch: Partial<CnnMetadata>): void {
  const all = (model.getUserDefinedMetadata() as Record<string, unknown> | undefined) ?? {};
  const current = getCnnMetadata(model) ?? { classNames: CNN_CLASS_NAMES.slice() };
  model.setUserDefinedMetadata({ ...all, [CNN_METADATA_KEY]: { ...current, ...patch } });
}

/**
 * The standardisation stored with `model` (set by trainCnn, saved in model.json). Throws an InputError
 * naming `where` when the model has none: it was never trained, and images cannot be prepared for it.
 */
export function standardizationOf(model: tf.LayersModel, where: string): Standardization {
  const s = getCnnMetadata(model)?.standardization;
  if (s === undefined) {
    throw new InputError(where, "the model carries no input standardization (train it with trainCnn, or pass { standardization })");
  }
  assertStandardization(s, where);
  return s;
}
