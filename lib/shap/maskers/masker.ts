/**
 * What a model-agnostic explainer needs from a masker (shap's `Masker` protocol; docs/design.md, "Maskers own
 * the partition tree"): how many players there are, the hierarchy over them, and a way to turn "which players
 * are present" into samples the model can evaluate. The ImageMasker is one implementation; tests use tiny
 * tabular ones.
 *
 * Mask convention (shap's): a mask is a Uint8Array of length nFeatures with 1 = keep the feature as in the
 * sample, 0 = hide it. A batch of masks is nMasks x nFeatures row-major.
 */
import type { FloatArray } from "../explainer";
import type { PartitionTree } from "./partition-tree";

export interface Masker {
  /** Number of players M (the mask length). */
  readonly nFeatures: number;
  /** Shape of one sample as the model receives it (for images [H, W, C]); its product is the sample length. */
  readonly sampleShape: readonly number[];
  /**
   * True when the all-hidden sample does not depend on the sample (constant fills): shap then evaluates the
   * base value once per explainer instead of once per sample, and so do we.
   */
  readonly fixedBackground: boolean;
  /** The hierarchy over the players (leaf j = mask position j). */
  partitionTree(): PartitionTree;
  /**
   * Prepares masking of one sample (flat, sampleShape row-major): validates it (throwing an InputError that
   * names `where`) and precomputes what every mask needs.
   */
  bind(sample: Float64Array, where: string): BoundMasker;
  /** A short text that identifies how the masker fills (used to fingerprint cached results). */
  describe?(): string;
  /** Releases resources (worker threads); the masker may not be used afterwards. */
  close?(): Promise<void>;
}

/** A masker bound to one sample. */
export interface BoundMasker {
  /**
   * Writes the masked sample for mask m (row m of `masks`, nMasks x nFeatures, 1 = keep) into
   * out[(outOffset + m) * sampleLength ...], for m in 0..nMasks-1.
   */
  fill(masks: Uint8Array, nMasks: number, out: FloatArray, outOffset: number): Promise<void>;
}
